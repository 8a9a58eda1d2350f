"""Importing the ERP's open items (invoices) and the bank's remittances (payments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ledger.commands.receivables import AllocationLine, RecordPayment
from ledger.imports import (
    ImportPlan,
    ImportReport,
    RowError,
    parse_invoices,
    parse_payments,
    run_import,
)
from ledger.service import LedgerService
from tests.builders import SERVICE
from tests.unit.given import an_account, an_invoice, store_position

DATA = Path(__file__).parents[1] / "data"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"

INVOICE_HEADER = "account,invoice_id,issue_date,amount,currency"
PAYMENT_HEADER = "account,bank_reference,received_on,amount,currency,invoice_id"


def lines_of(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(file)


def invoices(*rows: str) -> ImportPlan:
    """A plan from CSV rows given one per argument, header first."""
    return parse_invoices([row + "\n" for row in rows], source="test-erp")


def payments(*rows: str) -> ImportPlan:
    return parse_payments([row + "\n" for row in rows], source="test-bank")


def run(service: LedgerService, plan: ImportPlan, *, skip_invalid: bool = False) -> ImportReport:
    return run_import(service, plan, SERVICE, skip_invalid=skip_invalid)


def located(report: ImportReport | ImportPlan) -> list[tuple[int, str | None]]:
    return [(error.row_number, error.column) for error in report.errors]


def import_open_items(service: LedgerService) -> ImportReport:
    return run(service, parse_invoices(lines_of(DATA / "open_items.csv"), source="open_items"))


@pytest.fixture
def invoiced(service: LedgerService) -> LedgerService:
    """The open items of tests/data/open_items.csv, imported: C-100 (net 14) and C-200."""
    assert import_open_items(service).rows_written == 3
    return service


def test_open_items_file_opens_accounts_and_issues_invoices(service: LedgerService) -> None:
    report = import_open_items(service)

    assert report == ImportReport(3, 3, 0, (), written=True)
    acme = service.account("C-100")
    assert (acme.name, acme.currency, acme.terms_days) == ("Acme Tools Ltd", "EUR", 14)
    assert acme.invoices["INV-1001"].due_date == date(2026, 1, 19)
    assert acme.invoices["INV-1002"].due_date == date(2026, 3, 31)
    assert acme.invoices["INV-1002"].amount == Decimal("350.50")
    brightwater = service.account("C-200")
    assert brightwater.terms_days == 30
    assert brightwater.invoices["INV-2001"].due_date == date(2026, 2, 7)
    assert brightwater.invoices["INV-2001"].reference == "Framework order, lot 3"


def test_an_opened_account_dates_from_its_earliest_invoice(invoiced: LedgerService) -> None:
    opened = next(iter(invoiced.history("C-100")))
    assert (opened["type"], opened["effective_on"]) == ("AccountOpened", "2026-01-05")
    assert opened["command_id"] == "import:account:C-100"
    assert opened["correlation_id"] == "import:open_items"


def test_account_named_on_a_later_row_is_opened_before_its_first_invoice(
    service: LedgerService,
) -> None:
    plan = invoices(
        "account,customer_name,invoice_id,issue_date,amount,currency,terms_days",
        "C-7,,INV-1,2026-01-03,10.00,GBP,",
        "C-7,Gamma plc,INV-2,2026-01-02,20.00,GBP,7",
    )

    assert [type(c).__name__ for c in plan.rows[0].commands] == ["OpenAccount", "IssueInvoice"]
    assert run(service, plan).rows_written == 2
    gamma = service.account("C-7")
    assert (gamma.name, gamma.currency, gamma.terms_days) == ("Gamma plc", "GBP", 7)
    assert gamma.invoices["INV-1"].due_date == date(2026, 1, 10)


def test_existing_account_is_not_reopened_by_customer_name(service: LedgerService) -> None:
    an_account(service, "C-1", currency="USD", terms_days=45)
    report = run(
        service,
        invoices(
            "account,customer_name,invoice_id,issue_date,amount,currency",
            "C-1,Renamed Ltd,INV-1,2026-01-10,10.00,EUR",
        ),
    )

    assert (report.rows_written, report.errors) == (1, ())
    account = service.account("C-1")
    assert (account.name, account.currency) == ("Debtor C-1", "USD")
    assert account.invoices["INV-1"].due_date == date(2026, 2, 24)


def test_one_bad_row_writes_nothing_and_names_its_row_and_column(service: LedgerService) -> None:
    before = store_position(service)
    report = run(service, parse_invoices(lines_of(DATA / "open_items_bad_amount.csv"), source="x"))

    assert located(report) == [(3, "amount")]
    assert "thousands separators" in report.errors[0].message
    assert (report.rows_total, report.rows_written, report.written) == (3, 0, False)
    assert store_position(service) == before


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(service: LedgerService) -> None:
    plan = parse_invoices(lines_of(DATA / "open_items_bad_amount.csv"), source="x")
    report = run(service, plan, skip_invalid=True)

    assert (report.rows_written, report.written, located(report)) == (2, True, [(3, "amount")])
    assert set(service.account("C-100").invoices) == {"INV-1001"}
    assert set(service.account("C-200").invoices) == {"INV-2001"}


def test_reimporting_a_file_writes_nothing_and_counts_every_row_as_imported(
    invoiced: LedgerService,
) -> None:
    remittance = parse_payments(lines_of(DATA / "remittance.csv"), source="bank")
    assert run(invoiced, remittance).rows_written == 2
    before = store_position(invoiced)

    again_invoices = import_open_items(invoiced)
    next_days_file = parse_payments(lines_of(DATA / "remittance.csv"), source="bank-0204")
    again_payments = run(invoiced, next_days_file)

    assert again_invoices == ImportReport(3, 0, 3, (), written=False)
    assert again_payments == ImportReport(2, 0, 2, (), written=False)
    assert store_position(invoiced) == before


def test_row_changed_since_its_import_is_a_conflict(invoiced: LedgerService) -> None:
    text = "".join(lines_of(DATA / "open_items.csv")).replace("350.50", "305.50")
    before = store_position(invoiced)

    report = run(invoiced, invoices(*text.splitlines()), skip_invalid=True)

    assert located(report) == [(3, None)]
    assert "idempotency-conflict" in report.errors[0].message
    assert (report.rows_already_imported, report.rows_written) == (2, 0)
    assert store_position(invoiced) == before


@pytest.mark.parametrize(
    "changed",
    [
        "C-100,NL91ABNA 0201 001,2026-02-01,1400.00,EUR,INV-1001,bank_transfer",
        "C-100,NL91ABNA 0201 001,2026-02-01,1500.00,EUR,INV-1002,bank_transfer",
        "C-100,NL91ABNA 0201 001,2026-02-01,1500.00,EUR,,bank_transfer",
    ],
)
def test_payment_row_changed_since_its_import_is_a_conflict(
    invoiced: LedgerService, changed: str
) -> None:
    header, first, second = lines_of(DATA / "remittance.csv")
    run(invoiced, parse_payments([header, first, second], source="bank"))
    before = store_position(invoiced)

    report = run(invoiced, payments(header.strip(), changed, second.strip()), skip_invalid=True)

    assert located(report) == [(2, None)]
    assert "idempotency-conflict" in report.errors[0].message
    assert report.rows_already_imported == 1
    assert store_position(invoiced) == before


def test_payment_in_another_currency_than_its_invoice_fails_the_file(
    invoiced: LedgerService,
) -> None:
    before = store_position(invoiced)
    report = run(
        invoiced,
        payments(
            PAYMENT_HEADER,
            "C-100,B-1,2026-02-01,10.00,EUR,INV-1002",
            "C-100,B-2,2026-02-01,10.00,USD,INV-1001",
        ),
    )

    assert located(report) == [(3, "currency")]
    assert "cannot pay EUR invoice" in report.errors[0].message
    assert (report.rows_written, report.written) == (0, False)
    assert store_position(invoiced) == before


def test_invoice_id_repeated_in_a_file_is_reported_on_the_later_row(
    service: LedgerService,
) -> None:
    an_account(service, "C-1")
    plan = invoices(
        INVOICE_HEADER,
        "C-1,INV-1,2026-01-02,10.00,USD",
        "C-1,INV-2,2026-01-02,20.00,USD",
        "C-1,INV-1,2026-01-03,10.00,USD",
    )

    assert located(plan) == [(4, "invoice_id")]
    assert "already on row 2" in plan.errors[0].message


def test_invoice_already_in_the_ledger_under_another_command_is_a_duplicate(
    service: LedgerService,
) -> None:
    an_account(service, "ACC-1")
    an_invoice(service, "INV-1", "10.00")

    report = run(service, invoices(INVOICE_HEADER, "ACC-1,INV-1,2026-01-01,10.00,USD"))

    assert located(report) == [(2, "invoice_id")]
    assert "already exists" in report.errors[0].message


def test_invoice_for_an_unknown_account_without_customer_name_fails_the_file(
    service: LedgerService,
) -> None:
    an_account(service, "C-1")
    report = run(
        service,
        invoices(
            INVOICE_HEADER, "C-1,INV-1,2026-01-02,10.00,USD", "C-9,INV-9,2026-01-02,10.00,USD"
        ),
    )

    assert located(report) == [(3, "account")]
    assert service.account("C-1").invoices == {}


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("10.005", "EUR"), ("100.5", "JPY"), ("1.0001", "KWD")],
)
def test_amounts_finer_than_the_currency_allows_are_rejected(
    service: LedgerService, amount: str, currency: str
) -> None:
    plan = invoices(INVOICE_HEADER, f"C-1,INV-1,2026-01-02,{amount},{currency}")

    assert located(plan) == [(2, "amount")]
    assert f"more decimals than {currency} allows" in plan.errors[0].message


@pytest.mark.parametrize("amount", ["1e3", "1E3", "1,000.00", "+10", "-10.00", ".5", "NaN", "0"])
def test_amounts_that_are_not_plain_positive_decimals_are_rejected(amount: str) -> None:
    plan = invoices(INVOICE_HEADER, f'C-1,INV-1,2026-01-02,"{amount}",EUR')

    assert located(plan) == [(2, "amount")]
    assert plan.rows == ()


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("C-1,INV-1,02/01/2026,10.00,EUR", "issue_date"),
        ("C-1,INV-1,2026-02-30,10.00,EUR", "issue_date"),
        ("C-1,INV-1,2026-01-02,10.00,eur", "currency"),
        ("C-1,INV-1,2026-01-02,10.00,ABC", "currency"),
        ("C 1,INV-1,2026-01-02,10.00,EUR", "account"),
        (",INV-1,2026-01-02,10.00,EUR", "account"),
    ],
)
def test_values_are_read_strictly(cells: str, column: str) -> None:
    assert located(invoices(INVOICE_HEADER, cells)) == [(2, column)]


def test_due_date_before_issue_date_is_rejected() -> None:
    plan = invoices(
        "account,invoice_id,issue_date,due_date,amount,currency",
        "C-1,INV-1,2026-01-10,2026-01-09,10.00,EUR",
    )

    assert located(plan) == [(2, "due_date")]


def test_unknown_column_is_reported_on_row_one_and_nothing_is_imported(
    service: LedgerService,
) -> None:
    plan = invoices(
        "account,invoice_id,issue_date,amount,currency,due date",
        "C-1,INV-1,2026-01-02,10.00,EUR,2026-02-01",
    )
    report = run(service, plan, skip_invalid=True)

    assert located(report) == [(1, "due date")]
    assert (report.rows_written, report.written) == (0, False)


def test_missing_required_column_is_reported_on_row_one() -> None:
    plan = payments("account,received_on,amount,currency", "C-1,2026-01-02,10.00,EUR")

    assert located(plan) == [(1, "bank_reference")]
    assert plan.rows == ()


def test_header_may_carry_a_byte_order_mark_and_odd_case() -> None:
    plan = invoices(
        "\ufeff ACCOUNT,Invoice_ID , issue_date,Amount,CURRENCY", "C-1,I-1,2026-01-02,1,EUR"
    )

    assert (plan.errors, [row.row_number for row in plan.rows]) == ((), [2])


def test_row_with_more_or_fewer_cells_than_the_header_is_rejected() -> None:
    plan = invoices(
        INVOICE_HEADER,
        "C-1,INV-1,2026-01-02,10.00",
        "C-1,INV-2,2026-01-02,10.00,EUR,extra",
        "C-1,INV-3,2026-01-02,10.00,EUR",
    )

    assert located(plan) == [(2, None), (3, None)]
    assert [row.row_number for row in plan.rows] == [4]


def test_broken_csv_quoting_refuses_the_file_from_the_row_where_it_starts() -> None:
    plan = invoices(
        INVOICE_HEADER,
        "C-1,INV-1,2026-01-02,10.00,EUR",
        'C-1,"INV-2"x,2026-01-02,10.00,EUR',
        "C-1,INV-3,2026-01-02,10.00,EUR",
    )

    assert located(plan) == [(3, None)]
    assert "not valid CSV" in plan.errors[0].message
    assert plan.rows == ()


def test_row_numbers_count_spreadsheet_rows_not_physical_lines() -> None:
    text = (
        "account,invoice_id,issue_date,amount,currency,reference\r\n"
        'C-1,INV-1,2026-01-02,10.00,EUR,"two, quoted"\r\n'
        '"C-1","INV-9","2026-01-02","10.00","EUR","x"\r\n'
        "\r\n"
        "C-1,INV-2,2026-01-02,10.0x,EUR,\r\n"
    )
    plan = parse_invoices(text.splitlines(keepends=True), source="test-erp")

    assert located(plan) == [(5, "amount")]
    assert [row.row_number for row in plan.rows] == [2, 3]


def test_payment_larger_than_its_invoice_leaves_the_rest_as_credit(
    invoiced: LedgerService,
) -> None:
    report = run(invoiced, payments(PAYMENT_HEADER, "C-100,B-1,2026-02-01,1500.00,EUR,INV-1001"))

    assert report.errors == ()
    acme = invoiced.account("C-100")
    assert acme.invoices["INV-1001"].outstanding == 0
    assert acme.invoices["INV-1002"].outstanding == Decimal("350.50")
    assert acme.payments["B-1"].unapplied == Decimal("300.00")


def test_payments_to_one_invoice_within_a_file_share_its_outstanding(
    invoiced: LedgerService,
) -> None:
    report = run(
        invoiced,
        payments(
            PAYMENT_HEADER,
            "C-200,B-1,2026-02-01,900.00,EUR,",
            "C-200,B-2,2026-02-02,200.00,EUR,INV-2001",
        ),
    )

    assert report.rows_written == 2
    brightwater = invoiced.account("C-200")
    assert brightwater.invoices["INV-2001"].outstanding == 0
    assert brightwater.payments["B-2"].allocations == {"INV-2001": Decimal("80.00")}
    assert brightwater.payments["B-2"].unapplied == Decimal("120.00")


def test_payment_to_a_paid_invoice_is_reported_not_allocated_elsewhere(
    invoiced: LedgerService,
) -> None:
    run(invoiced, payments(PAYMENT_HEADER, "C-100,B-1,2026-02-01,1200.00,EUR,INV-1001"))

    report = run(invoiced, payments(PAYMENT_HEADER, "C-100,B-2,2026-02-02,50.00,EUR,INV-1001"))

    assert located(report) == [(2, "invoice_id")]
    assert "nothing left to pay" in report.errors[0].message
    assert invoiced.account("C-100").invoices["INV-1002"].outstanding == Decimal("350.50")


def test_a_payment_row_imported_by_a_release_that_fitted_it_itself_is_still_a_repeat(
    invoiced: LedgerService,
) -> None:
    """That release sent the amount it had fitted (1200.00 of 1500.00) as an explicit
    allocation, and its command log holds that form's digest; the row now asks the
    account to fit it."""
    row = "C-100,B-1,2026-02-01,1500.00,EUR,INV-1001"
    (asked,) = payments(PAYMENT_HEADER, row).rows[0].commands
    assert isinstance(asked, RecordPayment) and asked.fit_allocations
    as_sent_then = asked.model_copy(update={"fit_allocations": False, "allocations": (
        AllocationLine(invoice_id="INV-1001", amount=Decimal("1200.00")),)})
    invoiced.execute(as_sent_then, SERVICE)
    before = store_position(invoiced)

    again = run(invoiced, payments(PAYMENT_HEADER, row))
    changed = run(invoiced, payments(PAYMENT_HEADER, row.replace("1500.00", "1400.00")),
                  skip_invalid=True)

    assert (again.rows_already_imported, again.errors) == (1, ())
    assert "idempotency-conflict" in changed.errors[0].message
    assert store_position(invoiced) == before


def test_payment_without_invoice_pays_oldest_due_first_under_its_bank_reference(
    invoiced: LedgerService,
) -> None:
    run(invoiced, payments(PAYMENT_HEADER, "C-100,BANK-7,2026-02-01,1300.00,EUR,"))

    acme = invoiced.account("C-100")
    assert acme.payments["BANK-7"].allocations == {
        "INV-1001": Decimal("1200.00"),
        "INV-1002": Decimal("100.00"),
    }
    assert acme.payments["BANK-7"].reference == "BANK-7"


def test_bank_reference_repeated_in_a_file_is_reported_on_the_later_row() -> None:
    plan = payments(
        PAYMENT_HEADER, "C-1,B-1,2026-02-01,10.00,EUR,", "C-1,B-1,2026-02-02,20.00,EUR,"
    )

    assert located(plan) == [(3, "bank_reference")]
    assert "already on row 2" in plan.errors[0].message


def test_skip_invalid_leaves_out_rows_failing_domain_rules_and_writes_the_rest(
    invoiced: LedgerService,
) -> None:
    report = run(
        invoiced,
        payments(
            PAYMENT_HEADER,
            "C-100,B-1,2026-02-01,10.00,EUR,INV-9999",
            "C-100,B-2,2026-02-01,20.00,EUR,INV-1001",
            "C-404,B-3,2026-02-01,30.00,EUR,",
        ),
        skip_invalid=True,
    )

    assert located(report) == [(2, "invoice_id"), (4, "account")]
    assert (report.rows_written, report.written) == (1, True)
    assert set(invoiced.account("C-100").payments) == {"B-2"}


def test_progress_is_reported_after_each_batch(invoiced: LedgerService) -> None:
    seen: list[int] = []
    plan = parse_payments(lines_of(DATA / "remittance.csv"), source="bank")

    run_import(invoiced, plan, SERVICE, skip_invalid=True, progress=seen.append, batch_size=1)

    assert seen == [1, 2]


def test_documented_examples_import_cleanly(service: LedgerService) -> None:
    open_items = parse_invoices(lines_of(EXAMPLES / "open_items.csv"), source="example")
    remittance = parse_payments(lines_of(EXAMPLES / "remittance.csv"), source="example")

    assert run(service, open_items) == ImportReport(5, 5, 0, (), written=True)
    assert run(service, remittance) == ImportReport(4, 4, 0, (), written=True)
    acme = service.account("C-100")
    assert acme.payments["PAY-77"].allocations == {"INV-1002": Decimal("100.00")}
    assert acme.unapplied_credit("EUR") == Decimal("300.00")
    assert service.account("C-200").invoices["INV-2002"].outstanding == 0
    assert service.account("C-300").invoices["INV-3001"].outstanding == Decimal("650.750")


def test_errors_are_plain_values_with_row_message_and_column() -> None:
    plan = invoices(INVOICE_HEADER, "C-1,INV-1,2026-01-02,1e3,EUR")

    assert plan.errors == (RowError(2, plan.errors[0].message, "amount"),)
