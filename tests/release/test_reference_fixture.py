"""The `reference` fixture through the real engine: the module in the instructor's tree, a
recording proxy while a Recording is registered, the replay where the reference is gone."""

from __future__ import annotations

import shutil
import sys
import textwrap

import pytest

from grader import answers, catalog
from grader.replay import Recording
from grader.runner import grade
from tests.conftest import TOY, by_name

CHECKS = '''
import numpy as np

from grader.checks import assert_close, points


@points(1)
def test_double(submission, reference, rng):
    """double matches the reference."""
    x = rng.normal(size=(3, 4))
    assert_close(submission.double(x), reference.double(x))


@points(1)
def test_counter(submission, reference):
    """a counter matches the reference's, step by step."""
    mine, theirs = submission.make_counter(5), reference.make_counter(5)
    for k in (2, 3, 2):
        assert_close(mine.add(k), theirs.add(k))
    assert theirs.value == 12


@points(1)
def test_without_the_reference(submission):
    """a check that never asks the reference."""
    assert_close(submission.total(np.ones(3)), 3.0)
'''


@pytest.fixture
def instructor(tmp_path, monkeypatch):
    """A copy of the toy exercise with the checks above, its reference importable."""
    folder = tmp_path / "course" / "01_toy"
    shutil.copytree(TOY / "01_toy", folder)
    (folder / "tests" / "test_hidden.py").unlink()
    (folder / "tests" / "test_visible.py").write_text(textwrap.dedent(CHECKS))
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, "toy_reference", raising=False)
    return catalog.load(folder)


@pytest.fixture
def bundle(instructor, tmp_path, monkeypatch):
    """The same exercise as a student bundle has it: recorded answers, no reference."""
    recording = Recording()
    graded = grade(instructor, instructor.folder / "toy_reference.py", plugins=(recording,))
    assert graded.score == graded.max_score == 3
    folder = tmp_path / "bundle" / "01_toy"
    shutil.copytree(instructor.folder, folder,
                    ignore=shutil.ignore_patterns("toy_reference.py", "__pycache__"))
    recording.book_for(instructor, 0).save(folder / "tests" / answers.FILE_NAME)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(instructor.folder)])
    monkeypatch.delitem(sys.modules, "toy_reference", raising=False)
    solution = tmp_path / "solution" / "toy.py"
    solution.parent.mkdir()
    shutil.copy(instructor.folder / "toy_reference.py", solution)
    return catalog.load(folder), solution


def test_the_instructor_tree_gets_the_module_itself(instructor):
    result = grade(instructor, instructor.folder / "toy_reference.py")
    assert result.score == result.max_score == 3


def test_the_bundle_gives_a_correct_solution_full_marks(bundle):
    exercise, solution = bundle
    result = grade(exercise, solution)
    assert [c.outcome for c in result.checks] == ["passed"] * 3, result.checks


def test_the_bundle_gives_the_stub_zero_without_grader_errors(bundle):
    exercise, _ = bundle
    result = grade(exercise)
    assert result.score == 0
    assert {c.outcome for c in result.checks} == {"not_implemented"}


def test_another_seed_is_a_grader_error_that_says_why(bundle):
    exercise, solution = bundle
    checks = by_name(grade(exercise, solution, seed=4))
    assert checks["test_double"].outcome == "error"
    assert "--seed 4" in checks["test_double"].message
    assert checks["test_without_the_reference"].outcome == "passed"


def test_an_unrecorded_call_is_a_grader_error_not_a_failure(bundle):
    exercise, solution = bundle
    checks_file = exercise.folder / "tests" / "test_visible.py"
    checks_file.write_text(checks_file.read_text().replace("size=(3, 4)", "size=(2, 7)"))
    result = grade(exercise, solution, lang="zh-TW")
    check = by_name(result)["test_double"]
    assert check.outcome == "error" and result.exit_code == 2
    assert "test_visible.py::test_double" in check.message
    assert "reference.double(array (2, 7))" in check.message and "0" in check.message
    assert "評分程式錯誤" in check.message
