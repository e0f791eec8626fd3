"""What every export shares: the gradebook read into one `Book`, safe file names, numbers.

`load_book` opens a gradebook for reading only after checking, read-only, that the file is
one (opening a `Gradebook` on any other SQLite file would add the gradebook's tables to it),
and looks each exercise up in the catalog for its title and hidden-check feedback setting.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalog import HIDDEN_FEEDBACK, CatalogError, Exercise, find
from grader.gradebook import WHOLE_UPLOAD, Entry, Gradebook, GradebookError

DEFAULT_HIDDEN_FEEDBACK = "score"  # for an exercise no longer in the catalog: titles, no messages
STUB_OUTCOMES = frozenset({"not_implemented", "import_error"})  # nothing of the student's ran


class ExportError(Exception):
    """A gradebook that cannot be exported (missing, not a gradebook, empty)."""


@dataclass(frozen=True)
class ExerciseInfo:
    """One exercise column of the gradebook."""

    code: str  # "01"
    title: str  # from the catalog in the export's language, else as graded
    max_score: float  # the most points a submission of it could earn (from the gradebook)
    hidden_feedback: str  # "full", "score" or "total" (catalog.Exercise.hidden_feedback)
    exercise: Exercise | None  # None when the catalog no longer has it


@dataclass(frozen=True)
class Student:
    """A student's rows: graded or problem entries by exercise code, and an upload problem."""

    id: str
    entries: dict[str, Entry] = field(default_factory=dict)
    upload_problem: Entry | None = None  # a problem with the whole upload (exercise "")

    def score(self, code: str) -> float | None:
        """The points of exercise `code`: None when not submitted, 0 when it had a problem
        (or when the whole upload could not be read)."""
        if code in self.entries:
            return self.entries[code].score
        return 0.0 if self.upload_problem else None


@dataclass(frozen=True)
class Book:
    """A gradebook read for export: students and exercises in a stable order."""

    path: Path
    lang: str
    exercises: tuple[ExerciseInfo, ...]
    students: tuple[Student, ...]

    @property
    def max_total(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def entries(self, code: str) -> list[Entry]:
        return [s.entries[code] for s in self.students if code in s.entries]

    def total(self, student: Student) -> float:
        return sum(student.score(e.code) or 0.0 for e in self.exercises)


def _check_is_gradebook(path: Path) -> None:
    """Refuse a missing file or one that is not a gradebook, without writing to it."""
    if not path.exists():
        raise ExportError(f"{path}: no such gradebook file")
    if not path.is_file():
        raise ExportError(f"{path} is not a file; --gradebook names the .sqlite file a batch "
                          "wrote")
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise ExportError(f"{path} is not a gradebook: {exc}") from None
    if not {"meta", "grades", "checks"} <= tables:
        raise ExportError(f"{path} is not a gradebook (it has no grades table)")


def read_entries(path: Path) -> list[Entry]:
    """Every row of the gradebook at `path`, or an ExportError saying why not."""
    path = Path(path)
    _check_is_gradebook(path)
    try:
        with Gradebook(path) as book:
            return book.entries()
    except GradebookError as exc:
        raise ExportError(str(exc)) from None


def _catalog_exercise(code: str) -> Exercise | None:
    try:
        return find(code)
    except CatalogError:
        return None


def _exercise_info(code: str, entries: list[Entry], lang: str) -> ExerciseInfo:
    exercise = _catalog_exercise(code)
    graded_titles = [e.result.title for e in entries if e.result and e.result.title]
    if exercise is not None:
        title = exercise.title_in(lang)
    else:
        title = graded_titles[0] if graded_titles else ""
    feedback = exercise.hidden_feedback if exercise else DEFAULT_HIDDEN_FEEDBACK
    if feedback not in HIDDEN_FEEDBACK:
        feedback = DEFAULT_HIDDEN_FEEDBACK
    return ExerciseInfo(code, title, max((e.max_score for e in entries), default=0.0),
                        feedback, exercise)


def load_book(path: Path, lang: str = "en") -> Book:
    """The gradebook at `path` for export; ExportError if missing, not a gradebook or empty."""
    entries = read_entries(path)
    if not entries:
        raise ExportError(f"{path} has no grades yet: run the batch grading first; "
                          "nothing was written")
    by_student: dict[str, Student] = {}
    for entry in entries:
        student = by_student.setdefault(entry.student, Student(entry.student))
        if entry.exercise == WHOLE_UPLOAD:
            by_student[entry.student] = Student(student.id, student.entries, entry)
        else:
            student.entries[entry.exercise] = entry
    codes = sorted({e.exercise for e in entries if e.exercise != WHOLE_UPLOAD})
    exercises = tuple(_exercise_info(code, [e for e in entries if e.exercise == code], lang)
                      for code in codes)
    return Book(Path(path), lang, exercises, tuple(by_student[s] for s in sorted(by_student)))


def is_attempt(entry: Entry) -> bool:
    """A graded submission in which some check ran the student's code: not an untouched stub
    (every check 'not implemented') and not a file that does not import."""
    return entry.result is not None and any(c.outcome not in STUB_OUTCOMES
                                            for c in entry.result.checks)


def points(value: float) -> str:
    """12 -> "12", 7.5 -> "7.5", 1/3 -> "0.3333": what a gradebook and a person both read."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


# -- file names --
_UNSAFE = re.compile(r"[^\w.-]")  # \w is Unicode: Chinese names stay readable
_HASHED = re.compile(r"-[0-9a-f]{8}$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}  # Windows device names, with any extension
MAX_NAME = 60  # characters of an id kept in a file name (3 bytes each in CJK: < 255 bytes)


def _readable(student: str) -> str:
    name = unicodedata.normalize("NFC", student)
    name = _UNSAFE.sub("_", name).strip("._")[:MAX_NAME] or "student"
    return "_" + name if name.split(".")[0].lower() in _RESERVED else name


def _is_safe_as_is(student: str) -> bool:
    return student == _readable(student) and not _HASHED.search(student)


def _hashed(student: str, length: int = 8) -> str:
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{_readable(student)}-{digest[:length]}"


def safe_names(students: list[str] | tuple[str, ...]) -> dict[str, str]:
    """{student id: a file or folder name for it}, safe on any file system.

    An id made only of letters, digits, '.', '-' and '_' (not starting with '.', not a
    Windows device name, not ending like a hashed name) is used as it is; any other id is
    sanitised and gets '-' and 8 hex digits of its SHA-256, so distinct ids never share a
    name, also on file systems that ignore case (ids equal but for case are all hashed).
    No name contains a path separator or is '.' or '..'.
    """
    names = {s: s if _is_safe_as_is(s) else _hashed(s) for s in students}
    by_folded: dict[str, list[str]] = {}
    for student, name in names.items():
        by_folded.setdefault(name.casefold(), []).append(student)
    for clash in (group for group in by_folded.values() if len(group) > 1):
        for student in clash:
            names[student] = _hashed(student)
    if len({n.casefold() for n in names.values()}) < len(names):  # a SHA-256 prefix clash
        names = {s: _hashed(s, 64) for s in students}
    return names
