"""Declares a command route in one line: path, command, example body.

Every write route has the same shape (account in the path, body from the command,
idempotency and concurrency from headers), so routers list their commands instead
of repeating that shape by hand.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status
from pydantic import BaseModel, WithJsonSchema

from api.command_endpoint import IF_MATCH_PATTERN, carry_out
from api.deps import CallerDep, CorrelationDep, ServiceDep
from api.path_params import AccountNumber
from api.schemas.commands import CommandAccepted, accepted_response, request_body
from api.schemas.problems import problem_responses
from ledger.commands.base import Command

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=100,
           description="Repeat a write safely: same key and body return the original result"),
]
IfMatch = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN, "examples": ['"v12"']}),
    Header(alias="If-Match", pattern=IF_MATCH_PATTERN,
           description='Only if the account is at this version, e.g. "v12"'),
]


def command_route(
    router: APIRouter, path: str, command: type[Command], example: dict[str, Any], summary: str
) -> None:
    body_model = request_body(command, example)

    def endpoint(
        account: AccountNumber,
        body: BaseModel,
        response: Response,
        service: ServiceDep,
        caller: CallerDep,
        correlation_id: CorrelationDep,
        idempotency_key: IdempotencyKey = None,
        if_match: IfMatch = None,
    ) -> CommandAccepted:
        return carry_out(
            service, caller, command, account, body, response,
            idempotency_key=idempotency_key, if_match=if_match, correlation_id=correlation_id,
        )

    endpoint.__annotations__["body"] = body_model  # generated: not a name FastAPI can resolve
    endpoint.__doc__ = summary
    router.add_api_route(
        path, endpoint, methods=["POST"], status_code=status.HTTP_201_CREATED,
        response_model=CommandAccepted, summary=summary, name=command.__name__,
        operation_id=command.__name__,
        responses={**accepted_response(), **problem_responses(401, 403, 404, 409, 412, 422)},
    )
