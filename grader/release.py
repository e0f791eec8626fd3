"""Release a student bundle: what students get, checked before it is reported ready.

    OUT/pyproject.toml              installs `grader` and the `grade` command only
    OUT/README.md, README.zh-TW.md  for students (grader/templates/)
    OUT/grader/                     the grading engine (no reference, no answers)
    OUT/datasets/                   the data files
    OUT/exercises/NN_slug/          the stub, README.md, README.zh-TW.md, exercise.toml,
                                    tests/test_visible.py, tests/conftest.py and
                                    tests/reference_answers.npz, the reference's answers to
                                    the visible checks, recorded here (grader/replay.py)

Never released: tests/test_hidden.py, the reference package. The bundle is written to a
hidden folder beside OUT and renamed to OUT only after `release_verify` passed it, so a
failed release leaves no finished-looking bundle behind.
"""

from __future__ import annotations

import shutil
import string
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__, catalog, release_verify
from grader.answers import FILE_NAME
from grader.catalog import Exercise
from grader.failures import GraderError
from grader.i18n import tomllib
from grader.replay import Recording
from grader.runner import grade
from grader.selfcheck import reference_file

GRADER_DIR = Path(__file__).resolve().parent
TEMPLATES = GRADER_DIR / "templates"
EXERCISE_FILES = ("README.md", "README.zh-TW.md", "exercise.toml", "tests/test_visible.py",
                  "tests/conftest.py", "plots.py")  # besides the stub; conftest.py and
#                                                     plots.py are optional
REQUIRED = ("README.md", "README.zh-TW.md", "exercise.toml", "tests/test_visible.py")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
BUNDLE_NAME = "numpy-dl-exercises"


class ReleaseError(Exception):
    """A release that cannot start: a usage error (the output folder exists, ...)."""


@dataclass(frozen=True)
class ReleaseReport:
    """What a release wrote and how its verification went."""

    out_dir: Path
    exercises: tuple[str, ...]
    files: tuple[str, ...] = ()  # relative to out_dir
    verification: tuple[release_verify.Verification, ...] = ()
    leaks: tuple[str, ...] = ()
    given: tuple[str, ...] = ()  # earlier answers the stubs hand out (release_verify)
    problems: tuple[str, ...] = ()  # everything that makes the release fail
    zip_path: Path | None = None
    written: bool = False  # out_dir holds the verified bundle

    @property
    def ok(self) -> bool:
        return self.written and not self.problems


@dataclass
class _Draft:
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def release(out_dir: Path, exercises=None, *, zip_path: Path | None = None,
            force: bool = False) -> ReleaseReport:
    """Write the student bundle of `exercises` (Exercise objects or names; default all) to
    `out_dir`, verify it, and also zip it to `zip_path` if given. `force` replaces an
    existing `out_dir`. Raises ReleaseError for a usage error; any other failure is in the
    report (`ok` False) and leaves `out_dir` as it was."""
    chosen = _exercises(exercises)
    out_dir = Path(out_dir).resolve()
    _check_target(out_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    codes = tuple(e.code for e in chosen)
    try:
        draft = _build(staging, chosen)
        if draft.problems:
            return ReleaseReport(out_dir, codes, tuple(draft.files), problems=tuple(draft.problems))
        report = _verify(staging, chosen, out_dir, draft)
        if report.problems:
            return report
        _replace(staging, out_dir)
        if zip_path is not None:
            write_zip(out_dir, Path(zip_path))
        return ReleaseReport(out_dir, codes, report.files, report.verification, report.leaks,
                             tuple(release_verify.given_answers(chosen)),
                             zip_path=zip_path and Path(zip_path).resolve(), written=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _exercises(exercises) -> list[Exercise]:
    if exercises is None:
        found = catalog.all_exercises()
    else:
        found = [e if isinstance(e, Exercise) else catalog.find(str(e)) for e in exercises]
    if not found:
        raise ReleaseError("no exercises to release")
    return found


def _check_target(out_dir: Path, force: bool) -> None:
    """OUT must be new or empty, or (with force) an earlier bundle; never the course's own
    tree, an ancestor of it, or a folder inside its packages."""
    project = _project_root()
    inside = [project / name for name in ("grader", "reference", "exercises", "tests")]
    if out_dir == project or out_dir in project.parents or \
            any(out_dir == d or d in out_dir.parents for d in inside):
        raise ReleaseError(f"{out_dir} is part of the course's own tree; write the bundle "
                           "elsewhere")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        if not force:
            raise ReleaseError(f"{out_dir} exists and is not empty; choose another folder or "
                               "pass --force to replace an earlier bundle")
        if not all((out_dir / n).exists() for n in ("pyproject.toml", "grader", "exercises")):
            raise ReleaseError(f"{out_dir} does not look like an earlier bundle; --force "
                               "replaces only a bundle")


def _project_root() -> Path:
    return GRADER_DIR.parent


def _replace(staging: Path, out_dir: Path) -> None:
    if out_dir.exists():
        shutil.rmtree(out_dir) if out_dir.is_dir() else out_dir.unlink()
    staging.rename(out_dir)


# --- writing -------------------------------------------------------------------------------


def _build(staging: Path, exercises: list[Exercise]) -> _Draft:
    draft = _Draft()
    shutil.copytree(GRADER_DIR, staging / "grader", ignore=IGNORED)
    datasets = exercises[0].folder.parent.parent / "datasets"
    if datasets.is_dir():
        shutil.copytree(datasets, staging / "datasets", ignore=IGNORED)
    for exercise in exercises:
        _copy_exercise(exercise, staging / "exercises" / exercise.folder.name, draft)
    _write_packaging(staging, exercises)
    draft.files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                         if p.is_file())
    return draft


def _copy_exercise(exercise: Exercise, target: Path, draft: _Draft) -> None:
    missing = [n for n in (exercise.stub, *REQUIRED) if not (exercise.folder / n).is_file()]
    if missing:
        draft.problems.append(f"exercise {exercise.code} lacks {', '.join(missing)}")
        return
    for name in (exercise.stub, *EXERCISE_FILES):
        if (exercise.folder / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(exercise.folder / name, target / name)
    try:
        record_answers(exercise, target / "tests" / FILE_NAME)
    except (GraderError, FileNotFoundError, ImportError) as exc:
        draft.problems.append(f"exercise {exercise.code}: recording the reference's answers "
                              f"failed: {exc}")


def record_answers(exercise: Exercise, path: Path) -> None:
    """Grade the reference solution and the stub with the visible checks while recording
    every call they make to the reference (the stub's run reaches the checks' failure
    paths); write the answers to `path`."""
    recording = Recording()
    result = grade(exercise, reference_file(exercise), trust_reference=True,
                   plugins=(recording,))
    grade(exercise, exercise.stub_path, plugins=(recording,))
    failed = [c for c in result.checks if not c.passed]
    if failed:
        raise GraderError(f"the reference does not pass its visible checks: {failed[0].id}: "
                          f"{failed[0].message.splitlines()[0] if failed[0].message else ''}")
    recording.book_for(exercise, 0).save(path)


def _template(template: str, **values) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    return string.Template(text).substitute(values)


def _write_packaging(staging: Path, exercises: list[Exercise]) -> None:
    project = _project_metadata()
    python = project.get("requires-python", ">=3.10")
    dependencies = ",\n".join(f"    {_toml_string(d)}" for d in project.get("dependencies", ()))
    (staging / "pyproject.toml").write_text(_template(
        "bundle_pyproject.toml", course=project.get("name", "the course"), name=BUNDLE_NAME,
        version=project.get("version", __version__), python=python,
        dependencies=dependencies), encoding="utf-8")
    for lang, suffix in (("en", ""), ("zh-TW", ".zh-TW")):
        rows = "\n".join(f"| {e.code} | {e.title_in(lang)} | "
                         f"`exercises/{e.folder.name}/{e.stub}` |" for e in exercises)
        (staging / f"README{suffix}.md").write_text(_template(
            f"student_README{suffix}.md", python=python.lstrip(">="), exercises=rows,
            version=__version__), encoding="utf-8")


def _project_metadata() -> dict:
    """[project] of the course's pyproject.toml: its runtime dependencies are the bundle's."""
    path = _project_root() / "pyproject.toml"
    if not path.is_file():
        return {"dependencies": ["numpy>=1.24", "click>=8.1", "rich>=13", "pytest>=7.4"]}
    with path.open("rb") as handle:
        return tomllib.load(handle).get("project", {})


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_zip(folder: Path, zip_path: Path) -> None:
    """The bundle as a .zip whose entries start with the bundle folder's name."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, (Path(folder.name) / path.relative_to(folder)).as_posix())


# --- verifying -----------------------------------------------------------------------------


def _verify(staging: Path, exercises: list[Exercise], out_dir: Path,
            draft: _Draft) -> ReleaseReport:
    packages = {e.reference.split(".")[0] for e in exercises}
    problems = release_verify.forbidden_files(staging, packages)
    try:
        rows = release_verify.grade_in_clean_copy(staging, exercises)
    except Exception as exc:  # a timeout, a crash, bad output: a failed release, not a crash
        rows, problems = [], [*problems, f"grading in a clean copy failed: "
                                         f"{type(exc).__name__}: {exc}"]
    leaks = release_verify.leaks(staging, exercises)
    problems += [f"exercise {r.exercise}: {p}" for r in rows for p in r.problems] + leaks
    return ReleaseReport(out_dir, tuple(e.code for e in exercises), tuple(draft.files),
                         tuple(rows), tuple(leaks), problems=tuple(problems))
