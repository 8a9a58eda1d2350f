"""Commands about the account itself: opening, terms, credit limit, agent, the flags
that restrict collection (cease-communication, agency, legal, credit hold), erasure."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from ledger.aggregates.errors import (
    AccountAlreadyExists,
    AccountNotFound,
    AccountStandingConflict,
    InvalidAmount,
    UnknownCurrency,
)
from ledger.commands.accounts import (
    AssignAgent,
    ChangeTerms,
    ErasePersonalData,
    OpenAccount,
    PlaceCreditHold,
    PlaceWithAgency,
    RecallFromAgency,
    ReferToLegal,
    ReleaseCreditHold,
    RequestCeaseCommunication,
    SetCreditLimit,
    WithdrawLegalReferral,
)
from ledger.commands.base import Command
from ledger.service import LedgerService
from tests.builders import MANAGER
from tests.unit.given import ACCOUNT, an_account, an_invoice, event_types, outstanding, rejected


@pytest.fixture
def account(service: LedgerService) -> LedgerService:
    an_account(service)
    return service


def opening(**fields: object) -> OpenAccount:
    return OpenAccount.model_validate(
        {"account": "ACC-2", "name": "Globex", "currency": "EUR"} | fields
    )


# Opening ----------------------------------------------------------------------------


def test_opening_an_account_records_its_terms_and_settings(service: LedgerService) -> None:
    result = service.execute(
        opening(
            terms_days=45,
            credit_limit=Decimal("5000"),
            timezone="Europe/Paris",
            segment="key-accounts",
            contact={"email": "ap@globex.example"},
        ),
        MANAGER,
    )

    opened = service.account("ACC-2")
    assert (result.events, result.version) == (("AccountOpened",), 1)
    assert (opened.number, opened.name, opened.currency, opened.terms_days) == (
        "ACC-2",
        "Globex",
        "EUR",
        45,
    )
    assert (opened.credit_limit, opened.timezone, opened.segment) == (
        Decimal("5000.00"),
        "Europe/Paris",
        "key-accounts",
    )
    assert service.contact(opened) == {"email": "ap@globex.example"}
    assert service.account_numbers() == ["ACC-2"]


def test_opening_an_account_number_twice_is_refused(service: LedgerService) -> None:
    service.execute(opening(), MANAGER)

    with rejected(service, AccountAlreadyExists):
        service.execute(opening(name="Globex again"), MANAGER)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"currency": "XYZ"}, UnknownCurrency),
        ({"credit_limit": Decimal("10.001")}, InvalidAmount),
    ],
    ids=["unknown-currency", "limit-below-minor-unit"],
)
def test_opening_with_invalid_settings_is_refused(
    service: LedgerService, fields: dict[str, object], error: type[Exception]
) -> None:
    with rejected(service, error):
        service.execute(opening(**fields), MANAGER)


@pytest.mark.parametrize(
    "fields",
    [{"terms_days": 366}, {"terms_days": -1}, {"name": ""}, {"account": "has space"},
     {"timezone": "Mars/Olympus_Mons"}, {"timezone": "../etc/passwd"}, {"name": "a\nb"}],
)
def test_opening_with_malformed_fields_is_refused_by_the_command(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        opening(**fields)


# Terms, limit, agent ----------------------------------------------------------------


def test_changing_terms_applies_to_later_invoices_only(account: LedgerService) -> None:
    an_invoice(account, "INV-1")

    result = account.execute(
        ChangeTerms(account=ACCOUNT, terms_days=60, reason="renegotiated"), MANAGER
    )
    an_invoice(account, "INV-2")

    state = account.account(ACCOUNT)
    assert result.events == ("AccountTermsChanged",)
    assert state.terms_days == 60
    assert (state.invoices["INV-2"].due_date - state.invoices["INV-1"].due_date).days == 30


def test_setting_and_clearing_the_credit_limit(account: LedgerService) -> None:
    account.execute(SetCreditLimit(account=ACCOUNT, amount=Decimal("2500.5")), MANAGER)
    assert account.account(ACCOUNT).credit_limit == Decimal("2500.50")

    account.execute(SetCreditLimit(account=ACCOUNT, amount=None), MANAGER)
    assert account.account(ACCOUNT).credit_limit is None


@pytest.mark.parametrize(("amount", "error"), [("-1.00", InvalidAmount), ("1.001", InvalidAmount)])
def test_invalid_credit_limit_is_refused(
    account: LedgerService, amount: str, error: type[Exception]
) -> None:
    with rejected(account, error):
        account.execute(SetCreditLimit(account=ACCOUNT, amount=Decimal(amount)), MANAGER)


def test_assigning_and_unassigning_an_agent(account: LedgerService) -> None:
    account.execute(AssignAgent(account=ACCOUNT, agent_id="agent-7"), MANAGER)
    assert account.account(ACCOUNT).agent_id == "agent-7"

    account.execute(AssignAgent(account=ACCOUNT, agent_id=None), MANAGER)
    assert account.account(ACCOUNT).agent_id is None


# Flags ------------------------------------------------------------------------------


def test_cease_communication_is_recorded_once(account: LedgerService) -> None:
    result = account.execute(RequestCeaseCommunication(account=ACCOUNT, reason="letter"), MANAGER)
    assert result.events == ("CeaseCommunicationRequested",)
    assert account.account(ACCOUNT).cease_communication is True

    with rejected(account, AccountStandingConflict):
        account.execute(RequestCeaseCommunication(account=ACCOUNT, reason="again"), MANAGER)


def test_placing_with_an_agency_and_recalling(account: LedgerService) -> None:
    account.execute(PlaceWithAgency(account=ACCOUNT, agency_id="AG-1"), MANAGER)
    assert account.account(ACCOUNT).agency_id == "AG-1"

    with rejected(account, AccountStandingConflict):
        account.execute(PlaceWithAgency(account=ACCOUNT, agency_id="AG-2"), MANAGER)

    result = account.execute(RecallFromAgency(account=ACCOUNT), MANAGER)
    assert result.events == ("RecalledFromAgency",)
    assert account.account(ACCOUNT).agency_id is None
    assert list(account.history(ACCOUNT))[-1]["payload"]["agency_id"] == "AG-1"


def test_recalling_an_account_not_placed_is_refused(account: LedgerService) -> None:
    with rejected(account, AccountStandingConflict):
        account.execute(RecallFromAgency(account=ACCOUNT), MANAGER)


def test_referring_to_legal_is_recorded_once(account: LedgerService) -> None:
    account.execute(ReferToLegal(account=ACCOUNT, reason="claim"), MANAGER)
    assert account.account(ACCOUNT).legal_referral is True

    with rejected(account, AccountStandingConflict):
        account.execute(ReferToLegal(account=ACCOUNT, reason="again"), MANAGER)


def test_withdrawing_a_legal_referral_lets_the_account_be_collected_again(
    account: LedgerService,
) -> None:
    account.execute(ReferToLegal(account=ACCOUNT, reason="claim"), MANAGER)

    result = account.execute(
        WithdrawLegalReferral(account=ACCOUNT, reason="paid before the claim"), MANAGER)

    assert result.events == ("LegalReferralWithdrawn",)
    assert account.account(ACCOUNT).legal_referral is False
    assert list(account.history(ACCOUNT))[-1]["payload"]["reason"] == "paid before the claim"
    account.execute(ReferToLegal(account=ACCOUNT, reason="claim again"), MANAGER)
    assert account.account(ACCOUNT).legal_referral is True


def test_withdrawing_a_legal_referral_never_made_is_refused(account: LedgerService) -> None:
    with rejected(account, AccountStandingConflict):
        account.execute(WithdrawLegalReferral(account=ACCOUNT, reason="no claim"), MANAGER)


def test_a_legal_referral_is_withdrawn_only_with_a_reason() -> None:
    with pytest.raises(ValidationError):
        WithdrawLegalReferral(account=ACCOUNT, reason="")


def test_placing_and_releasing_a_credit_hold(account: LedgerService) -> None:
    account.execute(PlaceCreditHold(account=ACCOUNT, reason="over limit"), MANAGER)
    assert account.account(ACCOUNT).credit_hold is True
    with rejected(account, AccountStandingConflict):
        account.execute(PlaceCreditHold(account=ACCOUNT, reason="again"), MANAGER)

    account.execute(ReleaseCreditHold(account=ACCOUNT, reason="paid"), MANAGER)
    assert account.account(ACCOUNT).credit_hold is False
    with rejected(account, AccountStandingConflict):
        account.execute(ReleaseCreditHold(account=ACCOUNT, reason="again"), MANAGER)


# Erasure ----------------------------------------------------------------------------


def test_erasing_personal_data_keeps_the_financial_history(service: LedgerService) -> None:
    service.execute(opening(contact={"phone": "+33 1 23 45 67 89"}), MANAGER)
    an_invoice(service, "INV-1", "10.00", currency="EUR", account="ACC-2")

    result = service.execute(ErasePersonalData(account="ACC-2", reason="GDPR art. 17"), MANAGER)

    erased = service.account("ACC-2")
    assert result.events == ("PersonalDataErased",)
    assert (erased.contact, erased.personal_data_erased) == (None, True)
    assert outstanding(service, "INV-1", "ACC-2") == Decimal("10.00")
    assert event_types(service, "ACC-2") == ["AccountOpened", "InvoiceIssued", "PersonalDataErased"]


def test_erasing_personal_data_twice_is_refused(account: LedgerService) -> None:
    account.execute(ErasePersonalData(account=ACCOUNT, reason="request"), MANAGER)

    with rejected(account, AccountStandingConflict):
        account.execute(ErasePersonalData(account=ACCOUNT, reason="again"), MANAGER)


@pytest.mark.parametrize(
    "command",
    [
        ChangeTerms(account="NOPE", terms_days=10),
        SetCreditLimit(account="NOPE", amount=None),
        AssignAgent(account="NOPE", agent_id="a"),
        RequestCeaseCommunication(account="NOPE", reason="x"),
        PlaceWithAgency(account="NOPE", agency_id="AG-1"),
        RecallFromAgency(account="NOPE"),
        ReferToLegal(account="NOPE", reason="x"),
        PlaceCreditHold(account="NOPE", reason="x"),
        ReleaseCreditHold(account="NOPE", reason="x"),
        ErasePersonalData(account="NOPE", reason="x"),
    ],
    ids=lambda command: type(command).__name__,
)
def test_standing_commands_on_an_unknown_account_are_refused(
    account: LedgerService, command: Command
) -> None:
    with rejected(account, AccountNotFound):
        account.execute(command, MANAGER)
