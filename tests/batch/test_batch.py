"""Batch grading end to end: a folder of mixed submissions into the gradebook, resuming,
a SIGKILL of the batch, a pool process that dies, and the `grade batch` command.

The course is the toy exercise twice (01, and 02 under another stub name) with a short call
timeout, and exercise 01 of the repository renumbered 03, all copied into tmp_path so that a
test may change their checks.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog, pool
from grader.batch import checks_hash, run_batch
from grader.cli import main
from grader.gradebook import WHOLE_UPLOAD, Gradebook
from tests.batch.crash_hook import CRASH_MARK, FAIL_MARK, grade_or_die
from tests.conftest import REPO, TOY
from tests.exercises._solutions import solution_source

CORRECT = (TOY / "01_toy" / "toy_reference.py").read_text(encoding="utf-8")
STUB = (TOY / "01_toy" / "toy.py").read_text(encoding="utf-8")
WRONG = CORRECT.replace("return 2 * np.asarray", "return 3 * np.asarray")
SYNTAX = "def double(x)\n    return 2 * x\n"
ENDLESS = CORRECT.replace("def double(x):\n", "def double(x):\n    while True:\n        pass\n")
FULL = 5  # the toy's points: 3 visible, 2 hidden


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """The exercises root: 01 toy, 02 toy again, 03 the repository's loss functions."""
    root = tmp_path / "course"
    shutil.copytree(TOY / "01_toy", root / "01_toy")
    _edit(root / "01_toy" / "exercise.toml", "call_timeout = 1.5", "call_timeout = 0.5")
    shutil.copytree(root / "01_toy", root / "02_toy_again")
    again = root / "02_toy_again"
    (again / "toy.py").rename(again / "toy_again.py")
    _edit(again / "exercise.toml", 'number = 1\nslug = "toy"\nstub = "toy.py"',
          'number = 2\nslug = "toy_again"\nstub = "toy_again.py"')
    shutil.copytree(REPO / "exercises" / "01_loss_functions", root / "03_loss_functions")
    _edit(root / "03_loss_functions" / "exercise.toml", "number = 1", "number = 3")
    monkeypatch.setenv("GRADE_EXERCISES", str(root))
    monkeypatch.syspath_prepend(str(root / "01_toy"))
    return root


def put(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def a_zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rows(book: Path) -> dict:
    with Gradebook(book) as gradebook:
        return {(e.student, e.exercise): e for e in gradebook.entries()}


class Recorder:
    """A ProgressHook that remembers what it was told."""

    def __init__(self):
        self.total, self.labels = None, []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, label: str) -> None:
        self.labels.append(label)


def outcomes(entry) -> dict[str, str]:
    return {c.id.split("::")[-1]: c.outcome for c in entry.result.checks}


def test_a_batch_grades_every_submission_into_one_row_each(course, tmp_path):
    folder = tmp_path / "submissions"
    put(folder / "ana" / "toy.py", CORRECT)
    put(folder / "ana" / "toy_again.py", CORRECT)
    put(folder / "ana" / "losses.py", solution_source())
    put(folder / "bo" / "toy.py", STUB)
    put(folder / "cy" / "toy.py", WRONG)
    put(folder / "dee" / "toy.py", SYNTAX)
    put(folder / "eve" / "toy.py", ENDLESS)
    put(folder / "fay.zip", a_zip({"fay_hw/toy.py": CORRECT, "__MACOSX/fay_hw/._toy.py": b"\0"}))
    put(folder / "gus.zip", b"PK\3\4 cut short")
    progress = Recorder()
    summary = run_batch(folder, tmp_path / "grades.sqlite", workers=2, progress=progress)

    found = rows(tmp_path / "grades.sqlite")
    scores = {key: e.score for key, e in found.items() if e.status == "graded"}
    assert scores == {("ana", "01"): FULL, ("ana", "02"): FULL, ("ana", "03"): 38,
                      ("bo", "01"): 0, ("cy", "01"): 2, ("dee", "01"): 0, ("eve", "01"): 2,
                      ("fay", "01"): FULL}
    assert "could not be opened as a zip" in found["gus", WHOLE_UPLOAD].problem
    assert set(outcomes(found["bo", "01"]).values()) == {"not_implemented"}
    assert set(outcomes(found["dee", "01"]).values()) == {"import_error"}
    eve = outcomes(found["eve", "01"])
    assert eve["test_double"] == eve["test_double_of_a_large_batch"] == "timeout"
    assert {c.visibility for c in found["ana", "03"].result.checks} == {"visible", "hidden"}
    assert found["fay", "01"].source == "fay.zip:toy.py"
    assert found["ana", "01"].result.submission == "ana/toy.py"

    assert (summary.students, summary.graded, summary.problems, summary.unchanged) == (7, 8, 1, 0)
    assert progress.total == 8 and len(progress.labels) == 8 and "ana · 01" in progress.labels
    assert summary.isolation == found["ana", "01"].result.sandbox
    toy = summary.exercises[0]
    assert (toy.code, toy.graded, toy.students, toy.max_score) == ("01", 6, 6, FULL)
    assert toy.mean_score == pytest.approx((5 + 0 + 2 + 0 + 2 + 5) / 6)
    assert summary.check_seconds > 0 and summary.grading_seconds >= summary.check_seconds


def test_the_same_command_resumes_and_regrades_only_what_changed(course, tmp_path):
    folder, book = tmp_path / "submissions", tmp_path / "grades.sqlite"
    put(folder / "ana" / "toy.py", CORRECT)
    put(folder / "bo" / "toy.py", WRONG)
    put(folder / "cy.zip", b"not a zip")

    def run(**options):
        return run_batch(folder, book, workers=2, isolation="process", **options)

    first = run()
    assert (first.graded, first.problems) == (2, 1)
    again = run()
    assert (again.graded, again.unchanged, again.problems, again.older_checks) == (0, 3, 0, 0)

    put(folder / "bo" / "toy.py", CORRECT)  # bo fixes the file, cy fixes the zip
    put(folder / "cy.zip", a_zip({"toy.py": WRONG}))
    fixed = run()
    assert (fixed.graded, fixed.unchanged) == (2, 1)
    found = rows(book)
    assert found["bo", "01"].score == FULL and found["cy", "01"].score == 2
    assert ("cy", WHOLE_UPLOAD) not in found

    with (course / "01_toy" / "tests" / "test_visible.py").open("a") as checks:
        checks.write("\n# a reworded check\n")
    kept = run()
    assert (kept.graded, kept.older_checks) == (0, 3)
    regraded = run(regrade=True)
    assert (regraded.graded, regraded.older_checks) == (3, 0)
    assert run().graded == 0


def test_only_the_exercises_asked_for_are_graded(course, tmp_path):
    folder = tmp_path / "submissions"
    put(folder / "ana" / "toy.py", CORRECT)
    put(folder / "ana" / "toy_again.py", WRONG)
    summary = run_batch(folder, tmp_path / "g.sqlite", workers=1, exercises=["toy_again"],
                        isolation="process")
    assert summary.graded == 1 and [e.code for e in summary.exercises] == ["02"]
    assert set(rows(tmp_path / "g.sqlite")) == {("ana", "02")}


def test_a_pool_process_that_dies_costs_only_its_submission(course, tmp_path):
    folder, book = tmp_path / "submissions", tmp_path / "grades.sqlite"
    put(folder / "ana" / "toy.py", CORRECT)
    put(folder / "bo" / "toy.py", CORRECT + "\n" + CRASH_MARK.decode() + "\n")
    put(folder / "cy" / "toy.py", WRONG)
    put(folder / "dee" / "toy.py", CORRECT)
    summary = run_batch(folder, book, workers=1, isolation="process", grader=grade_or_die)
    found = rows(book)
    assert (summary.graded, summary.problems) == (3, 1)
    assert found["bo", "01"].status == "problem"
    assert "the grader crashed on this submission" in found["bo", "01"].problem
    assert "exited with code 3" in found["bo", "01"].problem
    assert [found[s, "01"].score for s in ("ana", "cy", "dee")] == [FULL, 2, FULL]
    retried = run_batch(folder, book, workers=1, isolation="process")  # a crash is no verdict
    assert (retried.graded, retried.unchanged) == (1, 3)
    assert rows(book)["bo", "01"].score == FULL


def test_a_grader_error_is_a_problem_and_no_verdict(course, tmp_path):
    folder, book = tmp_path / "submissions", tmp_path / "grades.sqlite"
    put(folder / "ana" / "toy.py", CORRECT + "\n" + FAIL_MARK.decode() + "\n")
    summary = run_batch(folder, book, workers=1, isolation="process", grader=grade_or_die)
    (entry,) = rows(book).values()
    assert summary.problems == 1 and entry.status == "problem"
    assert "not your fault" in entry.problem and "could not be loaded" in entry.problem
    assert run_batch(folder, book, workers=1, isolation="process").graded == 1


def test_pool_processes_are_replaced_after_their_quota(course, tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "TASKS_PER_PROCESS", 2)
    folder = tmp_path / "submissions"
    for student in ("ana", "bo", "cy", "dee", "eve"):
        put(folder / student / "toy.py", CORRECT)
    summary = run_batch(folder, tmp_path / "g.sqlite", workers=1, isolation="process")
    assert summary.graded == 5 and summary.exercises[0].mean_score == FULL


def _count_rows(book: Path) -> int:
    if not book.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{book}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM grades").fetchone()[0]
    except sqlite3.OperationalError:  # created but no tables yet
        return 0


def test_a_sigkill_of_the_batch_loses_no_finished_grade(course, tmp_path):
    folder, book = tmp_path / "submissions", tmp_path / "grades.sqlite"
    students = [f"s{i:02d}" for i in range(12)]
    for i, student in enumerate(students):
        put(folder / student / "toy.py", CORRECT if i % 2 else WRONG)
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "GRADE_EXERCISES": str(course), "TMPDIR": str(tmp_path / "tmp"),
           "PYTHONPATH": os.pathsep.join([str(REPO), str(course / "01_toy")])}
    batch = subprocess.Popen(
        [sys.executable, "-c", "from grader.cli import main; main()", "batch", str(folder),
         "--gradebook", str(book), "--workers", "1", "--isolation", "process", "--quiet"],
        env=env, cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _count_rows(book) < 1:
        assert batch.poll() is None, batch.stderr.read().decode()
        assert time.monotonic() < deadline, "no grade was written within a minute"
        time.sleep(0.02)
    os.killpg(batch.pid, signal.SIGKILL)
    batch.wait()
    batch.stderr.close()

    before = rows(book)
    # the kill must land mid-batch, or the test would prove nothing: at least one grade is in
    # (we waited for it) and, one worker grading 12 submissions, not all of them yet
    assert 1 <= len(before) < len(students)
    with Gradebook(book) as gradebook:
        for entry in before.values():
            assert entry.status == "graded" and entry.result is not None
            assert entry.score == (FULL if students.index(entry.student) % 2 else 2)
            (count,) = gradebook.db.execute(
                "SELECT count(*) FROM checks WHERE student = ?", (entry.student,)).fetchone()
            assert count == len(entry.result.checks) == 4

    resumed = run_batch(folder, book, workers=2, isolation="process")
    assert (resumed.graded, resumed.unchanged) == (len(students) - len(before), len(before))
    after = rows(book)
    assert len(after) == len(students)
    assert all(after[key].graded_at == entry.graded_at for key, entry in before.items())


def test_checks_hash_follows_the_checks_the_reference_and_the_manifest(course):
    exercise = catalog.find("01")
    first = checks_hash(exercise)
    assert checks_hash(exercise) == first and checks_hash(catalog.find("02")) != first
    changed = []
    for path in ("tests/test_hidden.py", "toy_reference.py", "exercise.toml"):
        with (exercise.folder / path).open("a") as handle:
            handle.write("\n# changed\n")
        changed.append(checks_hash(exercise))
    assert len({first, *changed}) == 4


# -- the command -------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_grade_batch_exits_0_with_a_summary_whatever_the_scores(course, tmp_path):
    folder = tmp_path / "submissions"
    put(folder / "ana" / "toy.py", WRONG)
    put(folder / "notes.txt", "not a submission")
    book = tmp_path / "grades.sqlite"
    result = invoke("batch", str(folder), "--gradebook", str(book), "--workers", "1",
                    "--isolation", "process", "--exercise", "01", "-q")
    assert result.exit_code == 0, result.output
    assert re.search(r"1 students · 1 graded, 0 skipped as unchanged, 0 problems", result.output)
    assert "2.00 / 5" in result.output and "notes.txt" in result.output
    assert rows(book)["ana", "01"].score == 2
    again = invoke("batch", str(folder), "--gradebook", str(book), "--exercise", "01", "-q")
    assert again.exit_code == 0 and "0 graded, 1 skipped as unchanged" in again.output
    with (course / "01_toy" / "exercise.toml").open("a") as manifest:
        manifest.write("\n# a new limit\n")
    older = invoke("batch", str(folder), "--gradebook", str(book), "--exercise", "01", "-q")
    assert older.exit_code == 0
    assert "1 grades were made with older checks: run again with --regrade" in older.output


def test_grade_batch_usage_errors_exit_2(course, tmp_path):
    folder = tmp_path / "submissions"
    put(folder / "ana" / "toy.py", CORRECT)
    assert invoke("batch", str(tmp_path / "missing")).exit_code == 2
    notes = tmp_path / "notes.sqlite"
    notes.write_bytes(b"my notes, not a database" * 100)
    result = invoke("batch", str(folder), "--gradebook", str(notes))
    assert result.exit_code == 2 and "not a gradebook" in result.output
    assert notes.read_bytes().startswith(b"my notes")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE todo (item TEXT)")
    db.close()
    result = invoke("batch", str(folder), "--gradebook", str(other))
    assert result.exit_code == 2 and "not a gradebook" in result.output
    with sqlite3.connect(other) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert tables == {"todo"}
    result = invoke("batch", str(folder), "--gradebook", str(tmp_path / "g.sqlite"),
                    "--exercise", "09")
    assert result.exit_code == 2 and "no exercise '09'" in result.output
