"""The reliability page's plugin and renderer (tests/support/reliability*.py)."""

from __future__ import annotations

import json

import pytest

from tests.support.reliability import OUT_ENV, recorded_id, summarise
from tests.support.reliability_areas import AREAS, ROOT, area_of
from tests.support.reliability_report import render

CRASHES = "tests/integration/test_projection_crash_safety.py"
INNER_TESTS = """
def test_refused(record_figures):
    record_figures({"bad commands refused": 1, "events written by refused commands": 0})

def test_lost_one(record_figures):
    record_figures({"bad commands refused": 1, "events written by refused commands": 1})
    assert False, "a refused command wrote an event"

def test_a_float_is_no_figure(record_figures):
    record_figures({"bad commands refused": 0.5})
"""


def test_a_test_counts_in_the_area_of_the_longest_prefix_that_covers_it() -> None:
    assert area_of(f"{CRASHES}::test_a_crash_before_commit_leaves_rows_and_position_as_they_"
                   "were[sqlite]").key == "crashes"  # type: ignore[union-attr]
    assert area_of(f"{CRASHES}::test_two_workers_racing_for_one_batch_apply_it_once"
                   ).key == "concurrency"  # type: ignore[union-attr]
    assert area_of("tests/unit/test_bad_input.py::test_x[nan]").key == "bad-inputs"  # type: ignore[union-attr]
    assert area_of("tests/unit/test_bad_input_more.py::test_x") is None
    assert area_of("tests/unit/test_kpis.py::test_x") is None


def test_tests_that_share_a_node_id_are_told_apart_by_their_parameters() -> None:
    shared = "tests/e2e/test_schemathesis.py::test_every_operation_keeps_to_the_contract"
    assert recorded_id(shared, "test_every_operation_keeps_to_the_contract[GET /a.csv]") \
        == f"{shared}[GET /a.csv]"
    assert recorded_id("t.py::Case::test_x[1]", "Case.test_x[1]") == "t.py::Case::test_x[1]"


@pytest.mark.parametrize("prefix", [p for area in AREAS for p in area.prefixes])
def test_every_prefix_names_a_test_file_or_a_test_in_it(prefix: str) -> None:
    """A renamed test or file would silently drop out of docs/reliability.md."""
    path, _, test = prefix.partition("::")
    assert (ROOT / path).is_file(), path
    assert not test or f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), test


def test_the_plugin_records_outcomes_and_figures_of_area_tests_only(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = pytester.path / "var" / "reliability.json"
    monkeypatch.setenv(OUT_ENV, str(out))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini("[pytest]\n")
    pytester.mkdir("tests")
    pytester.mkdir("tests/unit")
    (pytester.path / "tests/unit/test_bad_input.py").write_text(INNER_TESTS)
    (pytester.path / "tests/unit/test_kpis.py").write_text("def test_kpis(): pass\n")

    result = pytester.runpytest_subprocess("-p", "tests.support.reliability",
                                           "--import-mode=importlib", "tests")

    result.assert_outcomes(passed=2, failed=2)
    recorded = json.loads(out.read_text())
    assert sorted(recorded["tests"]) == [f"tests/unit/test_bad_input.py::{name}" for name in
                                         ("test_a_float_is_no_figure", "test_lost_one",
                                          "test_refused")]
    bad_inputs = recorded["areas"]["bad-inputs"]
    assert (bad_inputs["passed"], bad_inputs["failed"]) == (1, 2)
    assert bad_inputs["figures"] == {
        "bad commands refused": {"total": 2, "tests": 2},
        "events written by refused commands": {"total": 1, "tests": 2},
    }
    assert recorded["run"]["exit_status"] == 1


def test_the_page_names_failed_tests_and_areas_not_run_and_sums_figures() -> None:
    tests = {
        "tests/unit/test_bad_input.py::test_a": {
            "area": "bad-inputs", "outcome": "passed", "seconds": 0.1,
            "figures": {"bad commands refused": 1200}},
        "tests/unit/test_bad_input.py::test_b": {
            "area": "bad-inputs", "outcome": "failed", "seconds": 0.1,
            "figures": {"bad commands refused": 3}},
    }
    run = {"started": "2026-12-07T01:50:00+00:00", "seconds": 61.2, "commit": "abc123",
           "uncommitted_changes": True, "python": "3.12.3", "platform": "Linux-6.1",
           "cpus": 2, "postgresql": "throwaway", "kafka": "Tansu", "arguments": [],
           "exit_status": 1}

    page = render({"run": run, "areas": summarise(tests), "tests": tests})

    bad_inputs = page[page.index("## Bad inputs"):page.index("## Contract fuzzing")]
    assert "Tests: 1 passed, 1 failed." in bad_inputs
    assert "- `tests/unit/test_bad_input.py::test_b`" in bad_inputs
    assert "| bad commands refused | 1,203 | 2 |" in bad_inputs
    assert page.count("Not run.") == len(AREAS) - 1
    assert "`abc123 (the working tree had uncommitted changes)`" in page
    assert "| [Bad inputs](#bad-inputs) | 1 | 1 | 0 |" in page
