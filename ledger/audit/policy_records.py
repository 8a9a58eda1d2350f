"""The dunning policy's versions on the record (`policy_versions` says how any policy's
are kept): `record_policy` when a file is loaded, `StoredDunning` for the runs,
`policy_history` for `colledger verify`."""

from __future__ import annotations

from datetime import datetime

from ledger.aggregates.dunning_policies import DunningPolicyRecorded, DunningPolicyStream
from ledger.aggregates.dunning_policy import BUILT_IN, DunningDocument, DunningVersion
from ledger.application import LedgerApplication
from ledger.audit.policy_versions import (
    RecordedPolicy,
    StoredVersions,
    history,
    record_version,
)
from ledger.audit.report import Break
from ledger.canonical import document_digest


def version_of(event: DunningPolicyRecorded) -> DunningVersion:
    return DunningVersion(event.version, DunningDocument.model_validate(event.document),
                          event.timestamp)


DUNNING = RecordedPolicy(DunningPolicyStream, "dunning-policy", "dunning policy", version_of,
                         BUILT_IN.document)


def record_policy(app: LedgerApplication, document: DunningDocument, source: str,
                  at: datetime, actor_id: str = "system") -> int | None:
    """The new version's number, or None when ``document`` is on record already."""
    return record_version(app, DUNNING, document, source, at, actor_id)


def policy_history(app: LedgerApplication) -> tuple[list[DunningPolicyRecorded], Break | None]:
    events, broken = history(app, DUNNING)
    return [e for e in events if isinstance(e, DunningPolicyRecorded)], broken


class StoredDunning(StoredVersions[DunningVersion]):
    """The recorded versions (`DunningPolicies`), re-read when the stream has grown."""

    def __init__(self, app: LedgerApplication) -> None:
        super().__init__(app, DUNNING)


def digest_of(document: DunningDocument) -> str:
    return document_digest(document.as_recorded())
