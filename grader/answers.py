"""Reference answers recorded at release time: their keys, their encoding and their file.

A record answers one call that a visible check made to the reference:

    key    (check node id, dotted call path, sha256 of the canonically encoded arguments,
            occurrence of that same key within the check)
    value  the result in the wire's tagged encoding (grader/_worker/wire.py), plus two kinds
           of handle: a NamedTuple (plain data, replayed as a namedtuple of the same name and
           fields) and an object of a reference class (replayed by its path: its own calls
           are records whose call path starts with the object's path)

The occurrence number makes repeated calls and stateful objects replay in order. Module-level
data attributes (reference.EPS) are records of the check "*"; `surface` says, per owner ("" for
the module, else an object's path), which names are callables, data or absent.

The file, tests/reference_answers.npz in a released exercise, is a zip holding answers.json
and one .npy file per array: `np.load(path, allow_pickle=False)` reads it, and nothing in it
is ever unpickled.
"""

from __future__ import annotations

import collections
import hashlib
import json
import zipfile
from functools import cache
from pathlib import Path

import numpy as np

from grader._worker import wire

FILE_NAME = "reference_answers.npz"
FORMAT = "numpy-dl-grader reference answers"
VERSION = 1
ANY_CHECK = "*"  # the check of module-level data attributes: the same for every check
ATTRIBUTE = "attr"  # the argument digest of an attribute read
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that the same answers give the same bytes

Key = tuple[str, str, str, int]


class Unrecordable(Exception):
    """An argument or result that cannot be recorded as data."""


class AnswersError(Exception):
    """An answers file that cannot be read."""


class ObjectHandle:
    """Base of the recording and replaying stand-ins of a reference object: its `_path`
    (set by the subclass) names it in argument digests and in call paths."""

    _path: str = ""


# --- arguments: digests and descriptions ---------------------------------------------------


def _canonical(value, out: list, depth: int = 0) -> None:
    """Append a canonical text/bytes form of `value` to `out` (arrays by dtype, shape and
    C-order bytes, so a Fortran-ordered copy digests the same)."""
    if depth > wire.MAX_DEPTH:
        raise Unrecordable(f"a structure nested deeper than {wire.MAX_DEPTH} levels")
    if value is None or type(value) in (bool, int, float, str):
        out.append(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, ObjectHandle):
        out.append(f"obj:{value._path};".encode())
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in wire.ALLOWED_KINDS:
            raise Unrecordable(f"an array of dtype {array.dtype}")
        out.append(f"{type(value).__name__}:{array.dtype.str}:{array.shape};".encode())
        out.append(np.ascontiguousarray(array).tobytes())
    elif is_namedtuple(value):
        out.append(f"nt:{type(value).__name__}:{','.join(value._fields)}[".encode())
        _sequence(value, out, depth)
    elif type(value) in (list, tuple):
        out.append(f"{type(value).__name__}[".encode())
        _sequence(value, out, depth)
    elif type(value) is dict and all(type(k) is str for k in value):
        out.append(b"dict{")
        for key in sorted(value):
            out.append(f"{key!r}=".encode())
            _canonical(value[key], out, depth + 1)
        out.append(b"}")
    else:
        raise Unrecordable(f"a value of type {type(value).__name__}")


def _sequence(values, out: list, depth: int) -> None:
    for item in values:
        _canonical(item, out, depth + 1)
    out.append(b"]")


def digest(args: tuple, kwargs: dict) -> str:
    """sha256 of the canonically encoded arguments (keyword order does not matter)."""
    out: list = []
    _canonical((tuple(args), dict(kwargs)), out)
    return hashlib.sha256(b"".join(out)).hexdigest()


def shape_of(value) -> str:
    """How an argument is shown in a message: an array by its shape, a number by its value."""
    if isinstance(value, np.ndarray):
        dtype = "" if value.dtype == np.float64 else f"{value.dtype} "
        return f"array {dtype}{value.shape}"
    if isinstance(value, ObjectHandle):
        return f"<{value._path}>"
    if is_namedtuple(value):
        return f"{type(value).__name__}({', '.join(shape_of(v) for v in value)})"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(shape_of(v) for v in value[:4]) + (", …" if len(value) > 4 else "")
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return repr(value)[:40]
    return type(value).__name__


def describe(path: str, args: tuple, kwargs: dict) -> str:
    """reference.mse(array (16, 3), array (16, 3)): a call as a message names it."""
    shown = [shape_of(a) for a in args] + [f"{k}={shape_of(v)}" for k, v in kwargs.items()]
    return f"reference.{path}({', '.join(shown)})"


# --- results: encoding and decoding --------------------------------------------------------


def is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and type(value) is not tuple and hasattr(value, "_fields")


@cache
def namedtuple_type(name: str, field_names: tuple[str, ...]) -> type:
    """One replica class per (name, fields), so replayed caches of a kind share a type."""
    return collections.namedtuple(name, field_names)


def encode(value, on_object) -> tuple[object, list[bytes]]:
    """(tagged structure, .npy blobs) of a result; `on_object(obj)` returns the path of an
    object that is not plain data, or raises Unrecordable."""
    blobs: list[bytes] = []

    def to_handle(obj):
        if is_namedtuple(obj):
            return {"t": "handle", "kind": "namedtuple", "type": type(obj).__name__,
                    "fields": list(obj._fields),
                    "v": [wire.encode(v, blobs, to_handle) for v in obj]}
        return {"t": "handle", "kind": "object", "path": on_object(obj),
                "type": type(obj).__name__}
    try:
        return wire.encode(value, blobs, to_handle), blobs
    except wire.Unsendable as exc:
        raise Unrecordable(str(exc)) from None


def decode(encoded, blobs: list[bytes], make_object):
    """A fresh copy of a recorded result; `make_object(tag)` stands in for an object."""
    def from_handle(tag: dict):
        if tag.get("kind") == "namedtuple":
            kind = namedtuple_type(str(tag["type"]), tuple(tag["fields"]))
            return kind(*(wire.decode(v, blobs, from_handle) for v in tag["v"]))
        if tag.get("kind") == "object":
            return make_object(tag)
        raise wire.WireError(f"unknown handle {str(tag)[:80]}")
    return wire.decode(encoded, blobs, from_handle)


# --- the book of records and its file ------------------------------------------------------


class AnswerBook:
    """The records of one exercise: key -> (encoded result, its blobs, the call as shown)."""

    def __init__(self, meta: dict | None = None):
        self.meta = dict(meta or {})
        self.surface: dict[str, dict[str, str]] = {}
        self.records: dict[Key, tuple[object, list[bytes], str]] = {}

    def add(self, key: Key, encoded, blobs: list[bytes], shown: str) -> None:
        """Keep the first answer of a key (the reference is deterministic)."""
        self.records.setdefault(key, (encoded, blobs, shown))

    def note(self, owner: str, name: str, kind: str) -> None:
        """Record that `name` of `owner` is a "callable", "data" or "absent"."""
        self.surface.setdefault(owner, {})[name] = kind

    def kind(self, owner: str, name: str) -> str | None:
        return self.surface.get(owner, {}).get(name)

    def save(self, path: Path) -> None:
        """Write answers.json and the blobs into a zip (deterministic bytes)."""
        records, blobs = [], []
        for (check, call, args, n), (encoded, own, shown) in sorted(self.records.items()):
            records.append({"check": check, "call": call, "args": args, "n": n, "shown": shown,
                            "result": encoded, "blobs": [len(blobs), len(own)]})
            blobs += own
        document = {"format": FORMAT, "version": VERSION, "meta": self.meta,
                    "surface": self.surface, "records": records}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            _write(archive, "answers.json", json.dumps(document, ensure_ascii=False,
                                                       sort_keys=True).encode("utf-8"))
            for index, blob in enumerate(blobs):
                _write(archive, blob_name(index), blob)

    @classmethod
    def load(cls, path: Path) -> AnswerBook:
        """Read a file written by `save`; AnswersError if it is not one."""
        try:
            with zipfile.ZipFile(path) as archive:
                document = json.loads(archive.read("answers.json").decode("utf-8"))
                count = sum(1 for name in archive.namelist() if name != "answers.json")
                blobs = [archive.read(blob_name(i)) for i in range(count)]
            return cls._from_document(document, blobs)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
            raise AnswersError(f"{path}: {type(exc).__name__}: {exc}") from None

    @classmethod
    def _from_document(cls, document: dict, blobs: list[bytes]) -> AnswerBook:
        if document.get("format") != FORMAT or document.get("version") != VERSION:
            raise ValueError(f"not a version-{VERSION} answers file")
        book = cls(document["meta"])
        book.surface = {str(k): dict(v) for k, v in document["surface"].items()}
        for r in document["records"]:
            start, count = r["blobs"]
            key = (str(r["check"]), str(r["call"]), str(r["args"]), int(r["n"]))
            book.records[key] = (r["result"], blobs[start:start + count], str(r["shown"]))
        return book


def blob_name(index: int) -> str:
    return f"blob_{index:06d}.npy"


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
