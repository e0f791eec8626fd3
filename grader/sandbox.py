"""Run a submission in an untrusted worker process and talk to it with data only.

One `Sandbox` per graded submission: a private temporary copy of the student's file, a
worker process started with `python -I` in a fresh environment and its own process group
(or process-group flag on Windows), resource limits set inside the worker where the
platform has them, and a wall-clock timeout per call after which the whole process group
is killed. The next request starts a new worker, so an endless loop costs one check.

With `isolation="bwrap"` (batch mode) the worker also runs under bubblewrap where it works
(grader.bubblewrap): only the Python installation and the submission visible, no network,
its own PID namespace. Either way the worker's audit hook reports what the submission
tried outside its folder (`Sandbox.attempts`); the grader adds those to the result's notes.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from grader import bubblewrap
from grader._worker import wire
from grader.failures import (
    CallTimedOut,
    ImportFailed,
    SubmissionFailure,
    WorkerCrashed,
    student_error,
)
from grader.i18n import msg

WORKER_SCRIPT = Path(__file__).parent / "_worker" / "worker_main.py"
POSIX = os.name == "posix"
READ_CHUNK = 1 << 20  # bytes read from the worker's pipe at a time
BLOCKED_IMPORTS = ("grader", "reference")  # the grader's packages are not the student's tools
ISOLATIONS = ("process", "bwrap")
PROCESS_LAYER = "process + resource limits" if POSIX else "process (timeouts only)"
BWRAP_LAYER = f"bubblewrap (no network, private filesystem) + {PROCESS_LAYER}"
ATTEMPT_KINDS = ("read", "write", "list", "network", "process")  # see worker_main.Auditor
MAX_ATTEMPTS = 20  # attempts kept per submission (the worker caps its report too)


@dataclass(frozen=True)
class Limits:
    """Per-submission limits. Memory is address space (RLIMIT_AS), so it includes NumPy's."""

    call_timeout: float = 10.0  # seconds of wall-clock time for one call
    start_timeout: float = 30.0  # starting Python, importing NumPy and the submission
    memory_mb: int = 2048
    cpu_seconds: int = 300  # for the worker's whole life; the wall-clock timeout is per call
    file_mb: int = 16
    open_files: int = 256
    processes: int = 64  # processes and threads, under bubblewrap only (DESIGN.md: NPROC)
    output_chars: int = 4000  # captured student output kept per call

    def for_worker(self) -> dict:
        return {"memory_bytes": self.memory_mb * 2**20, "cpu_seconds": self.cpu_seconds,
                "file_bytes": self.file_mb * 2**20, "open_files": self.open_files}


@dataclass
class Reply:
    """A validated reply: its header, decoded later by the caller, and the blobs."""

    header: dict
    blobs: list = field(default_factory=list)

    @property
    def output(self) -> str:
        text = self.header.get("output")
        return text if isinstance(text, str) else ""


def worker_environment(home: str) -> dict:
    """A fresh environment: nothing of the grader's, one BLAS thread (see DESIGN.md)."""
    env = {"HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PATH": os.defpath}
    for name in ("SYSTEMROOT", "WINDIR"):  # Windows cannot start Python without them
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class WorkerProcess:
    """One running worker and the frames it sends.

    On POSIX the trusted side reads the pipe itself with select() and a deadline, so a
    worker that stops in the middle of a frame still times out; elsewhere a reader thread
    feeds a queue (slower to wake, but Windows pipes cannot be select()ed).
    """

    def __init__(self, argv: list[str], workdir: str, env: dict, signal_codes: bool = False):
        self.signal_codes = signal_codes  # bwrap reports a signal death as exit 128 + signal
        flags = {"start_new_session": True} if POSIX else {
            "creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=workdir, env=env, **flags)
        self.buffer = bytearray()
        if not POSIX:
            self.frames: queue.Queue = queue.Queue()
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                self.frames.put(wire.read_frame(self.process.stdout))
            except (EOFError, OSError, ValueError):
                self.frames.put(EOFError())
                return
            except wire.WireError as exc:
                self.frames.put(exc)
                return

    def send(self, header: dict, blobs: list[bytes]) -> bool:
        try:
            wire.write_frame(self.process.stdin, header, blobs)
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def receive(self, timeout: float):
        """The next frame, EOFError / WireError if the worker died or misbehaved, or None
        if nothing complete arrived within `timeout` seconds."""
        if not POSIX:
            try:
                return self.frames.get(timeout=timeout)
            except queue.Empty:
                return None
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while True:
            try:
                frame = wire.parse_frame(self.buffer)
            except wire.WireError as exc:
                return exc
            if frame is not None:
                header, blobs, used = frame
                del self.buffer[:used]
                return header, blobs
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, READ_CHUNK)
            if not chunk:
                return EOFError()
            self.buffer += chunk

    def kill(self) -> None:
        """Kill the worker's whole process group (children included) and reap it."""
        if POSIX:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        else:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def exit_description(self) -> str:
        code = self.process.poll()
        if code is None:
            return "still running"
        if self.signal_codes and 128 < code < 128 + 65:
            code = 128 - code  # bwrap's 128 + signal, as Popen reports a signal: negative
        if code < 0 and POSIX:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"


class Sandbox:
    """A submission file graded in an untrusted worker; see the module docstring."""

    # what isolation was used, reported in the results: resource limits only where they exist;
    # an instance asked for bubblewrap says whether it got it
    layer = PROCESS_LAYER

    def __init__(self, source: Path, module: str, limits: Limits = Limits(),
                 blocked_imports: tuple[str, ...] = BLOCKED_IMPORTS,
                 display_name: str | None = None, isolation: str = "process"):
        if isolation not in ISOLATIONS:
            raise ValueError(f"isolation is one of {ISOLATIONS}, not {isolation!r}")
        self.source, self.module, self.limits = Path(source), module, limits
        self.isolation = isolation  # "process", or "bwrap" where bubblewrap is installed
        self.bwrap = isolation == "bwrap" and bubblewrap.problem() is None
        if self.bwrap:
            self.layer = BWRAP_LAYER
        elif isolation == "bwrap":
            self.layer = f"{PROCESS_LAYER} (bwrap not available)"
        self.attempts: list[tuple[str, str]] = []  # (kind, path or detail), reported by the worker
        self.attempts_dropped = 0
        self.display_name = display_name or self.source.name  # in tracebacks and messages
        self.blocked_imports = blocked_imports
        self.workdir = tempfile.mkdtemp(prefix="grade-")
        self.home = os.path.join(self.workdir, "home")
        os.mkdir(self.home)
        self.submission_dir = os.path.join(self.workdir, "submission")
        os.mkdir(self.submission_dir)
        shutil.copyfile(self.source, os.path.join(self.submission_dir, f"{module}.py"))
        self.uid = bubblewrap.sandbox_uid() if self.bwrap else None  # as root: the worker's
        if self.bwrap:  # the worker may run as a uid of its own: it reads, never writes, here
            os.chmod(self.submission_dir, 0o755)
            os.chmod(os.path.join(self.submission_dir, f"{module}.py"), 0o644)
        self.generation = 0
        self.worker: WorkerProcess | None = None
        self.start_failure: SubmissionFailure | None = None
        self.captured: list[str] = []  # student output of successful calls, drained per check

    # -- life cycle --
    def start(self) -> None:
        """Start a worker (non-blocking: the hello is awaited by the first request)."""
        self.generation += 1
        home = self.home  # under bubblewrap, an empty tmpfs at the same path
        # the grader's packages are the submission's to read only in a trusted run
        shown = tuple(n for n in bubblewrap.HIDDEN_PACKAGES if n not in self.blocked_imports)
        hidden = tuple(n for n in bubblewrap.HIDDEN_PACKAGES if n in self.blocked_imports)
        config = {"workdir": self.submission_dir, "file": f"{self.module}.py",
                  "display_name": self.display_name,
                  "module": self.module, "generation": self.generation,
                  "blocked_imports": list(self.blocked_imports),
                  "limits": self.limits.for_worker(), "output_chars": self.limits.output_chars,
                  "home": home, "protected": list(bubblewrap.package_folders(hidden)),
                  "trusted": list(bubblewrap.package_folders(shown))}
        script, env = str(WORKER_SCRIPT), worker_environment(home)
        if self.bwrap:
            config.update(processes=self.limits.processes, uid=self.uid)
            script = f"{bubblewrap.WORKER_MOUNT}/{WORKER_SCRIPT.name}"
        else:
            config["parent"] = os.getpid()  # the worker dies with us (bwrap: --die-with-parent)
        argv = [sys.executable, "-I", script, json.dumps(config)]
        if self.bwrap:
            argv = bubblewrap.command(argv, self.submission_dir, home, env, self.uid, shown)
        self.worker = WorkerProcess(argv, self.submission_dir, env, signal_codes=self.bwrap)
        self._hello_pending = True

    def _await_hello(self) -> None:
        """Wait for the worker's hello. A failed start (an error, a death or a timeout while
        importing the file) is kept: it is a property of the file, so every later request
        fails the same way at once instead of waiting for another start."""
        frame = self.worker.receive(self.limits.start_timeout)
        self._hello_pending = False
        if frame is None:
            self._discard()
            self._fail_start(CallTimedOut(msg("import_timeout",
                                              seconds=self.limits.start_timeout)))
        if isinstance(frame, Exception):
            try:  # the pipe closes a moment before the exit status is there to read
                self.worker.process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            description = self.worker.exit_description()
            self._discard()
            self._fail_start(ImportFailed(msg("worker_died_on_import", how=description)))
        header, _ = frame
        self._note_attempts(header)
        error = header.get("import_error")
        if isinstance(error, dict):
            self._fail_start(ImportFailed(
                msg("import_failed", file=self.display_name, type=error.get("type", "?"),
                    message=error.get("message", "")),
                "\n".join(str(line) for line in error.get("traceback", [])),
                output=str(header.get("output", ""))))

    def _fail_start(self, failure: SubmissionFailure) -> NoReturn:
        self.start_failure = failure
        self._raise_start_failure()

    def _raise_start_failure(self) -> NoReturn:
        """Raise a fresh copy of the kept start failure (same type, message and output)."""
        failure = self.start_failure
        raise type(failure)(*failure.parts, output=failure.output)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.send({"op": "exit"}, [])
            self._discard()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _discard(self) -> None:
        self.worker.kill()
        self.worker = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- requests --
    def request(self, header: dict, blobs: list[bytes], call: str) -> Reply:
        """Send one request and wait for its reply, restarting or reporting a dead worker."""
        if self.start_failure is not None:
            self._raise_start_failure()
        if self.worker is None:
            self.start()
        if self._hello_pending:
            self._await_hello()
        if not self.worker.send(header, blobs):
            return self._died(call)
        frame = self.worker.receive(self.limits.call_timeout)
        if frame is None:
            self._discard()
            raise CallTimedOut(msg("call_timeout", call=call, seconds=self.limits.call_timeout),
                               msg("hint_timeout"))
        if isinstance(frame, Exception):
            return self._died(call, frame)
        header, blobs = frame
        self._note_attempts(header)
        reply = Reply(header, blobs)
        if isinstance(header.get("error"), dict):
            raise student_error(call, header["error"], reply.output)
        if "ok" not in header:
            self._discard()
            raise WorkerCrashed(msg("protocol_error", call=call, detail="reply without a value"))
        return reply

    def _died(self, call: str, frame: Exception | None = None):
        """The worker closed the connection (it exited) or sent malformed data."""
        if isinstance(frame, wire.WireError):
            self._discard()
            raise WorkerCrashed(msg("protocol_error", call=call, detail=str(frame)))
        try:
            self.worker.process.wait(timeout=1)  # its exit status says how it died
        except subprocess.TimeoutExpired:
            pass
        how = self.worker.exit_description()
        self._discard()
        raise WorkerCrashed(msg("worker_died", call=call, how=how), msg("hint_worker_died"))

    def _note_attempts(self, header: dict) -> None:
        """Keep the attempts a reply reports (untrusted data: checked, deduplicated, capped)."""
        attempts = header.get("attempts")
        dropped = header.get("attempts_dropped")
        if type(dropped) is int and dropped > 0:
            self.attempts_dropped += min(dropped, 1_000_000)
        if type(attempts) is not list:
            return
        for item in attempts:
            if (type(item) is not list or len(item) != 2 or item[0] not in ATTEMPT_KINDS
                    or type(item[1]) is not str):
                continue
            attempt = (item[0], item[1][:200])
            if attempt in self.attempts:
                continue
            if len(self.attempts) >= MAX_ATTEMPTS:
                self.attempts_dropped += 1
            else:
                self.attempts.append(attempt)

    def attempt_notes(self) -> tuple[str, ...]:
        """The attempts as sentences for the student, in the current language."""
        notes = [msg(f"attempt_{kind}", detail=detail).render() for kind, detail in self.attempts]
        if self.attempts_dropped:
            notes.append(msg("attempts_dropped", count=self.attempts_dropped).render())
        return tuple(notes)

    def decode(self, reply: Reply, value, from_handle):
        """Decode a reply value; malformed data from the worker is the submission's failure."""
        try:
            return wire.decode(value, reply.blobs, from_handle)
        except wire.WireError as exc:
            self._discard()
            raise WorkerCrashed(msg("protocol_error", call="?", detail=str(exc))) from None

    def require_live(self, generation: int) -> None:
        """Objects of a worker that was stopped (timeout, crash) are gone with it."""
        if generation != self.generation or self.worker is None:
            raise WorkerCrashed(msg("stale_handle"))
