"""The bank's remittance file: one payment received per row.

Columns: ``account``, ``bank_reference``, ``received_on``, ``amount``,
``currency`` (required); ``payment_id``, ``invoice_id``, ``method`` (optional).
See docs/imports.md. The bank reference is what makes a payment the same
payment when a file is imported twice, so it keys the command id; the payment
id defaults to it. A row naming an invoice asks for the whole amount on that
invoice, fitted (``RecordPayment.fit_allocations``): the account allocates what the
invoice can take when the command runs, the rest staying as unapplied credit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pydantic import ValidationError

from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports.cells import IDENTIFIER, amount, currency, free_text, identifier, iso_date
from ledger.imports.plan import (
    ImportPlan,
    PlannedRow,
    correlation_id,
    import_command_id,
    make_plan,
)
from ledger.imports.rows import Columns, Row, read_rows

COLUMNS = Columns(
    required=("account", "bank_reference", "received_on", "amount", "currency"),
    optional=("payment_id", "invoice_id", "method"),
)
DEFAULT_METHOD = "bank_transfer"


def parse_payments(lines: Iterable[str], *, source: str) -> ImportPlan:
    rows, errors = read_rows(lines, COLUMNS)
    correlation = correlation_id(source)
    planned: list[PlannedRow] = []
    first_row_of: dict[tuple[str, str, str], int] = {}
    for row in rows:
        payment = _record_payment(row, correlation) if not row.errors else None
        if payment is not None:
            _reject_repeat(row, payment, first_row_of)
        if payment is None or row.errors:
            errors += row.errors
            continue
        planned.append(PlannedRow(row.number, (payment,)))
    return make_plan(planned, errors)


def _reject_repeat(
    row: Row, payment: RecordPayment, first_row_of: dict[tuple[str, str, str], int]
) -> None:
    """A payment is the same payment when its bank reference, or else its id, repeats."""
    keys = {
        "bank_reference": (payment.account, "reference", payment.reference),
        "payment_id": (payment.account, "id", payment.payment_id),
    }
    repeated = [(column, key) for column, key in keys.items() if key in first_row_of]
    if repeated:
        column, key = repeated[0]
        row.reject(column, f"{column} {key[2]!r} is already on row {first_row_of[key]}")
    for key in keys.values():
        first_row_of.setdefault(key, row.number)


def payment_id_for(bank_reference: str) -> str:
    """The bank reference itself when it is a valid payment id, else a digest of it."""
    if IDENTIFIER.fullmatch(bank_reference):
        return bank_reference
    return "bank:" + hashlib.sha256(bank_reference.encode()).hexdigest()[:40]


def _record_payment(row: Row, correlation: str) -> RecordPayment | None:
    account = row.read("account", identifier)
    bank_reference = row.read("bank_reference", free_text)
    payment_id = row.read_optional("payment_id", identifier)
    received_on = row.read("received_on", iso_date)
    code = row.read("currency", currency)
    value = row.read("amount", lambda text: amount(text, code))
    invoice_id = row.read_optional("invoice_id", identifier)
    method = row.read_optional("method", identifier) or DEFAULT_METHOD
    if row.errors or account is None or bank_reference is None:
        return None
    try:
        allocations = (
            (AllocationLine.model_validate({"invoice_id": invoice_id, "amount": value}),)
            if invoice_id
            else ()
        )
        return RecordPayment.model_validate(
            {
                "account": account,
                "command_id": import_command_id("payment", account, bank_reference),
                "correlation_id": correlation,
                "payment_id": payment_id or payment_id_for(bank_reference),
                "amount": value,
                "currency": code,
                "received_on": received_on,
                "reference": bank_reference,
                "method": method,
                "allocations": allocations,
                "fit_allocations": bool(allocations),
            }
        )
    except ValidationError as error:
        row.reject_command(error)
        return None
