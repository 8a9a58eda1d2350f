"""What every command shares: identity, account, business date, and typed money.

Commands are frozen pydantic models named as imperatives. Every value is read by
`ledger.input_limits` (amounts as decimal strings, never numbers: a float has
already lost the cent it claims to carry), so the API, the imports and the feeds
accept the same things. The currency checks (ISO 4217, minor units, maximum)
happen in the domain, which knows the currency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, ClassVar
from uuid import uuid4

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from ledger import input_limits as limits
from ledger.input_limits import InputRefused


def _limit(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Run one of `ledger.input_limits`' readers as a pydantic validator."""

    def check(value: Any) -> Any:
        try:
            return read(value)
        except InputRefused as refused:
            raise ValueError(str(refused)) from None

    return check


def _string_schema(
    pattern: str, max_length: int, example: str, min_length: int = 0
) -> WithJsonSchema:
    """What the OpenAPI contract states: the same rule, as far as a pattern can say it."""
    bounds = {"minLength": min_length} if min_length else {}
    return WithJsonSchema({"type": "string", "pattern": pattern, "maxLength": max_length,
                           **bounds, "examples": [example]})


Amount = Annotated[
    Decimal, BeforeValidator(_limit(limits.amount)),
    _string_schema(limits.AMOUNT_PATTERN, 20, "1250.00"),
]
"""A positive amount as a decimal string; places and maximum per currency in the domain."""
Currency = Annotated[str, Field(min_length=3, max_length=3, pattern="^[A-Z]{3}$")]
Identifier = Annotated[
    str, BeforeValidator(_limit(limits.identifier)),
    _string_schema(limits.IDENTIFIER_PATTERN, limits.MAX_IDENTIFIER, "INV-2026-0042"),
]
Name = Annotated[
    str, BeforeValidator(_limit(partial(limits.single_line, limit=limits.MAX_NAME))),
    Field(min_length=1),
    _string_schema(limits.SINGLE_LINE_PATTERN, limits.MAX_NAME, "Harbour Freight Ltd", 1),
]
"""A customer's name: one line, no control characters."""
Reference = Annotated[
    str, BeforeValidator(_limit(partial(limits.single_line, limit=limits.MAX_REFERENCE))),
    _string_schema(limits.SINGLE_LINE_PATTERN, limits.MAX_REFERENCE, "PO 4471"),
]
"""A document or bank reference: one line, no control characters."""
Text = Annotated[
    str, BeforeValidator(_limit(limits.note)),
    _string_schema(limits.NOTE_PATTERN, limits.MAX_NOTE, "customer asked for a copy"),
]
"""Free text (reasons, notes): tabs and line breaks allowed, other controls not."""
RequiredText = Annotated[
    str, BeforeValidator(_limit(limits.note)), Field(min_length=1),
    _string_schema(limits.NOTE_PATTERN, limits.MAX_NOTE, "goods returned damaged", 1),
]
"""Free text that must be given (the reason for a write-off, say)."""
BusinessDate = Annotated[
    date, BeforeValidator(_limit(limits.business_date)),
    WithJsonSchema({"type": "string", "format": "date", "pattern": limits.DATE_PATTERN}),
]
Moment = Annotated[
    AwareDatetime, AfterValidator(_limit(limits.moment)),
    WithJsonSchema({"type": "string", "format": "date-time",
                    "pattern": limits.MOMENT_PATTERN}),
]
"""A point in time with its UTC offset (a naive time is ambiguous), years 1900 to 2199."""
Timezone = Annotated[
    str, BeforeValidator(_limit(limits.timezone)),
    WithJsonSchema({"type": "string", "enum": list(limits.TIMEZONES),
                    "examples": ["Europe/Berlin"]}),
]
"""An IANA timezone name, e.g. ``Europe/Berlin``."""
CONTACT_KEY = r"^[a-z][a-z_]{0,31}$"
ContactDetails = Annotated[
    dict[
        Annotated[str, Field(pattern=CONTACT_KEY)],
        Annotated[str, BeforeValidator(_limit(partial(limits.single_line, limit=320)))],
    ],
    Field(max_length=12),
    WithJsonSchema({
        "type": "object", "maxProperties": 12, "propertyNames": {"pattern": CONTACT_KEY},
        "additionalProperties": {"type": "string", "maxLength": 320,
                                 "pattern": limits.SINGLE_LINE_PATTERN},
        "examples": [{"name": "Dana Whitfield", "email": "ap@northwind.example"}],
    }),
]
"""A contact's details (name, email, phone, ...): a few short one-line values."""
CorrelationId = Annotated[str, Field(min_length=1, max_length=128,
                                     pattern=r"^[A-Za-z0-9._:/\-]+$")]
"""Ties the events of one request or message together (a feed's is topic/partition/offset)."""
CommandId = Annotated[
    str, BeforeValidator(_limit(partial(limits.note, limit=128))), Field(min_length=1),
]
"""Text the command log and every event hold on every store: no NUL (PostgreSQL text cannot
hold one) nor other control character, but the tab and line breaks a note may hold (an HTTP
Idempotency-Key, part of the API's command ids, may carry a tab)."""


def new_command_id() -> str:
    return str(uuid4())


@dataclass(frozen=True)
class Personal:
    """Marks a command field as personal data: sealed before any aggregate sees it.

    ``place`` is where the value lands in the event (``DisputeOpened.reason``); the
    cipher binds the token to it, so it never changes (docs/audit.md, *Erasure*)."""

    place: str


class Command(BaseModel):
    """Base of all commands. ``effective_on`` defaults to the ledger's business date."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    creates_account: ClassVar[bool] = False
    dated_by: ClassVar[str | None] = None
    """The field that is the command's business date (an invoice's issue date), if any:
    such a command takes no separate ``effective_on``."""
    days_ahead: ClassVar[int] = 0
    """How many days after today its business date may lie (only invoices look ahead)."""

    account: Identifier
    command_id: CommandId = Field(default_factory=new_command_id)
    correlation_id: CorrelationId | None = None
    effective_on: BusinessDate | None = None
    expected_version: int | None = None

    @model_validator(mode="after")
    def _one_business_date(self) -> Command:
        """A command dated by one of its own fields may not name another ``effective_on``:
        the ledger would have to pick one of the two."""
        dated = self.dated_by and getattr(self, self.dated_by)
        if dated and self.effective_on is not None and self.effective_on != dated:
            raise ValueError(f"effective_on {self.effective_on} differs from {self.dated_by} "
                             f"{dated}: leave effective_on out")
        return self

    @property
    def business_date(self) -> date | None:
        """The date the command's facts belong to, if it names one."""
        dated: date | None = getattr(self, self.dated_by) if self.dated_by else None
        return dated or self.effective_on

    @classmethod
    def personal_fields(cls) -> dict[str, str]:
        """Field name -> its place in the event, for the fields marked `Personal`."""
        return {name: mark.place for name, field in cls.model_fields.items()
                for mark in field.metadata if isinstance(mark, Personal)}

    def content(self) -> dict[str, Any]:
        """What must match when a command id is seen again."""
        return self.model_dump(
            mode="json", exclude={"command_id", "correlation_id", "expected_version"}
        ) | {"type": type(self).__name__}


@dataclass(frozen=True)
class Actor:
    actor_id: str
    role: str


SYSTEM = Actor("system", "system")
SERVICE_ACTOR = Actor("cli-import", "service")


@dataclass(frozen=True)
class CommandResult:
    command_id: str
    account: str
    account_id: str
    version: int
    position: int | None
    events: tuple[str, ...]
    replayed: bool = False
