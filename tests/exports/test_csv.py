"""CSV for an LMS: Canvas's layout by default, Moodle's on request; scores, blanks, zeros,
totals, and student ids that survive the trip through the file exactly."""

from __future__ import annotations

import csv

import pytest

from grader.exports.csv_export import rows, write_csv
from tests.exports._builders import check, passing, result

AWKWARD_IDS = ["Chen, Wei", 'Ann "the hammer" Lee', "王小明", "li\nnewline", " spaced "]


def read(path, encoding="utf-8"):
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def class_book(book):
    return book([
        ("ana", passing("01", ("a", "b"))),  # 4 / 4
        ("ana", result("02", check("x", 3), check("y", 3, passed=False))),  # 3 / 6
        ("bo", "02", "activations.py is not UTF-8 text", 6),  # a problem: 0
        ("cy", "", "cy.zip is not a zip file"),  # the whole upload: 0 everywhere
    ])


def test_canvas_layout_has_the_identity_columns_the_points_row_and_a_read_only_total(
        class_book, tmp_path):
    table = read(write_csv(class_book, tmp_path / "grades.csv"))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "01 Loss functions", "02 Activations", "Final Points"]
    assert table[1] == ["Points Possible", "", "", "", "", "4", "6", "10"]
    students = {row[0]: row for row in table[2:]}
    assert students["ana"] == ["ana", "", "", "ana", "", "4", "3", "7"]
    assert students["bo"][5:] == ["", "0", "0"]  # not submitted: empty; a problem: 0
    assert students["cy"][5:] == ["0", "0", "0"]
    assert len({len(row) for row in table}) == 1


def test_the_id_column_can_be_canvas_ids(class_book):
    header, _, first, *_ = rows(class_book, id_column="ID")
    assert first[header.index("ID")] == "ana" and first[header.index("SIS Login ID")] == ""


def test_moodle_layout_is_one_header_with_the_maxima_and_equal_rows(class_book, tmp_path):
    table = read(write_csv(class_book, tmp_path / "m.csv", layout="moodle"))
    assert table[0] == ["student", "01 Loss functions (max 4)", "02 Activations (max 6)",
                        "total (max 10)"]
    assert table[1] == ["ana", "4", "3", "7"]
    assert len({len(row) for row in table}) == 1  # Moodle refuses rows of other lengths


def test_fractional_scores_and_the_exercise_title_in_chinese(book, tmp_path):
    half = result("01", check("a", 1.5), check("b", 1, passed=False))
    table = read(write_csv(book([("ana", half)], lang="zh-TW"), tmp_path / "g.csv"))
    assert table[0][5] == "01 損失函數" and table[1][5] == "2.5" and table[2][5:] == ["1.5", "1.5"]


def test_an_exercise_missing_from_the_catalog_keeps_its_graded_title(book, tmp_path):
    table = read(write_csv(book([("ana", result("09", check("a"), title="Old one"))]),
                           tmp_path / "g.csv"))
    assert table[0][5] == "09 Old one"


@pytest.mark.parametrize("excel", [False, True])
def test_awkward_student_ids_round_trip_exactly(book, tmp_path, excel):
    path = write_csv(book([(s, passing()) for s in AWKWARD_IDS]), tmp_path / "g.csv",
                     excel=excel)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == excel  # the BOM Excel needs for UTF-8
    table = read(path, "utf-8-sig")
    assert sorted(row[0] for row in table[2:]) == sorted(AWKWARD_IDS)
    assert sorted(row[3] for row in table[2:]) == sorted(AWKWARD_IDS)


def test_excel_output_quotes_formula_like_ids_and_plain_output_does_not(book, tmp_path):
    grades = book([("=HYPERLINK(1)", passing())])
    plain = read(write_csv(grades, tmp_path / "plain.csv"))
    excel = read(write_csv(grades, tmp_path / "excel.csv", excel=True), "utf-8-sig")
    assert plain[2][0] == "=HYPERLINK(1)" and excel[2][0] == "'=HYPERLINK(1)"


def test_a_folder_as_out_gets_grades_csv_and_keeps_its_other_files(class_book, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    assert write_csv(class_book, tmp_path) == tmp_path / "grades.csv"
    assert (tmp_path / "notes.txt").read_text() == "mine"

