"""Grade one submission of one exercise: run its checks with pytest, return the results.

`grade()` is what `grade exercise`, the instructor's self-check and the batch grader call.
pytest runs in this process with only this project's plugin (no third-party autoload) and
a neutral configuration file; the submission runs in the untrusted worker, which is started
before pytest so that its start-up overlaps with collecting the checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from grader import __version__, i18n, notebook
from grader.catalog import Exercise
from grader.failures import GraderError
from grader.plugin import STATE, Prestarted
from grader.results import CheckResult, ExerciseResult
from grader.sandbox import BLOCKED_IMPORTS, Sandbox

GRADE_INI = Path(__file__).parent / "grade.ini"
# pytest plugins a grading run does not need; unraisableexception alone runs gc.collect()
# five times per session (~40 ms of a ~300 ms run)
SPEED_PLUGINS_OFF = ("-p", "no:unraisableexception", "-p", "no:threadexception",
                     "-p", "no:logging", "-p", "no:junitxml", "-p", "no:pastebin",
                     "-p", "no:nose", "-p", "no:doctest")


class Capture:
    """Receives the grading state when pytest finishes configuring."""

    state = None

    def pytest_configure(self, config: pytest.Config) -> None:
        self.state = config.stash[STATE]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """pytest's report of a failed check goes unused (the plugin writes the student's
        message), but its default traceback parses the source of every frame: ~70% of the
        time of grading a failing submission. After collection (whose errors keep their
        traceback), only the exception's text."""
        session.config.option.tbstyle = "value"


@contextlib.contextmanager
def environment(values: dict[str, str | None]):
    """Set (or, for None, unset) environment variables; restore them afterwards."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            _set_variable(key, value)
        yield
    finally:
        for key, value in saved.items():
            _set_variable(key, value)


def _set_variable(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


# while grading: no third-party pytest plugins and no PYTEST_ADDOPTS
PYTEST_ISOLATED = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None}


def submission_id(path: Path) -> str:
    """A content hash: the same file always has the same id."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _check_submission(path: Path) -> None:
    if not path.is_file():
        raise GraderError(f"no such file: {path}")
    if path.suffix not in (".py", ".ipynb"):
        raise GraderError(f"{path.name}: grade a Python file (.py) or a notebook (.ipynb)")


@contextlib.contextmanager
def _as_python_file(path: Path):
    """(a .py file to grade, notes for the student): a notebook becomes its definitions."""
    if path.suffix != ".ipynb":
        yield path, ()
        return
    extracted = notebook.extract(path)
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as folder:
        module = Path(folder) / f"{path.stem}.py"
        module.write_text(extracted.source, encoding="utf-8")
        yield module, tuple(note.render() for note in extracted.notes)


def grade(exercise: Exercise, submission: Path | None = None, *, lang: str = "en",
          hidden: bool = False, trust_reference: bool = False,
          seed: int = 0, isolation: str = "process", plugins: tuple = ()) -> ExerciseResult:
    """Grade `submission` (default: the exercise's stub) with the visible checks, and the
    hidden ones too when `hidden`. `trust_reference` lets the submission import the
    reference package (used to grade the reference itself). `isolation` is "process" (the
    worker with resource limits) or "bwrap" (also bubblewrap, where installed; batch mode).
    `plugins` go to pytest.main too (the release's `replay.Recording`)."""
    path = Path(submission or exercise.stub_path).resolve()
    _check_submission(path)
    started = _now()
    i18n.set_language(lang)
    blocked = () if trust_reference else BLOCKED_IMPORTS
    with _as_python_file(path) as (module, notes):
        sandbox = Sandbox(module, exercise.module, exercise.limits, blocked,
                          display_name=path.name, isolation=isolation)
        sandbox.start()
        args = ["--submission", str(module), "--grader-lang", lang, "--grader-seed", str(seed)]
        if trust_reference:
            args.append("--allow-reference-import")
        try:
            code, state = run_pytest(exercise, hidden, args,
                                      Prestarted({exercise.folder: sandbox}), *plugins)
        finally:
            sandbox.close()
    checks = list(state.results) if state else []
    if state and state.collection_errors:
        checks.append(_collection_error(state.collection_errors))
    if code in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR,
                pytest.ExitCode.USAGE_ERROR) and not checks:
        raise GraderError(f"pytest could not run the checks of exercise {exercise.code} "
                          f"(exit {int(code)})")
    hidden_not_run = {} if hidden or not exercise.hidden_checks else {
        "checks": exercise.hidden_checks, "points": exercise.hidden_points}
    return ExerciseResult(
        exercise=exercise.code, slug=exercise.slug, title=exercise.title_in(lang),
        submission_id=submission_id(path), submission=str(path), checks=tuple(checks),
        lang=lang, sandbox=sandbox.layer, grader_version=__version__, started_at=started,
        finished_at=_now(), hidden_not_run=hidden_not_run,
        notes=(*notes, *sandbox.attempt_notes()))


def run_pytest(exercise: Exercise, hidden: bool, extra: list[str], *plugins):
    """pytest.main on the exercise's check files with only our plugin; (exit code, state)."""
    files = exercise.test_files(hidden)
    if not files:
        raise GraderError(f"exercise {exercise.code} has no checks in {exercise.folder / 'tests'}")
    capture = Capture()
    args = [*map(str, files), "-c", str(GRADE_INI),
            "--rootdir", str(exercise.folder), "-p", "grader.plugin", "-p", "no:cacheprovider",
            "-p", "no:terminal", "--import-mode=importlib", *SPEED_PLUGINS_OFF, *extra]
    with environment(PYTEST_ISOLATED), _forget_modules_under(exercise.folder):
        code = pytest.main(args, plugins=[*plugins, capture])
    return code, capture.state


CHECK_PACKAGES = ("tests", "conftest")  # the names pytest gives an exercise's check files


@contextlib.contextmanager
def _forget_modules_under(folder: Path):
    """Unload the check modules a run imported: every exercise's checks (and its
    tests/conftest.py) are `tests.*` to pytest (importlib mode, the exercise folder as
    rootdir), and pytest would reuse modules already loaded under those names: the first
    exercise's when grading the next one, or the caller's own tests/conftest.py. The caller's
    are set aside during the run and put back afterwards."""
    caller = {name: sys.modules.pop(name) for name in list(sys.modules)
              if name.split(".")[0] in CHECK_PACKAGES}
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            origin = getattr(sys.modules[name], "__file__", None) or ""
            if origin.startswith(str(folder)) or name.split(".")[0] in CHECK_PACKAGES:
                del sys.modules[name]
        sys.modules.update(caller)


def inventory(exercise: Exercise, hidden: bool = True) -> list[tuple[str, float, str]]:
    """The checks of an exercise without running them: (node id, points, visibility)."""
    code, state = run_pytest(exercise, hidden, ["--collect-only"])
    if state is None or state.collection_errors or code not in (0, pytest.ExitCode.OK):
        errors = "\n".join(state.collection_errors) if state else f"exit {int(code)}"
        raise GraderError(f"the checks of exercise {exercise.code} cannot be collected: "
                          f"{errors[-2000:]}")
    return list(state.collected)


def _collection_error(errors: list[str]) -> CheckResult:
    text = "\n".join(errors)[-3000:]
    return CheckResult(id="collection", title="checks could not be loaded", points_possible=0,
                       points_earned=0, outcome="error",
                       message=i18n.tr("grader_error", message=text))
