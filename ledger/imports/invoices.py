"""The ERP's open-items export: one invoice per row, opening unknown accounts on the way.

Columns: ``account``, ``invoice_id``, ``issue_date``, ``amount``, ``currency``
(required); ``due_date``, ``reference``, ``customer_name``, ``terms_days``
(optional). See docs/imports.md. An account the file names a customer for is
opened in front of its first invoice in the file, with the name, currency (as
base currency) and terms (30 days if none) of the first row naming it, dated
from its earliest invoice in the file: the customer existed in the world before
the ledger heard of them. Whether the account exists already is settled when
the plan is run (`ledger.imports.preparation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import ValidationError

from ledger.commands.accounts import OpenAccount
from ledger.commands.receivables import IssueInvoice
from ledger.imports.cells import amount, currency, days, free_text, identifier, iso_date
from ledger.imports.plan import (
    ImportPlan,
    PlannedRow,
    correlation_id,
    import_command_id,
    make_plan,
)
from ledger.imports.rows import Columns, Row, read_rows

COLUMNS = Columns(
    required=("account", "invoice_id", "issue_date", "amount", "currency"),
    optional=("due_date", "reference", "customer_name", "terms_days"),
)
DEFAULT_TERMS_DAYS = 30


def parse_invoices(lines: Iterable[str], *, source: str) -> ImportPlan:
    rows, errors = read_rows(lines, COLUMNS)
    correlation = correlation_id(source)
    valid: list[tuple[Row, IssueInvoice]] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for row in rows:
        invoice = _issue_invoice(row, correlation) if not row.errors else None
        if invoice is not None:
            key = (invoice.account, invoice.invoice_id)
            if key in first_row_of:
                row.reject(
                    "invoice_id",
                    f"invoice {invoice.invoice_id!r} of account {invoice.account!r} "
                    f"is already on row {first_row_of[key]}",
                )
            first_row_of.setdefault(key, row.number)
        if invoice is None or row.errors:
            errors += row.errors
            continue
        valid.append((row, invoice))
    return make_plan(_with_openings(valid, correlation), errors)


def _issue_invoice(row: Row, correlation: str) -> IssueInvoice | None:
    account = row.read("account", identifier)
    invoice_id = row.read("invoice_id", identifier)
    issue_date = row.read("issue_date", iso_date)
    due_date = row.read_optional("due_date", iso_date)
    code = row.read("currency", currency)
    value = row.read("amount", lambda text: amount(text, code))
    reference = row.read_optional("reference", free_text) or ""
    row.read_optional("customer_name", free_text)
    row.read_optional("terms_days", days)
    if issue_date and due_date and due_date < issue_date:
        row.reject("due_date", f"due date {due_date} is before issue date {issue_date}")
    if row.errors or account is None or invoice_id is None:
        return None
    try:
        return IssueInvoice.model_validate(
            {
                "account": account,
                "command_id": import_command_id("invoice", account, invoice_id),
                "correlation_id": correlation,
                "invoice_id": invoice_id,
                "amount": value,
                "currency": code,
                "issue_date": issue_date,
                "due_date": due_date,
                "reference": reference,
            }
        )
    except ValidationError as error:
        row.reject_command(error)
        return None


def _with_openings(valid: list[tuple[Row, IssueInvoice]], correlation: str) -> list[PlannedRow]:
    """Put each account to open in front of its first invoice in the file."""
    earliest: dict[str, date] = {}
    for _, invoice in valid:
        earliest[invoice.account] = min(invoice.issue_date, earliest.get(invoice.account, date.max))
    openings: dict[str, OpenAccount] = {}
    for row, invoice in valid:
        if row.has("customer_name") and invoice.account not in openings:
            since = earliest[invoice.account]
            openings[invoice.account] = _open_account(row, invoice, since, correlation)
    planned: list[PlannedRow] = []
    for row, invoice in valid:
        opening = openings.pop(invoice.account, None)
        commands = (invoice,) if opening is None else (opening, invoice)
        planned.append(PlannedRow(row.number, commands))
    return planned


def _open_account(row: Row, invoice: IssueInvoice, since: date, correlation: str) -> OpenAccount:
    terms = row.read_optional("terms_days", days)
    return OpenAccount(
        account=invoice.account,
        command_id=import_command_id("account", invoice.account),
        correlation_id=correlation,
        effective_on=since,
        name=row.cells["customer_name"],
        currency=invoice.currency,
        terms_days=DEFAULT_TERMS_DAYS if terms is None else terms,
    )
