"""FX rates (reference data) as the API imports and lists them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.money import Money
from ledger.input_limits import RATE_PATTERN


class FxRatePublic(BaseModel):
    base_currency: str = Field(examples=["EUR"])
    quote_currency: str = Field(examples=["JPY"])
    rate_date: date
    rate: str = Field(pattern=RATE_PATTERN, examples=["160.25"],
                      description="units of quote currency per unit of base currency")
    source: str
    imported_at: datetime


class FxRatesPublic(BaseModel):
    rate_date: date
    items: list[FxRatePublic]


class FxRatesImported(BaseModel):
    added: int = Field(description="rates new to the ledger")
    unchanged: int = Field(description="rates already imported with the same value")


class RateUsed(BaseModel):
    currency: str
    total: Money = Field(description="the currency's total, in its own currency")
    converted: Money | None = Field(description="in the reporting currency; null: no rate")
    rate_date: date | None = Field(description="the rate's date (the latest on or before "
                                   "as_of); null: the reporting currency itself, or no rate")


class ReportingTotal(BaseModel):
    """The portfolio's total in one currency, with the rate date used per currency."""

    currency: str
    total: Money = Field(description="sum of the converted totals of the currencies that "
                         "have a rate")
    complete: bool = Field(description="false when a currency has no rate (not in total)")
    currencies: list[RateUsed]


ROWS_EXAMPLE = "base_currency,quote_currency,rate_date,rate,source\nEUR,JPY,2026-03-02,160.25,ECB\n"
JSON_EXAMPLE = {"base_currency": "EUR", "quote_currency": "JPY", "rate_date": "2026-03-02",
                "rate": "160.25", "source": "ECB"}
REQUEST_BODY = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}, "example": ROWS_EXAMPLE},
        "application/json": {"example": [JSON_EXAMPLE], "schema": {
            "type": "array", "maxItems": 10000, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["base_currency", "quote_currency", "rate_date", "rate"],
            "properties": {
                "base_currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "quote_currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "rate_date": {"type": "string", "format": "date"},
                "rate": {"type": "string", "pattern": RATE_PATTERN},
                "source": {"type": "string", "maxLength": 256},
            }}}},
    },
}
