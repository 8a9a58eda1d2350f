"""What a verification found: either every chain intact, or the first broken link per account.

The kinds of break are named for what an auditor needs to know happened to the
stored events, not for which check noticed it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ledger.canonical import canonical_bytes

PAYLOAD_CHANGED = "payload-changed"
EVENT_MISSING = "event-missing"
ORDER_CHANGED = "order-changed"
TAIL_TRUNCATED = "tail-truncated"
STREAM_DELETED = "stream-deleted"
DIGEST_MISMATCH = "digest-mismatch"
"""The digest stored with an event is not the one its content hashes to, and nothing later
in the chain says the content changed instead (docs/audit.md, *Stored digests*)."""
KINDS = (PAYLOAD_CHANGED, EVENT_MISSING, ORDER_CHANGED, TAIL_TRUNCATED, STREAM_DELETED,
         DIGEST_MISMATCH)


def heads_digest(heads: Mapping[str, tuple[int, str]]) -> str:
    """SHA-256 over every stream head, ``{account: {"version", "digest"}}`` canonically encoded.

    The same function gives a checkpoint's digest and a report's head digest, so a
    report taken at a checkpoint's position carries the checkpoint's digest.
    """
    document = {account: {"version": v, "digest": d} for account, (v, d) in heads.items()}
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


@dataclass(frozen=True)
class Break:
    account_id: str
    version: int | None
    kind: str
    detail: str

    def __str__(self) -> str:
        at = "" if self.version is None else f" v{self.version}"
        return f"{self.account_id}{at} {self.kind}: {self.detail}"


def digest_mismatch(stream: str, version: int, stored: str | None, named_by: str | None) -> Break:
    """v``version`` of ``stream`` stored ``stored`` as its digest, which is not the one its
    content hashes to; ``named_by`` is what in the chain names the digest of its content, if
    anything does (then the content is as recorded and the stored digest is what changed)."""
    found = (f"v{version} has no stored digest" if stored is None
             else f"the digest stored with v{version} is not the one its content hashes to")
    if named_by is None:
        return Break(stream, version, DIGEST_MISMATCH,
                     f"{found}: its content or its stored digest was changed")
    return Break(stream, version, DIGEST_MISMATCH,
                 f"{found}; {named_by} names the digest of its content, so the content is as "
                 "recorded")


@dataclass(frozen=True)
class VerificationReport:
    ok: bool
    accounts: int
    events: int
    head_digest: str
    position: int
    checkpoint: dict[str, Any] | None
    heads: dict[str, str]
    breaks: tuple[Break, ...]
    versions: dict[str, int] = field(default_factory=dict)
    """account_id -> version of its head event (what a checkpoint records with the digest)."""

    def summary(self) -> str:
        against = ""
        if self.checkpoint is not None:
            against = (
                f", against checkpoint #{self.checkpoint['id']} "
                f"at position {self.checkpoint['position']}"
            )
        if self.ok:
            return (
                f"verified: {self.accounts} accounts, {self.events} events, "
                f"head digest {self.head_digest} (position {self.position}{against})"
            )
        lines = [
            f"BROKEN: {len(self.breaks)} broken chain(s) in {self.accounts} accounts, "
            f"{self.events} events read (position {self.position}{against})"
        ]
        lines += [f"  {b}" for b in self.breaks]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": self.summary(),
            "accounts": self.accounts,
            "events": self.events,
            "head_digest": self.head_digest,
            "position": self.position,
            "checkpoint": self.checkpoint,
            "heads": dict(self.heads),
            "breaks": [
                {"account_id": b.account_id, "version": b.version, "kind": b.kind,
                 "detail": b.detail}
                for b in self.breaks
            ],
        }
