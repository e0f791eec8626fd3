"""The gradebook: every graded (student, exercise) in one SQLite file, nothing to start.

A batch writes one row as each submission finishes and commits it at once, so killing the
batch (even with SIGKILL) loses no finished grade; the next run grades only what is missing
or changed. Tables:

    grades   one row per (student, exercise): the content hash of what was graded, the hash
             of the checks that graded it, status "graded" or "problem", score, max_score,
             the problem's message, the whole ExerciseResult as JSON, when it was graded
    checks   one row per (student, exercise, check): outcome and points, for SQL queries
             such as the pass rate of every check
    meta     the schema version

A problem that concerns a student's whole upload (a corrupt zip, say) has exercise "".
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from grader.results import ExerciseResult

SCHEMA_VERSION = "1"
WHOLE_UPLOAD = ""  # the exercise of a problem that concerns a student's whole upload

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grades (
    student      TEXT NOT NULL,
    exercise     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('graded', 'problem')),
    score        REAL NOT NULL,
    max_score    REAL NOT NULL,
    problem      TEXT NOT NULL DEFAULT '',
    result       TEXT,
    content_hash TEXT NOT NULL,
    checks_hash  TEXT NOT NULL,
    source       TEXT NOT NULL,
    graded_at    TEXT NOT NULL,
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS checks (
    student         TEXT NOT NULL,
    exercise        TEXT NOT NULL,
    check_id        TEXT NOT NULL,
    title           TEXT NOT NULL,
    points_earned   REAL NOT NULL,
    points_possible REAL NOT NULL,
    outcome         TEXT NOT NULL,
    visibility      TEXT NOT NULL,
    PRIMARY KEY (student, exercise, check_id),
    FOREIGN KEY (student, exercise) REFERENCES grades (student, exercise) ON DELETE CASCADE
);
"""


class GradebookError(Exception):
    """A gradebook file that cannot be opened or is not this project's."""


@dataclass(frozen=True)
class Entry:
    """One row of the gradebook."""

    student: str
    exercise: str  # "01", or WHOLE_UPLOAD for a problem with the whole upload
    status: str  # "graded" or "problem"
    score: float
    max_score: float
    problem: str  # why it could not be graded ("" when graded)
    result: ExerciseResult | None
    content_hash: str
    checks_hash: str
    source: str  # what was graded, relative to the batch folder
    graded_at: str

    @property
    def notes(self) -> tuple[str, ...]:
        return self.result.notes if self.result else ()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Gradebook:
    """A gradebook file; use as a context manager or call close()."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._refuse_other_databases()
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.executescript(SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{self.path} is not a gradebook this grader can use: "
                                 f"{exc}") from None

    def _refuse_other_databases(self) -> None:
        """Another program's SQLite file is left as it is (the schema would be added to it)."""
        tables = {row[0] for row in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            self.db.close()
            raise GradebookError(f"{self.path} is an SQLite database but not a gradebook (its "
                                 f"tables: {', '.join(sorted(tables))}); name another file")

    def _check_version(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise GradebookError(f"{self.path} has gradebook schema {row[0]}; this grader "
                                 f"reads schema {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing: one transaction per submission --
    def record_result(self, student: str, result: ExerciseResult, *, content_hash: str,
                      checks_hash: str, source: str) -> None:
        """Store a graded exercise (replacing an earlier grade of the same exercise)."""
        with self._transaction():
            self._replace(student, result.exercise, "graded", result.score, result.max_score,
                          "", json.dumps(asdict(result), ensure_ascii=False), content_hash,
                          checks_hash, source)
            self.db.executemany(
                "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(student, result.exercise, c.id, c.title, c.points_earned, c.points_possible,
                  c.outcome, c.visibility) for c in result.checks])

    def record_problem(self, student: str, exercise: str, message: str, *, max_score: float = 0,
                       content_hash: str = "", checks_hash: str = "", source: str = "") -> None:
        """Store a submission that could not be graded: score 0 and the reason."""
        with self._transaction():
            self._replace(student, exercise, "problem", 0.0, max_score, message, None,
                          content_hash, checks_hash, source)

    def _replace(self, student, exercise, status, score, max_score, problem, result,
                 content_hash, checks_hash, source) -> None:
        self.db.execute("DELETE FROM grades WHERE student = ? AND exercise = ?",
                        (student, exercise))
        self.db.execute("INSERT INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (student, exercise, status, score, max_score, problem, result,
                         content_hash, checks_hash, source, _now()))

    def forget(self, student: str, exercise: str) -> None:
        """Remove a row (a problem with the whole upload once the upload is fixed, say)."""
        with self._transaction():
            self.db.execute("DELETE FROM grades WHERE student = ? AND exercise = ?",
                            (student, exercise))

    def _transaction(self):
        return _Transaction(self.db)

    # -- reading --
    def entry(self, student: str, exercise: str) -> Entry | None:
        rows = self._select("WHERE student = ? AND exercise = ?", (student, exercise))
        return rows[0] if rows else None

    def entries(self, exercise: str | None = None) -> list[Entry]:
        """Every row, by student then exercise (only `exercise`'s rows when given)."""
        if exercise is None:
            return self._select("", ())
        return self._select("WHERE exercise = ?", (exercise,))

    def students(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT student FROM grades ORDER BY 1")]

    def exercises(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT exercise FROM grades WHERE exercise != '' ORDER BY 1")]

    def _select(self, where: str, params: tuple) -> list[Entry]:
        rows = self.db.execute(
            "SELECT student, exercise, status, score, max_score, problem, result, content_hash,"
            f" checks_hash, source, graded_at FROM grades {where} ORDER BY student, exercise",
            params)
        return [_entry(row) for row in rows]


def _entry(row: tuple) -> Entry:
    student, exercise, status, score, max_score, problem, result, *rest = row
    parsed = ExerciseResult.from_dict(json.loads(result)) if result else None
    return Entry(student, exercise, status, score, max_score, problem, parsed, *rest)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on an exception (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
