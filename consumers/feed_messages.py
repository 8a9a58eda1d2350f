"""What every inbound feed message must be before it may become a command.

Upstream systems write these messages, so each one is read as strictly as the import
files are (`ledger.imports.cells` does the reading of single values for both): JSON
text holding one object, money as a decimal *string*, dates as ``yyyy-mm-dd``, and
nothing the format does not name. A message that fails is `Rejected` with a stable
error type, and the feed dead-letters it rather than guess (docs/feeds.md).

A command's id comes from the feed and the message's external id (the ERP's invoice
number, the bank's transaction id), so the same message delivered twice, or produced
twice upstream, is answered from the command log instead of being written again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Protocol, TypeVar
from uuid import UUID, uuid5

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ledger.commands.base import Actor, Command
from ledger.imports import cells
from ledger.service import LedgerService

MALFORMED_JSON = "malformed-json"
INVALID_MESSAGE = "invalid-message"
MAX_CORRELATION_ID = 128

# Fixed forever: changing it would give every message already consumed a new command id.
FEED_NAMESPACE = UUID("6f1c2a52-3d0e-5b8c-9a41-2f7e0c9d4b17")

Model = TypeVar("Model", bound=BaseModel)


class FeedAction(Protocol):
    """What a message asks for when it is no single account's command: a bank receipt
    without an account, which cash application records and matches."""

    def carry_out(self, service: LedgerService, actor: Actor) -> bool:
        """Do it; True when it had been done before (the message seen again)."""


@dataclass(frozen=True)
class Feed:
    """One inbound feed: its name (in command ids and the default group), the actor its
    commands are recorded as, and how a message's value becomes a command. ``command_for``
    gets the ledger (for decisions that need it), the value, and the message's origin
    (``topic/partition/offset``, the correlation id of a message that brings none)."""

    name: str
    actor: Actor
    command_for: Callable[[LedgerService, bytes | None, str], Command | FeedAction]


class Rejected(Exception):
    """A message the feed will not turn into a command; ``error_type`` is a stable name."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


def feed_command_id(feed: str, external_id: str) -> str:
    """The command id of the message with ``external_id`` on ``feed``: same in, same out."""
    return str(uuid5(FEED_NAMESPACE, f"{feed}:{external_id}"))


def json_object(value: bytes | None) -> dict[str, Any]:
    """The message's JSON object. Floats never come into being: numbers parse as Decimal,
    so the error for money sent as a number can quote it exactly."""
    if value is None:
        raise Rejected(MALFORMED_JSON, "the message has no value (a tombstone?)")
    try:
        parsed = json.loads(
            value.decode("utf-8"),
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_no_repeated_keys,
        )
    except UnicodeDecodeError as error:
        raise Rejected(MALFORMED_JSON, f"the message is not UTF-8: {error}") from None
    except ValueError as error:
        raise Rejected(MALFORMED_JSON, f"the message is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise Rejected(INVALID_MESSAGE, f"the message must be a JSON object, not {_kind(parsed)}")
    return parsed


def validated(model: type[Model], data: dict[str, Any]) -> Model:
    """``data`` as ``model``, or `Rejected` naming every field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'message'}: "
            f"{problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        )
        raise Rejected(INVALID_MESSAGE, problems) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"key(s) {', '.join(map(repr, repeated))} appear more than once")
    return dict(pairs)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {list: "an array", dict: "an object", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number")


def _text(read: Callable[[str], Any]) -> Callable[[Any], Any]:
    """Run one of the import's cell readers on a JSON string (and only on a string)."""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(f"must be a JSON string, not {_kind(value)}")
        try:
            return read(value)
        except cells.CellError as error:
            raise ValueError(str(error)) from None

    return check


def _money(value: Any) -> Decimal:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        raise ValueError(
            f"money must be a JSON string such as \"{value}\", not the JSON number {value}: "
            "numbers are read as binary floating point by many JSON libraries"
        )
    return _text(lambda text: cells.amount(text, None))(value)  # type: ignore[no-any-return]


def _nonblank(text: str) -> str:
    if not text.strip():
        raise cells.CellError("must not be blank")
    return cells.free_text(text)


# Shapes only: whether the currency exists and the amount fits its minor units is the
# domain's to say (`unknown-currency`, `invalid-amount`), as for commands from the API.
ExternalId = Annotated[str, BeforeValidator(_text(cells.identifier))]
ExternalText = Annotated[str, BeforeValidator(_text(_nonblank))]
Money = Annotated[Decimal, BeforeValidator(_money)]
CurrencyCode = Annotated[str, BeforeValidator(_text(lambda text: text)),
                         Field(pattern="^[A-Z]{3}$")]
BusinessDate = Annotated[date, BeforeValidator(_text(cells.iso_date))]
Text = Annotated[str, BeforeValidator(_text(cells.free_text))]
CorrelationId = Annotated[str, BeforeValidator(_text(lambda text: text)),
                          Field(min_length=1, max_length=MAX_CORRELATION_ID)]


class FeedMessage(BaseModel):
    """Base of the feeds' message formats: frozen, and unknown fields are refused (a
    misspelt optional field would otherwise be dropped without a word)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: CorrelationId | None = None
