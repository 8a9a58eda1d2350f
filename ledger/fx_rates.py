"""The FX rates table (store branch, `store_0004`) and the one way rates get into it.

Rates are reference data beside the events, not events: they never change a ledger
amount (`ledger.fx`). The rate is kept as the decimal text it was imported as, exact
on every store. Importing is all or nothing: a file with a bad row, or a row giving
another rate for a pair and date already imported, imports nothing and says which
rows; importing the same rates again changes nothing (they are counted unchanged).
A published rate is not corrected by re-importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table, and_, or_, select
from sqlalchemy.engine import Connection, Engine

from ledger.fx import FxRate, RateBook, Reporting
from ledger.imports.fx_rates import RatesFile, SourcedRate
from ledger.imports.rows import RowError

metadata = MetaData()
fx_rates = Table(
    "ledger_fx_rates",
    metadata,
    Column("base_currency", String(3), primary_key=True),
    Column("quote_currency", String(3), primary_key=True),
    Column("rate_date", Date, primary_key=True),
    Column("rate", String(32), nullable=False),
    Column("source", String(256), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class StoredRate:
    rate: FxRate
    source: str
    imported_at: datetime


@dataclass(frozen=True)
class RatesImported:
    added: int
    unchanged: int
    errors: tuple[RowError, ...]


class FxRates:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def import_rates(self, parsed: RatesFile, at: datetime) -> RatesImported:
        if parsed.errors:
            return RatesImported(0, 0, parsed.errors)
        with self.engine.begin() as connection:
            known = _existing(connection, parsed.rates)
            conflicts = tuple(
                RowError(r.row_number, f"{r.rate.base}/{r.rate.quote} on {r.rate.rate_date} "
                         f"is already {known[_key(r.rate)]}: a rate imported is not "
                         "changed by another import", "rate")
                for r in parsed.rates
                if _key(r.rate) in known and known[_key(r.rate)] != r.rate.rate
            )
            if conflicts:
                return RatesImported(0, 0, conflicts)
            new = [r for r in parsed.rates if _key(r.rate) not in known]
            if new:
                connection.execute(fx_rates.insert(), [_row(r, at) for r in new])
        return RatesImported(len(new), len(parsed.rates) - len(new), ())

    def on(self, day: date) -> list[StoredRate]:
        """The rates dated ``day``, by pair."""
        return self._stored(fx_rates.c.rate_date == day)

    def book(self, day: date | None = None) -> RateBook:
        """Every rate (dated on or before ``day``) for `ledger.fx.convert`."""
        where = [] if day is None else [fx_rates.c.rate_date <= day]
        return RateBook.of(s.rate for s in self._stored(*where))

    def _stored(self, *where: object) -> list[StoredRate]:
        t = fx_rates
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(t).where(*where)  # type: ignore[arg-type]
                .order_by(t.c.rate_date, t.c.base_currency, t.c.quote_currency)).all()
        return [StoredRate(FxRate(r.base_currency, r.quote_currency, r.rate_date,
                                  Decimal(r.rate)), r.source, r.imported_at) for r in rows]


def reporting_for(currency: str | None, rates: FxRates) -> Callable[[date], Reporting | None]:
    """What the read side converts with on a day: None without a reporting currency."""
    if currency is None:
        return lambda day: None
    return lambda day: Reporting(currency, rates.book(day))


def _key(rate: FxRate) -> tuple[str, str, date]:
    return rate.base, rate.quote, rate.rate_date


def _existing(connection: Connection, rates: Iterable[SourcedRate]) -> dict[tuple[str, str, date],
                                                                            Decimal]:
    t = fx_rates
    keys = [_key(r.rate) for r in rates]
    found: dict[tuple[str, str, date], Decimal] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        match = or_(*(and_(t.c.base_currency == b, t.c.quote_currency == q, t.c.rate_date == d)
                      for b, q, d in chunk))
        for r in connection.execute(select(t).where(match)):
            found[(r.base_currency, r.quote_currency, r.rate_date)] = Decimal(r.rate)
    return found


def _row(r: SourcedRate, at: datetime) -> dict[str, object]:
    return {"base_currency": r.rate.base, "quote_currency": r.rate.quote,
            "rate_date": r.rate.rate_date, "rate": str(r.rate.rate), "source": r.source,
            "imported_at": at}
