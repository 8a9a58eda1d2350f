"""The dashboard's pieces that need no browser: reading its filter form by the API's rules,
and the geometry of its charts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from api.workspace.charts import LABEL_WIDTH, WIDTH, line_chart, nice_ceiling, stacked_bars
from api.workspace.dashboard_query import parse


def test_empty_fields_mean_unfiltered_and_a_local_time_is_read_as_utc() -> None:
    query, errors = parse({"agent": "", "segment": " ", "currency": "usd",
                           "as_of": "2026-03-31", "known_at": "2026-04-05T12:00"})

    assert errors == []
    assert (query.agent, query.segment, query.currency) == (None, None, "USD")
    assert query.as_of == date(2026, 3, 31)
    assert query.known_at == datetime(2026, 4, 5, 12, tzinfo=UTC)
    assert query.known_at_input == "2026-04-05T12:00:00"


def test_a_time_with_an_offset_is_kept_and_shown_in_utc() -> None:
    query, _ = parse({"known_at": "2026-04-05T12:00:00+02:00"})

    assert query.known_at == datetime(2026, 4, 5, 10, tzinfo=UTC)


def test_what_the_api_would_refuse_is_named_by_the_forms_labels() -> None:
    query, errors = parse({"agent": "two words", "currency": "US", "as_of": "1200-01-01",
                           "known_at": "noon"})

    assert query.agent is None
    assert [e.split(":")[0] for e in errors] == ["Agent", "Currency", "As of", "As known at"]


def test_the_largest_bar_fills_the_width_and_the_others_are_to_scale() -> None:
    chart = stacked_bars([("a", {"current": Decimal(30), "1-30": Decimal(10)}),
                          ("b", {"current": Decimal(20), "1-30": Decimal(0)})],
                         ["current", "1-30"])

    a, b = chart.bars
    assert sum(s.width for s in a.segments) == WIDTH - LABEL_WIDTH
    assert [s.bucket for s in b.segments] == ["current"]
    assert b.segments[0].width == (WIDTH - LABEL_WIDTH) / 2
    assert a.segments[1].x == a.segments[0].x + a.segments[0].width


def test_a_month_without_a_figure_breaks_the_line() -> None:
    chart = line_chart(["01", "02", "03", "04"],
                       {"DSO": [Decimal(10), None, Decimal(30), Decimal(40)]})

    [line] = chart.lines
    assert line.path.count("M") == 2 and line.path.count("L") == 1
    assert len(line.points) == 3


def test_axes_end_on_a_round_figure() -> None:
    assert [nice_ceiling(Decimal(v)) for v in ("0", "0.3", "86.9", "101", "4669")] == [
        1, Decimal("0.5"), 100, 200, 5000]
