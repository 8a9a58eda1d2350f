"""The worklist weights' versions on the record: one ledger-level hash-chained stream.

A worklist ranks with the latest recorded version effective on its day, read from this
stream and never from the file, so two servers started with different files still rank
alike (docs/domain.md, *Worklist weights*). Each version holds the whole weights document
and its effective date, and is chained to the one before (``previous_digest``) like the
dunning policy's, so `colledger verify` finds an edited or removed version. No I/O here.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from ledger.aggregates.policy_stream import PolicyStream, PolicyVersionRecorded

WORKLIST_POLICY_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-worklist-policy")
"""The one well-known id of the worklist policy stream."""


class WorklistPolicyRecorded(PolicyVersionRecorded):
    """Version ``version`` of the worklist weights, in force from ``effective_from``."""


class WorklistPolicyStream(PolicyStream):
    STREAM_ID = WORKLIST_POLICY_ID

    @staticmethod
    def recorded_event() -> type[PolicyVersionRecorded]:
        return WorklistPolicyRecorded
