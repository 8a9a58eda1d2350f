"""One account's arrangements and contacts, as the account page lists them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.commands.collections import AgreeSettlement, MakePromise
from tests.builders import MANAGER
from tests.unit.api_world import ApiWorld


def test_an_accounts_promises_and_settlements_are_listed_newest_first_with_their_status(
) -> None:
    world = ApiWorld()
    number, other = world.debtor(), world.debtor()
    world.run(MakePromise(account=number, promise_id="PTP-1", amount=Decimal("100"),
                          currency="USD", due_date=date(2026, 2, 20)), MANAGER)
    world.run(AgreeSettlement(account=number, settlement_id="STL-1", amount=Decimal("3000"),
                              currency="USD", due_by=date(2026, 3, 1)), MANAGER)
    world.run(MakePromise(account=other, promise_id="PTP-2", amount=Decimal("5"),
                          currency="USD", due_date=date(2026, 2, 20)), MANAGER)
    models = world.app.state.read_models
    models.catch_up()

    found = models.arrangements(number)

    assert {(a.kind, a.arrangement_id, a.amount, a.status) for a in found.arrangements} == {
        ("promise", "PTP-1", Decimal("100.00"), "open"),
        ("settlement", "STL-1", Decimal("3000.00"), "agreed"),
    }
    assert found.contacts == []
