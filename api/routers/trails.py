"""Regulatory trails over HTTP: the files and their manifest as one ZIP.

The trail is built in a temporary directory by the same code as
``colledger trail`` and recorded as a ``TrailExported`` event with the caller's
actor, role and correlation id, so who looked at what is itself on the record.
It reads the event store, never the read models, so it does not wait for them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

from fastapi import APIRouter, Response

from api.deps import CallerDep, CorrelationDep, ServiceDep
from api.permissions import AUDITOR, COMPLIANCE, forbid
from api.schemas.trails import TrailRequest
from ledger.audit.trail import export_trail
from ledger.audit.trail_query import TrailQuery
from ledger.commands.base import Actor

TRAIL_EXPORTERS = frozenset({COMPLIANCE, AUDITOR})
ZIP = "application/zip"

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
    if caller.role not in TRAIL_EXPORTERS:
        raise forbid(caller, "export a regulatory trail")
    query = TrailQuery(account=body.account, start=body.from_, end=body.to)
    with TemporaryDirectory(prefix="colledger-trail-") as scratch:
        made = export_trail(
            service.app, query, Path(scratch) / "trail", Actor(caller.actor_id, caller.role),
            service.clock, override=body.override_verification, correlation_id=correlation,
            account_view=service.account_as_of,
        )
        content = io.BytesIO()
        with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(made.directory.iterdir()):
                archive.write(path, arcname=path.name)
    name = "trail-" + "-".join(query.as_dict().values()).replace("/", "_") + ".zip"
    return Response(content.getvalue(), media_type=ZIP, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Trail-Manifest-SHA256": made.manifest_sha256,
    })


ROUTERS = [router]
