"""Every projection the ledger maintains, by name."""

from __future__ import annotations

from ledger.projections.activity import ActivityProjection
from ledger.projections.cash import CashProjection
from ledger.projections.history import HistoryProjection
from ledger.projections.open_items import OpenItemsProjection
from ledger.projections.projection import Projection


def all_projections() -> list[Projection]:
    return [OpenItemsProjection(), ActivityProjection(), HistoryProjection(), CashProjection()]


def projections_named(names: list[str] | None) -> list[Projection]:
    available = {p.name: p for p in all_projections()}
    if not names:
        return list(available.values())
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise ValueError(f"unknown projections {unknown}; choose from {sorted(available)}")
    return [available[n] for n in names]
