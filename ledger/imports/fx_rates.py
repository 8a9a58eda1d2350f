"""Reading FX rates (reference data) from a CSV file or a JSON list, row by row.

Columns: ``base_currency, quote_currency, rate_date, rate`` and optionally ``source``
(one unit of base is ``rate`` units of quote on ``rate_date``). Values are read by the
ledger's input limits: ISO 4217 currencies the ledger knows, dates from 1900 to 2199,
a rate a positive decimal string (`ledger.input_limits.fx_rate`). A row that repeats
an earlier row's pair and date with another rate is refused; with the same rate it is
the same fact and kept once. Rows are numbered as in `ledger.imports.rows` (header 1);
a JSON list's items from 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ledger import input_limits as limits
from ledger.fx import FxRate
from ledger.imports.cells import CellError, currency, free_text, iso_date
from ledger.imports.rows import Columns, Row, RowError, read_rows

COLUMNS = Columns(required=("base_currency", "quote_currency", "rate_date", "rate"),
                  optional=("source",))


@dataclass(frozen=True)
class SourcedRate:
    rate: FxRate
    source: str
    row_number: int


@dataclass(frozen=True)
class RatesFile:
    rates: tuple[SourcedRate, ...]
    errors: tuple[RowError, ...]


def parse_rates_csv(lines: Iterable[str], *, source: str) -> RatesFile:
    rows, problems = read_rows(lines, COLUMNS)
    return _checked(rows, problems, source)


def parse_rates_json(items: object, *, source: str) -> RatesFile:
    """A JSON list of objects with the CSV's columns as keys, every value a string."""
    if not isinstance(items, list):
        return RatesFile((), (RowError(1, "expected a JSON list of rates"),))
    rows: list[Row] = []
    for number, item in enumerate(items, start=1):
        row = Row(number, {})
        if not isinstance(item, Mapping):
            row.reject(None, "each rate is an object")
        else:
            for key, value in item.items():
                if key not in (*COLUMNS.required, *COLUMNS.optional):
                    row.reject(str(key), f"unknown field {str(key)[:40]!r}")
                elif not isinstance(value, str):
                    row.reject(key, f"{key} must be a string (a rate is a decimal string)")
                else:
                    row.cells[key] = value.strip()
        rows.append(row)
    return _checked(rows, [], source)


def _checked(rows: list[Row], problems: list[RowError], source: str) -> RatesFile:
    read: list[SourcedRate] = []
    first: dict[tuple[str, str, object], SourcedRate] = {}
    for row in rows:
        rate = None if row.errors else _rate(row, source)  # a JSON item's shape first
        if rate is None:
            problems.extend(row.errors)
            continue
        key = (rate.rate.base, rate.rate.quote, rate.rate.rate_date)
        earlier = first.get(key)
        if earlier is None:
            first[key] = rate
            read.append(rate)
        elif earlier.rate.rate != rate.rate.rate:
            problems.append(RowError(row.number, f"row {earlier.row_number} gives another "
                                     f"rate for {key[0]}/{key[1]} on {key[2]}", "rate"))
    return RatesFile(tuple(read), tuple(sorted(problems)))


def _rate(row: Row, source: str) -> SourcedRate | None:
    base = row.read("base_currency", currency)
    quote = row.read("quote_currency", currency)
    on = row.read("rate_date", iso_date)
    value = row.read("rate", _positive_rate)
    named = row.read_optional("source", free_text) or source
    if base is not None and base == quote:
        row.reject("quote_currency", f"a rate is between two currencies, not {base}/{base}")
    if row.errors or base is None or quote is None or on is None or value is None:
        return None
    return SourcedRate(FxRate(base, quote, on, value), named, row.number)


def _positive_rate(text: str) -> Decimal:
    try:
        return limits.fx_rate(text)
    except limits.InputRefused as refused:
        raise CellError(str(refused)) from None
