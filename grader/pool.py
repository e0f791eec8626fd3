"""The batch's pool of grading processes: trusted processes, each grading one submission at
a time with `runner.grade` (which starts the submission's untrusted worker).

A few lines over multiprocessing pipes rather than concurrent.futures.ProcessPoolExecutor,
for two reasons: the pool knows which submission a dead process held (BrokenProcessPool
fails every pending future alike), and it replaces processes itself after TASKS_PER_PROCESS
submissions (max_tasks_per_child can deadlock the executor on Python 3.11 to 3.13, CPython
issue 115634). Where the platform has it, processes fork from a forkserver that has imported
the grader, pytest and NumPy once, with one BLAS thread.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from multiprocessing.connection import wait
from pathlib import Path

from grader.catalog import Exercise
from grader.failures import GraderError
from grader.runner import environment, grade

TASKS_PER_PROCESS = 50  # a pool process is replaced after this many, to bound its memory
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STOP_SECONDS = 5.0  # how long a pool process may take to stop before it is killed


@dataclass(frozen=True)
class Task:
    """One submission sent to a pool process."""

    student: str
    exercise: Exercise
    path: Path
    source: str
    content_hash: str
    checks_hash: str
    notes: tuple[str, ...]  # rendered in the batch's language
    lang: str
    isolation: str


def grade_task(task: Task, grader: Callable = grade) -> dict:
    """Grade one task in a pool process: {"result": ...} or {"error": ...}, and its time."""
    started = time.perf_counter()
    try:
        result = grader(task.exercise, task.path, hidden=True, lang=task.lang,
                        isolation=task.isolation)
        reply = {"result": asdict(result)}
    except GraderError as exc:
        reply = {"error": str(exc)}
    except Exception as exc:  # a grader bug on one submission must not end the batch
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    reply["seconds"] = time.perf_counter() - started
    return reply


_stopping = False  # set in a pool process told to stop (SIGTERM) while grading


def _stop_on_sigterm(signum, frame) -> None:
    """In a pool process: end the grading at hand the way Ctrl-C ends pytest, which closes
    the sandbox (killing the submission's worker), then exit without replying."""
    global _stopping
    _stopping = True
    raise KeyboardInterrupt


def _serve(conn, setup: dict) -> None:
    """A pool process: grade each task received until told to stop (None, or SIGTERM) or
    orphaned (the pipe closes)."""
    os.environ.clear()
    os.environ.update(setup["env"])
    tempfile.tempdir = None
    sys.path[:] = setup["path"]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    module, _, name = setup["grader"].partition(":")
    grader = getattr(importlib.import_module(module), name)
    try:
        while (task := conn.recv()) is not None:
            reply = grade_task(task, grader)
            if _stopping:
                return
            conn.send(reply)
    except (EOFError, OSError, KeyboardInterrupt):
        return


def _context():
    """forkserver where it exists: pool processes fork from a server that has imported the
    grader, pytest and NumPy once; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["grader.pool"])
        return context
    return multiprocessing.get_context("spawn")


def _exit_description(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"its process exited with code {code}"


class _Slot:
    """One pool process, and the task it is grading."""

    def __init__(self, context, setup: dict):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, setup), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.done = 0

    def give(self, task: Task) -> None:
        self.task = task
        self.conn.send(task)

    def collect(self) -> tuple[Task, dict]:
        """The reply to the task, or {"crashed": how} when the process died."""
        task, self.task = self.task, None
        self.done += 1
        try:
            if self.conn.poll():
                return task, self.conn.recv()
        except Exception:  # EOF, or half a message from a process that died sending it
            pass
        self.process.join(STOP_SECONDS)
        return task, {"crashed": _exit_description(self.process.exitcode)}

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.terminate()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Pool:
    """`size` grading processes fed from a queue; see the module docstring."""

    def __init__(self, size: int, grader: Callable = grade):
        self.context = _context()
        self.setup = {"env": {**os.environ, **ONE_THREAD}, "path": list(sys.path),
                      "grader": f"{grader.__module__}:{grader.__qualname__}"}
        self.slots = [self._new_slot() for _ in range(size)]

    def _new_slot(self) -> _Slot:
        with environment(ONE_THREAD):  # a forkserver or spawned child imports NumPy with them
            return _Slot(self.context, self.setup)

    def _replace(self, slot: _Slot, kill: bool) -> _Slot:
        slot.stop(kill=kill)
        new = self.slots[self.slots.index(slot)] = self._new_slot()
        return new

    def _give(self, slot: _Slot, task: Task) -> None:
        try:
            slot.give(task)
        except OSError:  # the process died while idle (the OOM killer, say): a new one
            self._replace(slot, kill=True).give(task)

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[Task, dict]]:
        """(task, reply) as each finishes, in the order they finish."""
        queue = deque(tasks)
        while True:
            for slot in list(self.slots):
                if slot.task is None and queue:
                    if slot.done >= TASKS_PER_PROCESS:
                        slot = self._replace(slot, kill=False)
                    self._give(slot, queue.popleft())
            busy = [slot for slot in self.slots if slot.task is not None]
            if not busy:
                return
            ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy]))
            for slot in busy:
                if slot.conn in ready or slot.process.sentinel in ready:
                    task, reply = slot.collect()
                    if "crashed" in reply or not slot.alive:
                        self._replace(slot, kill=True)
                    yield task, reply

    def close(self, kill: bool = False) -> None:
        for slot in self.slots:
            slot.stop(kill=kill)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(kill=kind is not None)
