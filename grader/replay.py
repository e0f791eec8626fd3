"""Record the reference's answers while releasing, and replay them in the student bundle.

The `reference` fixture (grader/plugin.py) asks `reference_for()` what a check gets:
- in the instructor's tree, the reference module itself;
- while a `Recording` is registered with pytest (the release passes one through
  `grader.runner.grade(plugins=...)`), a proxy of it that records every call the checks make
  and every module-level data attribute they read (see grader/answers.py for the keys);
- in a student bundle, where the reference cannot be imported but the exercise's
  tests/reference_answers.npz exists, a `Replay` with the same surface, answering from the
  records with fresh copies. A call it did not record raises `ReplayMiss`, a GraderError: the
  check is reported as a grader error, never as the student's failure.

What a recording proxy returns is the decoded record, exactly what the replay will return, so
a check behaves the same at release time and in the bundle. A check may pass the reference
only what it builds itself (from `rng` and constants) or what the reference returned: a value
that came from the student's code differs between students and has no recorded answer.
"""

from __future__ import annotations

import importlib
from collections import Counter
from pathlib import Path

import pytest

from grader import __version__, answers
from grader.answers import ANY_CHECK, ATTRIBUTE, AnswerBook, ObjectHandle, Unrecordable
from grader.failures import GraderError
from grader.i18n import tr


class ReplayMiss(GraderError):
    """The replay has no recorded answer for a call (or it cannot answer at all)."""


class Recording:
    """A plugin object for pytest.main: while registered, `reference` records into books,
    one per exercise folder."""

    def __init__(self):
        self.books: dict[Path, AnswerBook] = {}

    def book_for(self, exercise, seed: int) -> AnswerBook:
        if exercise.folder not in self.books:
            self.books[exercise.folder] = AnswerBook({
                "exercise": exercise.code, "reference": exercise.reference, "seed": seed,
                "grader_version": __version__})
        return self.books[exercise.folder]


class Tape:
    """The calls of one check: its node id, occurrence counts, and the answers book."""

    def __init__(self, book: AnswerBook, check: str):
        self.book, self.check = book, check
        self.counts: Counter = Counter()

    def key(self, call: str, args: str) -> answers.Key:
        n = self.counts[call, args]
        self.counts[call, args] += 1
        return self.check, call, args, n


def _joined(owner: str, name: str) -> str:
    return f"{owner}.{name}" if owner else name


# --- recording -----------------------------------------------------------------------------


class _RecordingTape(Tape):
    """A tape that also knows the real objects behind the recorded stand-ins."""

    def __init__(self, book: AnswerBook, check: str, package: str):
        super().__init__(book, check)
        self.package = package

    def store(self, key: answers.Key, result, shown: str):
        """Record `result` under `key`; return what the replay will return for it."""
        _, call, args, n = key
        objects: dict[str, object] = {}

        def on_object(obj) -> str:
            if not _belongs_to(obj, self.package):
                raise Unrecordable(f"a value of type {type(obj).__name__}")
            path = f"{call}[{args[:12]}#{n}:{len(objects)}]"
            objects[path] = obj
            return path
        try:
            encoded, blobs = answers.encode(result, on_object)
        except Unrecordable as exc:
            raise GraderError(f"{shown} returned {exc}, which cannot be recorded for the "
                              "student bundle") from None
        self.book.add(key, encoded, blobs, shown)
        return answers.decode(encoded, blobs,
                              lambda tag: _RecordingObject(objects[tag["path"]], tag["path"],
                                                           self))


def _belongs_to(obj, package: str) -> bool:
    module = getattr(obj, "__module__", None) or type(obj).__module__ or ""
    return module == package or module.startswith(package + ".")


def _unwrap(value):
    """Arguments as the real reference expects them: stand-ins become their real objects."""
    if isinstance(value, _RecordingObject):
        return value._target
    if type(value) in (list, tuple):
        return type(value)(_unwrap(v) for v in value)
    if type(value) is dict:
        return {k: _unwrap(v) for k, v in value.items()}
    return value


class _RecordingCall:
    def __init__(self, function, path: str, tape: _RecordingTape):
        self.function, self.path, self.tape = function, path, tape

    def __call__(self, *args, **kwargs):
        shown = answers.describe(self.path, args, kwargs)
        try:
            key = self.tape.key(self.path, answers.digest(args, kwargs))
        except Unrecordable as exc:
            raise GraderError(f"{shown}: an argument is {exc}, which cannot be recorded for "
                              "the student bundle") from None
        return self.tape.store(key, self.function(*_unwrap(args), **_unwrap(kwargs)), shown)


class _RecordingObject(ObjectHandle):
    """Stands in for the reference module (path "") or for an object it returned."""

    def __init__(self, target, path: str, tape: _RecordingTape):
        self._target, self._path, self._tape = target, path, tape

    def __getattr__(self, name: str):
        if name.startswith("__"):
            return getattr(self._target, name)
        book = self._tape.book
        try:
            value = getattr(self._target, name)
        except AttributeError:
            book.note(self._path, name, "absent")
            raise
        if callable(value):
            book.note(self._path, name, "callable")
            return _RecordingCall(value, _joined(self._path, name), self._tape)
        book.note(self._path, name, "data")
        key = (ANY_CHECK, name, ATTRIBUTE, 0) if not self._path else \
            self._tape.key(_joined(self._path, name), ATTRIBUTE)
        return self._tape.store(key, value, f"reference.{_joined(self._path, name)}")

    def __call__(self, *args, **kwargs):
        return _RecordingCall(self._target, _joined(self._path, "__call__"), self._tape)(
            *args, **kwargs)

    def __repr__(self) -> str:
        return f"<recording {self._path or getattr(self._target, '__name__', 'reference')}>"


# --- replaying -----------------------------------------------------------------------------


class _ReplayCall:
    def __init__(self, path: str, tape: Tape, seed: int):
        self.path, self.tape, self.seed = path, tape, seed

    def __call__(self, *args, **kwargs):
        shown = answers.describe(self.path, args, kwargs)
        try:
            key = self.tape.key(self.path, answers.digest(args, kwargs))
        except Unrecordable:
            key = None
        return _answer(self.tape, key, shown, self.seed)


def _answer(tape: Tape, key, shown: str, seed: int):
    """The recorded result of `key`, freshly decoded, or ReplayMiss."""
    record = tape.book.records.get(key) if key else None
    if record is None:
        raise ReplayMiss(tr("replay_missing", check=tape.check, call=shown, seed=seed))
    encoded, blobs, _ = record
    return answers.decode(encoded, blobs,
                          lambda tag: Replay(tape, seed, tag["path"], str(tag["type"])))


class Replay(ObjectHandle):
    """The reference module (path "") or one of its objects, answering from the records."""

    def __init__(self, tape: Tape, seed: int, path: str = "", name: str = ""):
        self._tape, self._seed, self._path = tape, seed, path
        self.__name__ = name or tape.book.meta.get("reference", "reference")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        full = _joined(self._path, name)
        kind = self._tape.book.kind(self._path, name)
        if kind == "callable":
            return _ReplayCall(full, self._tape, self._seed)
        if kind == "absent":
            raise AttributeError(f"reference.{full} does not exist")
        if kind is None:
            raise ReplayMiss(tr("replay_missing", check=self._tape.check,
                                call=f"reference.{full}", seed=self._seed))
        key = (ANY_CHECK, name, ATTRIBUTE, 0) if not self._path else \
            self._tape.key(full, ATTRIBUTE)
        return _answer(self._tape, key, f"reference.{full}", self._seed)

    def __call__(self, *args, **kwargs):
        return _ReplayCall(_joined(self._path, "__call__"), self._tape, self._seed)(
            *args, **kwargs)

    def __repr__(self) -> str:
        return f"<replayed {self._path or self.__name__}>"


_LOADED: dict[Path, tuple[tuple, AnswerBook]] = {}


def load_book(path: Path) -> AnswerBook:
    """The answers file at `path`, read once per process (again if the file changes)."""
    stat = path.stat()
    signature = (stat.st_mtime_ns, stat.st_size)
    if path not in _LOADED or _LOADED[path][0] != signature:
        try:
            _LOADED[path] = (signature, AnswerBook.load(path))
        except answers.AnswersError as exc:
            raise ReplayMiss(tr("replay_unreadable", error=exc)) from None
    return _LOADED[path][1]


def answers_path(exercise) -> Path:
    return exercise.folder / "tests" / answers.FILE_NAME


# --- the fixture's choice ------------------------------------------------------------------


def reference_for(request: pytest.FixtureRequest, exercise):
    """What the `reference` fixture gives a check (see the module's docstring)."""
    seed = request.config.getoption("grader_seed")
    try:
        module = importlib.import_module(exercise.reference)
    except ImportError as exc:
        if not answers_path(exercise).is_file():
            raise GraderError(f"the reference {exercise.reference} cannot be imported: "
                              f"{exc}") from exc
        return _replay(exercise, request.node.nodeid, seed)
    for plugin in request.config.pluginmanager.get_plugins():
        if isinstance(plugin, Recording):
            return recorder(module, plugin.book_for(exercise, seed), request.node.nodeid)
    return module


def recorder(module, book: AnswerBook, check: str):
    """A proxy of the reference `module` recording into `book` what the check `check` asks."""
    package = module.__name__.split(".")[0]
    return _RecordingObject(module, "", _RecordingTape(book, check, package))


def replayer(book: AnswerBook, check: str, seed: int = 0) -> Replay:
    """The replay of `book` for the check `check` (run with --grader-seed `seed`)."""
    recorded = book.meta.get("seed", 0)
    if seed != recorded:
        raise ReplayMiss(tr("replay_seed", seed=seed, recorded=recorded))
    return Replay(Tape(book, check), seed)


def _replay(exercise, check: str, seed: int) -> Replay:
    book = load_book(answers_path(exercise))
    if book.meta.get("reference") != exercise.reference:
        raise ReplayMiss(tr("replay_unreadable", error=f"the answers are of "
                            f"{book.meta.get('reference')}, not of {exercise.reference}"))
    return replayer(book, check, seed)
