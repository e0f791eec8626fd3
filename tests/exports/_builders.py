"""Synthetic graded results and gradebooks for the export tests (no grading runs)."""

from __future__ import annotations

from pathlib import Path

from grader.gradebook import Gradebook
from grader.results import CheckResult, ExerciseResult


def check(name: str, points: float = 2, *, passed: bool = True, outcome: str | None = None,
          message: str = "", stdout: str = "", hidden: bool = False,
          title: str | None = None) -> CheckResult:
    """A check named test_<name>; `outcome` defaults to passed / failed."""
    outcome = outcome or ("passed" if passed else "failed")
    return CheckResult(id=f"tests/test_{'hidden' if hidden else 'visible'}.py::test_{name}",
                       title=title or name.replace("_", " "), points_possible=points,
                       points_earned=points if outcome == "passed" else 0, outcome=outcome,
                       message=message, stdout=stdout,
                       visibility="hidden" if hidden else "visible")


def result(exercise: str = "01", *checks: CheckResult, notes: tuple[str, ...] = (),
           title: str = "Loss functions", lang: str = "en") -> ExerciseResult:
    return ExerciseResult(exercise=exercise, slug=f"ex{exercise}", title=title,
                          submission_id="sha", submission="losses.py", checks=tuple(checks),
                          lang=lang, sandbox="process", grader_version="0.1.0",
                          started_at="t0", finished_at="t1", notes=notes)


def passing(exercise: str = "01", names: tuple[str, ...] = ("a", "b")) -> ExerciseResult:
    return result(exercise, *(check(n) for n in names))


def make_gradebook(path: Path, rows: list[tuple]) -> Path:
    """rows: (student, ExerciseResult) for a graded exercise, or (student, exercise, problem
    message[, max_score]) for a problem ("" as exercise: the whole upload)."""
    with Gradebook(path) as book:
        for row in rows:
            if isinstance(row[1], ExerciseResult):
                book.record_result(row[0], row[1], content_hash="h", checks_hash="c",
                                   source=f"{row[0]}/")
            else:
                student, exercise, message, *max_score = row
                book.record_problem(student, exercise, message,
                                    max_score=max_score[0] if max_score else 0)
    return path
