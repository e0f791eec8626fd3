"""The gradebook as CSV for an LMS: one row per student, one column per exercise, a total.

Layout "canvas" (the default) is the layout of Canvas's own gradebook export, which Canvas's
gradebook import reads back:

    Student,ID,SIS User ID,SIS Login ID,Section,01 Loss functions,02 Activations,Final Points
    Points Possible,,,,,22,43,65
    ana,,,ana,,7.5,43,50.5
    bo,,,bo,,0,,0

- Canvas finds the header by "Student", "ID", ... "Section" and reads the row whose first cell
  is "Points Possible" as the points of each column (an import that creates a new assignment
  gives it those points); it drops a trailing "Final Points" column as read-only, so the total
  never becomes an assignment of its own.
- The student id is in "Student" and in one identity column, `id_column`: "SIS Login ID" by
  default, "SIS User ID", or "ID" when the batch's student ids are Canvas user ids.

Layout "moodle": Moodle's CSV grade import needs the same number of fields on every line and
aborts the whole import at a row whose user it cannot find, so a "Points Possible" row would
stop it; the maxima are in the header instead, and the columns are mapped in Moodle's form:

    student,01 Loss functions (max 22),02 Activations (max 43),total (max 65)

Cells: the exercise's score; empty when the student did not submit it; 0 when it could not be
graded (a problem), and for every exercise of an upload that could not be read at all. The
total is the sum of the row. Student ids are written exactly as in the gradebook (the csv
module quotes commas, quotes and line breaks); `excel=True` writes UTF-8 with a byte-order
mark so that Excel reads Chinese names, and puts a ' before a text cell that starts with
= + - @ (Excel would run it as a formula), so use the file without --excel for an LMS.
"""

from __future__ import annotations

import csv
from pathlib import Path

from grader.exports.common import Book, ExerciseInfo, points

LAYOUTS = ("canvas", "moodle")
ID_COLUMNS = ("SIS Login ID", "SIS User ID", "ID")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"  # Canvas: the first cell of the row of maxima
CANVAS_TOTAL = "Final Points"  # Canvas: a read-only column its import leaves alone
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel takes for a formula
DEFAULT_NAME = "grades.csv"  # when --out is a folder


def column_title(exercise: ExerciseInfo) -> str:
    return f"{exercise.code} {exercise.title}".strip()


def rows(book: Book, layout: str = "canvas", id_column: str = "SIS Login ID") -> list[list[str]]:
    """The CSV as a list of rows of text, header(s) first."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if id_column not in ID_COLUMNS:
        raise ValueError(f"id_column must be one of {ID_COLUMNS}, got {id_column!r}")
    maxima = [points(e.max_score) for e in book.exercises] + [points(book.max_total)]
    table = []
    if layout == "canvas":
        table.append([*CANVAS_IDENTITY, *map(column_title, book.exercises), CANVAS_TOTAL])
        table.append([POINTS_POSSIBLE, *[""] * (len(CANVAS_IDENTITY) - 1), *maxima])
    else:
        titles = [*map(column_title, book.exercises), "total"]
        table.append(["student", *(f"{t} (max {m})" for t, m in zip(titles, maxima, strict=True))])
    for student in book.students:
        scores = [student.score(e.code) for e in book.exercises]
        cells = ["" if s is None else points(s) for s in scores] + [points(book.total(student))]
        if layout == "canvas":
            identity = dict.fromkeys(CANVAS_IDENTITY, "")
            identity["Student"] = identity[id_column] = student.id
            table.append([*identity.values(), *cells])
        else:
            table.append([student.id, *cells])
    return table


def _excel_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def write_csv(book: Book, out: Path, *, layout: str = "canvas", id_column: str = "SIS Login ID",
              excel: bool = False) -> Path:
    """Write the CSV to `out` (a file, or `grades.csv` inside `out` if it is a folder)."""
    out = Path(out)
    path = out / DEFAULT_NAME if out.is_dir() else out
    path.parent.mkdir(parents=True, exist_ok=True)
    table = rows(book, layout, id_column)
    if excel:
        table = [[_excel_safe(cell) for cell in row] for row in table]
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    return path
