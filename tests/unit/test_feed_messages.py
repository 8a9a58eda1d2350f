"""Inbound feed messages become commands (or are rejected with a stable reason): no broker.

The Kafka loop is tested in tests/integration/test_inbound_feeds.py; here is what a
message means: its command, its command id, and why a bad one is refused.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from kafka.consumer.fetcher import ConsumerRecord

from consumers.bank_payments import BANK_PAYMENTS, payment_command
from consumers.dead_letters import DeadLetter, dead_letter_headers, dead_letter_topic
from consumers.erp_invoices import ERP_INVOICES, invoice_command
from consumers.feed_messages import Rejected, feed_command_id
from ledger.aggregates.errors import AmountAboveMaximum, NothingToPay
from ledger.commands.receivables import AllocationLine
from ledger.service import LedgerService
from tests.support.reliability import RecordFigures
from tests.unit.given import an_account, an_invoice

INVOICE: dict[str, Any] = {
    "invoice_id": "INV-7",
    "account": "ACC-1",
    "amount": "1200.50",
    "currency": "EUR",
    "issue_date": "2026-02-01",
}
PAYMENT: dict[str, Any] = {
    "transaction_id": "BNK-20260214-0001",
    "account": "ACC-1",
    "amount": "300.00",
    "currency": "USD",
    "received_on": "2026-02-14",
}
ORIGIN = "erp.invoices.v1/2/41"


def encoded(message: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**message, **changes}).encode()


def rejection(read: Any, value: bytes | None) -> Rejected:
    with pytest.raises(Rejected) as caught:
        read(value, ORIGIN)
    return caught.value


def test_an_erp_invoice_becomes_issue_invoice_keyed_by_feed_and_invoice_number() -> None:
    command = invoice_command(encoded(INVOICE, due_date="2026-03-03", reference="PO-1"), ORIGIN)

    assert command.account == "ACC-1"
    assert command.invoice_id == "INV-7"
    assert command.amount == Decimal("1200.50")
    assert command.currency == "EUR"
    assert (command.issue_date, command.due_date) == (date(2026, 2, 1), date(2026, 3, 3))
    assert command.reference == "PO-1"
    assert command.command_id == feed_command_id("erp-invoices", "INV-7")
    assert command.correlation_id == ORIGIN


def test_the_command_id_is_the_same_for_a_redelivery_and_differs_between_feeds() -> None:
    first = invoice_command(encoded(INVOICE), ORIGIN)
    again = invoice_command(encoded(INVOICE), "erp.invoices.v1/0/99")
    changed = invoice_command(encoded(INVOICE, amount="1.00"), ORIGIN)

    assert first.command_id == again.command_id == changed.command_id
    assert first.content() == again.content()
    assert again.content() != changed.content()
    assert feed_command_id("erp-invoices", "X-1") != feed_command_id("bank-payments", "X-1")
    assert feed_command_id("erp-invoices", "X-1") != feed_command_id("erp-invoices", "X-2")


def test_a_correlation_id_in_the_message_is_kept() -> None:
    command = invoice_command(encoded(INVOICE, correlation_id="erp-run-19"), ORIGIN)
    assert command.correlation_id == "erp-run-19"


@pytest.mark.parametrize("amount", [1200.5, 1200, "1200.5e0"])
def test_money_sent_as_a_json_number_is_refused_with_a_clear_error(amount: Any) -> None:
    value = encoded(INVOICE, amount=amount).replace(b'"1200.5e0"', b"1200.5e0")

    rejected = rejection(invoice_command, value)

    assert rejected.error_type == "invalid-message"
    assert rejected.message.startswith("amount: money must be a JSON string such as")


@pytest.mark.parametrize(
    "value",
    [b'{"invoice_id": "INV-7", ', b"NaN", b'{"a": 1, "a": 2}', b"\xff\xfe", None],
    ids=["truncated", "nan", "repeated-key", "not-utf8", "tombstone"],
)
def test_what_is_not_json_is_malformed_json(
    value: bytes | None, record_figures: RecordFigures
) -> None:
    assert rejection(invoice_command, value).error_type == "malformed-json"
    record_figures({"bad feed messages refused": 1})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "1,200.50"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"issue_date": "01/02/2026"}, "issue_date"),
        ({"issue_date": 20260201}, "issue_date"),
        ({"currency": "eur"}, "currency"),
        ({"account": "ACC 1"}, "account"),
        ({"account": 17}, "account"),
        ({"invoice_id": None}, "invoice_id"),
        ({"due_on": "2026-03-01"}, "due_on"),
    ],
)
def test_a_field_that_breaks_the_format_is_named(
    changes: dict[str, Any], field: str, record_figures: RecordFigures
) -> None:
    rejected = rejection(invoice_command, encoded(INVOICE, **changes))
    record_figures({"bad feed messages refused": 1})

    assert rejected.error_type == "invalid-message"
    assert rejected.message.startswith(f"{field}: ")


def test_a_message_that_is_not_an_object_or_lacks_fields_is_invalid() -> None:
    assert rejection(invoice_command, b"[1, 2]").error_type == "invalid-message"
    missing = rejection(invoice_command, b'{"invoice_id": "INV-7"}')
    assert missing.error_type == "invalid-message"
    assert "account: Field required" in missing.message


def test_a_bank_payment_becomes_record_payment_with_the_transaction_as_reference() -> None:
    command = payment_command(encoded(PAYMENT, invoice_id="INV-1", method="sepa"), ORIGIN)

    assert command.command_id == feed_command_id("bank-payments", "BNK-20260214-0001")
    assert command.payment_id == command.reference == "BNK-20260214-0001"
    assert (command.amount, command.currency) == (Decimal("300.00"), "USD")
    assert command.received_on == date(2026, 2, 14)
    assert command.method == "sepa"
    assert command.allocations == (AllocationLine(invoice_id="INV-1", amount=Decimal("300.00")),)


def test_a_transaction_id_that_is_no_identifier_keys_a_digested_payment_id() -> None:
    command = payment_command(encoded(PAYMENT, transaction_id="TX 2026/02 #1"), ORIGIN)

    assert command.reference == "TX 2026/02 #1"
    assert command.payment_id.startswith("bank:")
    assert command.allocations == ()


def test_a_payment_naming_an_invoice_is_allocated_what_the_invoice_can_take(
    service: LedgerService,
) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "100.00")
    payment = payment_command(encoded(PAYMENT, invoice_id="INV-1"), ORIGIN)

    service.execute(payment, BANK_PAYMENTS.actor)

    recorded = service.account("ACC-1").payments[payment.payment_id]
    assert payment.fit_allocations and payment.allocations == (
        AllocationLine(invoice_id="INV-1", amount=Decimal("300.00")),)
    assert recorded.allocations == {"INV-1": Decimal("100.00")}
    assert recorded.unapplied == Decimal("200.00")


def test_a_payment_naming_a_paid_invoice_is_nothing_to_pay(service: LedgerService) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "100.00")
    service.execute(payment_command(encoded(PAYMENT, transaction_id="T-0"), ORIGIN),
                    BANK_PAYMENTS.actor)
    payment = payment_command(encoded(PAYMENT, invoice_id="INV-1"), ORIGIN)

    with pytest.raises(NothingToPay) as caught:
        service.execute(payment, BANK_PAYMENTS.actor)
    assert caught.value.rule() == "nothing-to-pay"
    assert "nothing left to pay" in caught.value.message


def test_the_feeds_record_as_service_actors() -> None:
    assert (ERP_INVOICES.actor.role, BANK_PAYMENTS.actor.role) == ("service", "service")
    assert (ERP_INVOICES.actor.actor_id, BANK_PAYMENTS.actor.actor_id) == ("erp-feed", "bank-feed")


def test_a_dead_letter_keeps_the_original_headers_and_says_why_and_where_from() -> None:
    record = ConsumerRecord(
        topic="erp.invoices.v1", partition=2, leader_epoch=0, offset=41, timestamp=0,
        timestamp_type=0, key=b"ACC-1", value=b"{",
        headers=[("trace", b"t-1"), ("error-type", b"stale")],
        checksum=None, serialized_key_size=5, serialized_value_size=1, serialized_header_size=0,
    )

    headers = dead_letter_headers(record, DeadLetter("malformed-json", "not JSON"))

    assert headers == [
        ("trace", b"t-1"),
        ("error-type", b"malformed-json"),
        ("error-message", b"not JSON"),
        ("original-topic", b"erp.invoices.v1"),
        ("original-partition", b"2"),
        ("original-offset", b"41"),
    ]
    assert dead_letter_topic("erp.invoices.v1") == "erp.invoices.v1.dlq"


def test_the_documented_examples_are_valid_messages() -> None:
    """docs/feeds.md shows one message per feed; both must be what the feeds accept."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text()
    erp, bank = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)

    invoice = invoice_command(erp.encode(), ORIGIN)
    payment = payment_command(bank.encode(), ORIGIN)

    assert (invoice.invoice_id, invoice.amount) == ("INV-2026-0042", Decimal("1200.50"))
    assert invoice.correlation_id == "erp-export-2026-02-01"
    assert (payment.payment_id, payment.amount) == ("BNK-20260214-000123", Decimal("500.00"))
    assert payment.allocations[0].invoice_id == "INV-2026-0042"


@pytest.mark.parametrize("changes", [
    {"amount": "100000000000000000000000.00"},
    {"amount": "1e2"},
    {"amount": "\u0661\u0660"},
    {"reference": "a\u0000b"},
    {"reference": "two\nlines"},
    {"invoice_id": "../x"},
    {"issue_date": "0001-01-01"},
], ids=["ten-to-the-23", "exponent", "arabic-indic", "nul", "line-break", "path", "year-1"])
def test_what_halted_the_read_side_is_refused_by_the_feed(
    changes: dict[str, Any], record_figures: RecordFigures
) -> None:
    """The ERP feed stored a 10^23 amount and a NUL reference, which no read model could
    apply; the feed reads values with the API's rules (ledger.input_limits)."""
    assert rejection(invoice_command, encoded(INVOICE, **changes)).error_type == "invalid-message"
    record_figures({"bad feed messages refused": 1})


def test_an_amount_above_the_currencys_maximum_is_refused_by_the_domain(
    service: LedgerService,
) -> None:
    an_account(service, "ACC-1", currency="EUR")
    command = invoice_command(encoded(INVOICE, amount="100000000000.00"), ORIGIN)
    with pytest.raises(AmountAboveMaximum):
        service.execute(command, ERP_INVOICES.actor)
