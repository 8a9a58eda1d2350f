"""This morning's bank statement for the demo portfolio, in the documented CSV layout.

So that a cashier trying the demo has a morning to work: about half the lines pay an owing
invoice naming it in the remittance (whole, or in part), some pay one by the customer's
name and the amount alone, and a few come from payers nobody knows; each line has a bank
reference, so importing it twice changes nothing. Built from the read models' owing
invoices with its own seeded `Random`, so the same portfolio gives the same statement.
Pure: the owing invoices are read by the caller.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from random import Random

from ledger.currencies import minor_units
from ledger.projections.owing_invoices import OwingInvoice

HEADER = ("date", "amount", "currency", "counterparty", "iban", "remittance", "reference")
UNKNOWN_PAYERS = ("Halvorsen Consulting AS", "Rio Verde Importadora Ltda", "M. Okafor")


def morning_statement(owing: list[OwingInvoice], day: date, seed: int,
                      lines: int = 30) -> bytes:
    """The statement's CSV: ``lines`` lines at most (fewer when little is owed)."""
    rng = Random(seed * 7919 + day.toordinal())
    chosen = rng.sample(owing, min(len(owing), lines - lines // 10))
    rows: list[tuple[str, ...]] = []
    for n, invoice in enumerate(chosen):
        cent = Decimal(1).scaleb(-minor_units(invoice.currency))
        draw = rng.random()
        if draw < 0.55:
            amount, remittance = invoice.owed, f"Invoice {invoice.invoice_id}"
        elif draw < 0.7:
            amount = max((invoice.owed / 2).quantize(cent), cent)
            remittance = f"part payment {invoice.invoice_id}"
        else:
            amount, remittance = invoice.owed, "as agreed"
        rows.append((day.isoformat(), f"{amount:f}", invoice.currency,
                     invoice.account_name, "", remittance, f"DEMO-{day:%Y%m%d}-{n:04d}"))
    for n, payer in enumerate(UNKNOWN_PAYERS[:max(lines - len(rows), 0)]):
        amount = Decimal(rng.randint(5_000, 250_000)).scaleb(-2)
        rows.append((day.isoformat(), f"{amount:f}", "EUR", payer, "", "payment",
                     f"DEMO-{day:%Y%m%d}-X{n}"))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
