"""The data-only wire format between the trusted grader and the untrusted worker.

A frame is an 8-byte big-endian length, a UTF-8 JSON header, then `header["blobs"]` arrays,
each an 8-byte length and the bytes of NumPy's .npy format. Arrays are read back with
`allow_pickle=False`, so neither side ever unpickles anything the other wrote.

Values inside the header are plain JSON (None, bool, int, float, str, list) or tagged objects:
    {"t": "tuple", "v": [...]}          a tuple
    {"t": "dict", "v": {str: ...}}      a dict with string keys
    {"t": "nd", "i": k}                 the k-th array blob
    {"t": "np", "i": k}                 a NumPy scalar, sent as a 0-d array blob
    {"t": "handle", "id": n, "gen": g, "type": str, "callable": bool, "params": [str]}
                                        an object that stays in the worker
This module imports only the standard library and NumPy: the worker runs it in isolation.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct

import numpy as np

LENGTH = struct.Struct(">Q")
MAX_HEADER_BYTES = 8 * 1024 * 1024  # a header is structure only; 8 MiB is far beyond any check
MAX_BLOB_BYTES = 512 * 1024 * 1024  # one array; the worker's memory limit is lower anyway
MAX_BLOBS = 10_000
MAX_DEPTH = 32  # nesting of lists/tuples/dicts
ALLOWED_KINDS = frozenset("biuf")  # bool, signed and unsigned int, float


class WireError(Exception):
    """A frame or value that does not follow the protocol."""


class Unsendable(Exception):
    """A value that cannot cross as data (for example an array of Python objects)."""


# --- framing -------------------------------------------------------------------------------


def write_frame(stream, header: dict, blobs: list[bytes]) -> None:
    """Write one frame (header and blobs) and flush."""
    header = dict(header, blobs=len(blobs))
    raw = json.dumps(header, allow_nan=True).encode("utf-8")
    parts = [LENGTH.pack(len(raw)), raw]
    for blob in blobs:
        parts += [LENGTH.pack(len(blob)), blob]
    stream.write(b"".join(parts))
    stream.flush()


def _read_exact(stream, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("stream closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream) -> tuple[dict, list[bytes]]:
    """Read one frame; raises EOFError at end of stream and WireError on a malformed one."""
    (size,) = LENGTH.unpack(_read_exact(stream, LENGTH.size))
    header = _parse_header(size, _read_exact(stream, _check_header_size(size)))
    blobs = []
    for _ in range(header["blobs"]):
        (length,) = LENGTH.unpack(_read_exact(stream, LENGTH.size))
        blobs.append(_read_exact(stream, _check_blob_size(length)))
    return header, blobs


def parse_frame(buffer: bytes | bytearray) -> tuple[dict, list[bytes], int] | None:
    """The first frame in `buffer` as (header, blobs, bytes used), or None if incomplete."""
    if len(buffer) < LENGTH.size:
        return None
    (size,) = LENGTH.unpack_from(buffer, 0)
    end = LENGTH.size + _check_header_size(size)
    if len(buffer) < end:
        return None
    header = _parse_header(size, bytes(buffer[LENGTH.size:end]))
    blobs = []
    for _ in range(header["blobs"]):
        if len(buffer) < end + LENGTH.size:
            return None
        (length,) = LENGTH.unpack_from(buffer, end)
        start, end = end + LENGTH.size, end + LENGTH.size + _check_blob_size(length)
        if len(buffer) < end:
            return None
        blobs.append(bytes(buffer[start:end]))
    return header, blobs, end


def _check_header_size(size: int) -> int:
    if size > MAX_HEADER_BYTES:
        raise WireError(f"header of {size} bytes exceeds {MAX_HEADER_BYTES}")
    return size


def _check_blob_size(length: int) -> int:
    if length > MAX_BLOB_BYTES:
        raise WireError(f"array of {length} bytes exceeds {MAX_BLOB_BYTES}")
    return length


def _parse_header(size: int, raw: bytes) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"header is not JSON: {exc}") from None
    if not isinstance(header, dict) or type(header.get("blobs")) is not int:
        raise WireError("header is not an object with a blob count")
    if not 0 <= header["blobs"] <= MAX_BLOBS:
        raise WireError(f"blob count {header['blobs']} out of range")
    return header


# --- arrays --------------------------------------------------------------------------------


def array_to_bytes(array: np.ndarray) -> bytes:
    """Serialise a plain numeric array as .npy bytes; object arrays are refused."""
    array = np.asarray(array)  # drops ndarray subclasses
    if array.dtype.kind not in ALLOWED_KINDS:
        raise Unsendable(f"an array of dtype {array.dtype} (only bool, int and float arrays)")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


NPY_MAGIC = b"\x93NUMPY"
NPY_HEADER = re.compile(  # the header np.save writes for a plain numeric array, nothing else
    r"\{'descr': '([<>|=]?[biuf][0-9]{1,2})', 'fortran_order': (True|False), "
    r"'shape': \(((?:[0-9]+, ?)*[0-9]*)\), \}")


def array_from_bytes(blob: bytes) -> np.ndarray:
    """Read .npy bytes without pickle; only bool, int and float dtypes are accepted.

    The common header is parsed here (np.load's literal evaluator costs ~20 µs a call, and
    a gradient check makes hundreds of calls); anything else goes through
    np.load(allow_pickle=False) and the same dtype check.
    """
    array = _fast_npy(blob)
    if array is None:
        try:
            array = np.load(io.BytesIO(blob), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise WireError(f"not a plain .npy array: {exc}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in ALLOWED_KINDS:
        raise WireError(f"array of dtype {getattr(array, 'dtype', '?')} is not allowed")
    return array


def _fast_npy(blob: bytes) -> np.ndarray | None:
    """A version-1 .npy file with a plain numeric header, or None to leave it to np.load."""
    if blob[:6] != NPY_MAGIC or blob[6:7] != b"\x01" or len(blob) < 10:
        return None
    start = 10 + int.from_bytes(blob[8:10], "little")
    match = NPY_HEADER.fullmatch(blob[10:start].decode("latin-1").strip())
    if match is None:
        return None
    descr, fortran, dims = match.groups()
    dtype = np.dtype(descr)
    shape = tuple(int(d) for d in dims.split(",") if d.strip())
    if len(blob) - start != dtype.itemsize * math.prod(shape):
        raise WireError(f"array data of {len(blob) - start} bytes does not fit {descr} {shape}")
    flat = np.frombuffer(blob, dtype=dtype, offset=start)
    return flat.reshape(shape, order="F" if fortran == "True" else "C").copy()


# --- values --------------------------------------------------------------------------------


def encode(value, blobs: list[bytes], to_handle=None, depth: int = 0):
    """Turn a value into JSON-able structure, appending arrays to `blobs`.

    `to_handle(obj)` is called for anything that is not plain data; it returns the tagged
    handle dict, or raises Unsendable (the trusted side passes None: it sends data only).
    """
    if depth > MAX_DEPTH:
        raise Unsendable(f"a structure nested deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if isinstance(value, np.ndarray):
        blobs.append(array_to_bytes(value))
        return {"t": "nd", "i": len(blobs) - 1}
    if isinstance(value, np.generic):
        blobs.append(array_to_bytes(np.asarray(value)))
        return {"t": "np", "i": len(blobs) - 1}
    if kind is list:
        return [encode(v, blobs, to_handle, depth + 1) for v in value]
    if kind is tuple:
        return {"t": "tuple", "v": [encode(v, blobs, to_handle, depth + 1) for v in value]}
    if kind is dict and all(type(k) is str for k in value):
        items = {k: encode(v, blobs, to_handle, depth + 1) for k, v in value.items()}
        return {"t": "dict", "v": items}
    if to_handle is None:
        raise Unsendable(f"a value of type {kind.__name__}")
    return to_handle(value)


def decode(value, blobs: list[bytes], from_handle, depth: int = 0):
    """Inverse of `encode`; `from_handle(tag)` turns a handle tag into a local object."""
    if depth > MAX_DEPTH:
        raise WireError(f"structure nested deeper than {MAX_DEPTH} levels")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is list:
        return [decode(v, blobs, from_handle, depth + 1) for v in value]
    if type(value) is not dict:
        raise WireError(f"unexpected JSON value of type {type(value).__name__}")
    tag = value.get("t")
    if tag in ("nd", "np"):
        index = value.get("i")
        if type(index) is not int or not 0 <= index < len(blobs):
            raise WireError(f"array reference {index!r} out of range")
        array = array_from_bytes(blobs[index])
        return array if tag == "nd" else array[()]
    if tag == "tuple" and type(value.get("v")) is list:
        return tuple(decode(v, blobs, from_handle, depth + 1) for v in value["v"])
    if tag == "dict" and type(value.get("v")) is dict:
        return {str(k): decode(v, blobs, from_handle, depth + 1) for k, v in value["v"].items()}
    if tag == "handle":
        return from_handle(value)
    raise WireError(f"unknown tagged value {str(value)[:80]}")
