"""Run one of this project's checks from an otter-grader test cell.

A notebook exported by `grader.otter_export` has test cells like

    from grader.otter import check
    check("01", "test_mse", globals())

`check` grades the functions the notebook defines (found in `namespace`, the globals of the
student's kernel) with the named check of the exercise, exactly as `grade` would judge them,
and raises AssertionError with the check's feedback when it fails, which otter reports as the
test's failure. It returns None and prints nothing when the check passes (an otter test cell
passes when its output is empty).

In-process, by design: there is no separate untrusted worker inside otter's kernel. The
student's functions, the check and the reference all run in the kernel that executes the
notebook; otter already runs each student's notebook in a process of its own (and on
Gradescope in a container of its own), so one student cannot touch another's grading. What is
lost is the protection of the check from the student's own code within that process; where that
matters, grade with `grade` or the Gradescope export instead, which use the worker. Arguments
are still handed to the student's functions as private copies, so the check's inputs stay
intact, and a function that changes its arguments is reported as it is by the worker.
"""

from __future__ import annotations

import copy
import inspect
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest

from grader import catalog, i18n
from grader.failures import GraderError, NotImplementedYet, SubmissionFailure
from grader.i18n import msg
from grader.plugin import state_of
from grader.remote import CALLS, describe_call
from grader.results import CheckResult

__all__ = ["NamespaceSubmission", "check", "run_check"]


class CheckNotFound(GraderError):
    """The exported notebook names a check the exercise does not have (the instructor's)."""


def _private_copy(value):
    """`value` with every array inside lists, tuples (NamedTuples too) and dicts copied."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        items = [_private_copy(v) for v in value]
        return value._make(items) if hasattr(value, "_make") else type(value)(items)
    if type(value) is list:
        return [_private_copy(v) for v in value]
    if type(value) is dict:
        return {k: _private_copy(v) for k, v in value.items()}
    return value


def _changed(given, kept) -> bool:
    """Whether the student changed the argument `given` (a private copy equal to `kept`)."""
    if isinstance(given, np.ndarray) and isinstance(kept, np.ndarray):
        if given.shape != kept.shape or given.dtype != kept.dtype:
            return True
        return not np.array_equal(given, kept, equal_nan=given.dtype.kind in "fc")
    if isinstance(given, (tuple, list)) and isinstance(kept, (tuple, list)):
        return len(given) != len(kept) \
            or any(_changed(g, k) for g, k in zip(given, kept, strict=True))
    if isinstance(given, dict) and isinstance(kept, dict):
        return given.keys() != kept.keys() or any(_changed(given[k], kept[k]) for k in kept)
    return False


def _student_frames(exc: BaseException) -> list[str]:
    """The traceback lines of the student's own code (the notebook's cells), not ours."""
    ours = str(Path(__file__).resolve())
    lines = []
    for frame in traceback.extract_tb(exc.__traceback__)[-6:]:
        if frame.filename == ours:
            continue
        lines.append(f'File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line}")
    return lines


class NamespaceSubmission:
    """The student's functions, looked up in a notebook's namespace and called in-process.

    Like the worker's proxy: each call gets copies of its array arguments, is described for
    failure messages ("mse(y_pred (16, 3), y_true (16, 3))"), records its warnings, and turns
    the student's exceptions into failures that name the call."""

    def __init__(self, namespace: dict):
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name not in self._namespace:
            raise SubmissionFailure(msg("otter_missing_name", name=name))
        value = self._namespace[name]
        if not callable(value):
            return copy.deepcopy(value)
        return self._caller(name, value)

    @staticmethod
    def _caller(name: str, function):
        try:
            params = list(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            params = []

        def call(*args, **kwargs):
            description = describe_call(name, params, args, kwargs)
            given_args, given_kwargs = _private_copy(args), _private_copy(kwargs)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    result = function(*given_args, **given_kwargs)
                except NotImplementedError:
                    raise NotImplementedYet(msg("not_implemented", call=description)) from None
                except Exception as exc:  # the student's error, reported as theirs
                    raise SubmissionFailure(
                        msg("raised", call=description, type=type(exc).__name__, message=exc),
                        *_student_frames(exc)) from None
            pairs = enumerate(zip(given_args, args, strict=True))
            changed = [params[i] if i < len(params) else f"argument {i + 1}"
                       for i, (g, k) in pairs if _changed(g, k)]
            changed += [key for key in kwargs if _changed(given_kwargs[key], kwargs[key])]
            if changed:
                raise SubmissionFailure(msg("mutated", call=description, names=", ".join(changed)),
                                        msg("hint_mutated"))
            CALLS.record(result, description,
                         [f"{w.category.__name__}: {w.message}" for w in caught])
            return result
        return call


def _matches(item: pytest.Item, wanted: str) -> bool:
    """A check named by its function ("test_mse") or with its file ("test_visible.py::test_mse");
    every parametrized case of a check belongs to it."""
    base = getattr(item, "originalname", None) or item.name
    return wanted in (base, item.name, item.nodeid, f"{Path(str(item.path)).name}::{base}")


class _OneCheck:
    """pytest plugin: keep only the named check, and grade the namespace's functions."""

    def __init__(self, exercise: catalog.Exercise, wanted: str, namespace: dict):
        self.exercise, self.wanted, self.namespace = exercise, wanted, namespace
        self.files: set[str] = set()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list) -> None:
        kept = [item for item in items if _matches(item, self.wanted)]
        self.files = {Path(str(item.path)).name for item in kept}
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        submission = NamespaceSubmission(self.namespace)
        submissions = state_of(session.config).submissions
        for folder in {self.exercise.folder, self.exercise.folder.resolve()}:
            submissions[folder] = submission


def run_check(exercise: catalog.Exercise, check_name: str, namespace: dict, *,
              lang: str | None = None, seed: int = 0) -> list[CheckResult]:
    """The results of the check `check_name` (one per parametrized case) of `exercise` on the
    functions in `namespace`; hidden checks are found where the exercise has them."""
    from grader.runner import run_pytest  # the runner's isolated pytest session

    lang = lang or i18n.from_environment()
    one = _OneCheck(exercise, check_name, namespace)
    args = ["--no-sandbox", "--capture=sys", "--grader-lang", lang, "--grader-seed", str(seed)]
    _, state = run_pytest(exercise, True, args, one)
    if state is None:
        raise GraderError(f"pytest could not run the checks of exercise {exercise.code}")
    if state.collection_errors:
        raise GraderError("\n".join(state.collection_errors)[-2000:])
    if len(one.files) > 1:
        raise CheckNotFound(f"exercise {exercise.code}: {check_name!r} names checks in "
                            f"{sorted(one.files)}; write it as FILE::NAME")
    if not state.results:
        raise CheckNotFound(f"exercise {exercise.code} has no check {check_name!r}")
    return list(state.results)


def failure_text(results: list[CheckResult]) -> str:
    """What a student reads when a check fails: its title, then the check's message."""
    blocks = []
    for result in results:
        if result.passed:
            continue
        status = i18n.tr(f"status_{result.outcome}")
        text = f"{result.title} ({status})"
        if result.message:
            text += "\n" + result.message
        blocks.append(text)
    return "\n\n".join(blocks)


def check(exercise: str, check_name: str, namespace: dict, *, lang: str | None = None,
          seed: int = 0) -> None:
    """Run check `check_name` of `exercise` ("01", "1" or a slug) on the functions defined
    in `namespace` (pass `globals()`), in this process. Returns None when it passes; raises
    AssertionError with the check's feedback when it fails, and GraderError when the check
    itself cannot run (a fault of the grader or the export, never the student's)."""
    found = catalog.find(exercise)
    results = run_check(found, check_name, namespace, lang=lang, seed=seed)
    errors = [r for r in results if r.outcome == "error"]
    if errors:
        raise GraderError("\n".join(r.message for r in errors))
    if not all(r.passed for r in results):
        raise AssertionError(failure_text(results))
