"""What ticking a day returns: per portfolio, the accounts processed and the events."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class DayTickedPublic(BaseModel):
    portfolio: str
    day: date
    accounts: int = Field(description="accounts of the portfolio processed")
    events: int = Field(description="events recorded: none when the day was ticked before")
    refused: dict[str, str] = Field(description="accounts refused, with why (e.g. the day "
                                                "has not begun in the account's timezone)")


class DaysTicked(BaseModel):
    items: list[DayTickedPublic]
