"""Opening an account and setting its terms, credit limit and agent."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field, create_model

from api.command_endpoint import carry_out
from api.deps import CallerDep, CorrelationDep, ServiceDep
from api.schemas.commands import CommandAccepted, accepted_response, request_body
from api.schemas.problems import problem_responses
from api.write_route import IdempotencyKey, command_route
from ledger.commands import accounts as a
from ledger.commands.base import Identifier

opening = APIRouter(tags=["accounts"])
setup = APIRouter(prefix="/accounts/{account}", tags=["accounts"])

OPENING_EXAMPLE = {
    "account": "ACC-00042", "name": "Northwind Traders Ltd", "currency": "USD",
    "terms_days": 30, "credit_limit": "25000.00", "timezone": "America/Chicago",
    "segment": "smb",
    "contact": {"name": "Dana Whitfield", "email": "ap@northwind.example",
                "phone": "+1-312-555-0142"},
}
# The account does not exist yet, so its number comes in the body, not the path.
OpenAccountRequest: type[BaseModel] = create_model(
    "OpenAccountRequest",
    __base__=request_body(a.OpenAccount, OPENING_EXAMPLE),
    account=(Identifier, Field(description="the new account's number, chosen by the caller")),
)


def open_account(
    body: BaseModel,
    response: Response,
    service: ServiceDep,
    caller: CallerDep,
    correlation_id: CorrelationDep,
    idempotency_key: IdempotencyKey = None,
) -> CommandAccepted:
    """Open an account under a number chosen by the caller."""
    fields = body.model_dump()
    number = fields.pop("account")
    accepted = carry_out(
        service, caller, a.OpenAccount, number, fields, response,
        idempotency_key=idempotency_key, if_match=None, correlation_id=correlation_id,
    )
    response.headers["Location"] = f"/accounts/{number}"
    return accepted


open_account.__annotations__["body"] = OpenAccountRequest  # generated, like command_route's
opening.add_api_route(
    "/accounts", open_account, methods=["POST"], status_code=status.HTTP_201_CREATED,
    response_model=CommandAccepted, summary="Open an account", name="OpenAccount",
    operation_id="OpenAccount",
    responses={**accepted_response(), **problem_responses(401, 403, 409, 422)},
)

command_route(setup, "/terms", a.ChangeTerms, {
    "terms_days": 45, "reason": "renegotiated at the annual review",
}, "Change the payment terms")
command_route(setup, "/credit-limit", a.SetCreditLimit, {
    "amount": "50000.00", "reason": "credit committee 2026-03",
}, "Set or clear the credit limit")
command_route(setup, "/agent-assignment", a.AssignAgent, {
    "agent_id": "agent-7",
}, "Assign the account to a collections agent (null unassigns)")

ROUTERS = [opening, setup]
