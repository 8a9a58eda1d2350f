"""What the dashboard's filter form asks for, checked by the API's own rules.

The form is a GET, so its fields arrive as query parameters with the API's names
(``agent``, ``segment``, ``currency``, ``as_of``, ``known_at``) and are held to the same
constraints as ``GET /aging`` and ``GET /kpis`` (`api.read_params`): an identifier, a
three-letter currency, a business date in the ledger's range, a recorded time. Two things
differ because a browser fills them: a field left empty means "not filtered" (a form sends
``agent=``, the API would refuse an empty identifier), and ``known_at`` comes from a
``datetime-local`` input, which has no zone, so it is read as UTC (the page says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from api.read_params import IDENTIFIER, RecordedTime
from ledger.commands.base import BusinessDate

Identifier = Annotated[str | None, Field(**IDENTIFIER)]
LABELS = {"agent": "Agent", "segment": "Segment", "currency": "Currency",
          "as_of": "As of", "known_at": "As known at"}


class DashboardQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    agent: Identifier = None
    segment: Identifier = None
    currency: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None
    as_of: BusinessDate | None = None
    known_at: RecordedTime | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unfiltered(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("currency", mode="before")
    @classmethod
    def _currency_in_capitals(cls, value: Any) -> Any:
        return value.strip().upper() or None if isinstance(value, str) else value

    @field_validator("known_at", mode="before")
    @classmethod
    def _local_input_is_utc(cls, value: Any) -> Any:
        """``2026-04-05T12:00`` (a datetime-local input) is 12:00 UTC; an explicit offset,
        as the API takes it, is kept."""
        if isinstance(value, str) and value.strip():
            moment = datetime.fromisoformat(value.strip())
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return value

    @property
    def known_at_input(self) -> str:
        """The value a ``datetime-local`` input shows for ``known_at`` (UTC, to the second)."""
        return self.known_at.strftime("%Y-%m-%dT%H:%M:%S") if self.known_at else ""

    @property
    def filtered(self) -> dict[str, str]:
        """The filters given, by the API's names: what a link to the API would carry."""
        return {name: str(value) for name, value in self.model_dump().items()
                if value is not None and name in ("agent", "segment", "currency")}


def parse(params: Mapping[str, str]) -> tuple[DashboardQuery, list[str]]:
    """The query the form asked for, or the unfiltered one with what was wrong, in words
    naming the form's fields."""
    try:
        return DashboardQuery.model_validate(dict(params)), []
    except ValidationError as wrong:
        return DashboardQuery(), [f"{LABELS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                                  for e in wrong.errors()]
