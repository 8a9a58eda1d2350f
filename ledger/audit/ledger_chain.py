"""Walking a ledger-level chain (checkpoints, access grants) by `chain_check`'s rules.

Such a stream starts with the library's creation event, then each event names the
digest of the one before (``previous_digest``). The walk recomputes every digest and
stops at the first event that cannot be read, is missing, does not continue the chain,
or whose stored digest is not the one its content hashes to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from ledger.application import LedgerApplication
from ledger.audit.report import EVENT_MISSING, PAYLOAD_CHANGED, Break, digest_mismatch
from ledger.canonical import GENESIS_HASH


def walk_chain(
    app: LedgerApplication,
    stream_id: UUID,
    stream: str,
    kinds: tuple[type[Any], ...],
    label: Callable[[int], str],
) -> tuple[list[Any], Break | None]:
    """The chain's events in order, up to the first break (``None`` when there is none).
    ``stream`` names the chain in findings; ``label(version)`` names one of its events."""
    found: list[Any] = []
    previous = GENESIS_HASH
    suspect: Any = None
    noun = label(2).split()[0]
    for stored in app.recorder.select_events(stream_id):
        version = stored.originator_version
        try:
            event: Any = app.mapper.to_domain_event(stored)
            if version == 1:
                continue
            if not isinstance(event, kinds):
                raise TypeError(f"stored as {type(event).__name__}")
            digest = event.recomputed_digest()
        except Exception as error:  # noqa: BLE001 - an edited row may fail in any way
            return found, Break(stream, version, PAYLOAD_CHANGED,
                                f"{noun} event unreadable: {error}")
        if version != len(found) + 2:
            return found, Break(stream, len(found) + 2, EVENT_MISSING,
                                f"{label(len(found) + 2)} is missing")
        if event.previous_digest != previous:
            return found, Break(stream, version - 1, PAYLOAD_CHANGED,
                                f"{label(version)} does not continue the chain")
        if suspect is not None:
            return found, digest_mismatch(stream, version - 1, suspect.stored_digest,
                                          label(version))
        found.append(event)
        previous = digest
        suspect = event if event.stored_digest != digest else None
    if suspect is not None:
        return found, digest_mismatch(stream, suspect.originator_version,
                                      suspect.stored_digest, None)
    return found, None
