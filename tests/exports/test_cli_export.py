"""`grade export` through click's CliRunner: what it writes, exit codes and messages."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.gradebook import Gradebook
from tests.exports._builders import check, passing, result


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(main, ["export", *map(str, args), "--lang", "en"])
    return invoke


@pytest.fixture
def grades(gradebook):
    return gradebook([("ana", passing("01")), ("bo", result("01", check("a", passed=False)))])


def test_help_names_the_formats():
    result = CliRunner().invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    assert all(kind in result.output for kind in ("csv", "feedback", "gradescope", "report"))


def test_csv_is_written_and_reported(run, grades, tmp_path):
    result = run("csv", "--gradebook", grades, "--out", tmp_path / "g.csv")
    assert result.exit_code == 0, result.output
    assert "g.csv" in result.output
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").startswith("Student,ID,")


def test_moodle_layout_and_excel_options(run, grades, tmp_path):
    result = run("csv", "--gradebook", grades, "--out", tmp_path / "m.csv", "--layout", "moodle",
                 "--excel")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.csv").read_bytes().startswith(b"\xef\xbb\xbfstudent,")


def test_feedback_as_html_is_written_into_an_existing_folder(run, grades, tmp_path):
    out = tmp_path / "feedback"
    out.mkdir()
    (out / "README.txt").write_text("the instructor's own file")
    result = run("feedback", "--gradebook", grades, "--out", out, "--as", "html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["README.txt", "ana.html", "bo.html"]
    assert (out / "README.txt").read_text() == "the instructor's own file"


def test_gradescope_folders(run, grades, tmp_path):
    pytest.importorskip("grader.gradescope")
    result = run("gradescope", "--gradebook", grades, "--out", tmp_path / "gs")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "gs" / "ana" / "results.json").is_file()


def test_a_missing_gradebook_is_exit_2_and_creates_nothing(run, tmp_path):
    result = run("csv", "--gradebook", tmp_path / "nope.sqlite", "--out", tmp_path / "g.csv")
    assert result.exit_code == 2
    assert "no such gradebook file" in result.output
    assert sorted(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_gradebook_is_exit_2_and_left_alone(run, tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database at all\n" * 100)
    result = run("feedback", "--gradebook", notes, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "is not a gradebook" in result.output
    assert notes.read_text().startswith("not a database")
    assert not (tmp_path / "out").exists()


def test_another_programs_database_is_refused_without_touching_it(run, tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    db.close()
    before = other.read_bytes()
    result = run("csv", "--gradebook", other, "--out", tmp_path / "g.csv")
    assert result.exit_code == 2 and "no grades table" in result.output
    assert other.read_bytes() == before


def test_an_empty_gradebook_is_exit_2_and_writes_nothing(run, tmp_path):
    Gradebook(tmp_path / "empty.sqlite").close()
    result = run("report", "--gradebook", tmp_path / "empty.sqlite", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "has no grades yet" in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_format_is_a_usage_error(run, grades, tmp_path):
    result = run("pdf", "--gradebook", grades, "--out", tmp_path / "x")
    assert result.exit_code == 2 and "pdf" in result.output


def test_a_file_where_a_folder_is_wanted_is_exit_2(run, grades, tmp_path):
    (tmp_path / "taken").write_text("a file")
    result = run("feedback", "--gradebook", grades, "--out", tmp_path / "taken")
    assert result.exit_code == 2 and "is a file" in result.output
    assert (tmp_path / "taken").read_text() == "a file"
