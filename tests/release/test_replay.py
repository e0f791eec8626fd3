"""Recording the reference's answers and replaying them: data round trips, repeated calls,
stateful objects, fresh copies, clear misses, and a file that holds no pickle."""

from __future__ import annotations

import importlib
import json
import textwrap
import zipfile

import numpy as np
import pytest

from grader import answers, i18n
from grader.answers import AnswerBook
from grader.failures import GraderError
from grader.replay import ReplayMiss, recorder, replayer

FAKE_REFERENCE = '''
from typing import NamedTuple

import numpy as np

EPS = 1e-7
SHAPE = (2, 3)


class Cache(NamedTuple):
    x: np.ndarray  # (N, D)
    scale: float


def double(x):
    return 2.0 * np.asarray(x)


def pair(x):
    return float(np.sum(x)), np.cumsum(x)


def summary(x, *, axis=0):
    return {"mean": np.mean(x, axis=axis), "count": int(np.size(x)), "name": "summary",
            "nothing": None, "flag": True, "np_scalar": np.float64(np.max(x)),
            "items": [1, 2.5, (3, "four")]}


def forward(x, scale=2.0):
    return scale * x, Cache(x, scale)


def backward(dout, cache):
    return dout * cache.scale


def objects(n):
    return np.array([object()] * n)


class Counter:
    def __init__(self, start):
        self.value = start

    def add(self, k):
        self.value += k
        return np.array([self.value])


def make_counter(start):
    return Counter(start)
'''

CHECK = "tests/test_visible.py::test_something"


@pytest.fixture(autouse=True)
def english():
    """Messages in English here, whatever an earlier grading run left as the language."""
    before = i18n.current()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A reference package `fakeref` with plain functions, a NamedTuple cache and a class."""
    package = tmp_path / "fakeref"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "things.py").write_text(textwrap.dedent(FAKE_REFERENCE))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("fakeref", "fakeref.things"):
        monkeypatch.delitem(__import__("sys").modules, name, raising=False)
    return importlib.import_module("fakeref.things")


@pytest.fixture
def saved(tmp_path):
    """saved(book) -> the book written to a file and read back."""
    def roundtrip(book: AnswerBook) -> AnswerBook:
        path = tmp_path / answers.FILE_NAME
        book.save(path)
        return AnswerBook.load(path)
    return roundtrip


def new_book() -> AnswerBook:
    return AnswerBook({"exercise": "99", "reference": "fakeref.things", "seed": 0})


def same(a, b) -> None:
    """Equal values of the same types, all the way down."""
    assert type(a) is type(b) or (answers.is_namedtuple(a) and answers.is_namedtuple(b))
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            same(a[key], b[key])
    else:
        assert a == b


def test_arrays_tuples_dicts_and_scalars_round_trip(fake, saved):
    book, x = new_book(), np.arange(6.0).reshape(2, 3)
    proxy = recorder(fake, book, CHECK)
    recorded = [proxy.double(x), proxy.pair(x), proxy.summary(x, axis=1), proxy.EPS,
                proxy.SHAPE, proxy.double(np.arange(4, dtype=np.int32))]
    replay = replayer(saved(book), CHECK)
    replayed = [replay.double(x), replay.pair(x), replay.summary(x, axis=1), replay.EPS,
                replay.SHAPE, replay.double(np.arange(4, dtype=np.int32))]
    same(recorded, replayed)
    same(replayed[0], fake.double(x))
    assert isinstance(replayed[2]["np_scalar"], np.float64)
    assert isinstance(replayed[1][0], float) and replayed[2]["count"] == 6


def test_module_constants_replay_in_every_check(fake, saved):
    book = new_book()
    assert recorder(fake, book, CHECK).EPS == 1e-7
    assert replayer(saved(book), "tests/test_visible.py::test_other").EPS == 1e-7


def test_a_namedtuple_cache_replays_as_data_and_keys_the_next_call(fake, saved):
    book, x = new_book(), np.ones((2, 3))
    proxy = recorder(fake, book, CHECK)
    _, cache = proxy.forward(x, scale=3.0)
    assert type(cache).__name__ == "Cache" and cache.scale == 3.0
    dx = proxy.backward(np.ones((2, 3)), cache)
    replay = replayer(saved(book), CHECK)
    _, replayed_cache = replay.forward(x, scale=3.0)
    assert replayed_cache._fields == ("x", "scale")
    x_again, scale = replayed_cache  # unpacks like the reference's cache
    assert scale == 3.0 and np.array_equal(x_again, x)
    same(replay.backward(np.ones((2, 3)), replayed_cache), dx)


def test_repeated_calls_replay_in_order_and_one_more_is_a_miss(fake, saved):
    book, x = new_book(), np.ones(3)
    proxy = recorder(fake, book, CHECK)
    first, second = proxy.double(x), proxy.double(x)
    replay = replayer(saved(book), CHECK)
    same(replay.double(x), first)
    same(replay.double(x), second)
    with pytest.raises(ReplayMiss):
        replay.double(x)


def test_a_stateful_object_replays_its_calls_and_attributes_in_order(fake, saved):
    book = new_book()
    proxy = recorder(fake, book, CHECK)
    counter = proxy.make_counter(5)
    recorded = [counter.add(2), counter.value, counter.add(2), counter.value]
    assert [int(np.ravel(v)[0]) for v in recorded] == [7, 7, 9, 9]
    replay = replayer(saved(book), CHECK)
    replayed_counter = replay.make_counter(5)
    replayed = [replayed_counter.add(2), replayed_counter.value, replayed_counter.add(2),
                replayed_counter.value]
    same(replayed, recorded)
    with pytest.raises(ReplayMiss, match=r"make_counter\[.*\]\.add\(3\)"):
        replayed_counter.add(3)


def test_objects_made_by_a_class_are_replayed_too(fake, saved):
    book = new_book()
    counter = recorder(fake, book, CHECK).Counter(1)
    assert int(counter.add(1)[0]) == 2
    assert int(replayer(saved(book), CHECK).Counter(1).add(1)[0]) == 2


def test_replayed_arrays_are_fresh_copies(fake, saved):
    book, x = new_book(), np.ones(3)
    recorder(fake, book, CHECK).pair(x)
    book = saved(book)
    total, running = replayer(book, CHECK).pair(x)
    running[:] = -1.0  # a check that scribbles on what it got
    assert np.array_equal(replayer(book, CHECK).pair(x)[1], [1.0, 2.0, 3.0])


def test_keyword_order_and_memory_order_do_not_change_the_key(fake, saved):
    book, x = new_book(), np.arange(6.0).reshape(2, 3)
    recorder(fake, book, CHECK).summary(x, axis=0)
    replay = replayer(saved(book), CHECK)
    same(replay.summary(np.asfortranarray(x), axis=0)["mean"], x.mean(axis=0))


def test_a_call_not_recorded_is_a_grader_error_naming_check_call_shapes_and_seed(fake, saved):
    book = new_book()
    recorder(fake, book, CHECK).double(np.ones((4, 2)))
    replay = replayer(saved(book), CHECK)
    with pytest.raises(ReplayMiss) as excinfo:
        replay.double(np.ones((3, 5)))
    assert isinstance(excinfo.value, GraderError)  # reported as "error", never the student's
    message = str(excinfo.value)
    assert CHECK in message and "reference.double(array (3, 5))" in message
    assert "seed 0" in message


def test_another_seed_is_refused_with_a_clear_message(fake):
    with pytest.raises(ReplayMiss, match="seed 0 only.*--seed 7"):
        replayer(new_book(), CHECK, seed=7)


def test_attributes_unknown_absent_and_dunder(fake, saved):
    book = new_book()
    proxy = recorder(fake, book, CHECK)
    assert not hasattr(proxy, "no_such_function")
    replay = replayer(saved(book), CHECK)
    assert not hasattr(replay, "no_such_function")  # absent at release time: AttributeError
    with pytest.raises(ReplayMiss, match="reference.never_read"):
        getattr(replay, "never_read")  # noqa: B009  (an attribute read, as a check does)
    assert "replayed" in repr(replay)


def test_results_that_are_not_data_cannot_be_recorded(fake):
    proxy = recorder(fake, new_book(), CHECK)
    with pytest.raises(GraderError, match="cannot be recorded"):
        proxy.objects(2)
    with pytest.raises(GraderError, match="cannot be recorded"):
        proxy.double({1: "a dict with an int key"})


def test_the_file_is_json_and_npy_only(fake, tmp_path):
    book, x = new_book(), np.arange(6.0).reshape(2, 3)
    proxy = recorder(fake, book, CHECK)
    proxy.summary(x)
    proxy.forward(x)
    path = tmp_path / answers.FILE_NAME
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("answers.json"))
        members = [archive.read(name) for name in names]
    assert document["format"] == answers.FORMAT and document["meta"]["seed"] == 0
    assert all(name == "answers.json" or name.endswith(".npy") for name in names)
    assert not any(member.startswith(b"\x80") for member in members)  # no pickle stream
    with np.load(path, allow_pickle=False) as archive:
        arrays = [archive[name[:-4]] for name in names if name.endswith(".npy")]
    assert arrays and all(a.dtype.kind in "biuf" for a in arrays)


def test_a_damaged_file_is_an_answers_error(tmp_path):
    path = tmp_path / answers.FILE_NAME
    path.write_bytes(b"PK not really a zip")
    with pytest.raises(answers.AnswersError):
        AnswerBook.load(path)
