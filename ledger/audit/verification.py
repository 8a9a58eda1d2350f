"""Verify the stored history: every account's hash chain, the latest checkpoint, the grants.

Reads the stored events themselves (never snapshots or read models), recomputes
each event's digest, checks ``prev_hash`` links and contiguous versions, and
compares each account's chain with the head the checkpoint recorded for it. The
checkpoint is the latest stored one, or an exported one (kept outside the
database) given as ``against``. Verifying the whole ledger also walks the chain
of access grants (who was given which API key), since a key decides who the
ledger records as having acted. See docs/audit.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from ledger.aggregates.account import account_id_for
from ledger.aggregates.contact_compliance import compliance_id_for
from ledger.aggregates.errors import AccountNotFound
from ledger.application import LedgerApplication
from ledger.audit.chain_check import first_break
from ledger.audit.checkpoint_store import (
    Checkpoint,
    checkpoint_from_export,
    compare_with_stored,
    latest_checkpoint,
)
from ledger.audit.grant_records import grant_history
from ledger.audit.policy_records import policy_history
from ledger.audit.refusal_records import compliance_break, is_compliance_topic
from ledger.audit.report import Break, VerificationReport, heads_digest
from ledger.audit.stored_streams import (
    Link,
    StoredRow,
    is_account_topic,
    read_link,
    stored_streams,
)
from ledger.audit.worklist_policy_records import worklist_policy_history
from ledger.canonical import GENESIS_HASH

__all__ = ["Break", "VerificationReport", "verify_ledger", "verify_since"]


def account_stream(
    app: LedgerApplication, stream_id: UUID, rows: Sequence[StoredRow], known: Mapping[UUID, str]
) -> tuple[str, list[Link]] | None:
    """The account number and links of an account's stream; None for ledger-level aggregates.

    The number comes from the account's opening event, else from the checkpoint,
    else (both gone) the stream id stands in for it.
    """
    if stream_id not in known and not any(is_account_topic(r.topic) for r in rows):
        return None
    links = [read_link(app, row) for row in rows]
    number = next((link.number for link in links if link.number), None)
    return number or known.get(stream_id) or str(stream_id), links


def verify_ledger(
    app: LedgerApplication,
    account: str | None = None,
    *,
    against: Mapping[str, Any] | None = None,
) -> VerificationReport:
    """Verify every account (or one, by account number) up to the current log position.

    ``against`` is an exported checkpoint document (``colledger checkpoint --export``);
    a malformed or self-inconsistent one raises ValueError. An account that was never
    stored nor checkpointed raises AccountNotFound.
    """
    breaks: list[Break] = []
    checkpoint: Checkpoint | None
    if against is not None:
        exported = checkpoint_from_export(against)
        breaks += compare_with_stored(app, exported)
        checkpoint = exported
    else:
        checkpoint, checkpoint_breaks = latest_checkpoint(app)
        breaks += checkpoint_breaks
    if account is None and (grants_broken := grant_history(app)[1]) is not None:
        breaks.append(grants_broken)
    if account is None and (policy_broken := policy_history(app)[1]) is not None:
        breaks.append(policy_broken)
    if account is None and (weights_broken := worklist_policy_history(app)[1]) is not None:
        breaks.append(weights_broken)
    # Read after the checkpoint, so a checkpoint recorded meanwhile is never ahead of it.
    position = app.recorder.max_notification_id() or 0
    recorded = checkpoint.heads if checkpoint is not None else {}
    label = f"checkpoint #{checkpoint.sequence}" if checkpoint is not None else ""
    known = {account_id_for(number): number for number in recorded}
    heads: dict[str, tuple[int, str]] = {}
    seen: set[str] = set()
    events = 0
    only = account_id_for(account) if account is not None else None
    compliance = [] if account is None else [compliance_id_for(account)]
    for stream_id, rows in stored_streams(app, position, only):
        if (stream := account_stream(app, stream_id, rows, known)) is None:
            if any(is_compliance_topic(row.topic) for row in rows):
                compliance.append(stream_id)
            continue
        number, links = stream
        seen.add(number)
        events += len(links)
        broken = first_break(number, links, recorded.get(number), label)
        if broken is not None:
            breaks.append(broken)
            continue
        last = links[-1]
        assert last.digest is not None
        heads[number] = (last.version, last.digest)
    for number, head in sorted(recorded.items()):
        if number not in seen and (account is None or number == account):
            broken = first_break(number, [], head, label)
            assert broken is not None
            breaks.append(broken)
    breaks += [b for sid in compliance if (b := compliance_break(app, sid)) is not None]
    if account is not None and not seen and account not in recorded:
        raise AccountNotFound(f"account {account!r} has no stored events and no checkpoint head")
    return VerificationReport(
        ok=not breaks,
        accounts=len(seen),
        events=events,
        head_digest=heads_digest(heads),
        position=position,
        checkpoint=checkpoint.summary() if checkpoint is not None else None,
        heads={number: digest for number, (_, digest) in sorted(heads.items())},
        breaks=tuple(sorted(breaks, key=lambda b: (b.account_id, b.version or 0))),
        versions={number: version for number, (version, _) in sorted(heads.items())},
    )


def verify_since(app: LedgerApplication, checkpoint: Checkpoint) -> VerificationReport:
    """Verify only what was appended after ``checkpoint``, continuing from its heads.

    What a periodic checkpoint needs: its cost follows the new events, not the
    whole ledger. It trusts the earlier checkpoint's heads and does not re-read the
    events before it — ``verify_ledger`` does that.
    """
    position = app.recorder.max_notification_id() or 0
    heads = dict(checkpoint.heads)
    known = {account_id_for(number): number for number in heads}
    breaks: list[Break] = []
    events = checkpoint.events
    for stream_id, rows in stored_streams(app, position, after=checkpoint.position):
        if (stream := account_stream(app, stream_id, rows, known)) is None:
            continue
        number, links = stream
        events += len(links)
        start = heads.get(number, (0, GENESIS_HASH))
        broken = first_break(number, links, start=start)
        if broken is not None:
            breaks.append(broken)
            heads.pop(number, None)
            continue
        last = links[-1]
        assert last.digest is not None
        heads[number] = (last.version, last.digest)
    return VerificationReport(
        ok=not breaks,
        accounts=len(heads) + len(breaks),
        events=events,
        head_digest=heads_digest(heads),
        position=position,
        checkpoint=checkpoint.summary(),
        heads={number: digest for number, (_, digest) in sorted(heads.items())},
        breaks=tuple(sorted(breaks, key=lambda b: (b.account_id, b.version or 0))),
        versions={number: version for number, (version, _) in sorted(heads.items())},
    )
