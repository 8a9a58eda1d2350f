"""Cash application end to end on the ledger: a statement imported, its receipts matched
by the rules of docs/cash-application.md, paid onto the accounts, the rest left for a
person; the edge cases a cash-application clerk would try."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest

from ledger.aggregates.errors import AccountStandingConflict, DuplicateId, RefundExceedsCredit
from ledger.aggregates.receipts import MATCHED, RETURNED, REVERSED, UNIDENTIFIED, Receipt
from ledger.cash.application import CashApplication, ManualSplit, SplitsDoNotAddUp
from ledger.cash.statements import StatementParseError
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Actor
from ledger.commands.cash import RecordPayerAccount, RefundCredit
from ledger.projections.receipts import cash_application_report, list_receipts
from ledger.service import LedgerService
from tests.builders import MANAGER, make_service
from tests.unit.given import (
    OPENED,
    a_payment,
    an_invoice,
    events_of,
    outstanding,
    rejected,
    store_position,
)

CASHIER = Actor("cashier-1", "cashier")
DAY = date(2026, 3, 2)
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "statements" / "handwritten"
HEADER = "date,amount,currency,counterparty,iban,remittance,reference\n"


def statement(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def open_account(service: LedgerService, number: str, name: str,
                 currency: str = "EUR") -> None:
    service.execute(OpenAccount(account=number, name=name, currency=currency,
                                timezone="UTC", terms_days=30, segment="standard",
                                effective_on=OPENED), MANAGER)


def invoice(service: LedgerService, number: str, invoice_id: str, amount: str,
            issued: date = OPENED, currency: str = "EUR") -> None:
    an_invoice(service, invoice_id, amount, currency=currency, issue_date=issued,
               account=number)


@pytest.fixture
def books() -> tuple[LedgerService, CashApplication]:
    service, clock = make_service()
    open_account(service, "C-100", "Harbour Freight Ltd")
    open_account(service, "C-200", "Northwind Traders GmbH")
    open_account(service, "C-300", "Blue Lagoon Foods")
    for n in range(1, 6):
        invoice(service, "C-100", f"INV-100{n}", f"{n}00.00", date(2026, 1, n))
    invoice(service, "C-200", "INV-2001", "750.00")
    invoice(service, "C-300", "INV-3001", "750.00")
    clock.set_day(DAY)
    return service, CashApplication(service)


def receipts_of(service: LedgerService, report_ids: list[str]) -> list[Receipt]:
    return [service.app.repository.get(UUID(i)) for i in report_ids]


def test_remittance_naming_five_invoices_pays_them_exactly(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,1500.00,EUR,Harbour Freight,DE89370400440532013000,"
        "\"Inv INV-1001, INV-1002; INV-1003 / INV-1004 and INV-1005\",BR-1"), CASHIER)
    assert (report.recorded, report.matched, report.unidentified) == (1, 1, 0)
    assert report.by_rule == {"invoice_reference": 1}
    assert [outstanding(service, f"INV-100{n}", "C-100") for n in range(1, 6)] == [0] * 5
    (receipt,) = receipts_of(service, report.receipts)
    assert receipt.status == MATCHED
    assert receipt.splits[0]["account"] == "C-100"
    assert len(receipt.splits[0]["allocations"]) == 5


def test_invoice_number_in_free_text_with_punctuation(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,750.00,EUR,Someone Else,,\"thanks!(inv#2001).\",BR-2"), CASHIER)
    assert report.by_rule == {"invoice_reference": 1}  # 'inv#2001' folds as INV-2001 does
    assert outstanding(service, "INV-2001", "C-200") == 0


def test_two_customers_with_the_same_amount_open_is_no_guess(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,750.00,EUR,Unknown Payer Co,,payment,BR-4"), CASHIER)
    assert report.unidentified == 1
    (receipt,) = receipts_of(service, report.receipts)
    assert receipt.status == UNIDENTIFIED
    assert outstanding(service, "INV-2001", "C-200") == Decimal("750.00")
    assert outstanding(service, "INV-3001", "C-300") == Decimal("750.00")


def test_partial_payment_pays_the_oldest_named_first(books) -> None:
    service, cash = books
    cash.import_statement(statement(
        "2026-03-02,250.00,EUR,Harbour Freight,,INV-1003 INV-1002,BR-5"), CASHIER)
    assert outstanding(service, "INV-1002", "C-100") == 0
    assert outstanding(service, "INV-1003", "C-100") == Decimal("250.00")


def test_overpayment_leaves_unapplied_credit(books) -> None:
    service, cash = books
    cash.import_statement(statement(
        "2026-03-02,800.00,EUR,Northwind,,INV-2001,BR-6"), CASHIER)
    assert outstanding(service, "INV-2001", "C-200") == 0
    totals = service.account_as_of("C-200")["totals"]["EUR"]
    assert totals["unapplied_credit"] == "50.00"


def test_receipt_in_another_currency_than_the_invoice_is_unidentified(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,750.00,USD,Northwind,,INV-2001,BR-7"), CASHIER)
    assert report.unidentified == 1
    assert outstanding(service, "INV-2001", "C-200") == Decimal("750.00")


def test_the_same_statement_twice_changes_nothing(books) -> None:
    service, cash = books
    data = statement("2026-03-02,750.00,EUR,Northwind,,INV-2001,BR-8",
                     "2026-03-02,10.00,EUR,Nobody,,,BR-9")
    first = cash.import_statement(data, CASHIER)
    assert (first.recorded, first.matched, first.unidentified) == (2, 1, 1)
    before = store_position(service)
    again = cash.import_statement(data, CASHIER)
    assert (again.recorded, again.already_recorded, again.matched) == (0, 2, 0)
    assert store_position(service) == before


def test_a_file_that_cannot_be_read_stores_nothing(books) -> None:
    service, cash = books
    before = store_position(service)
    with pytest.raises(StatementParseError) as raised:
        cash.import_statement(statement("2026-03-02,750.00,EUR,A,,INV-2001,BR-10",
                                        "2026-03-02,12.345,EUR,B,,,BR-11"), CASHIER)
    assert raised.value.line == 3
    assert store_position(service) == before


def test_a_known_bank_account_identifies_the_customer_with_one_fitting_invoice(books) -> None:
    service, cash = books
    service.execute(RecordPayerAccount(account="C-300", bank_account="GB29 NWBK 6016 1331 9268 19"),
                    MANAGER)
    report = cash.import_statement(statement(
        "2026-03-02,750.00,EUR,B L F,GB29NWBK60161331926819,payment,BR-12"), CASHIER)
    assert report.by_rule == {"bank_account": 1}
    assert outstanding(service, "INV-3001", "C-300") == 0


def test_a_bank_account_is_learnt_from_a_match(books) -> None:
    service, cash = books
    cash.import_statement(statement(
        "2026-03-02,100.00,EUR,HF,DE89370400440532013000,INV-1001,BR-13"), CASHIER)
    report = cash.import_statement(statement(
        "2026-03-03,300.00,EUR,HF,DE89370400440532013000,march,BR-14"), CASHIER)
    assert report.by_rule == {"bank_account": 1}
    assert outstanding(service, "INV-1003", "C-100") == 0


def test_payer_name_and_a_set_of_invoices(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,600.00,EUR,HARBOUR FREIGHT LIMITED,,see letter,BR-15"), CASHIER)
    # 600 = 100 + 500 or 200 + 400 or 100 + 200 + 300: more than one set, no guess
    assert report.unidentified == 1
    report = cash.import_statement(statement(
        "2026-03-02,400.00,EUR,HARBOUR FREIGHT LIMITED,,see letter,BR-16"), CASHIER)
    assert report.by_rule == {"name": 1}  # one invoice is exactly 400
    assert outstanding(service, "INV-1004", "C-100") == 0


def test_short_payment_within_tolerance_is_written_off() -> None:
    service, clock = make_service(short_payment_tolerance={"EUR": "5.00"})
    open_account(service, "C-1", "Acme")
    invoice(service, "C-1", "INV-9", "100.00")
    clock.set_day(DAY)
    cash = CashApplication(service)
    cash.import_statement(statement("2026-03-02,96.50,EUR,Acme,,INV-9,BR-17"), CASHIER)
    assert outstanding(service, "INV-9", "C-1") == 0
    invoice(service, "C-1", "INV-10", "100.00", DAY)
    cash.import_statement(statement("2026-03-02,94.00,EUR,Acme,,INV-10,BR-18"), CASHIER)
    assert outstanding(service, "INV-10", "C-1") == Decimal("6.00")


def test_a_person_matches_an_unidentified_receipt_across_two_accounts(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,1500.00,EUR,Group Treasury,,two customers,BR-19"), CASHIER)
    (receipt_id,) = report.receipts
    with pytest.raises(SplitsDoNotAddUp):
        cash.match_receipt(UUID(receipt_id), [ManualSplit("C-200", Decimal("750.00"))],
                           "", CASHIER, "cmd-1")
    cash.match_receipt(UUID(receipt_id), [
        ManualSplit("C-200", Decimal("750.00"), (("INV-2001", Decimal("750.00")),)),
        ManualSplit("C-300", Decimal("750.00"), (("INV-3001", Decimal("750.00")),)),
    ], "treasury e-mail of 2 March", CASHIER, "cmd-2")
    assert outstanding(service, "INV-2001", "C-200") == 0
    assert outstanding(service, "INV-3001", "C-300") == 0
    receipt = cash.receipt(UUID(receipt_id))
    assert receipt.status == MATCHED
    with pytest.raises(AccountStandingConflict):
        cash.return_receipt(UUID(receipt_id), "wrong", "RF-1", CASHIER, "cmd-3")


def test_a_person_returns_an_unidentified_receipt(books) -> None:
    service, cash = books
    report = cash.import_statement(statement("2026-03-02,9.99,EUR,X,,?,BR-20"), CASHIER)
    receipt = cash.return_receipt(UUID(report.receipts[0]), "not our customer", "REFUND-7",
                                  CASHIER, "cmd-4")
    assert receipt.status == RETURNED


def test_a_return_after_the_match_reverses_the_payment(books) -> None:
    service, cash = books
    report = cash.import_statement(statement(
        "2026-03-02,750.00,EUR,Northwind,,INV-2001,BR-21"), CASHIER)
    assert outstanding(service, "INV-2001", "C-200") == 0
    cash.reverse_receipt(UUID(report.receipts[0]), "AC04 account closed", "RET-1", CASHIER)
    assert outstanding(service, "INV-2001", "C-200") == Decimal("750.00")
    assert cash.receipt(UUID(report.receipts[0])).status == REVERSED


def test_the_queue_and_the_report(books) -> None:
    service, cash = books
    cash.import_statement(statement(
        "2026-03-02,750.00,EUR,Northwind,,INV-2001,BR-30",
        "2026-02-20,12.00,EUR,Nobody,,,BR-31",
        "2026-03-01,8.00,EUR,Nobody,,,BR-32"), CASHIER)
    models = service.read_models
    models.catch_up()
    queue = models.read(lambda s: list_receipts(
        s, models.tables("cash"), models.tables("open_items"), DAY, "unidentified"))
    assert [(q.amount, q.age_days) for q in queue] == [(Decimal("12.00"), 10),
                                                       (Decimal("8.00"), 1)]
    assert "invoice_reference" in queue[0].evidence
    report = models.read(lambda s: cash_application_report(s, models.tables("cash"), DAY))
    assert (report.receipts, report.matched_automatically) == (3, 1)
    assert report.share_by_count == Decimal("0.3333")
    assert report.share_by_amount == {"EUR": Decimal("0.9740")}
    assert report.by_rule["invoice_reference"].amount == {"EUR": Decimal("750.00")}
    assert report.unidentified_by_age == {"7-29": {"EUR": Decimal("12.00")},
                                          "0-6": {"EUR": Decimal("8.00")}}
    assert report.oldest_unidentified_days == 10


@pytest.mark.parametrize("sample", ["camt054-return.xml", "mt940-reversal.sta"])
def test_a_bank_return_in_the_statement_reverses_the_payment_it_made(sample: str) -> None:
    service, clock = make_service()
    open_account(service, "ACME", "Acme Bike Parts")
    invoice(service, "ACME", "INV-2026-0117", "1250.00")
    clock.set_day(date(2026, 12, 7))
    cash = CashApplication(service)
    data = (SAMPLES / sample).read_bytes()

    report = cash.import_statement(data, CASHIER)

    assert (report.matched, report.reversed) == (1, 1)
    assert outstanding(service, "INV-2026-0117", "ACME") == Decimal("1250.00")
    (payment,) = service.account("ACME").payments.values()
    assert payment.reversed
    assert [cash.receipt(UUID(r)).status for r in report.receipts] == [REVERSED]
    before = store_position(service)
    cash.import_statement(data, CASHIER)
    assert store_position(service) == before


def test_an_invoice_paid_meanwhile_leaves_the_receipt_as_credit_on_its_customer(
    books, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another payment lands between matching and paying (a bank feed, a person): the
    account refuses to pay the named invoice twice, so the receipt is the customer's
    unapplied credit, and its match says so."""
    service, cash = books
    pay = cash._pay

    def paid_elsewhere_first(matched, numbers, actor):  # noqa: ANN001, ANN202
        a_payment(service, "ELSEWHERE", "750.00", DAY, currency="EUR", account="C-200",
                  allocations=[("INV-2001", "750.00")])
        return pay(matched, numbers, actor)

    monkeypatch.setattr(cash, "_pay", paid_elsewhere_first)
    report = cash.import_statement(statement(
        "2026-03-02,750.00,EUR,Northwind,,INV-2001,BR-40"), CASHIER)
    assert report.by_rule == {"invoice_reference": 1}
    assert service.account_as_of("C-200")["totals"]["EUR"]["unapplied_credit"] == "750.00"
    receipt = cash.receipt(UUID(report.receipts[0]))
    assert receipt.splits[0]["allocations"] == []


def test_unapplied_credit_is_refunded_with_the_bank_reference_of_the_refund(books) -> None:
    service, cash = books
    cash.import_statement(statement("2026-03-02,800.00,EUR,Northwind,,INV-2001,BR-50"),
                          CASHIER)
    refund = RefundCredit(account="C-200", refund_id="RFD-1", amount="50.00", currency="EUR",
                          bank_reference="SEPA-OUT-7", reason="customer asked for it back")
    with rejected(service, RefundExceedsCredit):
        service.execute(refund.model_copy(update={"amount": Decimal("50.01")}), CASHIER)
    service.execute(refund, CASHIER)
    (event,) = events_of(service, "CreditRefunded", "C-200")
    assert (event["payload"]["bank_reference"], event["payload"]["amount"]) == (
        "SEPA-OUT-7", "50.00")
    assert service.account("C-200").unapplied_credit("EUR") == 0
    assert service.account_as_of("C-200")["totals"]["EUR"]["unapplied_credit"] == "0.00"
    with rejected(service, DuplicateId):
        service.execute(refund.model_copy(update={"command_id": "again"}), CASHIER)


def test_a_receipt_naming_a_paid_invoice_is_credit_and_pays_no_other(books) -> None:
    service, cash = books
    cash.import_statement(statement("2026-03-02,100.00,EUR,HF,,INV-1001,BR-60"), CASHIER)
    report = cash.import_statement(statement("2026-03-02,100.00,EUR,HF,,INV-1001,BR-61"),
                                   CASHIER)
    assert report.by_rule == {"invoice_reference": 1}
    assert outstanding(service, "INV-1002", "C-100") == Decimal("200.00")
    assert service.account("C-100").unapplied_credit("EUR") == Decimal("100.00")


def test_a_camt054_notification_and_the_camt053_booking_it_count_once() -> None:
    """The bank's own pair of files (viafintech/camt_parser's samples): the camt.054
    notifies three credits that the camt.053 of the month books among its entries."""
    service, clock = make_service()
    clock.set_day(date(2016, 5, 31))
    cash = CashApplication(service)
    camt = SAMPLES.parent / "camt"

    notified = cash.import_statement((camt / "camt054-valid_example.xml").read_bytes(), CASHIER)
    booked = cash.import_statement((camt / "camt053-valid_example_v4.xml").read_bytes(), CASHIER)

    assert (notified.credits, notified.recorded) == (3, 3)
    assert (booked.recorded, booked.already_recorded) == (booked.credits - 3, 3)
    assert booked.unidentified == booked.recorded  # a ledger without these customers
