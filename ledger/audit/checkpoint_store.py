"""Reading checkpoints back: the chained events, their heads side table, and exports.

A checkpoint is trusted only as far as it is consistent: its event must continue
the checkpoint chain and its side-table heads must hash to the digest the event
recorded. An exported checkpoint (JSON kept outside the database) is checked
against its own digest and then against the stored one of the same number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, select

from ledger.aggregates.checkpoints import CHECKPOINTS_ID, CheckpointRecorded
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import PAYLOAD_CHANGED, Break, heads_digest
from ledger.canonical import utc_text

EXPORT_KIND = "colledger-checkpoint"
CHECKPOINT_STREAM = "checkpoints"
"""The name breaks of the checkpoint stream itself are reported under."""

metadata = MetaData()
heads_table = Table(
    "ledger_checkpoint_heads",
    metadata,
    Column("sequence", Integer, primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("digest", String(64), nullable=False),
)

Heads = dict[str, tuple[int, str]]


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    position: int
    accounts: int
    events: int
    digest: str
    recorded_at: datetime | str
    recorded_by: str
    event_digest: str
    heads: Heads

    def summary(self) -> dict[str, Any]:
        """What a verification report names as the checkpoint it verified against."""
        recorded_at = self.recorded_at
        return {
            "id": self.sequence,
            "position": self.position,
            "digest": self.digest,
            "recorded_at": recorded_at if isinstance(recorded_at, str) else utc_text(recorded_at),
            "accounts": self.accounts,
            "events": self.events,
        }

    def export(self) -> dict[str, Any]:
        """Self-contained JSON: everything needed to verify a database against it later."""
        return {
            "kind": EXPORT_KIND,
            **self.summary(),
            "recorded_by": self.recorded_by,
            "event_digest": self.event_digest,
            "heads": {a: {"version": v, "digest": d} for a, (v, d) in sorted(self.heads.items())},
        }


def checkpoint_from_export(document: Mapping[str, Any]) -> Checkpoint:
    """An exported checkpoint, refused if it is not one or no longer matches its own digest."""
    if document.get("kind") != EXPORT_KIND:
        raise ValueError("not an exported colledger checkpoint")
    try:
        heads = {
            str(a): (int(h["version"]), str(h["digest"])) for a, h in document["heads"].items()
        }
        checkpoint = Checkpoint(
            sequence=int(document["id"]), position=int(document["position"]),
            accounts=int(document["accounts"]), events=int(document["events"]),
            digest=str(document["digest"]), recorded_at=str(document["recorded_at"]),
            recorded_by=str(document.get("recorded_by", "")),
            event_digest=str(document.get("event_digest", "")), heads=heads,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"malformed exported checkpoint: {error!r}") from None
    if heads_digest(heads) != checkpoint.digest:
        raise ValueError("the exported checkpoint's heads no longer match its own digest")
    return checkpoint


def _heads(app: LedgerApplication, sequence: int) -> Heads:
    query = select(heads_table.c.account_id, heads_table.c.version, heads_table.c.digest).where(
        heads_table.c.sequence == sequence
    )
    with app.datastore.transaction(commit=False) as session:
        return {row.account_id: (int(row.version), row.digest) for row in session.execute(query)}


def _checkpoint(app: LedgerApplication, event: CheckpointRecorded) -> Checkpoint:
    return Checkpoint(
        sequence=event.sequence, position=event.position, accounts=event.accounts,
        events=event.events, digest=event.heads_digest, recorded_at=event.timestamp,
        recorded_by=event.actor_id, event_digest=event.digest,
        heads=_heads(app, event.sequence),
    )


def recorded_events(app: LedgerApplication) -> tuple[list[CheckpointRecorded], Break | None]:
    """The checkpoint events in order, up to the first one that does not continue the chain
    or whose stored digest is not the one it hashes to (`chain_check`, by the same rules)."""
    return walk_chain(app, CHECKPOINTS_ID, CHECKPOINT_STREAM, (CheckpointRecorded,),
                      lambda version: f"checkpoint #{version - 1}")


def stored_checkpoints(app: LedgerApplication) -> list[Checkpoint]:
    events, _ = recorded_events(app)
    return [_checkpoint(app, e) for e in events]


def latest_checkpoint(app: LedgerApplication) -> tuple[Checkpoint | None, list[Break]]:
    """The latest checkpoint whose chain holds, and what is wrong with checkpoints if anything."""
    events, broken = recorded_events(app)
    breaks = [broken] if broken is not None else []
    if not events:
        return None, breaks
    checkpoint = _checkpoint(app, events[-1])
    if heads_digest(checkpoint.heads) != checkpoint.digest:
        breaks.append(Break(
            CHECKPOINT_STREAM, checkpoint.sequence + 1, PAYLOAD_CHANGED,
            f"the heads stored for checkpoint #{checkpoint.sequence} no longer hash to its digest",
        ))
    return checkpoint, breaks


def compare_with_stored(app: LedgerApplication, exported: Checkpoint) -> list[Break]:
    """Does the database still hold the exported checkpoint, unchanged?"""
    events, _ = recorded_events(app)
    stored = next((e for e in events if e.sequence == exported.sequence), None)
    if stored is None:
        return [Break(CHECKPOINT_STREAM, exported.sequence + 1, "event-missing",
                      f"exported checkpoint #{exported.sequence} is not in the database")]
    if stored.heads_digest != exported.digest or stored.position != exported.position:
        return [Break(CHECKPOINT_STREAM, exported.sequence + 1, PAYLOAD_CHANGED,
                      f"checkpoint #{exported.sequence} in the database differs from the export")]
    return []
