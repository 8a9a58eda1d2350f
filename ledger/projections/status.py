"""How the read side stands: each projection's position and lag, and its quarantines.

One read serves everyone who asks: ``colledger status`` and ``GET /operations/status``
for operators (accounts named), ``/readyz`` and ``/metrics`` for machines (counts and
positions only: they answer without a key).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.projections import quarantine, tracking
from ledger.projections.quarantine import Quarantine


@dataclass(frozen=True)
class ProjectionState:
    """``first_quarantined_at``: the lowest log position at which it quarantined one."""

    name: str
    position: int
    lag: int
    quarantined_accounts: int
    first_quarantined_at: int | None


@dataclass(frozen=True)
class ReadSideStatus:
    head: int
    projections: tuple[ProjectionState, ...]
    quarantines: tuple[Quarantine, ...]

    @property
    def degraded(self) -> bool:
        """Serving, but without the quarantined accounts."""
        return bool(self.quarantines)


def read_side_status(
    session: Any, head: int, names: Sequence[str], positions: Mapping[str, int] | None = None
) -> ReadSideStatus:
    """``positions``: where each projection stands when not in ``projection_tracking``
    (read models fed by Kafka workers, `kafka_fed`)."""
    rows = quarantine.stored(session, names)
    states = []
    for name in names:
        position = (tracking.position(session, name) if positions is None
                    else positions[name])
        mine = [q.position for q in rows if q.projection == name]
        states.append(ProjectionState(name, position, max(head - position, 0), len(mine),
                                      min(mine, default=None)))
    return ReadSideStatus(head, tuple(states), tuple(rows))
