"""Batch mode's isolation: under bubblewrap a submission cannot read the reference, the hidden
checks, another student's files or the gradebook, nor reach the network, nor outlive or starve
its worker; without bubblewrap the same attempts are at least reported in the result's notes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import textwrap
import time
import uuid

import pytest

from grader import bubblewrap
from grader.failures import WorkerCrashed
from grader.remote import Submission
from grader.sandbox import BWRAP_LAYER, Limits, Sandbox
from tests.conftest import REPO, TOY, by_name
from tests.grader.test_hostile import CORRECT_REST

WHY_NO_BWRAP = ("bubblewrap is not installed (apt-get install bubblewrap)"
                if shutil.which("bwrap") is None else bubblewrap.problem())
needs_bwrap = pytest.mark.skipif(WHY_NO_BWRAP is not None, reason=str(WHY_NO_BWRAP))
BOTH = pytest.mark.parametrize("isolation", [
    pytest.param("bwrap", marks=needs_bwrap), "process"])
SETTLE = 10.0  # seconds a loaded machine may take to start or end a process
PATIENT = Limits(call_timeout=SETTLE)

PROBES = """
import os, signal, socket, sys, threading, time

def read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("latin-1")  # text: bytes are not data the grader takes
    except OSError as exc:
        return type(exc).__name__

def write(path):
    try:
        with open(path, "w") as handle:
            handle.write("x")
        return "written"
    except OSError as exc:
        return type(exc).__name__

def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return type(exc).__name__

def connect(host, port):
    with socket.socket() as sock:
        sock.settimeout(1.0)
        try:
            sock.connect((host, port))
            return "connected"
        except OSError as exc:
            return type(exc).__name__

def environment():
    return dict(os.environ)

def crash():
    os.kill(os.getpid(), signal.SIGSEGV)

def forks(n):
    made = 0
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        made += 1
    return made

def threads(n):
    threading.stack_size(1 << 16)  # so that the address-space limit is not what stops them
    made = 0
    for _ in range(n):
        try:
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
        except RuntimeError:
            break
        made += 1
    return made

def daemon(marker):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)",
                                      marker])
        os._exit(0)
    return marker
"""


@pytest.fixture
def secrets(tmp_path):
    """{what: (path, content as latin-1 text)}: the instructor's files and other people's."""
    other = tmp_path / "other-student"
    other.mkdir()
    (other / "toy.py").write_text("def double(x):\n    return 2 * x  # other student's work\n")
    gradebook = tmp_path / "gradebook.sqlite"
    with sqlite3.connect(gradebook) as db:
        db.execute("CREATE TABLE grades (student TEXT, score REAL)")
        db.execute("INSERT INTO grades VALUES ('alice', 97.5)")
    db.close()
    paths = {"reference": REPO / "reference" / "losses.py",
             "toy reference": TOY / "01_toy" / "toy_reference.py",
             "hidden checks": REPO / "exercises" / "01_loss_functions" / "tests" / "test_hidden.py",
             "toy hidden checks": TOY / "01_toy" / "tests" / "test_hidden.py",
             "grader package": REPO / "grader" / "__init__.py",
             "other student": other / "toy.py",
             "gradebook": gradebook}
    return {what: (str(path), path.read_bytes().decode("latin-1"))
            for what, path in paths.items()}


@pytest.fixture
def server():
    """A real listening socket on the loopback interface."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        listening.setblocking(False)
        yield listening


def was_reached(listening: socket.socket) -> bool:
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        try:
            listening.accept()[0].close()
            return True
        except BlockingIOError:
            time.sleep(0.05)
    return False


@pytest.fixture
def sandboxes(tmp_path):
    """sandboxes(isolation, limits=...) -> Submission of PROBES; all closed at the end."""
    made = []

    def open_one(isolation: str, limits: Limits = PATIENT) -> Submission:
        path = tmp_path / f"probes{len(made)}.py"
        path.write_text(textwrap.dedent(PROBES))
        made.append(Sandbox(path, "probes", limits, isolation=isolation))
        return Submission(made[-1])
    yield open_one
    for sandbox in made:
        sandbox.close()


# --- files -----------------------------------------------------------------------------------


@BOTH
def test_reading_files_of_others_fails_under_bwrap_and_is_reported(sandboxes, secrets,
                                                                    isolation):
    student = sandboxes(isolation)
    for what, (path, content) in secrets.items():
        got = student.read(path)
        if isolation == "bwrap":
            assert got != content and got == "FileNotFoundError", what
        else:
            assert got == content, what  # only reported: the process layer has no boundary
    assert set(student._sandbox.attempts) >= {("read", path) for path, _ in secrets.values()}


@needs_bwrap
def test_another_live_sandbox_private_copy_is_invisible(sandboxes):
    first, second = sandboxes("bwrap"), sandboxes("bwrap")
    assert second.environment()  # its worker runs, with its private copy in place
    theirs = os.path.join(second._sandbox.submission_dir, "probes.py")
    assert os.path.isfile(theirs)
    assert first.read(theirs) == "FileNotFoundError"
    assert ("read", theirs) in first._sandbox.attempts


@BOTH
def test_listing_the_root_and_the_work_folder_is_reported(sandboxes, isolation):
    student = sandboxes(isolation)
    root, work = student.listing("/"), student.listing("/work")
    if isolation == "bwrap":
        assert not {"work", "home", "farm", "srv"} & set(root)
        assert work == "FileNotFoundError"
    assert {("list", "/"), ("list", "/work")} <= set(student._sandbox.attempts)


@needs_bwrap
def test_the_worker_sees_only_its_own_environment(sandboxes, monkeypatch):
    monkeypatch.setenv("GRADER_SECRET_TOKEN", "do-not-leak")
    environment = sandboxes("bwrap").environment()
    assert "GRADER_SECRET_TOKEN" not in environment and "HOME" in environment


@BOTH
def test_only_the_private_home_is_writable(sandboxes, tmp_path, isolation):
    student = sandboxes(isolation)
    home = student.environment()["HOME"]
    outside = str(tmp_path / "planted.txt")
    assert student.write(f"{home}/scratch.txt") == "written"
    planted = student.write(outside)
    if isolation == "bwrap":
        assert planted in ("FileNotFoundError", "PermissionError", "OSError")
        assert not os.path.exists(outside)
    else:
        assert planted == "written"  # only reported
    assert student._sandbox.attempts == [("write", outside)]


# --- network ---------------------------------------------------------------------------------


@BOTH
def test_network_connections_fail_under_bwrap_and_are_reported(sandboxes, server, isolation):
    student = sandboxes(isolation)
    port = server.getsockname()[1]
    local = student.connect("127.0.0.1", port)
    student.connect("1.1.1.1", 53)
    if isolation == "bwrap":
        assert local != "connected" and not was_reached(server)
        assert student.connect("1.1.1.1", 53) != "connected"
    else:
        assert local == "connected" and was_reached(server)  # the server is real
    attempts = set(student._sandbox.attempts)
    assert {("network", f"connect to 127.0.0.1:{port}"), ("network", "connect to 1.1.1.1:53"),
            ("network", "socket AF_INET")} <= attempts


# --- through the grader: notes and the sandbox field -------------------------------------------


def hostile_source(secrets: dict, port: int) -> str:
    """A correct toy submission whose import tries everything, and whose double needs the
    hidden checks to work."""
    paths = [path for path, _ in secrets.values()]
    hidden = secrets["toy hidden checks"][0]
    return (f"import os, socket\nfor path in {paths!r}:\n"
            "    try:\n        open(path, 'rb').read()\n    except OSError:\n        pass\n"
            "for folder in ('/', '/work'):\n"
            "    try:\n        os.listdir(folder)\n    except OSError:\n        pass\n"
            f"for address in [('127.0.0.1', {port}), ('1.1.1.1', 53)]:\n"
            "    with socket.socket() as sock:\n        sock.settimeout(1.0)\n"
            "        try:\n            sock.connect(address)\n"
            "        except OSError:\n            pass\n"
            f"def double(x):\n    open({hidden!r}).read()\n    return 2 * x\n" + CORRECT_REST)


@BOTH
def test_attempts_are_notes_of_the_result(toy, grade_source, secrets, server, isolation):
    port = server.getsockname()[1]
    result = grade_source(toy, hostile_source(secrets, port), isolation=isolation)
    notes = "\n".join(result.notes)
    for path, _ in secrets.values():
        assert f"your code tried to read {path} (outside your submission)" in notes
    assert "tried to list the folder / " in notes and "list the folder /work " in notes
    assert f"use the network (connect to 127.0.0.1:{port})" in notes
    assert "use the network (connect to 1.1.1.1:53)" in notes
    checks = by_name(result)
    assert checks["test_total"].passed and checks["test_counter"].passed
    if isolation == "bwrap":
        assert result.sandbox == BWRAP_LAYER and result.sandbox.startswith("bubblewrap")
        assert checks["test_double"].outcome == "failed"
        assert "FileNotFoundError" in checks["test_double"].message
        assert not was_reached(server)
    else:
        assert result.sandbox == "process + resource limits"
        assert checks["test_double"].passed


def test_notes_are_in_the_students_language(toy, grade_source, secrets):
    path = secrets["gradebook"][0]
    source = f"open({path!r}, 'rb').read()\n" + "def double(x):\n    return 2 * x\n" + CORRECT_REST
    result = grade_source(toy, source, lang="zh-TW")
    assert result.notes == (f"你的程式試圖讀取 {path}（在你繳交的檔案之外）；"
                            "批次評分時不允許這樣做",)


def test_a_flood_of_attempts_is_capped(toy, grade_source, tmp_path):
    source = (f"for i in range(200):\n    try:\n        open('{tmp_path}/missing-%d' % i)\n"
              "    except OSError:\n        pass\n"
              "def double(x):\n    return 2 * x\n" + CORRECT_REST)
    result = grade_source(toy, source)
    assert len(result.notes) == 21 and result.notes[-1] == "… and 180 more such attempts"


@BOTH
def test_a_correct_submission_has_no_notes(grade_source, isolation):
    from tests.exercises._solutions import solution_source

    result = grade_source("01", solution_source(), hidden=True, isolation=isolation)
    assert result.score == result.max_score, [c.message for c in result.checks if not c.passed]
    assert result.notes == ()


@BOTH
def test_the_reference_graded_in_a_trusted_run_may_import_its_package(isolation):
    from grader.catalog import find
    from grader.runner import grade
    from grader.selfcheck import reference_file

    exercise = find("01", REPO / "exercises")  # its reference imports reference.activations
    result = grade(exercise, reference_file(exercise), trust_reference=True,
                   isolation=isolation)
    assert result.score == result.max_score and result.notes == ()


def test_without_bwrap_the_process_layer_is_used_and_says_so(toy, grade_source, secrets,
                                                           monkeypatch):
    monkeypatch.setattr(bubblewrap, "problem", lambda: "bwrap is not installed")
    path = secrets["toy reference"][0]
    source = f"open({path!r}).read()\n" + "def double(x):\n    return 2 * x\n" + CORRECT_REST
    result = grade_source(toy, source, isolation="bwrap")
    assert result.sandbox == "process + resource limits (bwrap not available)"
    assert result.score == 3 and len(result.notes) == 1 and path in result.notes[0]


def test_an_unknown_isolation_is_refused(tmp_path):
    (tmp_path / "m.py").write_text("")
    with pytest.raises(ValueError, match="isolation"):
        Sandbox(tmp_path / "m.py", "m", isolation="docker")


# --- processes -------------------------------------------------------------------------------


@needs_bwrap
def test_a_signal_death_under_bwrap_is_named(sandboxes):
    student = sandboxes("bwrap")
    with pytest.raises(WorkerCrashed) as excinfo:
        student.crash()
    assert "killed by SIGSEGV" in excinfo.value.render("en")


@needs_bwrap
def test_fork_and_thread_bombs_do_not_starve_later_workers(sandboxes):
    limit = Limits().processes
    forker, threader, later = (sandboxes("bwrap") for _ in range(3))
    assert 0 < forker.forks(400) < limit  # the children stay alive, sleeping
    assert forker.threads(10) == 0
    assert 0 < threader.threads(400) < limit
    assert later.threads(20) == 20 and later.forks(5) == 5  # its own budget, untouched
    assert ("process", "fork") in forker._sandbox.attempts


def _processes_with(marker: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(name))
        except (OSError, ValueError):
            pass
    return found


def _wait_for(condition, seconds: float = SETTLE) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@needs_bwrap
def test_a_double_forked_daemon_dies_with_its_worker(sandboxes):
    marker = f"grader-daemon-{uuid.uuid4().hex}"
    student = sandboxes("bwrap")
    try:
        assert student.daemon(marker) == marker
        assert _wait_for(lambda: _processes_with(marker)), "the daemon never started"
        student._sandbox.close()
        assert _wait_for(lambda: not _processes_with(marker)), "the daemon outlived its worker"
    finally:
        for pid in _processes_with(marker):  # never leave one behind, whatever happened
            os.kill(pid, signal.SIGKILL)
