"""Each chained event's digest, computed once when the event is recorded and stored with it.

An event's digest is the SHA-256 of its canonical document (docs/canonical-encoding.md),
and the next event of its stream names it (``prev_hash``, ``previous_digest``). It is
computed when the event is triggered, kept in the event's own state under ``digest`` —
outside the document it is the digest of — and so stored with the event. Loading,
replaying, projecting and publishing read it from there; only verification recomputes it
(`Digested.recomputed_digest`) and compares the two (docs/audit.md, *Stored digests*).
"""

from __future__ import annotations

from typing import Any

DIGEST = "digest"
"""The key of the stored digest in an event's state."""


class MissingDigest(LookupError):
    """A chained event without its stored digest: written before digests were stored, and
    not migrated (`colledger db upgrade` stores them)."""


class Digested:
    """A link of a hash chain: an event whose digest is stored with it.

    A mixin rather than a base event, so that each chain keeps its own base class."""

    def recomputed_digest(self) -> str:
        """The digest computed afresh from the event's content: for verification only."""
        raise NotImplementedError

    @property
    def digest(self) -> str:
        """The digest stored with the event when it was recorded."""
        stored = self.stored_digest
        if stored is None:
            raise MissingDigest(f"{type(self).__name__} v{vars(self).get('originator_version')} "
                                "has no stored digest")
        return stored

    @property
    def stored_digest(self) -> str | None:
        stored: Any = vars(self).get(DIGEST)
        return stored if isinstance(stored, str) else None

    def seal(self) -> str:
        """The digest, computed and kept if the event has none yet, which is when it was just
        triggered: applying it to its aggregate (``mutate``) then seals it, so that it is
        stored with it. Every event loaded from a store has its digest already, since the
        migration ``store_0002`` stored those of the events recorded before (a row whose
        digest was removed behind the ledger's back loads with one recomputed, and
        verification reports it)."""
        stored = self.stored_digest
        if stored is None:
            stored = vars(self)[DIGEST] = self.recomputed_digest()
        return stored
