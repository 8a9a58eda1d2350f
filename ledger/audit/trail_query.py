"""What a regulatory trail covers: one account's whole history, or a business-date period.

A period trail holds every account's events whose ``effective_on`` falls in the
period (both ends included): the business date, because that is what a
regulator's question ("what happened in March?") is about, not when the ledger
happened to learn it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.aggregates.errors import InvalidCommand, InvalidDates


@dataclass(frozen=True)
class TrailQuery:
    account: str | None = None
    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        period = (self.start, self.end)
        if self.account is not None:
            if period != (None, None):
                raise InvalidCommand("a trail is for one account or for a period, not both")
            if not self.account.strip():
                raise InvalidCommand("the account number must not be empty")
            return
        if self.start is None or self.end is None:
            raise InvalidCommand("a trail needs an account, or a period with both from and to")
        if self.start > self.end:
            raise InvalidDates(f"the period starts ({self.start}) after it ends ({self.end})")

    def includes(self, effective_on: date) -> bool:
        if self.account is not None:
            return True
        assert self.start is not None and self.end is not None
        return self.start <= effective_on <= self.end

    def as_dict(self) -> dict[str, str]:
        if self.account is not None:
            return {"account": self.account}
        assert self.start is not None and self.end is not None
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def label(self) -> str:
        if self.account is not None:
            return f"account {self.account}"
        return f"period {self.start} to {self.end}"

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> TrailQuery:
        """The query a manifest records; an InvalidInput error when it is not one."""
        if not isinstance(document, Mapping):
            raise InvalidCommand("the query is not an object")
        if set(document) == {"account"} and isinstance(document["account"], str):
            return cls(account=document["account"])
        if set(document) == {"from", "to"}:
            try:
                return cls(start=date.fromisoformat(document["from"]),
                           end=date.fromisoformat(document["to"]))
            except (TypeError, ValueError) as error:
                raise InvalidDates(f"the period is not two ISO dates: {error}") from None
        raise InvalidCommand(f"not a trail query: {dict(document)!r}")
