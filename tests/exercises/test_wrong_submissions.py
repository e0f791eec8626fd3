"""Exercises graded by the real engine on deliberately wrong submissions, and on correct ones
written differently from the reference.

Each exercise's alternative solution (tests/exercises/_solutions*.py) must get full marks,
hidden checks included. A wrong submission is that solution with one mistake appended as a
redefinition: it must lose exactly the checks the mistake concerns, and their messages must
name the mistake. The tables are in tests/exercises/mistakes/, one module per exercise.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import by_name
from tests.exercises.mistakes import TABLES, alternative_solution, cases


def with_change(exercise: str, override: str) -> str:
    """The exercise's alternative solution with the functions in `override` redefined at its
    end."""
    return alternative_solution(exercise) + "\n\n" + textwrap.dedent(override)


def lost_checks(result) -> dict[str, str]:
    """{check name: message} of the checks that did not pass."""
    return {name: check.message for name, check in by_name(result).items() if not check.passed}


def assert_full_marks(result) -> None:
    assert lost_checks(result) == {}
    assert result.score == result.max_score > 0
    assert {c.visibility for c in result.checks} == {"visible", "hidden"}


@pytest.mark.parametrize("exercise", sorted(TABLES))
def test_alternative_solution_gets_full_marks(grade_source, exercise):
    assert_full_marks(grade_source(exercise, alternative_solution(exercise), hidden=True))


@pytest.mark.parametrize(("exercise", "case"), cases("WRONG"))
def test_wrong_submissions_lose_exactly_their_checks(grade_source, exercise, case):
    mistake, lost, words = TABLES[exercise].WRONG[case]
    result = grade_source(exercise, with_change(exercise, mistake))
    failed = lost_checks(result)
    assert set(failed) == lost, failed
    assert all(check.outcome == "failed" for check in result.checks if not check.passed)
    text = "\n".join(failed.values())
    for word in words:
        assert word in text, text
    assert result.exit_code == (1 if lost else 0)


@pytest.mark.parametrize(("exercise", "case"), cases("HIDDEN_ONLY"))
def test_mistakes_only_hidden_checks_find(grade_source, exercise, case):
    mistake, lost = TABLES[exercise].HIDDEN_ONLY[case]
    result = grade_source(exercise, with_change(exercise, mistake), hidden=True)
    failed = lost_checks(result)
    assert set(failed) == lost, failed
    assert all(check.visibility == "hidden" for check in result.checks if not check.passed)


@pytest.mark.parametrize(("exercise", "case"), cases("CORRECT"))
def test_correct_variants_keep_full_marks(grade_source, exercise, case):
    variant = TABLES[exercise].CORRECT[case]
    assert_full_marks(grade_source(exercise, with_change(exercise, variant), hidden=True))
