"""The project's own promises about its code: lint-clean, and data files as documented."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

from tests.conftest import REPO


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff")
    assert ruff, "ruff is part of the test extra: pip install -e '.[test]'"
    done = subprocess.run([ruff, "check", "grader", "reference", "tests", "benchmarks",
                           "exercises"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_data_file_is_listed_with_its_checksum():
    table = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `?([^|`]+?)`? \|.*\| ([0-9a-f]{64}) \|$", table, re.M))
    present = {p.name for p in (REPO / "datasets").iterdir() if p.name != "README.md"}
    assert present == set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((REPO / "datasets" / name).read_bytes()).hexdigest() == digest


def test_both_readmes_list_every_exercise():
    from grader import catalog

    for readme, lang in (("README.md", "en"), ("README.zh-TW.md", "zh-TW")):
        text = (REPO / readme).read_text(encoding="utf-8")
        for exercise in catalog.all_exercises(REPO / "exercises"):
            row = f"| {exercise.code} | {exercise.title_in(lang)} |"
            assert row in text, f"{readme} does not list exercise {exercise.code}"
