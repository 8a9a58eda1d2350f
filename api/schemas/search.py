"""What a search returns: the accounts found, each with what matched."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SearchHit(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: str = Field(description="the account found")
    name: str
    matched: Literal["account", "name", "invoice", "payment"] = Field(
        description="what matched: the account number, its name, an invoice's number or "
                    "reference, a payment's id or bank reference")
    value: str = Field(description="the text that matched", examples=["INV-00004-002"])
    rank: int = Field(description="0 exact, 1 prefix, 2 anywhere")


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit] = Field(description="best first, one per account")
