"""Shared helpers for the project's own tests: grade a submission given as source text."""

from __future__ import annotations

import os
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


# --- slow experiments ----------------------------------------------------------------------------
# A test marked @pytest.mark.slow (a long training run, a full-size experiment) is skipped unless
# `--run-slow` is given or GRADER_RUN_SLOW=1: the README's `python -m pytest` and CI run the short
# version, `python -m pytest --run-slow` everything.


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (long experiments)")


def run_slow(config) -> bool:
    return config.getoption("--run-slow") or os.environ.get("GRADER_RUN_SLOW") == "1"


def pytest_collection_modifyitems(config, items):
    if run_slow(config):
        return
    skip = pytest.mark.skip(reason="slow experiment: run with --run-slow (or GRADER_RUN_SLOW=1)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
