"""What ``python -m bench.rebuild`` prints: the set-up line and two tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bench.aging_latency import Latency
from bench.demo_store import Generated
from bench.replay_rates import Replay


def table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    cells = [list(header), *[list(r) for r in rows]]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def generation(generated: Generated | None, held: int) -> str:
    if generated is None:
        return f"store reused: {held:,} events, generation skipped"
    p = generated.portfolio
    rate = generated.events / generated.seconds
    return (
        f"generated (set-up, not measured): {p.accounts:,} demo accounts x {p.months} months "
        f"to {p.end}, {generated.commands:,} commands, {generated.events:,} events "
        f"in {generated.seconds:,.0f}s ({rate:,.0f} events/s)"
    )


def replays(baseline: Replay, rebuild: Replay) -> str:
    relative = f"{rebuild.events_per_second / baseline.events_per_second:.2f}"
    rows = [
        [r.name, f"{r.events:,}", f"{r.seconds:.1f}", f"{r.events_per_second:,.0f}", ratio]
        for r, ratio in ((baseline, ""), (rebuild, relative))
    ]
    return table(("replay", "events", "seconds", "events/s", "ratio"), rows)


def aging(results: list[Latency], as_of: date, accounts: int, repeat: int) -> str:
    title = (
        f"aging as of {as_of} over {accounts:,} accounts "
        f"(median and p95 of {repeat} runs after one untimed)"
    )
    rows = [
        [
            r.grouping,
            r.known_at.isoformat() if r.known_at else "-",
            f"{r.rows:,}",
            f"{r.median_ms:,.1f}",
            f"{r.p95_ms:,.1f}",
        ]
        for r in results
    ]
    return title + "\n" + table(("by", "known_at", "rows", "median ms", "p95 ms"), rows, left=2)
