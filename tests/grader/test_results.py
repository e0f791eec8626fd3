"""ExerciseResult: totals, the exit status, and a JSON form Gradescope can read."""

from __future__ import annotations

import json

import pytest

from grader.results import OUTCOMES, CheckResult, ExerciseResult


def check(outcome: str = "passed", points: float = 2, name: str = "test_a", **fields):
    earned = points if outcome == "passed" else 0
    return CheckResult(id=f"tests/test_visible.py::{name}", title=name.replace("_", " "),
                       points_possible=points, points_earned=earned, outcome=outcome, **fields)


def result(*checks: CheckResult, **fields) -> ExerciseResult:
    values = {"exercise": "01", "slug": "loss_functions", "title": "Loss functions",
              "submission_id": "alice", "submission": "/tmp/alice/losses.py",
              "checks": checks, "lang": "en", "sandbox": "process", "grader_version": "0.1.0",
              "started_at": "2024-01-01T00:00:00Z", "finished_at": "2024-01-01T00:00:02Z"}
    return ExerciseResult(**{**values, **fields})


MIXED = result(check("passed", 2, "test_mse"), check("failed", 3, "test_grad", message="wrong"),
               check("passed", 0.5, "test_shape"))


def test_score_and_max_score():
    assert (MIXED.score, MIXED.max_score) == (2.5, 5.5)


def test_partial_points_count():
    partial = CheckResult(id="t::x", title="x", points_possible=4, points_earned=1.5,
                          outcome="failed")
    assert (result(partial).score, result(partial).max_score) == (1.5, 4)


@pytest.mark.parametrize(("outcomes", "code"), [
    (["passed"], 0),
    (["passed", "passed", "passed"], 0),
    (["passed", "failed"], 1),
    (["not_implemented", "not_implemented"], 1),
    (["passed", "timeout"], 1),
    (["crashed"], 1),
    (["import_error"], 1),
    (["passed", "error"], 2),
    (["failed", "error"], 2),
    ([], 2),
], ids=lambda v: ",".join(v) or "no checks" if isinstance(v, list) else str(v))
def test_exit_code(outcomes, code):
    checks = [check(o, name=f"test_{i}") for i, o in enumerate(outcomes)]
    assert result(*checks).exit_code == code


def test_grader_errors_are_listed():
    broken = check("error", name="test_broken")
    assert result(check(), broken).grader_errors == [broken]


def test_passed_only_for_the_passed_outcome():
    assert [check(o).passed for o in OUTCOMES] == [o == "passed" for o in OUTCOMES]


def test_to_json_top_level():
    data = MIXED.to_json()
    assert (data["score"], data["max_score"]) == (2.5, 5.5)
    assert len(data["tests"]) == 3
    assert data["exercise"] == "01" and data["submission_id"] == "alice"
    assert "checks" not in data


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_to_json_test_entry(outcome):
    entry = result(check(outcome, 3, "test_mse")).to_json()["tests"][0]
    assert entry["name"] == "test mse"
    assert entry["score"] == (3 if outcome == "passed" else 0)
    assert entry["max_score"] == 3
    assert entry["status"] == ("passed" if outcome == "passed" else "failed")
    assert isinstance(entry["output"], str)
    assert entry["outcome"] == outcome and entry["id"] == "tests/test_visible.py::test_mse"


@pytest.mark.parametrize(("message", "stdout", "expected"), [
    ("wrong value", "", "wrong value"),
    ("wrong value", "debug print", "wrong value\ndebug print"),
    ("", "", ""),
], ids=["message only", "message and output", "neither"])
def test_to_json_output_has_the_message_then_the_printed_output(message, stdout, expected):
    failed = check("failed", message=message, stdout=stdout)
    assert result(failed).to_json()["tests"][0]["output"] == expected


def test_to_json_output_of_a_passed_check_without_message_is_its_printed_output():
    passed = check("passed", stdout="hello")
    assert result(passed).to_json()["tests"][0]["output"] == "hello"


def test_to_json_is_json():
    data = result(*MIXED.checks, hidden_not_run={"checks": 2, "points": 4}).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["hidden_not_run"] == {"checks": 2, "points": 4}
