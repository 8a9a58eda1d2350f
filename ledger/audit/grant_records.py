"""Recording access grants with the change they record, and reading the grants back.

The key store's own row (a key's hash, its revocation time) and the grant event
are written in one transaction, so there is never a key without its grant nor a
grant without its key. Two grants at once both load the same version of the
stream; the second one's save fails and is retried on the stream as the first
left it, so the role binding holds under concurrency too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from ledger.aggregates.access_grants import (
    ACCESS_GRANTS_ID,
    AccessGrants,
    ApiKeyIssued,
    ApiKeyRevoked,
)
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import Break
from ledger.canonical import utc_text

GRANTS_STREAM = "access-grants"
"""The name breaks of the grant stream are reported under."""
ATTEMPTS = 3
T = TypeVar("T")


@dataclass(frozen=True)
class Grant:
    """One entry of the grants history, as listings show it."""

    event: str
    key_id: str
    holder_id: str
    holder_role: str
    by_actor_id: str
    by_role: str
    recorded_at: str
    correlation_id: str
    digest: str


def record_grant(
    app: LedgerApplication,
    at: datetime,
    change: Callable[[Any], T | None],
    grant: Callable[[AccessGrants, T], None],
) -> bool:
    """Run ``change`` (the key store's write, in the transaction's session), then record
    ``grant`` of what it changed on the grants stream, both in one transaction. False, with
    nothing written, when ``change`` finds nothing to change (None); a refused grant
    (``ActorBoundToRole``) writes nothing either."""
    for attempt in range(ATTEMPTS):
        try:
            with app.datastore.transaction(commit=True) as session:
                changed = change(session)
                if changed is None:
                    return False
                grants = _grants(app, at)
                grant(grants, changed)
                app.save(grants)
            return True
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _grants(app: LedgerApplication, now: datetime) -> AccessGrants:
    try:
        grants: AccessGrants = app.repository.get(ACCESS_GRANTS_ID)
    except AggregateNotFoundError:
        grants = AccessGrants.start(now)
    return grants


def grant_history(app: LedgerApplication) -> tuple[list[Grant], Break | None]:
    """Every grant and revocation in order, up to the first that does not continue the chain
    or whose stored digest is not the one it hashes to (`chain_check`, by the same rules)."""
    events: list[ApiKeyIssued | ApiKeyRevoked]
    events, broken = walk_chain(app, ACCESS_GRANTS_ID, GRANTS_STREAM,
                                (ApiKeyIssued, ApiKeyRevoked), lambda version: f"grant v{version}")
    grants = [Grant(
        type(event).__name__, event.key_id, event.holder_id, event.holder_role,
        event.actor_id, event.actor_role, utc_text(event.timestamp), event.correlation_id,
        event.stored_digest or event.recomputed_digest(),  # the walk checked they agree
    ) for event in events]
    return grants, broken
