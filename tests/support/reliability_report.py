"""Renders docs/reliability.md from a recorded run of the reliability tests.

``python -m tests.support.reliability_report var/reliability.json docs/reliability.md``
(what `make reliability` does after the tests); without the second argument the page goes
to standard output.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support.reliability_areas import AREAS, Area

INTRO = """\
# Reliability

What the test suite tries against the ledger beyond its everyday use (bad inputs, the wrong
roles, crashes, concurrent writers, a failing broker) and what it got, from one recorded run
of those tests. A ledger people collect money by must refuse what it cannot keep, write
nothing when it refuses, lose and duplicate nothing when processes die or race, and get every
event to Kafka whatever the broker does; each section says how the tests try that, and the
figures are what they counted: each is summed over its area's tests (*tests*: how many reported
it), and a test that fails may stop before it reports its figures.

This page is generated; do not edit it. `make reliability` runs the tests of these areas
(`tests/support/reliability_areas.py` says which) with
`COLLEDGER_RELIABILITY_OUT=var/reliability.json`, under which a pytest plugin
(`tests/support/reliability.py`) records each test's outcome and the figures it reports, then
renders this page from that file (`tests/support/reliability_report.py`). The tests never
write a tracked file.
"""

WIDTH = 100


def render(document: Mapping[str, Any]) -> str:
    run, areas, tests = document["run"], document["areas"], document["tests"]
    lines = [INTRO, *run_section(run, areas)]
    for area in AREAS:
        failed = sorted(n for n, t in tests.items() if t["area"] == area.key
                        and t["outcome"] == "failed")
        lines += area_section(area, areas.get(area.key), failed)
    return "\n".join(lines).rstrip("\n") + "\n"


def run_section(run: Mapping[str, Any], areas: Mapping[str, Any]) -> Iterator[str]:
    started = datetime.fromisoformat(run["started"]).strftime("%Y-%m-%d %H:%M %Z")
    commit = run["commit"] or "unknown"
    if run["uncommitted_changes"]:
        commit += " (the working tree had uncommitted changes)"
    totals = {o: sum(a[o] for a in areas.values()) for o in ("passed", "failed", "skipped")}
    yield "## The run\n"
    yield "| | |\n| --- | --- |"
    yield f"| started | {started}, {run['seconds']:.0f} s |"
    yield f"| commit | `{commit}` |"
    yield f"| machine | {run['platform']}, {run['cpus']} CPUs, Python {run['python']} |"
    yield f"| PostgreSQL | {run['postgresql']} |"
    yield f"| Kafka | {run['kafka']} |"
    exit_status = f" (pytest exited with {run['exit_status']})" if run["exit_status"] else ""
    yield f"| tests | {outcomes(totals)}{exit_status} |"
    yield ""
    yield "| area | passed | failed | skipped |\n| --- | ---: | ---: | ---: |"
    for area in AREAS:
        counts = areas.get(area.key) or {"passed": 0, "failed": 0, "skipped": 0}
        yield (f"| [{area.title}](#{area.title.lower().replace(' ', '-')}) | "
               f"{counts['passed']} | {counts['failed']} | {counts['skipped']} |")
    yield ""


def area_section(area: Area, counts: Mapping[str, Any] | None, failed: list[str]
                 ) -> Iterator[str]:
    yield f"## {area.title}\n"
    yield textwrap.fill(" ".join(area.tried.split()), WIDTH, break_on_hyphens=False) + "\n"
    if not counts or not any(counts[o] for o in ("passed", "failed", "skipped")):
        yield "Not run.\n"
        return
    yield f"Tests: {outcomes(counts)}.\n"
    if failed:
        yield "Failed:\n"
        yield from (f"- `{nodeid}`" for nodeid in failed)
        yield ""
    if counts["figures"]:
        yield "| figure | value | tests |\n| --- | ---: | ---: |"
        for name, figure in sorted(counts["figures"].items(), key=lambda f: f[0].lower()):
            yield f"| {name} | {figure['total']:,} | {figure['tests']} |"
        yield ""


def outcomes(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{counts[o]} {o}" for o in ("passed", "failed", "skipped")
                     if counts[o] or o != "skipped")


def main(arguments: list[str]) -> int:
    document = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    page = render(document)
    if len(arguments) > 1:
        Path(arguments[1]).write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
