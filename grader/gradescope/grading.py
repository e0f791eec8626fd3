"""What runs inside Gradescope's autograder (`python -m grader.gradescope`, from run_autograder):
grade the submission in ROOT/submission with every exercise of the bundle, visible and hidden
checks, and write ROOT/results/results.json.

ROOT is GRADE_AUTOGRADER_ROOT (default /autograder; autograder.py lists the other variables
run_autograder reads). Whatever happens a results.json is written: a crash of ours becomes a
result with the error message and score 0.
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

from grader import catalog, i18n
from grader.catalog import Exercise
from grader.gradescope.matching import match_files, submitted_files
from grader.gradescope.results import problem_json, results_json

ENV_ROOT = "GRADE_AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")


def _total_points(exercise: Exercise) -> float:
    from grader.runner import inventory

    try:
        return sum(points for _, points, _ in inventory(exercise, hidden=True))
    except Exception:  # noqa: BLE001  (the points of a message; never a reason to stop)
        return 0.0


def _missing_test(exercise: Exercise, message: str) -> dict:
    return {"name": f"{exercise.code} · {exercise.title_in(i18n.current())}", "score": 0.0,
            "max_score": _total_points(exercise), "status": "failed", "output": message,
            "output_format": "text", "visibility": "visible"}


def grade_submission(folder: Path, exercises: list[Exercise], *, lang: str = "en",
                     isolation: str = "process") -> dict:
    """results.json for the submission in `folder`: each exercise's file graded with the
    visible and hidden checks; an exercise without a file gets a failed test saying so."""
    from grader.runner import grade

    i18n.set_language(lang)
    files = submitted_files(folder)
    if not files:
        expected = ", ".join(e.stub for e in exercises) + " (.py / .ipynb)"
        return problem_json(i18n.tr("gs_no_files", expected=expected))
    matched, left = match_files(files, exercises)
    results, extra_tests, notes = [], [], []
    for exercise in exercises:
        path = matched.get(exercise.code)
        if path is None:
            functions = ", ".join(exercise.functions[:3])
            functions += ", …" if len(exercise.functions) > 3 else ""
            extra_tests.append(_missing_test(exercise, i18n.tr(
                "gs_missing", code=exercise.code, stub=exercise.stub, functions=functions)))
            continue
        name = str(path.relative_to(folder))
        try:
            results.append(grade(exercise, path, lang=lang, hidden=True, isolation=isolation))
        except Exception as exc:  # noqa: BLE001  (one file's trouble is that file's result)
            message = i18n.tr("gs_not_graded", file=name, message=f"{type(exc).__name__}: {exc}")
            extra_tests.append(_missing_test(exercise, message))
            notes.append(message)
    notes += [i18n.tr("gs_ignored", file=str(p.relative_to(folder))) for p in left]
    if not results and not extra_tests:
        return problem_json("\n".join(notes))
    data = results_json(results, {e.code: e for e in exercises})
    data["tests"] += extra_tests
    data["output"] = "\n".join([data["output"], *notes]).strip()
    return data


def write_results(path: Path, data: dict) -> None:
    """Write results.json `data` to `path` whole: to a .part file first, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.part")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.replace(path)


def run(root: Path | None = None) -> Path:
    """What run_autograder runs: grade ROOT/submission with every exercise found (the
    bundle's), write ROOT/results/results.json. Never raises: a crash of ours is written as
    the result, with score 0 and the error."""
    root = Path(root or os.environ.get(ENV_ROOT) or DEFAULT_ROOT)
    results = root / "results" / "results.json"
    try:
        lang = i18n.from_environment()
        i18n.set_language(lang)
        exercises = catalog.all_exercises()
        if not exercises:
            raise catalog.CatalogError(f"no exercises in {catalog.exercises_root()}")
        isolation = os.environ.get("GRADE_AUTOGRADER_ISOLATION", "process")
        data = grade_submission(root / "submission", exercises, lang=lang, isolation=isolation)
    except BaseException as exc:  # noqa: B036  (results.json must be written, whatever happened)
        traceback.print_exc()
        data = problem_json(i18n.tr("grader_error", message=f"{type(exc).__name__}: {exc}"))
    write_results(results, data)
    print(f"score {data['score']:g}; results written to {results}")
    return results


def main() -> int:
    """`python -m grader.gradescope`: run(), and exit 0 whatever the grade."""
    run()
    return 0
