"""`grade export-otter` and `grade export-autograder`: thin commands over the library."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner

from grader.cli import main


def test_export_otter_writes_the_master_notebook(tmp_path):
    done = CliRunner().invoke(main, ["export-otter", "1", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    master = tmp_path / "out" / "01_loss_functions.ipynb"
    assert str(master) in done.output and "otter assign" in done.output
    assert json.loads(master.read_text(encoding="utf-8"))["nbformat"] == 4
    assert (tmp_path / "out" / "exercises" / "01_loss_functions" / "tests" /
            "test_hidden.py").exists()


def test_export_otter_in_traditional_chinese(tmp_path):
    done = CliRunner().invoke(main, ["export-otter", "02", str(tmp_path), "--lang", "zh-TW"])
    assert done.exit_code == 0, done.output
    text = (tmp_path / "02_activations.ipynb").read_text(encoding="utf-8")
    assert "練習 02：激勵函數" in text


def test_export_otter_of_an_unknown_exercise_is_a_usage_error(tmp_path):
    done = CliRunner().invoke(main, ["export-otter", "99", str(tmp_path)])
    assert done.exit_code == 2 and "no exercise '99'" in done.output


def test_export_autograder_writes_the_zip(tmp_path):
    out = tmp_path / "gs" / "autograder.zip"
    done = CliRunner().invoke(main, ["export-autograder", str(out), "01"])
    assert done.exit_code == 0, done.output
    names = zipfile.ZipFile(out).namelist()
    assert "run_autograder" in names and "setup.sh" in names
    assert not any(n.startswith("project/exercises/02_") for n in names)
    done = CliRunner().invoke(main, ["export-autograder", str(out)])  # all exercises
    assert done.exit_code == 0 and "01, 02" in done.output
