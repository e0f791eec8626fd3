"""The data-only wire format: values survive a frame exactly, and nothing else gets through."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from grader._worker import wire

RNG_SEED = 0


def _no_handles(tag):
    raise AssertionError(f"a data-only value decoded a handle: {tag}")


def round_trip(value):
    """value -> encode -> frame bytes -> decode, as the two processes do."""
    blobs: list[bytes] = []
    header = {"value": wire.encode(value, blobs)}
    stream = io.BytesIO()
    wire.write_frame(stream, header, blobs)
    stream.seek(0)
    header, blobs = wire.read_frame(stream)
    return wire.decode(header["value"], blobs, _no_handles)


def frame_bytes(header_raw: bytes, blobs: list[bytes] = ()) -> io.BytesIO:
    """A frame written by hand, so the header can be anything."""
    parts = [wire.LENGTH.pack(len(header_raw)), header_raw]
    for blob in blobs:
        parts += [wire.LENGTH.pack(len(blob)), blob]
    return io.BytesIO(b"".join(parts))


def npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


# --- round trips ---------------------------------------------------------------------------

ARRAYS = {
    "float64 (3, 4)": np.random.default_rng(RNG_SEED).standard_normal((3, 4)),
    "float32 (5,)": np.arange(5, dtype=np.float32) / 3,
    "float16 (2, 2)": np.ones((2, 2), dtype=np.float16),
    "int64 (2, 3, 4)": np.arange(24).reshape(2, 3, 4),
    "int8 (4,)": np.array([-128, -1, 0, 127], dtype=np.int8),
    "uint8 (3,)": np.array([0, 1, 255], dtype=np.uint8),
    "bool (2, 3)": np.array([[True, False, True], [False, False, True]]),
    "0-d float": np.array(2.5),
    "0-d int": np.array(7),
    "empty (0,)": np.zeros((0,)),
    "empty (3, 0)": np.zeros((3, 0), dtype=np.int32),
    "fortran order": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "transposed view": np.arange(12.0).reshape(3, 4).T,
    "big-endian": np.arange(4, dtype=">f8"),
    "nan and inf": np.array([np.nan, np.inf, -np.inf, -0.0, 1e308, 5e-324]),
}


@pytest.mark.parametrize("array", ARRAYS.values(), ids=ARRAYS.keys())
def test_array_round_trip_keeps_dtype_shape_and_values(array):
    back = round_trip(array)
    assert type(back) is np.ndarray
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)  # NaN equals NaN here, on purpose


SCALARS = [np.float64(1.5), np.float32(0.25), np.int64(-3), np.int16(12), np.uint32(7),
           np.bool_(True), np.float64(np.nan)]


@pytest.mark.parametrize("scalar", SCALARS, ids=lambda s: f"{type(s).__name__}({s})")
def test_numpy_scalar_comes_back_as_the_same_scalar_type(scalar):
    back = round_trip(scalar)
    assert type(back) is type(scalar)
    assert back == scalar or (np.isnan(back) and np.isnan(scalar))


PLAIN = [None, True, False, 0, -17, 2**70, 1.25, -0.0, "text", "", "naïve ✓", [], (), {},
         [1, 2.0, "x"], (1, (2, (3,))), [[1], [2, [3]]], {"a": 1, "b": [2, (3, 4)]}]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_value_round_trip_keeps_types(value):
    back = round_trip(value)
    assert back == value
    assert _shape_of_types(back) == _shape_of_types(value)


def _shape_of_types(value):
    """The value with every leaf replaced by its type: `==` alone takes 1 == True, (1,) != [1]."""
    if isinstance(value, (list, tuple)):
        return type(value), [_shape_of_types(v) for v in value]
    if isinstance(value, dict):
        return dict, {k: _shape_of_types(v) for k, v in value.items()}
    return type(value)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_non_finite_python_floats_cross_the_json_header(number):
    back = round_trip([number])[0]
    assert type(back) is float
    assert math.isnan(back) if math.isnan(number) else back == number


def test_tuple_and_list_stay_distinct():
    back = round_trip(([1, 2], (1, 2)))
    assert type(back) is tuple
    assert type(back[0]) is list and type(back[1]) is tuple


def test_nested_structure_with_arrays():
    rng = np.random.default_rng(RNG_SEED)
    w, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    value = {"params": {"w": w, "b": b}, "shapes": [(4, 3), (3,)], "step": np.int64(5)}
    back = round_trip(value)
    np.testing.assert_array_equal(back["params"]["w"], w)
    np.testing.assert_array_equal(back["params"]["b"], b)
    assert back["shapes"] == [(4, 3), (3,)]
    assert type(back["step"]) is np.int64 and back["step"] == 5


def test_a_dict_that_looks_like_a_tag_stays_a_dict():
    value = {"t": "nd", "i": 0}
    assert round_trip(value) == value


def test_same_array_twice_gives_two_independent_arrays():
    x = np.arange(3.0)
    first, second = round_trip([x, x])
    first[0] = 99.0
    assert second[0] == 0.0


def test_write_and_read_frame_round_trip():
    blobs = [b"", b"\x00\x01\x02", bytes(range(256))]
    stream = io.BytesIO()
    wire.write_frame(stream, {"op": "call", "name": "mse"}, blobs)
    wire.write_frame(stream, {"op": "bye"}, [])
    stream.seek(0)
    assert wire.read_frame(stream) == ({"op": "call", "name": "mse", "blobs": 3}, blobs)
    assert wire.read_frame(stream) == ({"op": "bye", "blobs": 0}, [])
    with pytest.raises(EOFError):
        wire.read_frame(stream)


# --- what is refused on the sending side --------------------------------------------------

UNSENDABLE = {
    "object array": np.array([1, "a", None], dtype=object),
    "string array": np.array(["a", "bc"]),
    "bytes array": np.array([b"a"]),
    "complex array": np.ones(3, dtype=complex),
    "structured array": np.zeros(2, dtype=[("x", "f8"), ("y", "i4")]),
    "datetime array": np.array(["2024-01-01"], dtype="datetime64[D]"),
    "complex numpy scalar": np.complex128(1 + 2j),
    "python complex": 1 + 2j,
    "set": {1, 2},
    "bytes": b"raw",
    "dict with int keys": {1: "a"},
    "object in a list": [1, object()],
    "object array in a dict": {"x": np.array([None], dtype=object)},
}


@pytest.mark.parametrize("value", UNSENDABLE.values(), ids=UNSENDABLE.keys())
def test_non_data_values_are_unsendable(value):
    with pytest.raises(wire.Unsendable):
        wire.encode(value, [])


def test_too_deep_nesting_is_unsendable():
    value: list = []
    for _ in range(wire.MAX_DEPTH + 2):
        value = [value]
    with pytest.raises(wire.Unsendable, match="deeper"):
        wire.encode(value, [])


def test_nesting_at_the_limit_is_sendable():
    value: list = []
    for _ in range(wire.MAX_DEPTH):
        value = [value]
    assert round_trip(value) == value


def test_to_handle_is_asked_only_for_non_data():
    seen = []

    def to_handle(obj):
        seen.append(obj)
        return {"t": "handle", "id": 1, "gen": 0, "type": type(obj).__name__}

    marker = object()
    encoded = wire.encode([1.0, np.zeros(2), marker], [], to_handle)
    assert seen == [marker]
    assert encoded[2]["t"] == "handle"


# --- what is refused on the receiving side -------------------------------------------------


def test_pickled_object_array_blob_is_rejected_without_unpickling():
    blob = npy(np.array([{"evil": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError, match="not a plain .npy"):
        wire.array_from_bytes(blob)


REJECTED_DTYPES = {
    "unicode": np.array(["ab", "c"]),
    "bytes": np.array([b"ab"]),
    "complex": np.array([1 + 1j]),
    "structured": np.zeros(3, dtype=[("a", "f8"), ("b", "i2")]),
    "timedelta": np.array([1, 2], dtype="timedelta64[s]"),
}


@pytest.mark.parametrize("array", REJECTED_DTYPES.values(), ids=REJECTED_DTYPES.keys())
def test_blob_of_a_non_numeric_dtype_is_rejected(array):
    with pytest.raises(wire.WireError, match="not allowed"):
        wire.array_from_bytes(npy(array))


@pytest.mark.parametrize("blob", [b"", b"not numpy at all", npy(np.arange(10.0))[:-8]],
                         ids=["empty", "garbage", "truncated npy"])
def test_blob_that_is_not_npy_is_rejected(blob):
    with pytest.raises(wire.WireError):
        wire.array_from_bytes(blob)


def _one_frame() -> bytes:
    stream = io.BytesIO()
    wire.write_frame(stream, {"op": "x"}, [npy(np.arange(4.0))])
    return stream.getvalue()


FRAME = _one_frame()


@pytest.mark.parametrize("cut", [0, 3, wire.LENGTH.size + 2, len(FRAME) - 1],
                         ids=["empty", "in the length", "in the header", "in the blob"])
def test_truncated_stream_is_eof(cut):
    with pytest.raises(EOFError):
        wire.read_frame(io.BytesIO(FRAME[:cut]))


MALFORMED_FRAMES = {
    "header not utf-8": (b"\xff\xfe\xfd", "not JSON"),
    "header not json": (b"{op: call", "not JSON"),
    "header a list": (b"[1, 2]", "blob count"),
    "no blob count": (b'{"op": "x"}', "blob count"),
    "blob count a string": (b'{"blobs": "3"}', "blob count"),
    "negative blob count": (b'{"blobs": -1}', "out of range"),
    "too many blobs": (json.dumps({"blobs": wire.MAX_BLOBS + 1}).encode(), "out of range"),
}


@pytest.mark.parametrize(("raw", "words"), MALFORMED_FRAMES.values(),
                         ids=MALFORMED_FRAMES.keys())
def test_malformed_header_is_a_wire_error(raw, words):
    with pytest.raises(wire.WireError, match=words):
        wire.read_frame(frame_bytes(raw))


def test_header_too_large_is_refused_before_reading_it():
    stream = io.BytesIO(wire.LENGTH.pack(wire.MAX_HEADER_BYTES + 1))  # no header follows
    with pytest.raises(wire.WireError, match="exceeds"):
        wire.read_frame(stream)


def test_blob_too_large_is_refused_before_reading_it():
    stream = frame_bytes(b'{"blobs": 1}')
    stream.seek(0, io.SEEK_END)
    stream.write(wire.LENGTH.pack(wire.MAX_BLOB_BYTES + 1))  # no blob follows
    stream.seek(0)
    with pytest.raises(wire.WireError, match="exceeds"):
        wire.read_frame(stream)


ONE_BLOB = [npy(np.arange(3.0))]
BAD_VALUES = {
    "index past the blobs": ({"t": "nd", "i": 1}, "out of range"),
    "negative index": ({"t": "nd", "i": -1}, "out of range"),
    "index a string": ({"t": "nd", "i": "0"}, "out of range"),
    "index a bool": ({"t": "np", "i": True}, "out of range"),
    "index missing": ({"t": "np"}, "out of range"),
    "unknown tag": ({"t": "pickle", "v": "..."}, "unknown"),
    "untagged object": ({"x": 1}, "unknown"),
    "tuple without a list": ({"t": "tuple", "v": "ab"}, "unknown"),
    "dict without an object": ({"t": "dict", "v": [1]}, "unknown"),
    "tag nested in a list": ([1, {"t": "eval", "v": "1+1"}], "unknown"),
}


@pytest.mark.parametrize(("value", "words"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_tagged_value_is_a_wire_error(value, words):
    with pytest.raises(wire.WireError, match=words):
        wire.decode(value, ONE_BLOB, _no_handles)


def test_bad_blob_behind_a_good_tag_is_a_wire_error():
    blobs = [npy(np.array([None], dtype=object), allow_pickle=True)]
    with pytest.raises(wire.WireError):
        wire.decode({"t": "nd", "i": 0}, blobs, _no_handles)


def test_too_deep_nesting_is_a_wire_error():
    value: list | dict = [1]
    for _ in range(wire.MAX_DEPTH + 1):
        value = {"t": "tuple", "v": [value]}
    with pytest.raises(wire.WireError, match="deeper"):
        wire.decode(value, [], _no_handles)


def test_handle_tag_goes_to_from_handle():
    tag = {"t": "handle", "id": 3, "gen": 1, "type": "Adam", "callable": False, "params": []}
    assert wire.decode([tag], [], lambda t: ("local", t["id"])) == [("local", 3)]


# --- the fast .npy reader --------------------------------------------------------------------


@pytest.mark.parametrize("array", [
    np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    np.arange(6, dtype=">i4").reshape(2, 3),
    np.array(True),
    np.zeros((0, 3), dtype=np.uint8),
    np.arange(5, dtype=np.float32),
], ids=["fortran", "big-endian", "0-d bool", "empty", "float32"])
def test_fast_reader_matches_np_load(array):
    blob = wire.array_to_bytes(array)
    assert wire._fast_npy(blob) is not None
    back = wire.array_from_bytes(blob)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array) and back.flags.writeable


def test_fast_reader_refuses_data_of_the_wrong_length():
    blob = wire.array_to_bytes(np.arange(6.0))
    with pytest.raises(wire.WireError, match="does not fit"):
        wire.array_from_bytes(blob[:-8])


def test_object_header_is_never_read_by_the_fast_path():
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()]), allow_pickle=True)
    assert wire._fast_npy(buffer.getvalue()) is None
    with pytest.raises(wire.WireError):
        wire.array_from_bytes(buffer.getvalue())
