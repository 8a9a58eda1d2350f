"""Reading an account's refused contacts back from its compliance stream, chain checked.

The stream is walked by the rules of every ledger-level chain (`walk_chain`), so a
refusal edited, removed from the middle or made up behind the ledger's back stops the
walk and is reported as a break of ``compliance:<account>``; what comes before the
break is still shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from ledger.aggregates.contact_compliance import (
    ContactCompliance,
    ContactRefused,
    compliance_id_for,
)
from ledger.application import LedgerApplication
from ledger.audit.ledger_chain import walk_chain
from ledger.audit.report import Break
from ledger.canonical import plain

REFUSAL_FIELDS = ("contact_id", "channel", "purpose", "at", "rule", "reason")


def stream_name(number: str) -> str:
    return f"compliance:{number}"


def refusal_history(
    app: LedgerApplication, number: str
) -> tuple[list[ContactRefused], Break | None]:
    """The account's refusals in order, up to the first break (None when there is none)."""
    return walk_chain(app, compliance_id_for(number), stream_name(number), (ContactRefused,),
                      lambda version: f"refusal v{version}")


def refusal_record(refusal: ContactRefused) -> dict[str, Any]:
    """A refusal in the shape of `LedgerService.history`'s records, so a timeline or a trail
    can show it beside the account's events (its ``version`` is its stream's, not the
    account's; ``previous_digest`` stands as ``prev_hash``)."""
    record: dict[str, Any] = plain({
        "account_id": str(refusal.originator_id),
        "version": refusal.originator_version,
        "type": "ContactRefused",
        "effective_on": refusal.effective_on,
        "recorded_at": refusal.timestamp,
        "actor_id": refusal.actor_id,
        "actor_role": refusal.actor_role,
        "command_id": refusal.command_id,
        "correlation_id": refusal.correlation_id,
        "prev_hash": refusal.previous_digest,
        "hash": refusal.digest,
        "payload": {name: getattr(refusal, name) for name in REFUSAL_FIELDS},
    })
    return record


def refusal_records(app: LedgerApplication, number: str) -> list[dict[str, Any]]:
    """The account's refusals as records, oldest first, as far as the chain holds."""
    return [refusal_record(refusal) for refusal in refusal_history(app, number)[0]]


def is_compliance_topic(topic: str) -> bool:
    return topic.startswith(COMPLIANCE_TOPIC)


COMPLIANCE_TOPIC = f"{ContactCompliance.__module__}:"


def compliance_break(app: LedgerApplication, stream_id: UUID) -> Break | None:
    """The first break of one compliance stream, named ``compliance:<account>`` (the stream
    id when not one refusal reads)."""
    found, broken = walk_chain(app, stream_id, f"compliance:{stream_id}", (ContactRefused,),
                               lambda version: f"refusal v{version}")
    if broken is None or not found:
        return broken
    return replace(broken, account_id=stream_name(found[0].account))
