"""The one way a route carries out a command: map HTTP onto it, check the caller, run it.

``Idempotency-Key`` becomes the command id (scoped to the caller, so two clients can't
collide); ``If-Match: "v12"`` becomes the expected version; the response carries the
new version as ``ETag`` and the log position to wait for when reading one's own write.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any
from uuid import uuid4

from fastapi import HTTPException, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from api.keys import Caller
from api.metrics import counted_command
from api.permissions import check_write
from api.schemas.commands import CommandAccepted
from ledger.aggregates.errors import AccountNotFound
from ledger.commands.base import Actor, Command
from ledger.service import LedgerService

IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"v[0-9]{1,10}")?\s*$'
"""``*`` or one of this API's ETags (``"v12"``), as the contract states it; an empty
header asks for no condition, like no header."""
ETAG = re.compile(r'^(W/)?"v([0-9]{1,10})"$')


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() in ("*", ""):
        return None
    found = ETAG.match(if_match.strip())
    if found is None:
        raise HTTPException(412, 'If-Match must be an ETag of this API, like "v12"')
    return int(found.group(2))


def carry_out(
    service: LedgerService,
    caller: Caller,
    command_type: type[Command],
    account: str,
    body: BaseModel | dict[str, Any],
    response: Response,
    *,
    idempotency_key: str | None,
    if_match: str | None,
    correlation_id: str,
) -> CommandAccepted:
    fields = body if isinstance(body, dict) else body.model_dump()
    with counted_command(command_type.__name__) as tally:
        try:
            command = command_type(
                account=account,
                command_id=f"{caller.actor_id}:{idempotency_key or uuid4()}",
                correlation_id=correlation_id,
                expected_version=expected_version(if_match),
                **fields,
            )
        except ValidationError as error:
            raise invalid_command(error) from None
        check_write(caller, command, lambda: assigned_agent(service, account))
        result = service.execute(command, Actor(caller.actor_id, caller.role))
        tally.replayed = result.replayed
    response.headers["ETag"] = etag(result.version)
    if result.position is not None:
        response.headers["X-Ledger-Position"] = str(result.position)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    written = asdict(result)
    del written["replayed"]  # a header's business: the body is the original response's
    return CommandAccepted(**{**written, "events": list(result.events)})


FROM_HTTP = {"account": ("path", "account"), "command_id": ("header", "Idempotency-Key")}


def invalid_command(error: ValidationError) -> RequestValidationError:
    """A 422, not a 500: the body passes field by field, but the command can still refuse
    the whole, or what the path and headers added to it."""
    return RequestValidationError(
        [{**e, "loc": located(e["loc"])} for e in error.errors(include_url=False)]
    )


def located(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Where the client put the value: in the path, a header or the body."""
    head = str(loc[0]) if loc else ""
    return (*FROM_HTTP[head], *loc[1:]) if head in FROM_HTTP else ("body", *loc)


def assigned_agent(service: LedgerService, account: str) -> str | None:
    try:
        return service.account(account).agent_id
    except AccountNotFound:
        return None
