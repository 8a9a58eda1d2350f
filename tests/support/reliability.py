"""A pytest plugin that records what the reliability tests tried and got (docs/reliability.md).

Off unless ``COLLEDGER_RELIABILITY_OUT`` names a file. Then every test of an area
(`reliability_areas`) is counted by outcome, with the figures it reported through the
``record_figures`` fixture, and when the session ends the run is written to that file as
JSON. `make reliability` points it at var/reliability.json, which is not tracked: tests
never write a tracked file; the make target renders the page from that JSON.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.reliability_areas import AREAS, ROOT, area_of

OUT_ENV = "COLLEDGER_RELIABILITY_OUT"
RECORDER = pytest.StashKey["Recorder"]()
RecordFigures = Callable[[Mapping[str, int]], None]


class Recorder:
    """Each area test's outcome, seconds and figures, keyed by node id."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.started = datetime.now(UTC)
        self.clock = time.monotonic()
        self.tests: dict[str, dict[str, Any]] = {}

    def entry(self, nodeid: str) -> dict[str, Any] | None:
        area = area_of(nodeid)
        if area is None:
            return None
        return self.tests.setdefault(
            nodeid, {"area": area.key, "outcome": "passed", "seconds": 0.0, "figures": {}})

    def add_figures(self, nodeid: str, figures: Mapping[str, int]) -> None:
        test = self.entry(nodeid)
        if test is not None:
            for name, value in figures.items():
                test["figures"][name] = test["figures"].get(name, 0) + value

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        test = self.entry(recorded_id(report.nodeid, report.location[2]))
        if test is None:
            return
        test["seconds"] = round(test["seconds"] + report.duration, 3)
        if report.failed:
            test["outcome"] = "failed"
        elif report.skipped and test["outcome"] == "passed":
            test["outcome"] = "skipped"

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        run = {**machine(), "started": self.started.isoformat(timespec="seconds"),
               "seconds": round(time.monotonic() - self.clock, 1),
               "arguments": list(session.config.invocation_params.args),
               "exit_status": int(exitstatus)}
        document = {"run": run, "areas": summarise(self.tests), "tests": self.tests}
        self.out.parent.mkdir(parents=True, exist_ok=True)
        partial = self.out.with_name(self.out.name + ".partial")
        partial.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        partial.replace(self.out)


def recorded_id(nodeid: str, name: str) -> str:
    """The node id, told apart by the parameters in the test's name where it lacks them
    (Schemathesis gives every operation's test the function's node id)."""
    if "[" in name and not nodeid.endswith("]"):
        return nodeid + name[name.index("["):]
    return nodeid


def summarise(tests: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per area: tests by outcome, each figure's sum and how many tests reported it."""
    def nothing_yet() -> dict[str, Any]:
        return {"passed": 0, "failed": 0, "skipped": 0, "figures": {}}

    areas = {area.key: nothing_yet() for area in AREAS}
    for test in tests.values():
        area = areas.setdefault(test["area"], nothing_yet())
        area[test["outcome"]] += 1
        for name, value in test["figures"].items():
            figure = area["figures"].setdefault(name, {"total": 0, "tests": 0})
            figure["total"] += value
            figure["tests"] += 1
    return areas


def machine() -> dict[str, Any]:
    """Where and on what the run happened."""
    return {
        "commit": git("rev-parse", "--short=12", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "postgresql": "the server at COLLEDGER_TEST_DATABASE_URL" if os.environ.get(
            "COLLEDGER_TEST_DATABASE_URL") else "a throwaway server started by the tests",
        "kafka": "the broker at KAFKA_BOOTSTRAP" if os.environ.get("KAFKA_BOOTSTRAP")
        else "Tansu, started by the tests",
    }


def git(*arguments: str) -> str:
    try:
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True,
                              timeout=30)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def pytest_configure(config: pytest.Config) -> None:
    out = os.environ.get(OUT_ENV)
    if out:
        recorder = Recorder(Path(out).resolve())
        config.stash[RECORDER] = recorder
        config.pluginmanager.register(recorder, "reliability-recorder")


@pytest.fixture
def record_figures(request: pytest.FixtureRequest) -> RecordFigures:
    """Report named counts of what the test tried and got: ``{"writes lost": lost}``.

    docs/reliability.md sums each figure over its area's tests. Record what was observed,
    before asserting on it where that is simple, so a failing run shows its real figure.
    A no-op unless the run is recorded; a value that is not an int fails the test anyway.
    """
    recorder = request.config.stash.get(RECORDER, None)
    test = recorded_id(request.node.nodeid, request.node.location[2])

    def record(figures: Mapping[str, int]) -> None:
        for name, value in figures.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"figure {name!r} must be an int, not {value!r}")
        if recorder is not None:
            recorder.add_figures(test, figures)

    return record

