"""Every exercise, graded with all its checks: the reference gets full marks, the untouched
stub zero without a grader error, and the stub keeps the reference's signatures and
docstrings (the student reads the same contract the reference fulfils)."""

from __future__ import annotations

import ast
import importlib.util

import pytest

from grader import catalog, release_verify
from grader.selfcheck import check_exercise
from tests.conftest import REPO

EXERCISES = catalog.all_exercises(REPO / "exercises")


def test_the_course_has_exercises():
    assert [e.code for e in EXERCISES][:2] == ["01", "02"]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.code)
def test_reference_full_marks_and_stub_zero(exercise):
    row = check_exercise(exercise)
    assert row.ok, "\n".join(row.problems)
    assert row.max_score > 0 and row.reference_score == row.max_score and row.stub_score == 0


def _functions(path_or_source) -> dict[str, ast.FunctionDef]:
    source = path_or_source if isinstance(path_or_source, str) else \
        path_or_source.read_text(encoding="utf-8")
    tree = ast.parse(source)
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.code)
def test_stub_keeps_the_reference_contract(exercise):
    # the reference module with the reference modules it imports from (a module such as
    # reference.perceptron_dense only re-exports), as release_verify makes it one file
    stub = _functions(exercise.stub_path)
    ref = _functions(release_verify.standalone_solution(exercise.reference))
    for name in exercise.functions:
        assert name in stub, f"{exercise.stub} lacks {name}"
        assert ast.dump(stub[name].args) == ast.dump(ref[name].args), f"{name}: signature"
        assert ast.get_docstring(stub[name]) == ast.get_docstring(ref[name]), f"{name}: doc"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.code)
def test_stub_bodies_raise_not_implemented_naming_the_function(exercise):
    for name in exercise.functions:
        body = ast.unparse(_functions(exercise.stub_path)[name].body[-1])
        assert body.startswith("raise NotImplementedError") and name in body, body


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.code)
def test_every_exercise_has_its_files(exercise):
    for name in ("README.md", "README.zh-TW.md", exercise.stub, "tests/test_visible.py",
                 "tests/test_hidden.py"):
        assert (exercise.folder / name).is_file(), name
    assert importlib.util.find_spec(exercise.reference) is not None
