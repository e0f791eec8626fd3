"""Gradescope: results.json from graded exercises, and an autograder bundle that writes it.

`results_json(results, exercises)` turns one student's ExerciseResults into Gradescope's
results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the score, one
test per check named "01 · <title>", and a summary in `output`. Hidden checks follow the
exercise's `hidden_feedback` (catalog.py): "full" shows them after the grades are published,
with their messages; "score" after publishing, without messages; "total" as one aggregated
test "hidden checks". `problem_json(message)` is the form for a submission that could not be
graded at all.

`export_autograder(exercises, out_zip)` writes the autograder zip Gradescope asks for:

    setup.sh          run once when Gradescope builds the image: a virtual environment with
                      this project's dependencies and the project itself installed from
                      project/ (a source copy)
    run_autograder    run per submission: grades every file of the submission with visible and
                      hidden checks (python -m grader.gradescope) and writes results.json
    project/          this project's grader and reference, and the chosen exercises with their
                      visible and hidden checks (the zip stays on Gradescope's trusted side)

run_autograder reads these environment variables (Gradescope sets none of them):

    GRADE_AUTOGRADER_ROOT    the root of Gradescope's layout (default /autograder): the
                             submission in ROOT/submission, results in ROOT/results/results.json
    GRADE_AUTOGRADER_SOURCE  where the zip was unpacked (default ROOT/source)
    GRADE_AUTOGRADER_PYTHON  the Python to grade with (default ROOT/venv/bin/python, which
                             setup.sh makes); set it to a Python that has this project's
                             dependencies installed to run run_autograder without setup.sh
    GRADE_LANG               the language of the feedback (default: the export's --lang)

Whatever happens, run_autograder leaves a results.json: a crash of ours becomes a result with
the error message and score 0, and the shell script writes one if Python cannot even start.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

from grader import __version__, catalog, i18n
from grader.catalog import Exercise
from grader.results import CheckResult, ExerciseResult

ENV_ROOT = "GRADE_AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
HIDDEN_TOTAL = "hidden checks"  # the aggregated test of hidden_feedback = "total"
TEMPLATES = Path(__file__).parent / "templates" / "interop"
PROJECT = Path(__file__).resolve().parent.parent  # holds grader/, reference/, exercises/
SKIPPED_PARTS = ("__MACOSX", "__pycache__", ".ipynb_checkpoints")
DISTRIBUTION = "numpy-dl-grader"
FALLBACK_REQUIREMENTS = ("numpy>=1.24", "click>=8.1", "rich>=13", "pytest>=7.4",
                         "tomli>=2.0; python_version < '3.11'")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")


# --- results.json ----------------------------------------------------------------------------


def _feedback_modes(results: list[ExerciseResult],
                    exercises: dict[str, Exercise] | None) -> dict[str, str]:
    """{exercise code: hidden_feedback}, from `exercises` or else the catalog."""
    modes = {}
    for result in results:
        exercise = (exercises or {}).get(result.exercise)
        if exercise is None:
            try:
                exercise = catalog.find(result.exercise)
            except catalog.CatalogError:
                exercise = None
        modes[result.exercise] = exercise.hidden_feedback if exercise else "full"
    return modes


def _output(check: CheckResult, lang: str) -> str:
    parts = [check.message]
    if check.stdout:
        parts.append(f"{i18n.tr('your_output', lang)}\n{check.stdout}")
    return "\n".join(p for p in parts if p)


def _test(code: str, check: CheckResult, visibility: str, lang: str,
          with_output: bool = True) -> dict:
    return {"name": f"{code} · {check.title}", "score": check.points_earned,
            "max_score": check.points_possible,
            "status": "passed" if check.passed else "failed",
            "output": _output(check, lang) if with_output else "", "output_format": "text",
            "visibility": visibility}


def _hidden_total(code: str, hidden: list[CheckResult], visibility: str, lang: str) -> dict:
    passed = sum(c.passed for c in hidden)
    return {"name": f"{code} · {i18n.tr('gs_hidden_name', lang)}",
            "score": sum(c.points_earned for c in hidden),
            "max_score": sum(c.points_possible for c in hidden),
            "status": "passed" if passed == len(hidden) else "failed",
            "output": i18n.tr("gs_hidden_total", lang, passed=passed, count=len(hidden)),
            "output_format": "text", "visibility": visibility}


def _summary(result: ExerciseResult, lang: str) -> list[str]:
    """The lines of the overall output about one exercise: score, notes, what did not run."""
    lines = [i18n.tr("gs_summary", lang, code=result.exercise, title=result.title,
                     file=Path(result.submission).name, score=f"{result.score:g}",
                     max_score=f"{result.max_score:g}")]
    lines += [f"  {note}" for note in result.notes]
    if result.hidden_not_run:
        not_run = result.hidden_not_run
        lines.append("  " + i18n.tr("gs_hidden_not_run", lang, count=not_run["checks"],
                                    points=f"{not_run['points']:g}"))
    lines += [f"  {c.message}" for c in result.grader_errors]
    return lines


def results_json(results: list[ExerciseResult], exercises: dict[str, Exercise] | None = None,
                 *, visibility_after_publish: bool = True, lang: str | None = None) -> dict:
    """Gradescope's results.json for one student's graded exercises (one or several).

    Visible checks are "visible" tests. Hidden checks are shown "after_published" (or kept
    "hidden" from students altogether when not `visibility_after_publish`), with or without
    their messages or as one total, as each exercise's `hidden_feedback` says. `exercises`
    maps exercise codes to exercises; missing ones are looked up in the catalog. The text
    around the checks' own messages is in `lang`, by default the language they were graded in."""
    lang = lang or (results[0].lang if results else i18n.current())
    modes = _feedback_modes(results, exercises)
    hidden_visibility = "after_published" if visibility_after_publish else "hidden"
    tests: list[dict] = []
    lines: list[str] = []
    for result in results:
        code, mode = result.exercise, modes[result.exercise]
        hidden = [c for c in result.checks if c.visibility == "hidden"]
        visible = [c for c in result.checks if c.visibility != "hidden"]
        tests += [_test(code, c, "visible", lang) for c in visible]
        if mode == "total" and hidden:
            tests.append(_hidden_total(code, hidden, hidden_visibility, lang))
        else:
            tests += [_test(code, c, hidden_visibility, lang, with_output=mode == "full")
                      for c in hidden]
        lines += _summary(result, lang)
    return {"score": round(sum(r.score for r in results), 6), "output": "\n".join(lines),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"grader_version": __version__,
                           "sandbox": sorted({r.sandbox for r in results}),
                           "submissions": {r.exercise: r.submission_id for r in results}}}


def problem_json(message: str) -> dict:
    """results.json for a submission that could not be graded at all: score 0 and why."""
    return {"score": 0.0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"grader_version": __version__}}


# --- finding the student's files -------------------------------------------------------------


def submitted_files(folder: Path) -> list[Path]:
    """The .py and .ipynb files under `folder`, shallowest first; no hidden files, macOS
    resource forks, caches or notebook checkpoints."""
    found = []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if path.suffix not in (".py", ".ipynb") or not path.is_file() \
                or any(p.startswith(".") or p in SKIPPED_PARTS for p in parts):
            continue
        found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(folder).parts), str(p)))


def defined_functions(path: Path) -> set[str]:
    """The names of the top-level functions a .py file or a notebook defines ({} if none can
    be read)."""
    from grader import notebook
    from grader.failures import GraderError

    try:
        if path.suffix == ".ipynb":
            source = notebook.extract(path).source
        else:
            source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (GraderError, OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def match_files(files: list[Path], exercises: list[Exercise]) -> tuple[dict[str, Path], list[Path]]:
    """({exercise code: the file to grade}, files left over). A file is an exercise's when it
    has the stub's name; else when its name holds the exercise's folder name or slug; else the
    exercise whose functions it defines most of (at least one) takes it."""
    matched: dict[str, Path] = {}
    left = list(files)

    def take(exercise: Exercise, path: Path) -> None:
        matched[exercise.code] = path
        left.remove(path)

    for exercise in exercises:
        for path in left:
            if path.name == exercise.stub:
                take(exercise, path)
                break
    for exercise in exercises:
        if exercise.code in matched:
            continue
        for path in left:
            if exercise.folder.name in path.stem or exercise.slug in path.stem:
                take(exercise, path)
                break
    candidates = list(left)
    defined = [defined_functions(path) for path in candidates]
    # the largest overlaps first; among equals, the earlier exercise and the shallower file
    pairs = sorted((-len(defined[j] & set(e.functions)), i, j)
                   for i, e in enumerate(exercises) if e.code not in matched
                   for j in range(len(candidates)))
    for negative_overlap, i, j in pairs:
        exercise, path = exercises[i], candidates[j]
        if negative_overlap < 0 and exercise.code not in matched and path in left:
            take(exercise, path)
    return matched, left


# --- grading a submission folder -------------------------------------------------------------


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


# --- the autograder bundle -------------------------------------------------------------------


def _write(bundle: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def _add_tree(bundle: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:  # copytree applies the ignore patterns
        copy = Path(scratch) / "copy"
        shutil.copytree(folder, copy, ignore=IGNORE)
        for path in sorted(copy.rglob("*")):
            if path.is_file():
                _write(bundle, f"{prefix}/{path.relative_to(copy).as_posix()}", path.read_bytes())


def runtime_requirements() -> str:
    """This project's own dependencies (not its extras), one per line: what grading needs."""
    import importlib.metadata

    try:
        required = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        required = list(FALLBACK_REQUIREMENTS)
    return "\n".join(r for r in required if "extra ==" not in r) + "\n"


def export_autograder(exercises: list[Exercise], out_zip: Path, *, lang: str = "en") -> Path:
    """Write Gradescope's autograder zip for `exercises` (see the module's docstring). The zip
    holds the reference and the hidden checks: upload it to Gradescope, never to students."""
    if not exercises:
        raise ValueError("export_autograder needs at least one exercise")
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    run_script = (TEMPLATES / "run_autograder").read_text(encoding="utf-8")
    run_script = run_script.replace("@LANG@", i18n.normalise(lang) if lang not in i18n.LANGUAGES
                                    else lang)
    with zipfile.ZipFile(out_zip, "w") as bundle:
        _write(bundle, "setup.sh", (TEMPLATES / "setup.sh").read_bytes(), executable=True)
        _write(bundle, "run_autograder", run_script.encode(), executable=True)
        _write(bundle, "project/requirements.txt", runtime_requirements().encode())
        for name in ("pyproject.toml", "README.md"):
            if (PROJECT / name).exists():
                _write(bundle, f"project/{name}", (PROJECT / name).read_bytes())
        for package in ("grader", "reference"):
            _add_tree(bundle, PROJECT / package, f"project/{package}")
        for exercise in exercises:
            _add_tree(bundle, exercise.folder, f"project/exercises/{exercise.folder.name}")
    return out_zip


def main() -> int:
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
