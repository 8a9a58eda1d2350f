"""Regulatory trails over HTTP: the files and their manifest as one ZIP
(`api.trail_archive`, which the workspace's audit page downloads too). It reads the event
store, never the read models, so it does not wait for them.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CallerDep, CorrelationDep, ServiceDep
from api.schemas.trails import TrailRequest
from api.trail_archive import ZIP, check_exporter, trail_archive
from ledger.audit.trail_query import TrailQuery

router = APIRouter(prefix="/audit", tags=["audit"], responses={401: {}, 403: {}, 422: {}})


@router.post(
    "/trails", operation_id="ExportTrail", response_class=Response,
    responses={
        200: {"description": "the trail's files and manifest.json, as a ZIP",
              "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
              "headers": {"X-Trail-Manifest-SHA256": {
                  "description": "SHA-256 of manifest.json, as the export event records it",
                  "schema": {"type": "string"}}}},
        404: {"description": "the account has no stored events"},
        409: {"description": "the ledger does not verify (`ledger-does-not-verify`)"},
    },
)
def export(
    body: TrailRequest, service: ServiceDep, caller: CallerDep, correlation: CorrelationDep
) -> Response:
    """Verify the ledger, then export the trail of one account or of a business-date period
    (CSV, NDJSON, manifest.json; see docs/audit.md). Check it offline with
    ``colledger trail verify DIR`` after unzipping. Compliance and auditors only."""
    check_exporter(caller)
    query = TrailQuery(account=body.account, start=body.from_, end=body.to)
    archive = trail_archive(service, query, caller, correlation,
                            override=body.override_verification)
    return Response(archive.content, media_type=ZIP, headers=archive.headers)


ROUTERS = [router]
