"""What every command shares: identity, account, business date, and typed money.

Commands are frozen pydantic models named as imperatives. Amounts are Decimal
and refuse floats outright: a float has already lost the cent it claims to
carry. The currency check (ISO 4217, minor units) happens in the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar
from uuid import uuid4

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("amounts must be decimal strings or integers, never floats")
    return value


Amount = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False)]
Currency = Annotated[str, Field(min_length=3, max_length=3, pattern="^[A-Z]{3}$")]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/\-]+$")]
Text = Annotated[str, Field(max_length=2000)]


def new_command_id() -> str:
    return str(uuid4())


class Command(BaseModel):
    """Base of all commands. ``effective_on`` defaults to the ledger's business date."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    creates_account: ClassVar[bool] = False

    account: Identifier
    command_id: Annotated[str, Field(min_length=1, max_length=128)] = Field(
        default_factory=new_command_id
    )
    correlation_id: str | None = None
    effective_on: date | None = None
    expected_version: int | None = None

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
