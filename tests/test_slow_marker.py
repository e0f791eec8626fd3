"""The `slow` marker: skipped by default, run with --run-slow (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

PROBE = '''
import pytest

@pytest.mark.slow
def test_long():
    pass

def test_short():
    pass
'''


def _run(tmp_path, *args, env=None) -> str:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    # the project's conftest is loaded as a plugin so the probe sees the same option and hook
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-rs",
               "--rootdir", str(tmp_path), "-c", str(REPO / "pyproject.toml"), str(probe), *args]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    return result.stdout


def test_slow_tests_are_skipped_by_default_and_say_how_to_run_them(tmp_path):
    out = _run(tmp_path)
    assert "1 passed, 1 skipped" in out and "--run-slow" in out, out


def test_run_slow_runs_them(tmp_path):
    assert "2 passed" in _run(tmp_path, "--run-slow")
