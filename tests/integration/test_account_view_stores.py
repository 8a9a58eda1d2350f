"""On both stores, with the embedded follower running: a write is in the very next account
view, whichever of the follower and the read's own catch-up applies it first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.commands.receivables import RecordPayment
from tests.builders import MANAGER, make_ledger
from tests.unit.given import an_account, an_invoice

WRITES = 25


def test_each_write_is_in_the_next_view_while_the_follower_races_for_it(store_url: str) -> None:
    ledger, clock = make_ledger(store_url)
    service = ledger.service
    clock.set_day(date(2026, 2, 10))
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    stop = ledger.read_models.runner.start_background(interval=0.001)
    try:
        for n in range(1, WRITES + 1):
            service.execute(RecordPayment(
                account="ACC-1", payment_id=f"PAY-{n}", amount=Decimal("10.00"),
                currency="USD", received_on=date(2026, 2, 10)), MANAGER)

            view = service.account_as_of("ACC-1", date(2026, 2, 10))

            assert view["totals"]["USD"]["outstanding"] == f"{1000 - 10 * n}.00"
            assert view["version"] == service.current_version("ACC-1")
    finally:
        stop()
    ledger.read_models.catch_up()
    assert ledger.read_models.lag() == 0
