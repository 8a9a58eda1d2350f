"""FX rates on PostgreSQL: the migrated table keeps rates exact, imports once, and the
worklist's book reads them back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from ledger.fx import Converted, convert
from ledger.fx_rates import FxRates
from ledger.imports.fx_rates import parse_rates_csv
from tests.builders import make_ledger

pytestmark = pytest.mark.postgres
AT = datetime(2026, 3, 3, 9, tzinfo=UTC)
RATES = """base_currency,quote_currency,rate_date,rate,source
EUR,JPY,2026-03-02,160.123456789012,ECB
EUR,GBP,2026-03-02,0.8571,ECB
"""


def test_rates_import_once_exactly_into_the_migrated_table(postgres_database_url: str) -> None:
    ledger, _ = make_ledger(postgres_database_url)
    engine = ledger.service.app.datastore.engine
    rates = FxRates(engine)
    first = rates.import_rates(parse_rates_csv(RATES.splitlines(), source="f.csv"), AT)
    again = rates.import_rates(parse_rates_csv(RATES.splitlines(), source="f.csv"), AT)
    changed = RATES.replace("0.8571", "0.8572")
    refused = rates.import_rates(parse_rates_csv(changed.splitlines(), source="g.csv"), AT)
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    assert [e.row_number for e in refused.errors] == [3]
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT quote_currency, rate FROM ledger_fx_rates ORDER BY quote_currency")).all()
    assert [tuple(r) for r in stored] == [("GBP", "0.8571"), ("JPY", "160.123456789012")]
    book = rates.book(date(2026, 3, 5))
    assert convert(Decimal("8571.00"), "GBP", date(2026, 3, 5), "EUR", book) == Converted(
        Decimal("10000.00"), "EUR", date(2026, 3, 2))
