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
from ledger.audit.report import EVENT_MISSING, PAYLOAD_CHANGED, Break, digest_mismatch
from ledger.canonical import GENESIS_HASH, utc_text

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
    found: list[Grant] = []
    previous = GENESIS_HASH
    suspect: ApiKeyIssued | ApiKeyRevoked | None = None
    for stored in app.recorder.select_events(ACCESS_GRANTS_ID):
        version = stored.originator_version
        try:
            event = app.mapper.to_domain_event(stored)
            if version == 1:
                continue
            if not isinstance(event, ApiKeyIssued | ApiKeyRevoked):
                raise TypeError(f"stored as {type(event).__name__}")
            digest = event.recomputed_digest()
        except Exception as error:  # noqa: BLE001 - an edited row may fail in any way
            return found, Break(GRANTS_STREAM, version, PAYLOAD_CHANGED,
                                f"grant event unreadable: {error}")
        if version != len(found) + 2:
            return found, Break(GRANTS_STREAM, len(found) + 2, EVENT_MISSING,
                                f"grant v{len(found) + 2} is missing")
        if event.previous_digest != previous:
            return found, Break(GRANTS_STREAM, version - 1, PAYLOAD_CHANGED,
                                f"grant v{version} does not continue the chain")
        if suspect is not None:
            return found, digest_mismatch(GRANTS_STREAM, version - 1, suspect.stored_digest,
                                          f"grant v{version}")
        found.append(Grant(
            type(event).__name__, event.key_id, event.holder_id, event.holder_role,
            event.actor_id, event.actor_role, utc_text(event.timestamp), event.correlation_id,
            digest,
        ))
        previous = digest
        suspect = event if event.stored_digest != digest else None
    if suspect is not None:
        return found, digest_mismatch(GRANTS_STREAM, suspect.originator_version,
                                      suspect.stored_digest, None)
    return found, None
