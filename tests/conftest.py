"""Shared helpers for the project's own tests: grade a submission given as source text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader import catalog
from grader.results import ExerciseResult
from grader.runner import grade

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def grade_source(tmp_path):
    """grade_source(exercise, source, hidden=False, **options) -> ExerciseResult.

    Writes `source` (dedented) as the exercise's stub file name in a fresh folder and grades
    it with the real engine: the untrusted worker, pytest and the exercise's checks.
    """
    def run(exercise: catalog.Exercise | str, source: str, hidden: bool = False,
            **options) -> ExerciseResult:
        if isinstance(exercise, str):
            exercise = catalog.find(exercise, REPO / "exercises")
        folder = tmp_path / f"submission-{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        path = folder / exercise.stub
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return grade(exercise, path, hidden=hidden, **options)
    return run


def by_name(result: ExerciseResult) -> dict:
    """{check function name: CheckResult}, for assertions on single checks."""
    return {check.id.split("::")[-1]: check for check in result.checks}


collect_ignore = ["grader/toy_exercises"]  # graded by the engine's tests, not collected here
TOY = REPO / "tests" / "grader" / "toy_exercises"


@pytest.fixture
def toy(monkeypatch):
    """The toy exercise, with its reference importable."""
    monkeypatch.syspath_prepend(str(TOY / "01_toy"))
    return catalog.find("toy", TOY)
