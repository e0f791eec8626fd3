"""Batch mode's stronger layer: the untrusted worker under bubblewrap (Debian `bubblewrap`).

`command()` wraps the worker's command line so that the worker sees only what it needs to
import NumPy and one submission, and no network. What exists inside (nothing else does):

  read-only  the Python installation: sys.base_prefix (the interpreter and its standard
             library, and site-packages when there is no virtual environment), sys.prefix
             (a virtual environment, whose site-packages holds NumPy and numpy.libs' OpenBLAS),
             the folder of the real interpreter binary (a venv's python is a symlink to it),
             and the site-packages NumPy is imported from when it lies elsewhere
             (a --system-site-packages venv). Each at the same path as outside.
  read-only  the shared libraries the interpreter and NumPy's extension modules load:
             /usr/lib and /usr/lib64 (libc, libm, libstdc++, libz, libffi ...), /lib and /lib64
             as on the host (on a merged-/usr system, symlinks into /usr), and
             /etc/ld.so.cache, the loader's index (nothing else of /etc: no passwd, no keys).
             Not /bin or /usr/bin: no program but Python runs, so a shell cannot either.
  read-only  grader/_worker at WORKER_MOUNT: the worker script and wire.py, which import only
             the standard library and NumPy; the grader package itself is not there.
  read-only  the submission's private copy, at the same path as outside.
  writable   the worker's HOME and TMPDIR, at the same path as outside but an empty tmpfs of
             HOME_BYTES (nothing else is writable; /tmp is not there).
  fresh      /proc of the worker's own PID namespace; /dev with null, zero, random, urandom.

Not there: /, /etc, /home, /root, /work, the instructor's tree (the reference, the exercises
and their hidden checks), other students' submissions, the gradebook. Should the grader or
reference package be installed inside a bound folder (a non-editable install puts them in
site-packages), an empty tmpfs hides it. The one exception is a trusted run (the reference
graded as a submission, which imports the reference package): the packages it may import
are bound read-only where they are.

Namespaces: --unshare-all (no network, own PID, IPC, UTS and cgroup namespaces, and a user
namespace), --die-with-parent and --new-session; killing bwrap ends its PID namespace, so a
double-forked daemon dies with the worker. As root, one difference, and why: a user
namespace that root creates maps its uids to uid 0 outside, and the kernel never enforces
RLIMIT_NPROC for uid 0 (measured here: 200 threads of 200 started under a limit of 20). So
as root there is no user namespace; bwrap keeps CAP_SETUID and CAP_SETGID only, and the
worker sets RLIMIT_NPROC and then switches to a uid of its own (`sandbox_uid()`), unused on
the machine, losing every capability; bwrap's no_new_privs keeps them from coming back.
A uid per sandbox also gives each concurrent worker its own process budget.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WORKER_DIR = Path(__file__).parent / "_worker"
WORKER_MOUNT = "/run/grader-worker"  # where WORKER_DIR appears inside the sandbox
HOME_BYTES = 64 * 2**20  # the sandbox's writable space (RAM), besides RLIMIT_FSIZE per file
SYSTEM_LIBRARIES = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/libx32")
TOP_LEVEL_LIBRARIES = ("/lib", "/lib64", "/lib32", "/libx32")  # symlinks on merged /usr
LOADER_CACHE = "/etc/ld.so.cache"
HIDDEN_PACKAGES = ("grader", "reference")
SANDBOX_UIDS = 1_900_000_000  # first uid of the range sandboxes use as root (below 2**31)
PROBE = ("import os, sys, numpy\n"
         "open(sys.argv[1]).close()\n"
         "uid = int(sys.argv[2])\n"
         "if uid >= 0:\n"
         "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n")
_uids = itertools.count()


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def sandbox_uid() -> int | None:
    """As root, an unused uid for the next sandbox (see the module docstring), else None."""
    if not is_root():
        return None
    return SANDBOX_UIDS + (os.getpid() % 200_000) * 1000 + next(_uids) % 1000


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _outermost(paths) -> list[str]:
    """The paths, without those inside another one, sorted."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(_under(path, outer) for outer in kept):
            kept.append(path)
    return kept


@functools.cache
def python_installation() -> tuple[str, ...]:
    """The folders of the Python installation the worker needs, outermost only."""
    import numpy

    numpy_site = os.path.dirname(os.path.dirname(os.path.abspath(numpy.__file__)))
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, numpy_site,
             os.path.dirname(os.path.abspath(sys.executable)),
             os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {os.path.realpath(path) for path in paths}
    return tuple(_outermost(os.path.abspath(path) for path in paths))


@functools.cache
def package_folders(names: tuple[str, ...] = HIDDEN_PACKAGES) -> tuple[str, ...]:
    """Where the packages `names` (the grader's, the reference) live, without importing them."""
    folders = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            folders += [os.path.abspath(p) for p in spec.submodule_search_locations]
    return tuple(folders)


def mounts(submission_dir: str, home: str, shown: tuple[str, ...] = ()) -> list[str]:
    """bwrap's file-system arguments: see the module docstring for what and why."""
    args = ["--proc", "/proc", "--dev", "/dev"]
    made = {"/", "/proc", "/dev"}

    def parents(path: str) -> None:
        # bwrap would create missing parents with mode 0700: a worker that is not root
        # could not walk through them
        for parent in reversed(Path(path).parents):
            if str(parent) not in made:
                made.add(str(parent))
                args.extend(["--perms", "0755", "--dir", str(parent)])

    roots = list(python_installation()) + [p for p in SYSTEM_LIBRARIES if os.path.isdir(p)]
    links = []
    for path in TOP_LEVEL_LIBRARIES:
        if os.path.islink(path):
            links.append((os.readlink(path), path))
        elif os.path.isdir(path):
            roots.append(path)
    for root in _outermost(roots):
        parents(root)
        args.extend(["--ro-bind", root, root])
    for target, path in links:
        args.extend(["--symlink", target, path])
    if os.path.isfile(LOADER_CACHE):
        parents(LOADER_CACHE)
        args.extend(["--ro-bind", LOADER_CACHE, LOADER_CACHE])
    bound = _outermost(roots)
    hidden = tuple(name for name in HIDDEN_PACKAGES if name not in shown)
    for folder in package_folders(hidden):
        if any(_under(folder, root) for root in bound):
            args.extend(["--tmpfs", folder])
    for folder in package_folders(tuple(shown)):
        if not any(_under(folder, root) for root in bound):
            parents(folder)
            args.extend(["--ro-bind", folder, folder])
    for source, target in ((str(WORKER_DIR), WORKER_MOUNT), (submission_dir, submission_dir)):
        parents(target)
        args.extend(["--ro-bind", source, target])
    parents(home)
    args.extend(["--perms", "01777", "--size", str(HOME_BYTES), "--tmpfs", home])
    return args


def command(python_argv: list[str], submission_dir: str, home: str, env: dict,
            uid: int | None = None, shown: tuple[str, ...] = ()) -> list[str]:
    """The bwrap command line that runs `python_argv` in the sandbox, in `submission_dir`,
    with a private writable `home` and exactly the environment `env`; `uid` (as root) is the
    uid the worker will take; `shown` names the packages a trusted run may import."""
    if uid is None:
        namespaces = ["--unshare-all"]
    else:  # no user namespace as root (module docstring), so every other one by name
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                      "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add",
                      "CAP_SETGID"]
    environment = ["--clearenv"]
    for name, value in env.items():
        environment.extend(["--setenv", name, value])
    return [_bwrap() or "bwrap", *namespaces, "--die-with-parent", "--new-session",
            *mounts(submission_dir, home, shown), "--chdir", submission_dir, *environment,
            "--", *python_argv]


@functools.cache
def _bwrap() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def problem() -> str | None:
    """Why bubblewrap cannot be used here, or None when it can. The first call starts a
    sandbox that imports NumPy (and, as root, switches uid) the way a worker does; the
    answer is kept for the life of the process."""
    if sys.platform != "linux":
        return "bubblewrap exists only on Linux"
    if _bwrap() is None:
        return "bwrap is not installed"
    exposed = {"/", os.path.expanduser("~")} & set(python_installation())
    if exposed:  # binding it would show every file of the machine, or of the user
        return f"the Python installation is the folder {exposed.pop()}"
    folder = tempfile.mkdtemp(prefix="grade-probe-")
    try:
        submission = os.path.join(folder, "submission")
        os.mkdir(submission, 0o755)
        uid = sandbox_uid()
        python = [sys.executable, "-I", "-c", PROBE, f"{WORKER_MOUNT}/worker_main.py",
                  str(-1 if uid is None else uid)]
        done = subprocess.run(command(python, submission, os.path.join(folder, "home"), {}, uid),
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap failed to start: {exc}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["?"]
        return f"bwrap failed to start (exit {done.returncode}): {lines[-1][:300]}"
    return None
