"""The disputes' root-cause report, on a hand-computed January.

quality: D-1 100.00 opened 5 Jan, upheld 15 Jan (10 days); D-2 50.00 opened 10 Jan,
rejected 30 Jan (20 days); D-3 30.00 opened 20 Jan, upheld 20 Feb (outside January).
delivery: D-4 20.00 opened 25 Jan, still open. pricing: D-5 opened 5 Feb (outside).
So January: quality opened 3 for 180.00 USD, 2 resolved, median 15 days, 50 % upheld;
delivery opened 1 for 20.00, none resolved; pricing not listed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.commands.collections import OpenDispute, ResolveDispute
from ledger.service import LedgerService
from tests.builders import AGENT, MANAGER
from tests.unit.given import ACCOUNT, an_account, an_invoice


def opened(service: LedgerService, dispute_id: str, code: str, amount: str, on: date) -> None:
    service.execute(OpenDispute(account=ACCOUNT, dispute_id=dispute_id, invoice_id="INV-1",
                                amount=Decimal(amount), reason="", reason_code=code,
                                effective_on=on), AGENT)


def resolved(service: LedgerService, dispute_id: str, outcome: str, on: date) -> None:
    service.execute(ResolveDispute(account=ACCOUNT, dispute_id=dispute_id, outcome=outcome,
                                   effective_on=on), MANAGER)


def test_the_report_counts_sums_and_judges_per_reason(service: LedgerService) -> None:
    an_account(service)
    an_invoice(service, "INV-1", "1000.00")
    opened(service, "D-1", "quality", "100.00", date(2026, 1, 5))
    opened(service, "D-2", "quality", "50.00", date(2026, 1, 10))
    resolved(service, "D-1", "upheld", date(2026, 1, 15))
    opened(service, "D-3", "quality", "30.00", date(2026, 1, 20))
    opened(service, "D-4", "delivery", "20.00", date(2026, 1, 25))
    resolved(service, "D-2", "rejected", date(2026, 1, 30))
    opened(service, "D-5", "pricing", "10.00", date(2026, 2, 5))
    resolved(service, "D-3", "upheld", date(2026, 2, 20))
    service.read_models.catch_up()

    report = service.read_models.dispute_report(date(2026, 1, 1), date(2026, 1, 31))

    assert [(r.reason_code, r.opened, r.amounts, r.resolved, r.median_cycle_days,
             r.upheld_percent) for r in report] == [
        ("delivery", 1, {"USD": Decimal("20.00")}, 0, None, None),
        ("quality", 3, {"USD": Decimal("180.00")}, 2, Decimal("15.00"), Decimal("50.00")),
    ]
    february = service.read_models.dispute_report(date(2026, 2, 1), date(2026, 2, 28))
    assert [(r.reason_code, r.opened, r.resolved, r.median_cycle_days, r.upheld_percent)
            for r in february] == [("pricing", 1, 0, None, None),
                                   ("quality", 0, 1, Decimal("31.00"), Decimal("100.00"))]
