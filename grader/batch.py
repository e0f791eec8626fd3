"""Grade a folder of submissions into the gradebook, in a pool of grading processes.

    run_batch(folder, "gradebook.sqlite", workers=2) -> BatchSummary

1. `intake.collect` finds every (student, exercise) submission and every problem with an
   upload (a corrupt zip, a file that is not UTF-8 ...); problems are written at once.
2. A submission whose gradebook row has the same content hash and the same checks hash is
   skipped, so the same command resumes a killed batch. When only the checks changed the old
   grade is kept and the summary says so; `regrade` grades everything selected again.
3. The rest is graded with the visible and hidden checks by `pool.Pool`, trusted processes
   each running `runner.grade` (which starts the untrusted worker of every submission). The
   parent writes each result as it arrives, one transaction each: a SIGKILL loses no finished
   grade. A pool process that dies takes down only the one submission it held: that
   submission gets a problem record, the process is replaced, and the batch goes on.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from grader import __version__, catalog, intake
from grader.catalog import Exercise
from grader.gradebook import WHOLE_UPLOAD, Gradebook
from grader.i18n import tr
from grader.pool import Pool, Task
from grader.results import ExerciseResult
from grader.runner import grade

ISOLATIONS = ("auto", "process", "bwrap")


class BatchError(Exception):
    """A batch that cannot start: no such folder, an unknown exercise, no bubblewrap."""


class ProgressHook(Protocol):
    """What the command line shows while a batch runs (a rich progress bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, label: str) -> None: ...


@dataclass(frozen=True)
class ExerciseSummary:
    code: str
    title: str
    graded: int  # graded in this run
    unchanged: int  # skipped: the gradebook has it, same file and same checks
    problems: int  # written as problems in this run
    students: int  # graded rows in the gradebook, students of this folder
    mean_score: float | None
    max_score: float


@dataclass(frozen=True)
class BatchSummary:
    folder: Path
    gradebook: Path
    students: int
    graded: int
    unchanged: int
    problems: int  # written in this run: upload problems, grader errors and crashes
    older_checks: int  # kept grades made with checks that have changed since
    exercises: tuple[ExerciseSummary, ...]
    seconds: float  # wall time of the whole run
    workers: int
    isolation: str  # what the results say was used, or what was asked for
    check_seconds: float = 0.0  # sum of the check durations of the results of this run
    grading_seconds: float = 0.0  # sum of each submission's time in its pool process
    ignored: tuple[str, ...] = ()  # entries of the folder that are no one's submission


@dataclass
class _Tally:
    graded: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    older_checks: int = 0
    layers: set[str] = field(default_factory=set)
    check_seconds: float = 0.0
    grading_seconds: float = 0.0

    def count(self, kind: str, code: str) -> None:
        table = getattr(self, kind)
        table[code] = table.get(code, 0) + 1


# -- what a grade depends on -----------------------------------------------------------------


def _reference_source(exercise: Exercise) -> bytes:
    try:
        spec = importlib.util.find_spec(exercise.reference)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin and Path(spec.origin).is_file():
        return Path(spec.origin).read_bytes()
    relative = Path(*exercise.reference.split(".")).with_suffix(".py")
    for base in (exercise.folder, exercise.folder.parent.parent):
        if (base / relative).is_file():
            return (base / relative).read_bytes()
    return f"reference module {exercise.reference} not found".encode()


def checks_hash(exercise: Exercise) -> str:
    """sha256 of what judges a submission: exercise.toml, the files under tests/, the
    reference module's source and the grader's version."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("exercise.toml", (exercise.folder / "exercise.toml").read_bytes())
    tests = exercise.folder / "tests"
    for path in sorted(tests.rglob("*")) if tests.is_dir() else ():
        parts = path.relative_to(tests).parts
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in parts):
            add("tests/" + "/".join(parts), path.read_bytes())
    add("reference", _reference_source(exercise))
    add("grader", __version__.encode())
    return digest.hexdigest()


# -- isolation ---------------------------------------------------------------------------------


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot isolate workers here, or None when it can."""
    try:
        from grader import bubblewrap
    except ImportError:  # a grader without the bubblewrap layer
        return "this grader has no bubblewrap support"
    return bubblewrap.problem()


def resolve_isolation(choice: str) -> str:
    """ "auto" is "bwrap" where bubblewrap works, else "process"."""
    if choice not in ISOLATIONS:
        raise BatchError(f"--isolation must be one of {', '.join(ISOLATIONS)}, not {choice!r}")
    if choice == "process":
        return choice
    problem = bwrap_problem()
    if choice == "bwrap" and problem is not None:
        raise BatchError(f"--isolation bwrap: {problem} (install the Debian package "
                         "bubblewrap, or use --isolation process)")
    return "bwrap" if problem is None else "process"


# -- the batch ---------------------------------------------------------------------------------


def _selected(names: Sequence[str], known: list[Exercise]) -> list[Exercise]:
    if not names:
        return known
    chosen = []
    for name in names:
        try:
            exercise = catalog.find(name)
        except catalog.CatalogError as exc:
            raise BatchError(str(exc)) from None
        if exercise not in chosen:
            chosen.append(exercise)
    return chosen


def _gradebook_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def _record_problems(book: Gradebook, found: intake.Intake, codes: set[str], lang: str,
                     tally: _Tally) -> None:
    """Write the upload problems; one already written for the same bytes is left alone."""
    for problem in found.problems:
        if problem.exercise not in codes and problem.exercise != WHOLE_UPLOAD:
            continue
        text = problem.render(lang)
        entry = book.entry(problem.student, problem.exercise)
        if entry and entry.status == "problem" and entry.problem == text \
                and entry.content_hash == problem.content_hash:
            tally.count("unchanged", problem.exercise)
            continue
        book.record_problem(problem.student, problem.exercise, text,
                            content_hash=problem.content_hash, source=problem.source)
        tally.count("problems", problem.exercise)
    troubled = {p.student for p in found.problems if p.exercise == WHOLE_UPLOAD}
    for student in set(found.students) - troubled:  # an upload fixed since the last run
        if book.entry(student, WHOLE_UPLOAD) is not None:
            book.forget(student, WHOLE_UPLOAD)


def _needs_grading(entry, submission: intake.Submission, current: str, regrade: bool,
                   tally: _Tally) -> bool:
    if regrade or entry is None or entry.content_hash != submission.content_hash:
        return True
    if not entry.checks_hash:  # a grader failure, not a verdict: try again
        return True
    if entry.result is not None and entry.result.grader_errors:
        return True
    if entry.checks_hash != current:
        tally.older_checks += 1
    return False


def _tasks(book: Gradebook, found: intake.Intake, hashes: dict[str, str], regrade: bool,
           lang: str, isolation: str, tally: _Tally) -> list[Task]:
    tasks = []
    for sub in found.submissions:
        code = sub.exercise.code
        if code not in hashes:
            continue
        entry = book.entry(sub.student, code)
        if not _needs_grading(entry, sub, hashes[code], regrade, tally):
            tally.count("unchanged", code)
            continue
        tasks.append(Task(sub.student, sub.exercise, sub.path, sub.source, sub.content_hash,
                          hashes[code], tuple(note.render(lang) for note in sub.notes), lang,
                          isolation))
    return tasks


def _record_reply(book: Gradebook, task: Task, reply: dict, tally: _Tally) -> None:
    code = task.exercise.code
    tally.grading_seconds += reply.get("seconds", 0.0)
    if "result" in reply:
        result = ExerciseResult.from_dict(reply["result"])
        result = replace(result, submission=task.source, notes=task.notes + result.notes)
        book.record_result(task.student, result, content_hash=task.content_hash,
                           checks_hash=task.checks_hash, source=task.source)
        tally.count("graded", code)
        tally.layers.add(result.sandbox)
        tally.check_seconds += sum(c.duration for c in result.checks)
        return
    if "crashed" in reply:
        text = tr("batch_grader_crashed", task.lang, detail=reply["crashed"])
    else:
        text = tr("grader_error", task.lang, message=reply.get("error", "?"))
    book.record_problem(task.student, code, text, content_hash=task.content_hash,
                        checks_hash="", source=task.source)  # no checks hash: retried next run
    tally.count("problems", code)


def _exercise_summary(book: Gradebook, exercise: Exercise, students: set[str], lang: str,
                      tally: _Tally) -> ExerciseSummary:
    rows = [e for e in book.entries(exercise.code)
            if e.student in students and e.status == "graded"]
    scores = [e.score for e in rows]
    return ExerciseSummary(
        exercise.code, exercise.title_in(lang), tally.graded.get(exercise.code, 0),
        tally.unchanged.get(exercise.code, 0), tally.problems.get(exercise.code, 0), len(rows),
        sum(scores) / len(scores) if scores else None, max((e.max_score for e in rows), default=0))


def run_batch(folder: Path, gradebook_path: Path, *,
              workers: int | None = None, exercises: Sequence[str] = (), regrade: bool = False,
              lang: str = "en", isolation: str = "auto", progress: ProgressHook | None = None,
              grader: Callable = grade) -> BatchSummary:
    """Grade every submission in `folder` (or only `exercises`) into the gradebook.

    `workers` pool processes (default: the number of CPUs); `isolation` "auto", "process" or
    "bwrap"; `grader` is what grades one submission in a pool process (runner.grade, or a
    module-level function with its signature: pool processes import it by name)."""
    started = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchError(f"{folder}: no such folder of submissions")
    known = catalog.all_exercises()
    if not known:
        raise BatchError(f"no exercises found in {catalog.exercises_root()}")
    selected = _selected(exercises, known)
    layer = resolve_isolation(isolation)
    workers = max(1, workers or os.cpu_count() or 1)
    tally = _Tally()
    with Gradebook(gradebook_path) as book, \
            tempfile.TemporaryDirectory(prefix="grade-batch-") as scratch:
        found = intake.collect(folder, known, Path(scratch), _gradebook_files(gradebook_path))
        hashes = {e.code: checks_hash(e) for e in selected}
        _record_problems(book, found, set(hashes), lang, tally)
        tasks = _tasks(book, found, hashes, regrade, lang, layer, tally)
        if progress is not None:
            progress.start(len(tasks))
        if tasks:
            with Pool(min(workers, len(tasks)), grader) as pool:
                for task, reply in pool.run(tasks):
                    _record_reply(book, task, reply, tally)
                    if progress is not None:
                        progress.advance(f"{task.student} · {task.exercise.code}")
        students = set(found.students)
        summaries = tuple(_exercise_summary(book, e, students, lang, tally) for e in selected)
    return BatchSummary(
        folder=folder, gradebook=Path(gradebook_path), students=len(found.students),
        graded=sum(tally.graded.values()), unchanged=sum(tally.unchanged.values()),
        problems=sum(tally.problems.values()), older_checks=tally.older_checks,
        exercises=summaries, seconds=time.perf_counter() - started, workers=workers,
        isolation=", ".join(sorted(tally.layers)) or f"{layer} (nothing graded in this run)",
        check_seconds=tally.check_seconds, grading_seconds=tally.grading_seconds,
        ignored=found.ignored)
