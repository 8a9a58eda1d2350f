"""Targets 3 and 6: reading the whole log, rebuilding every read model, verifying it.

All three read the same restored store in the same run: the bare library reading and
decoding every event (`bench.replay_rates.read_and_decode`) is the baseline of both
`colledger verify` (run as the command, in its own process) and
``ReadModels.rebuild()``. After the rebuild it says whether the new tables have
statistics, and times the aging query before and after an ``ANALYZE``, with plans.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import plans, replay_rates
from bench.replay_rates import Replay
from bench.target_rows import Row, ms
from ledger.projections.read_models import ReadModels

BATCH = 5_000
Progress = Callable[[str], None]


def read_and_decode(app: Any, say: Progress) -> Replay:
    say("read + decode the whole log (baseline of verify and rebuild)")
    return replay_rates.read_and_decode(app, BATCH, lambda *_: None)


def verify_target(database_url: str, baseline: Replay, size: str, say: Progress) -> Row:
    say("colledger verify")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "colledger.main", "--database-url", database_url, "verify"],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    rate = baseline.events / seconds
    ratio = rate / baseline.events_per_second
    outcome = done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()[-200:]]
    return Row("6", "colledger verify, whole log", size,
               f"{rate:,.0f} events/s ({seconds:,.1f} s)",
               f"read + decode {baseline.events_per_second:,.0f} events/s", ratio,
               "ratio >= 0.5", ratio >= 0.5 and done.returncode == 0,
               f"exit {done.returncode}: {outcome[0]}; the time includes starting the command")


def rebuild_target(models: ReadModels, baseline: Replay, size: str, say: Progress) -> Row:
    say("rebuild of every read model")
    rebuilt = replay_rates.rebuild_all(models, BATCH, baseline.events, lambda *_: None)
    ratio = rebuilt.events_per_second / baseline.events_per_second
    return Row("3", "rebuild of every read model", size,
               f"{rebuilt.events_per_second:,.0f} events/s ({rebuilt.seconds:,.0f} s, "
               f"{rebuilt.events:,} events)",
               f"read + decode {baseline.events_per_second:,.0f} events/s "
               f"({baseline.seconds:,.0f} s)", ratio, "ratio >= 0.7", ratio >= 0.7,
               f"projections: {replay_rates.projection_names()}")


def statistics_after_rebuild(models: ReadModels, since: datetime, label: str, size: str,
                             say: Progress) -> list[Row]:
    """Who analysed the swapped-in tables since the rebuild began (the rebuild itself, or
    autovacuum by chance), which still lack statistics, and aging before and after an
    ``ANALYZE``."""
    engine = models.app.datastore.engine
    today = datetime.now(UTC).date()
    with engine.connect() as connection:
        state = plans.statistics_state(connection)
    missing = plans.without_statistics(state)
    by_hand = [r["relname"] for r in state if r["last_analyze"] and r["last_analyze"] >= since]
    by_autovacuum = [r["relname"] for r in state
                     if r["last_autoanalyze"] and r["last_autoanalyze"] >= since]
    before, before_plan = _aging_seconds(models, today, f"{label}-after-rebuild")
    with engine.connect() as connection:
        plans.analyse(connection)
        connection.commit()
    after, after_plan = _aging_seconds(models, today, f"{label}-after-analyze")
    say(f"after rebuild: analysed by ANALYZE {by_hand or 'none'}, by autovacuum "
        f"{by_autovacuum or 'none'}; without statistics {missing or 'none'}; aging by agent "
        f"{ms(before)}, then {ms(after)} after ANALYZE")
    verdict = (f"ANALYZE ran after the rebuild on {len(by_hand)} of {len(state)} aging tables"
               f"; autovacuum had analysed {len(by_autovacuum)} by chance; "
               f"without usable statistics: {', '.join(missing) or 'none'}")
    return [Row("3", "aging by agent right after a rebuild", size, ms(before),
                f"after ANALYZE {ms(after)}", after / before, "plans not left to luck",
                None, f"{verdict}; plans in {before_plan} and {after_plan}")]


def _aging_seconds(models: ReadModels, today: Any, label: str) -> tuple[float, str]:
    path, first = plans.aging_plans(models, today, None, "agent", label)
    samples = [first]
    for _ in range(2):
        started = time.perf_counter()
        models.aging(today, None, "agent")
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), str(path)
