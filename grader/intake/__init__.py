"""Find the submissions in a batch folder: whose files they are, and which exercise each is.

A batch folder may hold, side by side:

    ana/                              one folder per student (files at any depth)
    bo.zip                            one zip per student
    cy.ipynb, dee.py                  one file per student (the student is the file's stem)
    submission_metadata.yml           a Gradescope export: folders submission_<id>/, their
    submission_123/                   students named in the metadata (else the folder name)
    leebob_late_123_456_losses.py     a Canvas download: <name>[_late]_<user id>_<file id>_<file>
    Ana Lee_77_assignsubmission_file_/    a Moodle download: a folder per participant, or files
                                          named <full name>_<id>_assignsubmission_file_<file>

A student's .py and .ipynb files are read as submitted (zips in memory, one nested level,
after checks against escaping paths, links, encryption and zip bombs: nothing is extracted),
decoded (UTF-8, a UTF-8 BOM, a PEP 263 coding line, else Big5/cp950 with a note) and matched
to an exercise, best rank first:

    0  the stub's name               losses.py, losses.ipynb, losses-1.py (a Canvas re-upload)
    1  the stub's stem or the slug   my_losses.py, 01_loss_functions.ipynb
    2  the exercise's number         hw01.py, 01.ipynb, Exercise 2.py
    3  the exercise whose functions it defines most (an ast scan of the code)

One file per (student, exercise) is graded: the best ranked; the others are named in a note.
Whatever cannot be read becomes a `Problem` with a message for the student (for the exercise
when the file's name tells it, else for the whole upload), and the rest goes on.

The work is split by job: `reading` reads a student's files into memory (sizes capped, links
never followed, zips checked), `lms` recognises Canvas, Moodle and Gradescope downloads and
names the students, `sources` decodes the text of a file and checks a notebook, `matching`
finds a file's exercise, and `model` holds the data they pass around. They are put together
here: `find_uploads` (each student's upload), `student_submissions` (one student's
submissions and problems) and `collect` (a whole batch folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader import notebook
from grader.catalog import Exercise
from grader.failures import GraderError
from grader.gradebook import WHOLE_UPLOAD
from grader.i18n import Text, msg
from grader.intake.lms import (
    GRADESCOPE_FOLDER,
    GRADESCOPE_METADATA,
    batch_root,
    canvas_name,
    gradescope_students,
    moodle_name,
    parse_gradescope_metadata,
    student_key,
)
from grader.intake.matching import defined_names, match_by_content, match_by_name
from grader.intake.model import (
    SOURCE_SUFFIXES,
    Intake,
    Problem,
    StudentFile,
    Submission,
    Upload,
    UploadProblem,
    is_hidden,
    sha256,
)
from grader.intake.reading import MAX_ZIP_MEMBERS, escapes, read_file, read_folder, read_zip
from grader.intake.sources import as_utf8_source, decode_source, notebook_problem

__all__ = [
    "MAX_ZIP_MEMBERS", "Intake", "Problem", "StudentFile", "Submission", "Upload", "UploadProblem",
    "as_utf8_source", "canvas_name", "collect", "decode_source", "defined_names", "escapes",
    "find_uploads", "is_hidden", "match_by_content", "match_by_name", "moodle_name",
    "notebook_problem", "parse_gradescope_metadata", "read_zip", "sha256", "student_key",
    "student_submissions",
]


# -- the batch folder -------------------------------------------------------------------------


def find_uploads(folder: Path, ignore: Iterable[Path] = ()) -> tuple[list[Upload], list[str]]:
    """Every student's upload in the batch folder, and the entries that are no one's."""
    root = batch_root(folder)
    prefix = "" if root == folder else f"{root.name}/"
    ignored_paths = {Path(p).resolve() for p in ignore}
    metadata = {}
    if (root / GRADESCOPE_METADATA).is_file():
        text = (root / GRADESCOPE_METADATA).read_text(encoding="utf-8", errors="replace")
        metadata = parse_gradescope_metadata(text)
    uploads: dict[str, Upload] = {}
    ignored = []

    def upload_of(student: str, source: str) -> Upload:
        return uploads.setdefault(student, Upload(student, source))

    for path in sorted(root.iterdir()):
        name, source = path.name, prefix + path.name
        if is_hidden(name) or path.resolve() in ignored_paths or name == GRADESCOPE_METADATA:
            continue
        moodle = moodle_name(name)
        canvas = canvas_name(name) if path.is_file() else None
        if path.is_symlink():
            ignored.append(source)
        elif moodle is not None:
            student, plugin, file = moodle
            if plugin != "file":
                continue  # onlinetext, comments: nothing to grade
            upload = upload_of(student, source)
            if path.is_dir():
                read_folder(upload, path, source)
            elif PurePosixPath(file).suffix.lower() in (*SOURCE_SUFFIXES, ".zip"):
                read_file(upload, path, file, source)
        elif path.is_dir() and GRADESCOPE_FOLDER.match(name) and metadata:
            for student in gradescope_students(name, metadata):
                read_folder(upload_of(student, source), path, source)
        elif path.is_dir():
            read_folder(upload_of(name, source), path, source)
        elif canvas is not None:
            student, file, _late = canvas
            upload = upload_of(student, source)  # a student who sent only a PDF is one too
            if PurePosixPath(file).suffix.lower() in (*SOURCE_SUFFIXES, ".zip"):
                read_file(upload, path, file, source)
        elif path.suffix.lower() in (*SOURCE_SUFFIXES, ".zip"):
            read_file(upload_of(path.stem, source), path, path.name, source)
        else:
            ignored.append(source)
    return [uploads[s] for s in sorted(uploads)], ignored


# -- one student ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A readable source file of one exercise."""

    exercise: Exercise
    rank: int  # how its exercise was found: 0-3, see the module docstring
    file: StudentFile
    path: Path  # its decoded copy
    notes: tuple[Text, ...]

    @property
    def order(self) -> tuple:
        """Best first: rank, then a .py before a notebook, then the shallowest."""
        return (self.rank, PurePosixPath(self.file.name).suffix.lower() != ".py",
                self.file.name.count("/"), self.file.name)


def _write(scratch: Path, file: StudentFile, text: str) -> Path:
    folder = Path(scratch) / sha256(file.source.encode())[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PurePosixPath(file.name).name
    path.write_text(as_utf8_source(text) if path.suffix.lower() == ".py" else text,
                    encoding="utf-8", newline="")
    return path


def _decoded(file: StudentFile, scratch: Path) -> tuple[Path, str, tuple[Text, ...]]:
    """(its decoded copy, the code in it, notes); UploadProblem when it cannot be read."""
    text, notes = decode_source(file.data, file.source)
    path = _write(scratch, file, text)
    if path.suffix.lower() != ".ipynb":
        return path, text, notes
    problem = notebook_problem(text, file.source)
    if problem is not None:
        raise UploadProblem(problem)
    try:
        return path, notebook.extract(path).source, notes
    except (GraderError, RecursionError, MemoryError) as exc:
        raise UploadProblem(msg("batch_bad_notebook", file=file.source,
                                error=str(exc) or type(exc).__name__)) from None


def _read_candidate(file: StudentFile, exercises: Sequence[Exercise],
                    scratch: Path) -> _Candidate | None:
    """One source file as a candidate of its exercise; None when it is no exercise's.
    UploadProblem, for the exercise its name tells if any, when it cannot be read."""
    by_name = match_by_name(file.name, exercises)
    try:
        path, code, notes = _decoded(file, scratch)
    except UploadProblem as problem:
        raise UploadProblem(problem.text, by_name[1].code if by_name else WHOLE_UPLOAD) from None
    if by_name is not None:
        return _Candidate(by_name[1], by_name[0], file, path, notes)
    found = match_by_content(code, exercises)
    if len(found) > 1:
        raise UploadProblem(msg("batch_ambiguous", file=file.source,
                                exercises=", ".join(e.code for e in found),
                                stubs=", ".join(e.stub for e in found)))
    return _Candidate(found[0], 3, file, path, notes) if found else None


def _hash_files(files: list[StudentFile]) -> str:
    if len(files) == 1:
        return sha256(files[0].data)
    return sha256("\n".join(sorted(sha256(f.data) for f in files)).encode())


def student_submissions(upload: Upload, exercises: Sequence[Exercise],
                        scratch: Path) -> tuple[list[Submission], list[Problem]]:
    """The submissions in one student's upload, and its problems."""
    candidates: dict[str, list[_Candidate]] = {}
    failed: dict[str, list[tuple[Text, StudentFile]]] = {}
    whole = list(upload.problems)
    seen = []
    for file in upload.files:
        if PurePosixPath(file.name).suffix.lower() not in SOURCE_SUFFIXES:
            continue
        seen.append(PurePosixPath(file.name).name)
        try:
            candidate = _read_candidate(file, exercises, scratch)
        except UploadProblem as problem:
            if problem.exercise == WHOLE_UPLOAD:
                whole.append(problem.text)
            else:
                failed.setdefault(problem.exercise, []).append((problem.text, file))
            continue
        if candidate is not None:
            candidates.setdefault(candidate.exercise.code, []).append(candidate)
    submissions, problems = [], []
    for code, found in sorted(candidates.items()):
        found.sort(key=lambda c: c.order)
        best, others = found[0], found[1:]
        notes = list(best.notes) + [text for text, _ in failed.pop(code, [])]
        if others:
            notes.append(msg("batch_other_files", file=best.file.source,
                             others=", ".join(c.file.source for c in others)))
        submissions.append(Submission(upload.student, best.exercise, best.path, best.file.source,
                                      _hash_files([c.file for c in found]), tuple(notes)))
    for code, texts in sorted(failed.items()):
        files = [file for _, file in texts]
        problems.append(Problem(upload.student, code, tuple(t for t, _ in texts),
                                ", ".join(f.source for f in files), _hash_files(files)))
    if not submissions and not failed and not whole:
        whole.append(msg("batch_nothing_found", files=", ".join(seen) or "-",
                         expected=", ".join(e.stub for e in exercises)))
    if whole:
        problems.append(Problem(upload.student, WHOLE_UPLOAD, tuple(whole), upload.source,
                                upload.content_hash))
    return submissions, problems


def collect(folder: Path, exercises: Sequence[Exercise], scratch: Path,
            ignore: Iterable[Path] = ()) -> Intake:
    """Every submission and every problem in a batch folder; decoded copies of the files to
    grade are written under `scratch`. `ignore`: files that are not submissions (the
    gradebook, if it is kept in the folder)."""
    uploads, ignored = find_uploads(Path(folder), ignore)
    submissions, problems = [], []
    for upload in uploads:
        try:
            found, trouble = student_submissions(upload, exercises, scratch)
        except Exception as exc:  # a bug on one upload must not end the batch
            found, trouble = [], [Problem(upload.student, WHOLE_UPLOAD, (msg(
                "grader_error", message=f"{type(exc).__name__}: {exc}"),), upload.source,
                upload.content_hash)]
        submissions += found
        problems += trouble
    return Intake(tuple(submissions), tuple(problems), tuple(u.student for u in uploads),
                  tuple(ignored))
