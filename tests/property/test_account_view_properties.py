"""The account view from the read models is the account replayed from its events.

Random portfolios as in `test_projection_rebuild_properties` (invoices, payments, notes,
disputes, reversals, write-offs, promises, contacts, ticks, a follower now and then),
plus changes of standing: terms, credit limit, agent, credit hold, agency, legal,
cease-communication and erasure, some dated a few days back. Then, as of random dates
and as known at random recorded times, `LedgerService.account_as_of` (read models) is
exactly `replayed_view` (the replay the view used to be, with the standing as of the
date), or both say the account was not known yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ledger.aggregates.errors import AccountNotFound
from ledger.commands import accounts
from ledger.commands.base import Actor, Command
from ledger.commands.receivables import IssueInvoice
from ledger.projections.runner import ProjectionRunner
from tests.builders import MANAGER, make_service
from tests.property.test_projection_rebuild_properties import (
    ACCOUNTS,
    SETTINGS,
    START,
    STEP,
    Ledger,
    command_for,
    projections,
)
from tests.replayed_view import replayed_view

COMPLIANCE = Actor("compliance-1", "compliance")
STANDING = st.tuples(st.just("standing"), st.sampled_from(ACCOUNTS), st.integers(0, 10),
                     st.integers(0, 4), st.integers(0, 3))
HISTORY = st.lists(st.one_of(STEP, STANDING, STANDING), min_size=8, max_size=30)
MOMENTS = st.lists(st.tuples(st.integers(-40, 130), st.none() | st.integers(-3, 60)),
                   min_size=1, max_size=4)


def standing_command(ledger: Ledger, step: tuple[Any, ...]) -> tuple[Command, Actor]:
    """One of the eleven changes of standing, dated ``back`` days ago."""
    _, number, which, back, value = step
    on = {"account": number, "effective_on": ledger.today - timedelta(days=back)}
    commands: list[Command] = [
        accounts.ChangeTerms(terms_days=15 * (value + 1), reason="review", **on),
        accounts.SetCreditLimit(amount=None if value == 0 else Decimal(value * 1000),
                                reason="review", **on),
        accounts.AssignAgent(agent_id=None if value == 0 else f"agent-{value}", **on),
        accounts.PlaceCreditHold(reason="overdue", **on),
        accounts.ReleaseCreditHold(reason="paid", **on),
        accounts.PlaceWithAgency(agency_id=f"AGY-{value}", reason="no payment", **on),
        accounts.RecallFromAgency(reason="returned", **on),
        accounts.ReferToLegal(reason="claim", **on),
        accounts.WithdrawLegalReferral(reason="paid before the claim", **on),
        accounts.RequestCeaseCommunication(reason="asked in writing", **on),
        accounts.ErasePersonalData(reason="DSR-1", **on),
    ]
    return commands[which], COMPLIANCE if which == 10 else MANAGER


def played(steps: list[tuple[Any, ...]]) -> Ledger:
    """`play`'s portfolio, its accounts opened with contact details, standing steps run."""
    service, clock = make_service()
    clock.set_day(START)
    ledger = Ledger(service, clock, ProjectionRunner(service.app, projections(), batch_size=3))
    for number in ACCOUNTS:
        ledger.run(accounts.OpenAccount(
            account=number, name=f"Debtor {number}", currency="USD",
            contact={"name": f"Jo {number}", "email": f"ap@{number.lower()}.example"},
            effective_on=START - timedelta(days=30)))
        ledger.run(IssueInvoice(account=number, invoice_id=f"{number}-SEED", currency="USD",
                                amount=Decimal("1500.00"), issue_date=START - timedelta(days=20),
                                due_date=START + timedelta(days=10)), "invoice")
    for step in steps:
        if step[0] == "standing":
            command, actor = standing_command(ledger, step)
            ledger.run(command, actor=actor)
        elif step[0] == "days_pass":
            ledger.today += timedelta(days=step[1])
            clock.set_day(ledger.today)
        elif step[0] == "follow":
            for _ in range(step[1]):
                ledger.runner.run_once()
        else:
            command, kind, actor = command_for(ledger, step)
            ledger.run(command, kind, actor)
    return ledger


def moment(days: int, known_day: int | None) -> tuple[date, datetime | None]:
    known_at = (None if known_day is None else
                datetime.combine(START + timedelta(days=known_day), time(10), tzinfo=UTC))
    return START + timedelta(days=days), known_at


def view_or_unknown(read: Any, *args: Any) -> dict[str, Any] | str:
    try:
        result: dict[str, Any] = read(*args)
    except AccountNotFound:
        return "not known then"
    return result


@SETTINGS
@given(HISTORY, MOMENTS)
def test_the_account_view_from_read_models_is_the_replayed_account(
    steps: list[tuple[Any, ...]], moments: list[tuple[int, int | None]],
) -> None:
    ledger = played(steps)
    service = ledger.service
    for days, known_day in moments:
        as_of, known_at = moment(days, known_day)
        for number in ACCOUNTS:
            found = view_or_unknown(service.account_as_of, number, as_of, known_at)
            expected = view_or_unknown(replayed_view, service, number, as_of, known_at)
            assert found == expected, (number, as_of, known_at)
