"""The request for a regulatory trail (docs/audit.md, "Regulatory trails")."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class TrailRequest(BaseModel):
    """One account (``account``) or a business-date period (``from`` and ``to``), not both."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, json_schema_extra={
        "examples": [{"account": "ACC-0001"}, {"from": "2026-01-01", "to": "2026-03-31"}],
    })

    account: str | None = Field(None, min_length=1, max_length=64,
                                description="the account's whole history (its number)")
    from_: date | None = Field(None, alias="from",
                               description="first business date (effective_on), included")
    to: date | None = Field(None, description="last business date (effective_on), included")
    override_verification: bool = Field(
        False, description="export even though the ledger does not verify; the manifest and "
                           "the export event record it")
