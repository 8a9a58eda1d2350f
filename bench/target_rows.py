"""One line per target: the figure, its same-run baseline, their ratio, the target, the verdict.

The ratio is always the ledger's speed over the baseline's (for a latency, the baseline's
time over the ledger's), so above 1 the ledger is faster and 0.5 means half as fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.rebuild_report import table

COLUMNS = ("#", "what", "size", "figure", "baseline", "ratio", "target", "verdict")
MET, MISSED, NOT_AVAILABLE, INFO = "met", "MISSED", "not available", "-"


@dataclass(frozen=True)
class Row:
    target: str  # the numbering: "1a", "2", ...
    what: str
    size: str  # the portfolio measured ("20,000 accounts") or the workload
    figure: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None  # None: nothing to judge (not available, or for information)
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.met is None:
            return NOT_AVAILABLE if self.figure == NOT_AVAILABLE else INFO
        return MET if self.met else MISSED

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        return [self.target, self.what, self.size, self.figure, self.baseline, ratio, self.goal,
                self.verdict]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:,.1f} ms"


def render_text(rows: Sequence[Row]) -> str:
    return table(COLUMNS, [r.cells() for r in rows], left=3)


def render_markdown(rows: Sequence[Row], machine: dict[str, str]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r.cells()) + " |" for r in rows]
    notes = [f"- {r.target} {r.what} ({r.size}): {r.note}" for r in rows if r.note]
    facts = [f"- {name}: {value}" for name, value in machine.items()]
    return "\n".join(["Machine:", "", *facts, "", *lines, *(["", "Notes:", "", *notes]
                                                              if notes else [])])
