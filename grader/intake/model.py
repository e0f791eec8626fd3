"""The data that flows through intake, and the rules every reader shares.

A student's files (`StudentFile`) are gathered into an `Upload`; what can be graded becomes a
`Submission`, what cannot a `Problem`, and `Intake` holds a whole batch folder's. `UploadProblem`
is raised by the readers for whatever stops a file, or an upload, from being graded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalog import Exercise
from grader.gradebook import WHOLE_UPLOAD
from grader.i18n import Text

SOURCE_SUFFIXES = (".py", ".ipynb")
SKIPPED_PARTS = {"__MACOSX", "__pycache__"}  # macOS resource forks, compiled files


class UploadProblem(Exception):
    """Something in an upload that stops a file, or the whole upload, from being graded."""

    def __init__(self, text: Text, exercise: str = WHOLE_UPLOAD):
        super().__init__(text.render("en"))
        self.text = text
        self.exercise = exercise  # the exercise it concerns, when known


@dataclass(frozen=True)
class StudentFile:
    name: str  # its path inside the student's upload, / separated
    data: bytes  # as submitted
    source: str  # where it is, from the batch folder: "ana/hw/losses.py", "bo.zip:losses.py"


@dataclass(frozen=True)
class Submission:
    """One (student, exercise) to grade."""

    student: str
    exercise: Exercise
    path: Path  # what to grade: the file decoded and written as UTF-8 in the scratch folder
    source: str  # where it came from, from the batch folder
    content_hash: str  # sha256 of the student's file(s) for this exercise, bytes as submitted
    notes: tuple[Text, ...] = ()  # for the feedback (a conversion, files not graded)


@dataclass(frozen=True)
class Problem:
    """A (student, exercise) that cannot be graded; exercise WHOLE_UPLOAD when not known."""

    student: str
    exercise: str
    messages: tuple[Text, ...]
    source: str
    content_hash: str

    def render(self, lang: str) -> str:
        return "\n".join(text.render(lang) for text in self.messages)


@dataclass(frozen=True)
class Intake:
    submissions: tuple[Submission, ...]
    problems: tuple[Problem, ...]
    students: tuple[str, ...]  # everyone with an upload, sorted
    ignored: tuple[str, ...] = ()  # entries of the batch folder that are no one's submission


@dataclass
class Upload:
    """Everything one student handed in, read into memory."""

    student: str
    source: str
    files: list[StudentFile] = field(default_factory=list)
    problems: list[Text] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)  # of every input read, for the hash

    def add_input(self, source: str, data: bytes) -> None:
        self.digests.append(f"{source}\0{sha256(data)}")

    @property
    def content_hash(self) -> str:
        return sha256("\n".join(sorted(self.digests)).encode())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_hidden(name: str) -> bool:
    """Dotfiles (.DS_Store, .ipynb_checkpoints), __MACOSX/ and __pycache__/."""
    return name.startswith(".") or name in SKIPPED_PARTS
