"""Anything a command accepts, every read model applies (docs/domain.md, *Input limits*).

Histories of every command the registry knows, drawn with values at the ends of what
the models accept (`command_strategies`: the largest amount of each currency in its
full minor units, identifiers of 1 and 64 characters, the longest names, references,
notes and contact details in any script, 1900-01-01 and 2199-12-31, UTC+14 and UTC-12,
120 instalments), are carried out through the ledger service, whose clock follows the
business dates (`SteppingClock.reach`); ids refer to what earlier commands made and
amounts to what the account owes (`command_fields`), so most commands go through. What
a model refuses (a validation error) or the domain refuses (a `LedgerError`) is skipped:
the claim is about what is accepted. Any other error from a command fails the test,
since its model accepted it. A follower with small batches keeps up now and then. Then,
on SQLite and on PostgreSQL (one database per test, emptied before each example):

- the follower applies every event: every projection reaches the log's head and no
  account is quarantined;
- a rebuild of every projection gives the same rows;
- the reads people use work on the result: aging by account and by currency as of
  today and 2199-12-31 (totals as the aggregate's own view), the account list, the
  account view, statements, KPIs and a worklist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ledger.aggregates.errors import LedgerError
from ledger.commands import accounts as acc
from ledger.commands import collections as col
from ledger.commands import receivables as rec
from ledger.commands.base import Command
from ledger.commands.registry import HANDLERS
from ledger.projections import quarantine
from ledger.projections.read_models import ReadModels
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER, SERVICE, SteppingClock, make_service
from tests.builders import table_rows as rows_of
from tests.property import command_strategies as cs
from tests.property.command_fields import (
    ACTORS,
    BUILDERS,
    MAKES,
    Draw,
    World,
    account_for,
    open_account,
)

WEIGHTED = [rec.IssueInvoice] * 5 + [rec.RecordPayment] * 3 + [
    rec.AdjustInvoice, col.OpenDispute, col.WriteOff, col.RequestWriteOff,
    col.AgreeSettlement, col.RecordContact, col.ProcessDay] * 2 + list(BUILDERS)


def test_every_command_model_has_a_strategy() -> None:
    assert set(BUILDERS) == set(HANDLERS)


# ---------------------------------------------------------------------------------------
# Carrying commands out


def envelope(draw: Draw, world: World, number: str, cls: type[Command],
             fields: dict[str, Any]) -> dict[str, Any]:
    """What every command carries besides its own fields."""
    if cls.dated_by is not None:
        effective_on = draw(st.sampled_from((None, fields[cls.dated_by])))
    else:
        effective_on = draw(st.one_of(st.none(), st.none(), st.none(), st.none(),
                                      cs.dates_around(world.today, back=30, ahead=5).map(cs.iso)))
    command_id, correlation_id = draw(cs.command_ids), draw(cs.correlation_ids)
    return {"account": number, **fields,
            **({"command_id": command_id} if command_id is not None else {}),
            "correlation_id": correlation_id, "effective_on": effective_on}


def carry_out(world: World, cls: type[Command], raw: dict[str, Any]) -> bool:
    """True if the model and the domain accepted the command (it is then recorded)."""
    try:
        command = cls.model_validate(raw)
    except ValidationError as refused:
        event(f"refused by the model: {cls.__name__}.{refused.errors()[0]['loc'][0]}")
        return False
    try:
        world.service.execute(command, ACTORS.get(cls, MANAGER))
    except LedgerError as refused:
        event(f"refused by the domain: {cls.__name__} ({type(refused).__name__})")
        return False
    event(f"accepted: {cls.__name__}")
    if cls in MAKES:
        kind, attribute = MAKES[cls]
        world.ids(command.account, kind).append(getattr(command, attribute))
    return True


def step(draw: Draw, world: World) -> None:
    what = draw(st.sampled_from([*WEIGHTED, "days pass", "follow"]))
    if what == "days pass":
        world.clock.set_day(min(world.today + timedelta(days=draw(st.integers(1, 60))), cs.LATEST))
    elif what == "follow":
        world.models.runner.run_once()
    elif what is acc.OpenAccount:
        open_one(draw, world)
    else:
        number = account_for(draw, world, what)
        fields = BUILDERS[what](draw, world, number)
        if fields is not None:
            carry_out(world, what, envelope(draw, world, number, what, fields))


def open_one(draw: Draw, world: World) -> None:
    number = draw(cs.identifiers)
    fields = open_account(draw, world, number)
    if carry_out(world, acc.OpenAccount, envelope(draw, world, number, acc.OpenAccount, fields)):
        world.accounts.append(number)


# ---------------------------------------------------------------------------------------
# Stores


@dataclass(frozen=True)
class Store:
    """SQLite in memory (a new database per service), or one PostgreSQL database per
    test, emptied before each example."""

    url: str
    examples: int

    @contextmanager
    def ledger(self) -> Iterator[tuple[LedgerService, SteppingClock]]:
        if make_url(self.url).get_backend_name() == "postgresql":
            empty(self.url)
        service, clock = make_service(self.url)
        try:
            yield service, clock
        finally:
            service.app.datastore.engine.dispose()


def empty(url: str) -> None:
    """Every row gone but the migrations' record of the schema, which stays as it is."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        names = set(inspect(connection).get_table_names()) - {"alembic_version"}
        if names:
            quoted = ", ".join(f'"{name}"' for name in sorted(names))
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "sqlite":
        return Store("sqlite:///:memory:", examples=50)
    return Store(request.getfixturevalue("postgres_database_factory")(), examples=30)


# ---------------------------------------------------------------------------------------
# The property


def read_model_rows(world: World) -> dict[str, list[tuple[object, ...]]]:
    tables: dict[str, object] = {
        f"{name}.{logical}": table
        for name, live in world.models.runner.live.items() for logical, table in live.items()
    }
    return rows_of(world.service, tables)


def quarantined(world: World) -> list[quarantine.Quarantine]:
    return world.models.read(quarantine.stored)


def check_reads(world: World) -> None:
    models, today = world.models, world.today
    for as_of in (today, cs.LATEST):
        models.aging(as_of, by="currency")
        by_account = {(row.key, row.currency): (row.total, row.unapplied_credit)
                      for row in models.aging(as_of, by="account")}
        for number in world.accounts:
            view = world.service.account_as_of(number, as_of)
            for currency, totals in view["totals"].items():
                expected = (Decimal(totals["outstanding"]), Decimal(totals["unapplied_credit"]))
                if any(expected):
                    assert by_account[(number, currency)] == expected, (number, currency)
    models.accounts(limit=1000)
    for number in world.accounts:
        models.statement(number, cs.EARLIEST, cs.LATEST)
        models.statement(number, today - timedelta(days=30), today)
    models.kpis(today - timedelta(days=30), today)
    models.kpis(cs.EARLIEST, cs.LATEST)
    models.worklist(AGENT.actor_id, today)


def play(draw: Draw, store: Store) -> None:
    """One history on a fresh ledger, then the three checks."""
    with store.ledger() as (service, clock):
        world = World(service, clock, ReadModels(service.app, batch_size=draw(
            st.sampled_from((3, 1000)))))
        for _ in range(draw(st.integers(1, 3))):
            open_one(draw, world)
        if not world.accounts:
            world.accounts.append("ACC-1")
            service.execute(acc.OpenAccount(account="ACC-1", name="Debtor", currency="EUR"),
                            SERVICE)
        for _ in range(draw(st.integers(10, 40))):
            step(draw, world)

        world.models.catch_up()
        head = service.app.recorder.max_notification_id()
        assert quarantined(world) == []
        assert set(world.models.runner.positions().values()) == {head}
        followed = read_model_rows(world)

        world.models.rebuild(batch_size=draw(st.sampled_from((4, 5000))))
        assert quarantined(world) == []
        rebuilt = read_model_rows(world)
        assert followed.keys() == rebuilt.keys()
        for name in followed:
            assert followed[name] == rebuilt[name], name

        check_reads(world)


def test_what_commands_accept_every_read_model_applies(store: Store) -> None:
    """About 20 s per store on one core; PostgreSQL commits cost more, so it runs fewer."""

    @settings(max_examples=store.examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(data=st.data())
    def histories(data: st.DataObject) -> None:
        play(data.draw, store)

    histories()


def test_a_command_id_no_store_can_hold_is_refused_before_any_store_sees_it(
    store: Store,
) -> None:
    """A NUL in a command id passed the model, then failed the command bus on PostgreSQL
    (its command log cannot hold one): now the model refuses it, on every store."""
    with store.ledger() as (service, _):
        opening = {"account": "ACC-1", "name": "Debtor", "currency": "EUR"}
        with pytest.raises(ValidationError, match="U\\+0000"):
            service.execute(acc.OpenAccount.model_validate(
                {**opening, "command_id": "erp:a\u0000b"}), SERVICE)
        assert service.app.recorder.max_notification_id() is None
        service.execute(acc.OpenAccount.model_validate(
            {**opening, "command_id": "erp:a\tb\r\n😀" + "x" * 118}), SERVICE)
        models = ReadModels(service.app)
        models.catch_up()
        assert models.read(quarantine.stored) == []
        assert models.runner.lowest_position() == service.app.recorder.max_notification_id()
