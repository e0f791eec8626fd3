"""What runs inside Gradescope's autograder (`python -m grader.gradescope`, from run_autograder):
grade the submission in ROOT/submission with every exercise of the bundle, visible and hidden
checks, and write ROOT/results/results.json.

The submission folder is one student's upload, read and matched to exercises by the batch
grader's intake (grader/intake): .py and .ipynb files at any depth or in a zip, decoded
(UTF-8, a BOM, a coding line, Big5), each exercise's best-named file graded and the others
named in a note. What intake cannot use becomes a failed test of its exercise, or a line of
the output when it concerns the whole upload.

ROOT is GRADE_AUTOGRADER_ROOT (default /autograder; autograder.py lists the other variables
run_autograder reads). Whatever happens a results.json is written: a crash of ours becomes a
result with the error message and score 0.
"""

from __future__ import annotations

import json
import os
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path

from grader import catalog, i18n, intake
from grader.catalog import Exercise
from grader.gradebook import WHOLE_UPLOAD
from grader.gradescope.results import problem_json, results_json
from grader.intake import Problem, Submission, Upload
from grader.intake.reading import read_folder
from grader.results import ExerciseResult

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


def _missing_message(exercise: Exercise) -> str:
    functions = ", ".join(exercise.functions[:3])
    functions += ", …" if len(exercise.functions) > 3 else ""
    return i18n.tr("gs_missing", code=exercise.code, stub=exercise.stub, functions=functions)


def read_upload(folder: Path) -> Upload:
    """The student's upload in `folder`, read as intake reads a student's folder: every .py,
    .ipynb and .zip at any depth (sizes capped, links reported, zips checked and opened in
    memory); sources are named from the folder ("submission/hw/losses.py")."""
    folder = Path(folder)
    upload = Upload(folder.name, folder.name)
    if folder.is_dir():
        read_folder(upload, folder, folder.name)
    return upload


def _grade(submission: Submission, lang: str, isolation: str) -> ExerciseResult:
    """One submission graded with the visible and hidden checks; intake's notes come first."""
    from grader.runner import grade

    result = grade(submission.exercise, submission.path, lang=lang, hidden=True,
                   isolation=isolation)
    notes = tuple(note.render(lang) for note in submission.notes)
    return replace(result, submission=submission.source, notes=notes + result.notes)


def _not_mentioned(upload: Upload, output: list[str]) -> list[str]:
    """The upload's files that no line of `output` names: no exercise's, and not graded."""
    text = "\n".join(output)
    return [i18n.tr("gs_ignored", file=file.source) for file in upload.files
            if file.source not in text]


def grade_submission(folder: Path, exercises: list[Exercise], *, lang: str = "en",
                     isolation: str = "process") -> dict:
    """results.json for the student's upload in `folder`: each exercise's submission (as intake
    finds it) graded with the visible and hidden checks; an exercise without one gets a failed
    test saying why, and what concerns the whole upload is in the output."""
    i18n.set_language(lang)
    upload = read_upload(folder)
    if not upload.files and not upload.problems:
        expected = ", ".join(e.stub for e in exercises) + " (.py / .ipynb)"
        return problem_json(i18n.tr("gs_no_files", expected=expected))
    results: list[ExerciseResult] = []
    failed: dict[str, str] = {}  # exercise code: why its submission was not graded
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        submissions, problems = intake.student_submissions(upload, exercises, Path(scratch))
        for submission in submissions:
            try:
                results.append(_grade(submission, lang, isolation))
            except Exception as exc:  # noqa: BLE001  (one file's trouble is that file's result)
                failed[submission.exercise.code] = i18n.tr(
                    "gs_not_graded", file=submission.source,
                    message=f"{type(exc).__name__}: {exc}")
    return _results(upload, exercises, submissions, problems, results, failed, lang)


def _results(upload: Upload, exercises: list[Exercise], submissions: list[Submission],
             problems: list[Problem], results: list[ExerciseResult], failed: dict[str, str],
             lang: str) -> dict:
    """results.json of the graded submissions, with a failed test for each exercise without a
    result and the upload's problems in the output."""
    graded = {r.exercise for r in results}
    by_code = {p.exercise: p.render(lang) for p in problems}
    tests = [_missing_test(e, failed.get(e.code) or by_code.get(e.code) or _missing_message(e))
             for e in exercises if e.code not in graded]
    notes = [by_code[WHOLE_UPLOAD]] if WHOLE_UPLOAD in by_code else []
    notes += failed.values()
    data = results_json(results, {e.code: e for e in exercises}, lang=lang)
    mentioned = [data["output"], *notes, *(t["output"] for t in tests),
                 *(s.source for s in submissions), *(p.source for p in problems),
                 *(n.render(lang) for s in submissions for n in s.notes)]
    notes += _not_mentioned(upload, mentioned)
    data["tests"] += tests
    data["output"] = "\n".join([data["output"], *notes]).strip()
    data["extra_data"]["content_hashes"] = {s.exercise.code: s.content_hash for s in submissions}
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
