"""The untrusted worker driven directly: handles, warnings, output, mutation, restarts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from grader.failures import CallTimedOut, SubmissionFailure, WorkerCrashed
from grader.remote import Remote, Submission
from grader.sandbox import Limits, Sandbox

SOURCE = """
import numpy as np

SCALE = 3

class Adder:
    def __init__(self, start):
        self.total = start
    def add(self, k):
        self.total += k
        return self.total

def make(start):
    return Adder(start)

def overflow(x):
    return np.exp(x)

def chatty(x):
    print("seen", x.shape)
    return x + 1

def mutate_nested(pair):
    pair[1][0] = 99.0
    return 0.0

def spin():
    while True:
        pass

def echo(value):
    return value

def sleep_then_spin(sleep, spin):
    import time
    time.sleep(sleep)
    end = time.process_time() + spin
    while time.process_time() < end:
        pass
"""


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(SOURCE))
    sandbox = Sandbox(path, "student", Limits(call_timeout=1.0))
    yield Submission(sandbox)
    sandbox.close()


def test_objects_stay_in_the_worker_and_answer_method_calls(student):
    adder = student.make(5)
    assert isinstance(adder, Remote)
    assert adder.add(2) == 7 and adder.add(3) == 10
    assert adder.total == 10  # attribute reads come back as data
    assert student.SCALE == 3


@pytest.mark.parametrize("value", [
    (1, 2.5, "text", None, True),
    {"a": [1, 2], "b": (3.0,)},
    np.arange(6, dtype=np.int32).reshape(2, 3),
])
def test_plain_data_round_trips_through_the_student(student, value):
    back = student.echo(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    else:
        assert back == value


def test_every_call_reports_its_warnings_not_only_the_first(student):
    from grader.checks import warnings_during

    for _ in range(2):
        _, warned = warnings_during(lambda: student.overflow(np.array([1000.0])))
        assert warned == ["RuntimeWarning: overflow encountered in exp"]


def test_output_is_captured_per_call(student):
    student.chatty(np.zeros((2, 3)))
    assert student._sandbox.captured[-1] == "seen (2, 3)\n"


def test_mutating_a_nested_array_is_reported(student):
    with pytest.raises(SubmissionFailure, match=r"changed its input pair\[1\]"):
        student.mutate_nested([np.zeros(2), np.zeros(2)])


def test_a_timeout_kills_the_worker_and_its_objects_are_gone(student):
    adder = student.make(1)
    with pytest.raises(CallTimedOut):
        student.spin()
    with pytest.raises(WorkerCrashed, match="lost"):
        adder.add(1)
    assert student.make(1).add(1) == 2  # a new worker serves the next call


def test_checks_can_only_send_data(student):
    from grader.failures import GraderError

    with pytest.raises(GraderError, match="checks send data"):
        student.echo(object())


GRADER_THAT_DIES = """
import sys, textwrap
from pathlib import Path
from grader.remote import Submission
from grader.sandbox import Limits, Sandbox

path = Path(sys.argv[1])
path.write_text("def spin():\\n    while True:\\n        pass\\n")
sandbox = Sandbox(path, "student", Limits(call_timeout=120.0))
sandbox.start()
print(sandbox.worker.process.pid, flush=True)
Submission(sandbox).spin()
"""


def _alive(pid: int) -> bool:
    """Running or sleeping; a zombie (dead, not yet reaped) counts as dead."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_in_an_endless_loop_dies_with_a_killed_grader(tmp_path):
    with subprocess.Popen([sys.executable, "-c", GRADER_THAT_DIES, str(tmp_path / "s.py")],
                          stdout=subprocess.PIPE, text=True) as grader:
        worker = int(grader.stdout.readline())
        time.sleep(0.5)  # the worker is spinning in the call now
        assert _alive(worker)
        grader.kill()  # SIGKILL: no chance to kill the worker's process group
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)


@pytest.mark.parametrize(("source", "failure"), [
    ("import time\ntime.sleep(60)\n", CallTimedOut),
    ("import os\nos._exit(4)\n", SubmissionFailure),
    ("raise ValueError('at import')\n", SubmissionFailure),
], ids=["sleeps", "exits", "raises"])
def test_a_failed_start_is_kept_and_never_retried(tmp_path, source, failure):
    # a file that cannot be imported fails every request the same way, without another start:
    # a loop at import costs one start timeout, not one per check
    path = tmp_path / "student.py"
    path.write_text(source)
    with Sandbox(path, "student", Limits(start_timeout=1.0)) as sandbox:
        student = Submission(sandbox)
        messages = set()
        for _ in range(3):
            with pytest.raises(failure) as caught:
                student.anything(1)
            messages.add(str(caught.value))
        assert sandbox.generation == 1 and len(messages) == 1


def test_the_worker_reports_the_cpu_time_of_each_call_not_its_wall_time(student):
    from grader.checks import cpu_seconds

    slept = cpu_seconds(lambda: student.sleep_then_spin(0.3, 0.0))
    spun = cpu_seconds(lambda: student.sleep_then_spin(0.0, 0.1))
    assert slept < 0.05 and 0.1 <= spun < 0.3, (slept, spun)
