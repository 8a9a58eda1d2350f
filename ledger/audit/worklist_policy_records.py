"""The worklist weights' versions on the record (`policy_versions` says how any policy's
are kept): `record_worklist_policy` when the file is loaded, `StoredWorklistPolicy` for
rankings, `worklist_policy_history` for `colledger verify`."""

from __future__ import annotations

from datetime import datetime

from ledger.aggregates.worklist_policies import WorklistPolicyRecorded, WorklistPolicyStream
from ledger.application import LedgerApplication
from ledger.audit.policy_versions import (
    RecordedPolicy,
    StoredVersions,
    history,
    record_version,
)
from ledger.audit.report import Break
from ledger.projections.worklist_policy import BUILT_IN, WorklistDocument, WorklistVersion


def version_of(event: WorklistPolicyRecorded) -> WorklistVersion:
    return WorklistVersion(event.version, WorklistDocument.model_validate(event.document),
                           event.timestamp)


WORKLIST = RecordedPolicy(WorklistPolicyStream, "worklist-policy", "worklist policy",
                          version_of, BUILT_IN.document)


def record_worklist_policy(app: LedgerApplication, document: WorklistDocument, source: str,
                           at: datetime, actor_id: str = "system") -> int | None:
    """The new version's number, or None when ``document`` is on record already."""
    return record_version(app, WORKLIST, document, source, at, actor_id)


def worklist_policy_history(
    app: LedgerApplication,
) -> tuple[list[WorklistPolicyRecorded], Break | None]:
    events, broken = history(app, WORKLIST)
    return [e for e in events if isinstance(e, WorklistPolicyRecorded)], broken


class StoredWorklistPolicy(StoredVersions[WorklistVersion]):
    """The recorded versions (`WorklistPolicies`), re-read when the stream has grown."""

    def __init__(self, app: LedgerApplication) -> None:
        super().__init__(app, WORKLIST)
