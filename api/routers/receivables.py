"""Invoices, notes and payments: mostly fed by systems (service role)."""

from __future__ import annotations

from fastapi import APIRouter

from api.write_route import command_route
from ledger.commands import receivables as r

invoices = APIRouter(prefix="/accounts/{account}", tags=["invoices"])
payments = APIRouter(prefix="/accounts/{account}", tags=["payments"])

command_route(invoices, "/invoices", r.IssueInvoice, {
    "invoice_id": "INV-2026-0042", "amount": "1250.00", "currency": "USD",
    "issue_date": "2026-03-01", "due_date": "2026-03-31", "reference": "PO-7781",
}, "Issue an invoice")
command_route(invoices, "/invoice-adjustments", r.AdjustInvoice, {
    "invoice_id": "INV-2026-0042", "note_id": "CN-0007", "kind": "credit", "amount": "50.00",
    "reason": "damaged goods",
}, "Apply a credit or debit note")
command_route(payments, "/payments", r.RecordPayment, {
    "payment_id": "PAY-88213", "amount": "800.00", "currency": "USD",
    "received_on": "2026-03-20", "reference": "BANK-REF-5521", "method": "bank_transfer",
    "allocations": [{"invoice_id": "INV-2026-0042", "amount": "800.00"}],
}, "Record a payment (allocated explicitly, or oldest due first)")
command_route(payments, "/payment-allocations", r.AllocatePayment, {
    "payment_id": "PAY-88213", "allocations": [{"invoice_id": "INV-2026-0043", "amount": "25.00"}],
}, "Allocate a payment's unapplied credit")
command_route(payments, "/payment-reversals", r.ReversePayment, {
    "payment_id": "PAY-88213", "reason": "bounced: insufficient funds",
}, "Reverse a payment (bounce or chargeback)")

ROUTERS = [invoices, payments]
