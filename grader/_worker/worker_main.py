"""The untrusted worker: imports one submission and answers calls on it, as data only.

Started by grader.sandbox as `python -I worker_main.py CONFIG_JSON` in a private copy of the
submission. It takes over stdin/stdout for the protocol (grader._worker.wire), points the
process's own fds 0-2 at the null device, sets its resource limits, imports the student's
module with output captured, says hello, then serves requests until told to exit:

    {"op": "getattr", "target": id, "name": str}
    {"op": "call", "target": id, "args": [...], "kwargs": {...}}
    {"op": "exit"}

Replies are {"ok": value, ...} or {"error": {"kind", "type", "message", "traceback"}, ...},
each with the captured "output" of that request and, when there were any since the last
reply, the "attempts" the audit hook recorded (files outside the submission, network,
processes: see Auditor). Objects that are not plain data stay here in a handle table.
Nothing in this process is trusted: the grader validates every reply.
"""

import _thread
import inspect
import io
import json
import os
import site
import sys
import time
import traceback
import warnings

WORKER_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, WORKER_DIR)
import wire  # noqa: E402  (the path above makes the sibling module importable)

sys.path.remove(WORKER_DIR)
import numpy as np  # noqa: E402

MAX_WARNINGS = 10  # per call
MAX_ATTEMPTS = 20  # distinct attempts reported per worker; the rest are only counted
MAX_DETAIL = 200  # characters of a path or address in a report


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first `cap` characters written and counts the rest."""

    def __init__(self, cap: int):
        self.cap, self.parts, self.kept, self.total = cap, [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        self.total += len(text)
        if self.kept < self.cap:
            piece = text[: self.cap - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def take(self) -> tuple[str, int]:
        text, total = "".join(self.parts), self.total
        self.parts, self.kept, self.total = [], 0, 0
        return text, total


class ImportBlocker:
    """Refuses imports of the grader's own packages (a guard, not a security boundary)."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.names:
            raise ImportError(f"the module {name!r} is not available to submissions")
        return None


def take_protocol_streams():
    """Duplicate stdin/stdout for the protocol, then point fds 0, 1, 2 at the null device."""
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    proto_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    return proto_in, proto_out


def apply_limits(limits: dict) -> None:
    """Resource limits, where the platform has them (not on Windows)."""
    try:
        import resource
    except ImportError:
        return
    table = {
        "memory_bytes": getattr(resource, "RLIMIT_AS", None),
        "cpu_seconds": resource.RLIMIT_CPU,
        "file_bytes": resource.RLIMIT_FSIZE,
        "open_files": resource.RLIMIT_NOFILE,
    }
    for key, which in table.items():
        if which is not None and limits.get(key):
            try:
                resource.setrlimit(which, (limits[key], limits[key]))
            except (ValueError, OSError):
                pass  # a hard limit already lower than ours: keep the lower one


def die_with_parent(parent: int | None) -> None:
    """Linux: be killed when the grader process that started us dies, so an endless loop
    outlives no killed batch (the process-group kill needs a living grader to send it).
    A guard, not a boundary: the submission could undo it. Under bubblewrap, bwrap's
    --die-with-parent does this and `parent` is None."""
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the grader died before prctl took effect
        os._exit(0)


def confine(config: dict) -> None:
    """Under bubblewrap only (grader.bubblewrap): the process limit, then the worker's own uid.

    RLIMIT_NPROC counts every process and thread of a uid, so it is set only here, inside a
    sandbox of its own, never for the grader's user (DESIGN.md). The kernel ignores it for
    uid 0, so a worker started as root switches to the unused uid it was given; bwrap left
    it CAP_SETUID and CAP_SETGID for that, and the switch drops every capability.
    """
    if config.get("processes"):
        import resource

        resource.setrlimit(resource.RLIMIT_NPROC, (config["processes"], config["processes"]))
    uid = config.get("uid")
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)


def under(path: str, folders: tuple[str, ...]) -> bool:
    """Whether `path` is one of `folders` or inside one (both absolute and normalised)."""
    return any(path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
               for folder in folders)


def address(value) -> str:
    """A socket address as host:port where it is one."""
    if isinstance(value, tuple) and len(value) >= 2:
        return f"{value[0]}:{value[1]}"
    return str(value)


class Auditor:
    """An audit hook that records what the submission tries beyond its own folder: reading or
    writing files outside the submission, its temporary folder and the Python installation,
    listing such folders, the network, and starting processes.

    A report, not a boundary: it sees what Python code does through the standard library, not
    what C code does, and the worker runs the submission in this very process, so the
    submission can fool the report (it cannot remove the hook: sys.addaudithook has no
    inverse). The boundary is bubblewrap in batch mode; there the attempt also fails.
    Reading the environment is fine and not recorded.
    """

    WATCHED = frozenset({
        "open", "os.listdir", "os.scandir", "os.symlink", "os.link",
        "socket.__new__", "socket.connect", "socket.bind", "socket.sendto",
        "socket.getaddrinfo", "socket.gethostbyname",
        "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
        "os.fork", "os.forkpty"})
    SENDS = {"socket.connect": "connect to", "socket.bind": "bind to", "socket.sendto": "send to"}
    WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")

    def __init__(self, root: str, home: str, protected=(), trusted=()):
        import numpy

        installation = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                        os.path.dirname(os.__file__),  # the standard library
                        os.path.dirname(os.path.dirname(numpy.__file__))}
        installation.update(getattr(site, "getsitepackages", list)())
        installation.update(trusted)  # the reference package, when the reference is graded
        writable = {root, home}
        self.own = self._folders([WORKER_DIR])  # the worker's files (tracebacks read them)
        self.readable = self._folders(installation | writable) + self.DEVICES
        self.writable = self._folders(writable) + self.DEVICES
        self.protected = self._folders(protected)  # the grader's packages, wherever installed
        self.attempts: list[list[str]] = []  # not yet sent
        self.seen: set[tuple[str, str]] = set()
        self.dropped = 0
        self.busy: set[int] = set()  # threads inside the hook (its own calls are not audited)

    @staticmethod
    def _folders(paths) -> tuple[str, ...]:
        folders = set()
        for path in paths:
            path = os.path.abspath(path)
            folders.update({path, os.path.realpath(path)})
        return tuple(sorted(folders))

    def __call__(self, event: str, args: tuple) -> None:
        if event not in self.WATCHED:  # the cheap test every audited operation pays
            return
        thread = _thread.get_ident()
        if thread in self.busy:
            return
        self.busy.add(thread)
        try:
            self.inspect(event, args)
        except Exception:  # a report must never break the submission
            pass
        finally:
            self.busy.discard(thread)

    def inspect(self, event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            write = (any(c in mode for c in "wax+") if isinstance(mode, str)
                     else bool(flags & self.WRITE_FLAGS))
            self.check_path("write" if write else "read", path)
        elif event in ("os.listdir", "os.scandir"):
            self.check_path("list", "." if args[0] is None else args[0])
        elif event in ("os.symlink", "os.link"):
            self.check_path("read", args[0])  # a link to a file is a way to read it
        elif event == "socket.__new__":
            socket = sys.modules.get("socket")
            family = socket.AddressFamily(args[1]).name if socket else args[1]
            self.record("network", f"socket {family}")
        elif event in self.SENDS:
            self.record("network", f"{self.SENDS[event]} {address(args[-1])}")
        elif event.startswith("socket."):
            self.record("network", f"look up {args[0]}")
        else:
            self.record("process", self.process_detail(event, args))

    @staticmethod
    def process_detail(event: str, args: tuple) -> str:
        if event in ("os.fork", "os.forkpty"):
            return event[3:]
        command = {"subprocess.Popen": 1, "os.system": 0, "os.exec": 1, "os.posix_spawn": 1,
                   "os.spawn": 2}[event]
        value = args[command]
        if isinstance(value, bytes):
            value = os.fsdecode(value)
        if isinstance(value, (list, tuple)):
            value = " ".join(os.fsdecode(v) if isinstance(v, bytes) else str(v) for v in value)
        return str(value)

    def check_path(self, kind: str, path) -> None:
        if isinstance(path, int) or path is None:
            return  # an open file descriptor: its opening was checked
        path = os.path.abspath(os.fsdecode(path))
        if under(path, self.own):
            return
        allowed = self.writable if kind == "write" else self.readable
        if self.allowed(path, allowed) or self.allowed(os.path.realpath(path), allowed):
            return
        self.record(kind, path)

    def allowed(self, path: str, folders: tuple[str, ...]) -> bool:
        return under(path, folders) and not under(path, self.protected)

    def record(self, kind: str, detail: str) -> None:
        key = (kind, detail[:MAX_DETAIL])
        if key in self.seen:
            return
        if len(self.seen) >= MAX_ATTEMPTS:
            self.dropped += 1
            return
        self.seen.add(key)
        self.attempts.append(list(key))

    def drain(self) -> dict:
        """The attempts not yet sent, for the next reply's header."""
        if not self.attempts and not self.dropped:
            return {}
        report = {"attempts": self.attempts, "attempts_dropped": self.dropped}
        self.attempts, self.dropped = [], 0
        return report


DISPLAY_NAMES: dict[str, str] = {}  # the copy's file name -> the name the student knows


def student_traceback(exc: BaseException, root: str) -> list[str]:
    """The frames of the traceback that are in the student's files, formatted."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    lines = []
    for frame in frames[-6:]:
        name = os.path.relpath(frame.filename, root)
        lines.append(f'File "{DISPLAY_NAMES.get(name, name)}", line {frame.lineno}, '
                     f"in {frame.name}")
        if frame.line:
            lines.append(f"    {frame.line}")
    return lines


def describe_error(exc: BaseException, root: str, kind: str | None = None) -> dict:
    if kind is None:
        kind = {NotImplementedError: "not_implemented", SystemExit: "exit"}.get(
            type(exc), "exception")
    message = str(exc)
    if isinstance(exc, SyntaxError):
        name = os.path.basename(exc.filename or "?")
        message = f"{exc.msg} ({DISPLAY_NAMES.get(name, name)}, line {exc.lineno})"
        if exc.text:
            message += f"\n    {exc.text.rstrip()}"
    return {"kind": kind, "type": type(exc).__name__, "message": message[:4000],
            "traceback": student_traceback(exc, root)}


_PARAMETERS: dict[int, tuple[object, list[str]]] = {}


def parameter_names(obj) -> list[str]:
    """The names of a callable's parameters (cached: asked on every call)."""
    cached = _PARAMETERS.get(id(obj))
    if cached is not None and cached[0] is obj:
        return cached[1]
    try:
        names = list(inspect.signature(obj).parameters)[:32]
    except (TypeError, ValueError):
        names = []
    _PARAMETERS[id(obj)] = (obj, names)
    return names


def snapshot_arrays(value, path, out):
    """Copies of every array inside an argument, to detect in-place changes after a call."""
    if isinstance(value, np.ndarray):
        out.append((path, value, value.copy()))
    elif type(value) in (list, tuple):
        for i, item in enumerate(value):
            snapshot_arrays(item, f"{path}[{i}]", out)
    elif type(value) is dict:
        for key, item in value.items():
            snapshot_arrays(item, f"{path}[{key!r}]", out)


def changed(array, copy) -> bool:
    if array.shape != copy.shape or array.dtype != copy.dtype:
        return True
    return not np.array_equal(array, copy, equal_nan=array.dtype.kind == "f")


class Worker:
    """Serves one submission module over the protocol streams."""

    def __init__(self, config: dict, proto_in, proto_out):
        self.config, self.proto_in, self.proto_out = config, proto_in, proto_out
        self.root = os.path.abspath(config["workdir"])
        self.generation = config["generation"]
        self.objects, self.ids = {}, {}  # handle id -> object; id(object) -> handle id
        self.capture = CappedWriter(config["output_chars"])
        self.auditor = None  # installed just before the submission is imported

    # -- handles --
    def handle_for(self, obj) -> dict:
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = len(self.objects)
            self.objects[self.ids[key]] = obj
        return {"t": "handle", "id": self.ids[key], "gen": self.generation,
                "type": type(obj).__name__[:64], "callable": callable(obj),
                "params": parameter_names(obj) if callable(obj) else []}

    def object_for(self, tag: dict):
        if tag.get("gen") != self.generation or tag.get("id") not in self.objects:
            raise wire.WireError(f"unknown handle {tag.get('id')!r}")
        return self.objects[tag["id"]]

    # -- replies --
    def send(self, reply: dict, blobs=()) -> None:
        output, total = self.capture.take()
        reply.update(output=output, output_total=total)
        if self.auditor is not None:
            reply.update(self.auditor.drain())
        wire.write_frame(self.proto_out, reply, list(blobs))

    def send_value(self, value, extra=None) -> None:
        blobs: list[bytes] = []
        try:
            encoded = wire.encode(value, blobs, self.handle_for)
        except (wire.Unsendable, ValueError) as exc:
            self.send({"error": {"kind": "bad_return", "type": type(value).__name__,
                                 "message": str(exc), "traceback": []}})
            return
        self.send(dict(extra or {}, ok=encoded), blobs)

    # -- the module --
    def import_submission(self) -> dict | None:
        import importlib.util

        name, path = self.config["module"], os.path.join(self.root, self.config["file"])
        sys.path.insert(0, self.root)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: B036  (a submission may raise anything)
            return describe_error(exc, self.root, kind="import")
        self.handle_for(module)  # handle 0 is the module
        return None

    # -- requests --
    def serve(self) -> None:
        while True:
            try:
                header, blobs = wire.read_frame(self.proto_in)
            except EOFError:
                return
            if header.get("op") == "exit":
                return
            self.answer(header, blobs)

    def answer(self, header: dict, blobs: list[bytes]) -> None:
        try:
            target = self.objects[header["target"]]
            if header["op"] == "getattr":
                self.reply_getattr(target, header["name"])
            elif header["op"] == "call":
                args = wire.decode(header["args"], blobs, self.object_for)
                kwargs = wire.decode(header["kwargs"], blobs, self.object_for)
                if type(args) is not list or type(kwargs) is not dict:
                    raise wire.WireError("a call needs a list of arguments and a dict")
                self.reply_call(target, args, kwargs)
            else:
                raise wire.WireError(f"unknown op {header.get('op')!r}")
        except (KeyError, TypeError, wire.WireError) as exc:
            self.send({"error": {"kind": "protocol", "type": type(exc).__name__,
                                 "message": str(exc), "traceback": []}})

    def reply_getattr(self, target, name: str) -> None:
        try:
            value = getattr(target, name)
        except AttributeError:
            self.send({"error": {"kind": "missing", "type": "AttributeError",
                                 "message": name, "traceback": []}})
            return
        except BaseException as exc:  # noqa: B036
            self.send({"error": describe_error(exc, self.root)})
            return
        self.send_value(value)

    def reply_call(self, target, args: list, kwargs: dict) -> None:
        snapshots = []
        names = parameter_names(target)
        for i, arg in enumerate(args):
            snapshot_arrays(arg, names[i] if i < len(names) else f"argument {i + 1}", snapshots)
        for key, arg in kwargs.items():
            snapshot_arrays(arg, key, snapshots)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # every call's warnings, not once per code line
            started = time.process_time()
            try:
                value = target(*args, **kwargs)
            except BaseException as exc:  # noqa: B036  (SystemExit, KeyboardInterrupt too)
                self.send({"error": describe_error(exc, self.root)})
                return
            cpu = time.process_time() - started  # CPU time: a loaded machine does not inflate it
        warned = self.report_warnings(caught)
        mutated = [path for path, array, copy in snapshots if changed(array, copy)]
        self.send_value(value, {"mutated": mutated, "warnings": warned, "cpu": cpu})

    def report_warnings(self, caught) -> list[str]:
        """Warnings as 'Category: message', also printed to the output as Python would."""
        warned = []
        for w in caught[:MAX_WARNINGS]:
            text = f"{w.category.__name__}: {w.message}"
            warned.append(text[:300])
            where = os.path.relpath(w.filename, self.root) if w.filename.startswith(self.root) \
                else os.path.basename(w.filename)
            self.capture.write(f"{where}:{w.lineno}: {text}\n")
        return warned


def main() -> None:
    config = json.loads(sys.argv[1])
    proto_in, proto_out = take_protocol_streams()
    worker = Worker(config, proto_in, proto_out)
    DISPLAY_NAMES[config["file"]] = config.get("display_name", config["file"])
    sys.stdout = sys.stderr = worker.capture
    sys.meta_path.insert(0, ImportBlocker(config["blocked_imports"]))
    os.chdir(worker.root)
    apply_limits(config["limits"])
    die_with_parent(config.get("parent"))
    confine(config)
    worker.auditor = Auditor(worker.root, config["home"], config.get("protected", ()),
                             config.get("trusted", ()))
    sys.addaudithook(worker.auditor)
    failure = worker.import_submission()
    worker.send({"hello": os.getpid(), "import_error": failure})
    if failure is None:
        worker.serve()
    proto_out.flush()
    os._exit(0)  # skip interpreter teardown: the submission may have left threads or atexit


if __name__ == "__main__":
    main()
