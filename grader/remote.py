"""Proxies for the student's objects: `submission.mse(y_pred, y_true)` runs in the worker.

Attribute access and calls are sent through the sandbox; plain data comes back as fresh
NumPy arrays and Python values owned by the trusted side, anything else as another `Remote`.
Each result is remembered with a description of the call that made it ("mse(y_pred (16, 3),
y_true (16, 3))"), so `assert_close` can tell the student what was called.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from grader._worker import wire
from grader.failures import GraderError, SubmissionFailure
from grader.i18n import msg
from grader.sandbox import Sandbox

CALL_LOG_SIZE = 64  # results remembered for messages; references are held so ids stay unique


class CallLog:
    """Remembers which call produced which result object, for failure messages."""

    def __init__(self):
        self.entries: OrderedDict[int, tuple[object, str]] = OrderedDict()
        self.warned: list[tuple[str, str]] = []  # (call, "RuntimeWarning: ...") in call order
        self.cpu_seconds = 0.0  # the worker's CPU time in the student's calls, summed

    def record(self, result, description: str, warned=()) -> None:
        self.entries[id(result)] = (result, description)
        self.warned += [(description, str(w)) for w in warned]
        while len(self.entries) > CALL_LOG_SIZE:
            self.entries.popitem(last=False)

    def describe(self, result) -> str | None:
        entry = self.entries.get(id(result))
        return entry[1] if entry and entry[0] is result else None


CALLS = CallLog()  # one grading session per process: the log its checks consult


def describe_value(value) -> str:
    """A short description for a call signature: shapes for arrays, values for scalars."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype} {tuple(value.shape)}" if value.dtype != np.float64 \
            else str(tuple(value.shape))
    if isinstance(value, Remote):
        return f"<{value._tag.get('type', 'object')}>"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def describe_call(name: str, params: list[str], args: tuple, kwargs: dict) -> str:
    parts = []
    for i, arg in enumerate(args):
        label = params[i] if i < len(params) else ""
        parts.append(f"{label} {describe_value(arg)}".strip() if isinstance(arg, np.ndarray)
                     else f"{label}={describe_value(arg)}" if label else describe_value(arg))
    parts += [f"{k}={describe_value(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


class Remote:
    """An object living in the worker: attributes and calls go through the sandbox."""

    def __init__(self, sandbox: Sandbox, log: CallLog, tag: dict, name: str):
        object.__setattr__(self, "_sandbox", sandbox)
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_tag", tag)
        object.__setattr__(self, "_name", name)

    def __repr__(self) -> str:
        return f"<student's {self._tag.get('type', 'object')} {self._name}>"

    def __setattr__(self, name, value):
        raise GraderError("student objects cannot be modified from a check")

    def _from_handle(self, name: str):
        def make(tag: dict) -> Remote:
            if not isinstance(tag.get("id"), int) or not isinstance(tag.get("gen"), int):
                raise wire.WireError("malformed handle")
            return Remote(self._sandbox, self._log, tag, name)
        return make

    def _to_handle(self, value) -> dict:
        if isinstance(value, Remote):
            self._sandbox.require_live(value._tag["gen"])
            return {k: value._tag[k] for k in ("t", "id", "gen")}
        raise wire.Unsendable(f"a value of type {type(value).__name__}")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        self._sandbox.require_live(self._tag["gen"])
        header = {"op": "getattr", "target": self._tag["id"], "name": name}
        label = name if self._tag["id"] == 0 else f"{self._name}.{name}"
        reply = self._sandbox.request(header, [], call=label)
        return self._sandbox.decode(reply, reply.header["ok"], self._from_handle(label))

    def __call__(self, *args, **kwargs):
        sandbox = self._sandbox
        sandbox.require_live(self._tag["gen"])
        params = [p for p in self._tag.get("params", []) if isinstance(p, str)]
        call = describe_call(self._name, params, args, kwargs)
        blobs: list[bytes] = []
        try:
            header = {"op": "call", "target": self._tag["id"],
                      "args": wire.encode(list(args), blobs, self._to_handle),
                      "kwargs": wire.encode(dict(kwargs), blobs, self._to_handle)}
        except wire.Unsendable as exc:
            raise GraderError(f"a check passed {exc} to {self._name}; checks send data") from None
        reply = sandbox.request(header, blobs, call=call)
        sandbox.captured.append(reply.output)
        mutated = reply.header.get("mutated") or []
        if mutated:
            names = ", ".join(str(m) for m in mutated[:4])
            raise SubmissionFailure(msg("mutated", call=call, names=names), msg("hint_mutated"))
        result = sandbox.decode(reply, reply.header["ok"], self._from_handle(f"{self._name}()"))
        warned = reply.header.get("warnings")
        self._log.record(result, call, warned if isinstance(warned, list) else ())
        cpu = reply.header.get("cpu")
        if isinstance(cpu, (int, float)) and cpu >= 0:
            self._log.cpu_seconds += cpu
        return result


class Submission(Remote):
    """The student's module. `submission.name` is fetched once per worker and cached."""

    def __init__(self, sandbox: Sandbox, log: CallLog | None = None):
        super().__init__(sandbox, log or CALLS, {"t": "handle", "id": 0, "gen": 0},
                         sandbox.module)
        object.__setattr__(self, "_cache", {})

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        sandbox = self._sandbox
        key = (name, sandbox.generation)
        if key not in self._cache or sandbox.worker is None:
            header = {"op": "getattr", "target": 0, "name": name}
            reply = sandbox.request(header, [], call=name)  # (re)starts the worker if needed
            value = sandbox.decode(reply, reply.header["ok"], self._from_handle(name))
            if not isinstance(value, Remote):
                return value  # plain data (a constant): never cached, always fresh
            self._cache[(name, sandbox.generation)] = value
        return self._cache[(name, sandbox.generation)]
