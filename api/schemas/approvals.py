"""What the approvals queue returns: requests waiting for a second person."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.money import Money


class ApprovalRequest(BaseModel):
    kind: Literal["write-off", "settlement"]
    request_id: str = Field(description="the write-off request's or the settlement's id: "
                                        "what a decision names")
    account: str
    account_name: str
    invoice_id: str | None = Field(description="the invoice a write-off is for")
    amount: Money
    currency: str
    reason: str | None = Field(description="why, as the requester said (write-offs)")
    requested_by: str
    requested_on: date
    age_days: int = Field(description="days waiting, as of today")
    due_by: date | None = Field(description="when a settlement must be paid by")


class Approvals(BaseModel):
    """Requests waiting for a decision, oldest first; decide one with
    ``POST /accounts/{account}/write-off-decisions`` or ``.../settlement-decisions``
    (a manager other than the requester)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": [{
            "kind": "write-off", "request_id": "WOR-0007", "account": "ACC-00001",
            "account_name": "Northwind Traders Ltd", "invoice_id": "INV-2026-0042",
            "amount": "1250.00", "currency": "USD",
            "reason": "debtor in insolvency proceedings", "requested_by": "manager-2",
            "requested_on": "2026-02-03", "age_days": 7, "due_by": None,
        }],
    }]})

    items: list[ApprovalRequest]
