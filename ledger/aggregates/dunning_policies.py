"""The dunning policy's versions on the record: one ledger-level hash-chained stream.

A run uses the latest recorded version effective on its day, read from this stream and
never from the file, so two servers that loaded different files still agree on the
policy in force (docs/domain.md, *Dunning policy*). Each version holds the whole policy
document and its effective date, and is chained to the one before (``previous_digest``)
like the access grants, so `colledger verify` finds an edited or removed version.
No I/O here.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from ledger.aggregates.policy_stream import PolicyStream, PolicyVersionRecorded

DUNNING_POLICY_ID = uuid5(UUID("6f1c7a52-3b7e-4c1e-9a43-2d5b8e0c4f11"), "ledger-dunning-policy")
"""The one well-known id of the policy stream."""


class DunningPolicyRecorded(PolicyVersionRecorded):
    """Version ``version`` of the dunning policy, in force from ``effective_from``."""


class DunningPolicyStream(PolicyStream):
    STREAM_ID = DUNNING_POLICY_ID

    @staticmethod
    def recorded_event() -> type[PolicyVersionRecorded]:
        return DunningPolicyRecorded
