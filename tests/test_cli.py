"""The `grade` command through click's CliRunner: exit codes, JSON, languages, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.conftest import REPO, TOY


@pytest.fixture
def run(monkeypatch):
    """run(*args) -> click Result, grading the toy exercise."""
    monkeypatch.setenv("GRADE_EXERCISES", str(TOY))
    monkeypatch.syspath_prepend(str(TOY / "01_toy"))

    def invoke(*args):
        return CliRunner().invoke(main, list(args))
    return invoke


def test_list_shows_the_exercises(run):
    result = run("list")
    assert result.exit_code == 0
    assert "01" in result.output and "Toy" in result.output


def test_exercise_on_the_stub_reports_not_implemented_and_exits_1(run):
    result = run("exercise", "01")
    assert result.exit_code == 1, result.output
    assert "0 / 3" in result.output and "not implemented" in result.output
    assert "1 hidden checks (2 points)" in result.output


@pytest.mark.parametrize("name", ["01", "1", "toy", "01_toy"])
def test_exercise_names_find_the_same_exercise(run, name):
    result = run("exercise", name, "--json")
    assert json.loads(result.output)["exercise"] == "01"


def test_json_has_the_documented_top_level(run):
    data = json.loads(run("exercise", "01", "--json").output)
    assert data["score"] == 0 and data["max_score"] == 3
    for test in data["tests"]:
        assert {"name", "score", "max_score", "status", "output"} <= set(test)
        assert test["status"] == "failed" and "not implemented" in test["output"]


def test_zh_tw_report_speaks_traditional_chinese(run):
    result = run("exercise", "01", "--lang", "zh-TW")
    assert "尚未實作" in result.output and "玩具" in result.output
    assert "另有 1 項隱藏檢查（2 分）" in result.output


def test_a_correct_file_passes_with_exit_0(run, tmp_path):
    solution = tmp_path / "toy.py"
    solution.write_text((TOY / "01_toy" / "toy_reference.py").read_text())
    result = run("exercise", "01", "--file", str(solution))
    assert result.exit_code == 0, result.output
    assert "3 / 3" in result.output


@pytest.mark.parametrize("args, words", [
    (["exercise", "42"], "no exercise '42'"),
    (["exercise", "01", "--file", "does-not-exist.py"], "no such file"),
    (["exercise", "01", "--file", str(REPO / "README.md")], "grade a Python file"),
])
def test_usage_errors_exit_2_with_a_message(run, args, words):
    result = run(*args)
    assert result.exit_code == 2
    assert words in result.output


def test_selfcheck_passes_on_the_toy_exercise(run):
    result = run("selfcheck")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_an_import_error_is_explained_once_with_the_students_file_name(run, tmp_path):
    path = tmp_path / "my_toy.py"
    path.write_text("def double(x:\n")
    result = run("exercise", "01", "--file", str(path))
    assert result.exit_code == 1
    assert result.output.count("could not be imported") == 1
    assert "my_toy.py could not be imported: SyntaxError" in result.output
    assert result.output.count("[import error]") == 3
