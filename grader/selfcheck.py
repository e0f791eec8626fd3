"""The instructor's check of the exercises themselves: every exercise, graded with all its
checks (visible and hidden), must give the reference implementation full marks and the
untouched stub zero, with no grader error and no check that crashes.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Exercise
from grader.runner import grade


@dataclass(frozen=True)
class SelfcheckRow:
    exercise: str
    reference_score: float
    stub_score: float
    max_score: float
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def reference_file(exercise: Exercise) -> Path:
    spec = importlib.util.find_spec(exercise.reference)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"reference module {exercise.reference} not found")
    return Path(spec.origin)


def check_exercise(exercise: Exercise) -> SelfcheckRow:
    problems = []
    ref = grade(exercise, reference_file(exercise), hidden=True, trust_reference=True)
    stub = grade(exercise, exercise.stub_path, hidden=True)
    for check in ref.checks:
        if not check.passed:
            problems.append(f"reference fails {check.id}: {check.message.splitlines()[0]}")
    for check in stub.checks:
        if check.points_earned or check.outcome == "error":
            problems.append(f"stub gets {check.outcome} on {check.id}")
    hidden = [c for c in ref.checks if c.visibility == "hidden"]
    declared = (exercise.hidden_checks, float(exercise.hidden_points))
    if (len(hidden), sum(c.points_possible for c in hidden)) != declared:
        problems.append(f"exercise.toml announces {declared[0]} hidden checks worth "
                        f"{declared[1]:g} points; there are {len(hidden)} worth "
                        f"{sum(c.points_possible for c in hidden):g}")
    if not ref.checks:
        problems.append("no checks were collected")
    return SelfcheckRow(exercise.code, ref.score, stub.score, ref.max_score, tuple(problems))
