"""The SQLite gradebook: rows survive reopening, a re-grade replaces, problems are rows too."""

import sqlite3
from contextlib import closing

import pytest

from grader.gradebook import WHOLE_UPLOAD, Gradebook, GradebookError
from grader.results import CheckResult, ExerciseResult


def a_result(exercise="01", earned=(2, 0)) -> ExerciseResult:
    checks = tuple(CheckResult(id=f"tests/test_visible.py::test_{i}", title=f"check {i}",
                               points_possible=2, points_earned=e,
                               outcome="passed" if e else "failed", message="" if e else "off")
                   for i, e in enumerate(earned))
    return ExerciseResult(exercise=exercise, slug="loss_functions", title="Loss functions",
                          submission_id="abc", submission="losses.py", checks=checks, lang="en",
                          sandbox="process", grader_version="0.1.0", started_at="t0",
                          finished_at="t1", notes=("cell 3 skipped",))


def test_a_recorded_result_reads_back_whole_after_reopening(tmp_path):
    path = tmp_path / "grades.sqlite"
    with Gradebook(path) as book:
        book.record_result("ana", a_result(), content_hash="h1", checks_hash="c1",
                           source="ana/losses.py")
    with Gradebook(path) as book:
        (entry,) = book.entries()
    assert (entry.student, entry.exercise, entry.status) == ("ana", "01", "graded")
    assert (entry.score, entry.max_score) == (2, 4)
    assert entry.result == a_result()
    assert entry.notes == ("cell 3 skipped",)
    assert (entry.content_hash, entry.checks_hash, entry.source) == ("h1", "c1", "ana/losses.py")


def test_a_regrade_replaces_the_row_and_its_checks(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record_result("ana", a_result(earned=(0, 0)), content_hash="h1", checks_hash="c",
                           source="s")
        book.record_result("ana", a_result(earned=(2, 2)), content_hash="h2", checks_hash="c",
                           source="s")
        assert [e.score for e in book.entries()] == [4]
        outcomes = book.db.execute("SELECT outcome FROM checks").fetchall()
    assert outcomes == [("passed",), ("passed",)]


def test_problems_are_rows_with_score_zero_and_their_message(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record_problem("bo", WHOLE_UPLOAD, "bo.zip is not a zip file", source="bo.zip")
        book.record_problem("bo", "02", "activations.py is not UTF-8 text", max_score=43)
        entries = {e.exercise: e for e in book.entries()}
        assert book.exercises() == ["02"] and book.students() == ["bo"]
    assert entries[""].problem == "bo.zip is not a zip file" and entries[""].result is None
    assert (entries["02"].score, entries["02"].max_score) == (0, 43)


def test_a_file_that_is_not_a_gradebook_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(GradebookError, match="not a gradebook"):
        Gradebook(path)
    assert path.read_bytes().startswith(b"these are my notes")


def test_a_gradebook_of_another_schema_is_refused(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '0')")
    with pytest.raises(GradebookError, match="schema 0"):
        Gradebook(path)


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "todo.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE todo (item TEXT)")
        db.commit()
    with pytest.raises(GradebookError, match="not a gradebook .*todo"):
        Gradebook(path)
    with closing(sqlite3.connect(path)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert tables == {"todo"} and mode == "delete"
