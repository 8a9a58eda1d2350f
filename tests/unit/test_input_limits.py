"""The input limits at the command models and through the ledger service (docs/domain.md,
*Input limits*), one test per defect the issue reported.

Every refused value is refused before anything is written: the store's position stays
where it was. A value a model refuses never becomes a command; a value only the domain
can judge (the currency's maximum, a date after today) passes the model and is refused
by the service. The values at the limits are accepted, and the read models apply them.
The API's doors to the same rules are tested in test_api_input_limits.py.

The ledger's clock here stands still at 2026-03-10 09:00 UTC (it does not follow the
commands' business dates), so "tomorrow" is tomorrow.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import AmountAboveMaximum, FutureDate, InvalidDates
from ledger.commands.accounts import OpenAccount
from ledger.commands.base import Command
from ledger.commands.collections import ProcessDay, RecordContact, RecordRecovery
from ledger.commands.receivables import IssueInvoice, RecordPayment
from ledger.currencies import maximum_amount, minor_units
from ledger.input_limits import latest_today
from ledger.projections import quarantine
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SteppingClock, make_service
from tests.unit.given import ACCOUNT, an_account, rejected, store_position

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
TOMORROW = latest_today(NOW) + timedelta(days=1)
"""Tomorrow everywhere on earth: at 09:00 UTC it is 23:00 on the 10th at UTC+14."""
HUGE = "100000000000000000000000.00"


@pytest.fixture
def ledger() -> LedgerService:
    service, _ = make_service(clock=SteppingClock(NOW), follow_business_dates=False)
    an_account(service)
    return service


def invoice(**fields: Any) -> dict[str, Any]:
    return {"account": ACCOUNT, "invoice_id": "INV-1", "amount": "100.00", "currency": "USD",
            "issue_date": TODAY.isoformat(), **fields}


def payment(**fields: Any) -> dict[str, Any]:
    return {"account": ACCOUNT, "payment_id": "PAY-1", "amount": "100.00", "currency": "USD",
            "received_on": TODAY.isoformat(), **fields}


def refused_by_the_model(service: LedgerService, command_type: type[Command],
                         fields: dict[str, Any]) -> ValidationError:
    with rejected(service, ValidationError) as raised:
        service.execute(command_type.model_validate(fields), MANAGER)
    error: ValidationError = raised.value
    return error


def refused_by_the_service(service: LedgerService, command: Command,
                           error: type[Exception]) -> None:
    with rejected(service, error):
        service.execute(command, MANAGER)


def test_an_invoice_of_ten_to_the_twenty_three_is_refused(ledger: LedgerService) -> None:
    refused_by_the_model(ledger, IssueInvoice, invoice(amount=HUGE))
    inside = IssueInvoice.model_validate(invoice(amount=Decimal(HUGE)))
    refused_by_the_service(ledger, inside, AmountAboveMaximum)


@pytest.mark.parametrize("currency", ["EUR", "JPY"])
def test_one_minor_unit_above_the_maximum_is_refused_and_the_maximum_projects(
    currency: str,
) -> None:
    service, _ = make_service(clock=SteppingClock(NOW), follow_business_dates=False)
    an_account(service, currency=currency)
    largest = maximum_amount(currency)
    above = largest + Decimal(1).scaleb(-minor_units(currency))

    refused_by_the_service(service, IssueInvoice.model_validate(
        invoice(amount=str(above), currency=currency)), AmountAboveMaximum)
    service.execute(IssueInvoice.model_validate(invoice(amount=str(largest), currency=currency)),
                    MANAGER)

    models = ReadModels(service.app)
    models.catch_up()
    assert models.read(quarantine.stored) == []
    [row] = models.aging(TODAY)
    assert (row.key, row.currency, row.total) == (ACCOUNT, currency, largest)


@pytest.mark.parametrize("command_type, fields", [
    (IssueInvoice, invoice(reference="a\u0000b")),
    (RecordPayment, payment(reference="a\u0000b")),
])
def test_a_reference_with_a_nul_is_refused(ledger: LedgerService, command_type: type[Command],
                                           fields: dict[str, Any]) -> None:
    error = refused_by_the_model(ledger, command_type, fields)
    assert "U+0000" in str(error)


@pytest.mark.parametrize("amount", ["1e2", " 10.00 ", "1_000.00", "١٠٠", "１００", 100, 100.0])
def test_an_amount_that_is_not_a_plain_ascii_decimal_string_is_refused(
    ledger: LedgerService, amount: str | int | float,
) -> None:
    refused_by_the_model(ledger, IssueInvoice, invoice(amount=amount))


def test_an_amount_that_is_a_json_number_is_refused(ledger: LedgerService) -> None:
    with rejected(ledger, ValidationError):
        ledger.execute(IssueInvoice.model_validate_json(json.dumps(invoice(amount=100))),
                       MANAGER)


@pytest.mark.parametrize("command_type, fields", [
    (OpenAccount, {"account": "../x", "name": "Path", "currency": "USD"}),
    (IssueInvoice, invoice(account="../x")),
    (IssueInvoice, invoice(invoice_id="../x")),
])
def test_an_identifier_with_a_path_in_it_is_refused(
    ledger: LedgerService, command_type: type[Command], fields: dict[str, Any],
) -> None:
    refused_by_the_model(ledger, command_type, fields)


def test_a_payment_received_tomorrow_is_refused_and_one_received_today_is_not(
    ledger: LedgerService,
) -> None:
    tomorrow = RecordPayment.model_validate(payment(received_on=TOMORROW.isoformat()))
    refused_by_the_service(ledger, tomorrow, FutureDate)
    ledger.execute(RecordPayment.model_validate(payment(received_on=TODAY.isoformat())), MANAGER)


def test_a_contact_dated_2030_is_refused(ledger: LedgerService) -> None:
    call = RecordContact(account=ACCOUNT, contact_id="C-1", channel="email", outcome="sent",
                         at=datetime(2030, 1, 15, 10, 0, tzinfo=UTC))
    with rejected(ledger, FutureDate):
        ledger.execute(call, AGENT)


def test_an_invoice_may_be_issued_300_days_ahead_but_not_400(ledger: LedgerService) -> None:
    far = IssueInvoice.model_validate(invoice(issue_date=(TODAY + timedelta(400)).isoformat()))
    refused_by_the_service(ledger, far, FutureDate)
    ledger.execute(IssueInvoice.model_validate(
        invoice(issue_date=(TODAY + timedelta(300)).isoformat())), MANAGER)


@pytest.mark.parametrize("timezone, today_there", [
    ("Pacific/Pago_Pago", date(2026, 3, 9)),  # UTC-11: 22:00 on the 9th
    ("Pacific/Kiritimati", date(2026, 3, 10)),  # UTC+14: 23:00 on the 10th
])
def test_the_tick_for_tomorrow_in_the_accounts_timezone_is_refused_and_today_is_not(
    timezone: str, today_there: date,
) -> None:
    service, _ = make_service(clock=SteppingClock(NOW), follow_business_dates=False)
    an_account(service, timezone=timezone)
    tomorrow = ProcessDay(account=ACCOUNT, day=today_there + timedelta(days=1))
    refused_by_the_service(service, tomorrow, FutureDate)
    service.execute(ProcessDay(account=ACCOUNT, day=today_there), MANAGER)


@pytest.mark.parametrize("command_type, fields", [
    (IssueInvoice, invoice()),
    (RecordPayment, payment()),
    (RecordRecovery, {"account": ACCOUNT, "recovery_id": "R-1", "invoice_id": "INV-1",
                      "amount": "1.00", "received_on": TODAY.isoformat()}),
    (ProcessDay, {"account": ACCOUNT, "day": TODAY.isoformat()}),
])
def test_effective_on_that_disagrees_with_the_commands_own_date_is_refused(
    ledger: LedgerService, command_type: type[Command], fields: dict[str, Any],
) -> None:
    assert command_type.dated_by is not None
    error = refused_by_the_model(ledger, command_type, {
        **fields, "effective_on": (TODAY - timedelta(days=1)).isoformat()})
    assert f"differs from {command_type.dated_by}" in str(error)
    command_type.model_validate({**fields, "effective_on": fields[command_type.dated_by]})


def test_a_command_id_with_a_nul_is_refused_and_one_with_a_tab_is_not(
    ledger: LedgerService,
) -> None:
    """Found by tests/property/test_accepted_is_projectable.py: the model took a NUL, which
    PostgreSQL's command log cannot hold (the command bus failed there with a ValueError)."""
    error = refused_by_the_model(ledger, IssueInvoice, invoice(command_id="erp:a\u0000b"))
    assert "U+0000" in str(error)
    position = store_position(ledger)
    ledger.execute(IssueInvoice.model_validate(invoice(command_id="erp:a\tb")), MANAGER)
    assert store_position(ledger) > position


def test_a_contact_whose_local_day_falls_before_1900_is_refused() -> None:
    """1900-01-01T03:00Z is in the calendar, but in New York it is still 1899."""
    service, _ = make_service(clock=SteppingClock(NOW), follow_business_dates=False)
    an_account(service, timezone="America/New_York")
    at = datetime(1900, 1, 1, 3, 0, tzinfo=UTC)
    call = RecordContact(account=ACCOUNT, contact_id="C-1899", channel="email", outcome="sent",
                         at=at)
    with rejected(service, InvalidDates):
        service.execute(call, AGENT)


def test_a_time_is_placed_in_the_calendar_by_its_utc_instant() -> None:
    """Its own offset cannot move a time into the years the ledger keeps."""
    with pytest.raises(ValidationError, match="outside the years"):
        RecordContact(account=ACCOUNT, contact_id="C-0", channel="email", outcome="sent",
                      at=datetime(1900, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))))
