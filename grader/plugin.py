"""The pytest plugin that makes ordinary pytest tests into graded checks.

Provides the `points(n)` marker and the fixtures `submission` (the student's module, run in
an untrusted worker), `reference` (the correct implementation), `rng` (seeded per check),
`exercise`; turns every check's outcome into a `CheckResult`. Loaded through the `pytest11`
entry point, or explicitly with `-p grader.plugin` (what `grade` does).
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest

from grader import catalog, i18n, replay
from grader.failures import GraderError, NotImplementedYet, SubmissionFailure
from grader.i18n import msg, tr
from grader.remote import CALLS, Submission
from grader.results import CheckResult
from grader.sandbox import BLOCKED_IMPORTS, Sandbox

OUTPUT_SHOWN = 2000  # characters of a check's captured output shown in feedback


class Prestarted:
    """Handed to pytest.main by the runner: sandboxes already starting, keyed by folder."""

    def __init__(self, sandboxes: dict):
        self.sandboxes = sandboxes


class InProcessSubmission:
    """The submission imported into this process: no isolation, for trusted code only."""

    def __init__(self, path: Path, module: str):
        spec = importlib.util.spec_from_file_location(module, path)
        self._module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(self._module)

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = value(*args, **kwargs)
            CALLS.record(result, f"{name}(...)",
                         [f"{w.category.__name__}: {w.message}" for w in caught])
            return result
        return call


class GradingState:
    """Per pytest session: the submission of each exercise, and the results so far."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.results: list[CheckResult] = []
        self.collection_errors: list[str] = []
        self.collected: list[tuple[str, float, str]] = []
        self.sandboxes: dict[Path, Sandbox] = {}
        self.submissions: dict[Path, object] = {}
        for plugin in config.pluginmanager.get_plugins():
            if isinstance(plugin, Prestarted):
                self.sandboxes.update(plugin.sandboxes)

    def submission_for(self, exercise: catalog.Exercise):
        if exercise.folder not in self.submissions:
            path = Path(self.config.getoption("submission") or exercise.stub_path)
            if self.config.getoption("no_sandbox"):
                self.submissions[exercise.folder] = InProcessSubmission(path, exercise.module)
            else:
                sandbox = self.sandboxes.get(exercise.folder)
                if sandbox is None:
                    blocked = () if self.config.getoption("allow_reference_import") \
                        else BLOCKED_IMPORTS
                    sandbox = Sandbox(path, exercise.module, exercise.limits, blocked)
                    self.sandboxes[exercise.folder] = sandbox
                self.submissions[exercise.folder] = Submission(sandbox)
        return self.submissions[exercise.folder]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """What a run will check: (node id, points, visibility) of every collected check."""
        self.collected = [(item.nodeid, points_of(item), visibility_of(item)) for item in items]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A check file that cannot be collected is the grader's error, never the student's."""
        if report.failed:
            self.collection_errors.append(str(report.longrepr))

    def drain_output(self) -> str:
        texts = []
        for sandbox in self.sandboxes.values():
            texts += sandbox.captured
            sandbox.captured.clear()
        return "".join(texts)

    def close(self) -> None:
        for sandbox in self.sandboxes.values():
            sandbox.close()


STATE = pytest.StashKey[GradingState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading NumPy exercises")
    group.addoption("--submission", default=None,
                    help="the student's file to grade (default: the exercise's stub)")
    group.addoption("--no-sandbox", action="store_true",
                    help="import the submission into this process (trusted code only)")
    group.addoption("--grader-lang", default=None, help="en or zh-TW (default: the locale)")
    group.addoption("--grader-seed", type=int, default=0,
                    help="added to every check's seed, to vary the random inputs")
    group.addoption("--allow-reference-import", action="store_true",
                    help="let the submission import the reference (grading the reference)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): the points a graded check is worth")
    i18n.set_language(config.getoption("grader_lang") or i18n.from_environment())
    config.stash[STATE] = GradingState(config)
    config.pluginmanager.register(config.stash[STATE], "grader-state")


def pytest_unconfigure(config: pytest.Config) -> None:
    if STATE in config.stash:
        config.stash[STATE].close()


def state_of(config: pytest.Config) -> GradingState:
    return config.stash[STATE]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def exercise(request: pytest.FixtureRequest) -> catalog.Exercise:
    """The exercise whose folder holds this check."""
    found = catalog.for_test_file(request.path)
    if found is None:
        raise GraderError(f"{request.path} is not inside an exercise folder")
    return found


@pytest.fixture
def submission(request: pytest.FixtureRequest, exercise: catalog.Exercise):
    """The student's module: calls run in the untrusted worker and return plain data."""
    return state_of(request.config).submission_for(exercise)


@pytest.fixture
def reference(request: pytest.FixtureRequest, exercise: catalog.Exercise):
    """The reference implementation of this exercise (trusted, in this process); while a
    release records, a recording proxy of it; in a student bundle, the replay of its answers
    recorded at release time (see grader/replay.py)."""
    return replay.reference_for(request, exercise)


def check_seed(item: pytest.Item) -> int:
    """A seed that depends only on the check's file and name (and --grader-seed)."""
    key = f"{Path(str(item.path)).name}::{item.name}"
    return (zlib.crc32(key.encode()) + item.config.getoption("grader_seed")) % 2**32


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A NumPy generator seeded for this check; the seed is shown when the check fails."""
    seed = check_seed(request.node)
    request.node.user_properties.append(("seed", seed))
    return np.random.default_rng(seed)


# --- results -------------------------------------------------------------------------------


def title_of(item: pytest.Item, lang: str) -> str:
    """The docstring's first line; a line 'zh-TW: ...' gives the Traditional-Chinese title."""
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    lines = [line.strip() for line in doc.strip().splitlines() if line.strip()]
    titles = {"en": lines[0] if lines else item.name.removeprefix("test_").replace("_", " ")}
    for line in lines[1:]:
        if line.startswith("zh-TW:"):
            titles["zh-TW"] = line.removeprefix("zh-TW:").strip()
    title = titles.get(lang) or titles["en"]
    callspec = getattr(item, "callspec", None)
    return f"{title} [{callspec.id}]" if callspec is not None else title


def points_of(item: pytest.Item) -> float:
    """The points of a check; 0 for a check without @points(n) (reported as a grader error)."""
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker is not None and marker.args else 0.0


def visibility_of(item: pytest.Item) -> str:
    return "hidden" if Path(str(item.path)).name == "test_hidden.py" else "visible"


def classify(excinfo: pytest.ExceptionInfo | None, when: str) -> tuple[str, str, str]:
    """(outcome, message, output) for how a check ended."""
    if excinfo is None:
        return "passed", "", ""
    exc = excinfo.value
    if when == "setup" or isinstance(exc, GraderError):
        return "error", tr("grader_error", message=f"{type(exc).__name__}: {exc}"), ""
    if isinstance(exc, SubmissionFailure):
        return exc.outcome, exc.render(), exc.output
    if isinstance(exc, NotImplementedError):  # only without the sandbox
        return "not_implemented", NotImplementedYet(msg("not_implemented", call="")).render(), ""
    if isinstance(exc, AssertionError):
        return "failed", str(exc), ""
    return "failed", tr("check_crashed", type=type(exc).__name__, message=exc), ""


def collapse_repeats(text: str) -> str:
    """Consecutive identical lines once, with a count: a print in a loop stays readable."""
    lines, out = text.splitlines(), []
    for line in lines:
        if out and out[-1][0] == line:
            out[-1][1] += 1
        else:
            out.append([line, 1])
    return "\n".join(line if n == 1 else f"{line}   (×{n})" for line, n in out)


def _output_text(text: str) -> str:
    text = collapse_repeats(text)
    if len(text) <= OUTPUT_SHOWN:
        return text
    return text[:OUTPUT_SHOWN] + "\n" + tr("output_truncated", total=len(text))


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    if call.when == "teardown" or (call.when == "setup" and call.excinfo is None):
        return
    state = state_of(item.config)
    outcome, message, output = classify(call.excinfo, call.when)
    output = state.drain_output() + output
    seed = dict(item.user_properties).get("seed", 0)
    possible = points_of(item)
    if not possible:
        outcome, message = "error", tr("grader_error", message=f"{item.name} has no @points(n)")
    if outcome in ("failed", "timeout", "crashed") and "seed" in dict(item.user_properties):
        message = f"{message}\n{tr('seed', seed=seed)}"
    visibility = visibility_of(item)
    state.results.append(CheckResult(
        id=item.nodeid, title=title_of(item, i18n.current()), points_possible=possible,
        points_earned=possible if outcome == "passed" else 0.0, outcome=outcome,
        message=message, stdout=_output_text(output), duration=round(call.duration, 4),
        visibility=visibility, seed=seed))
