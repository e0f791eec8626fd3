"""Notebooks as submissions: definitions kept, everything else skipped with a note."""

from __future__ import annotations

import json

import pytest

from grader.failures import GraderError
from grader.notebook import extract
from tests.conftest import TOY, by_name


def write_notebook(path, *cells: str, source_as_list: bool = True):
    code = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": c.splitlines(keepends=True) if source_as_list else c} for c in cells]
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# notes"}, *code],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_definitions_and_constants_are_kept_in_cell_order(tmp_path):
    path = write_notebook(tmp_path / "work.ipynb",
                          '"""My work."""\n%matplotlib inline\nimport numpy as np\nEPS = 1e-7\n',
                          "def f(x):\n    return 2 * x\n\nclass A:\n    pass\n",
                          "print(f(3))\ny = np.random.rand(3)\nf(2)\n")
    extracted = extract(path)
    namespace: dict = {}
    exec(compile(extracted.source, "work.py", "exec"), namespace)  # noqa: S102
    assert namespace["EPS"] == 1e-7 and namespace["f"](2) == 4 and "A" in namespace
    assert "y" not in namespace
    notes = [note.render("en") for note in extracted.notes]
    assert len(notes) == 3
    assert notes[0].startswith("notebook cell 3, line 1: `print(f(3))` was skipped")


def test_a_cell_that_does_not_parse_is_skipped_with_a_note(tmp_path):
    path = write_notebook(tmp_path / "work.ipynb", "def f(:\n", "def g():\n    return 1\n",
                          source_as_list=False)
    extracted = extract(path)
    assert "def g" in extracted.source and "def f" not in extracted.source
    assert "cell 1 was skipped: it does not parse" in extracted.notes[0].render("en")
    assert "第 1 格已略過" in extracted.notes[0].render("zh-TW")


@pytest.mark.parametrize("content", ["{not json", '{"cells": 3}', '{"metadata": {}}'])
def test_a_corrupt_notebook_is_a_clear_error(tmp_path, content):
    path = tmp_path / "work.ipynb"
    path.write_text(content)
    with pytest.raises(GraderError, match="not a readable Jupyter notebook"):
        extract(path)


def test_a_notebook_is_graded_like_its_definitions(toy, grade_source, tmp_path):
    reference = (TOY / "01_toy" / "toy_reference.py").read_text()
    path = write_notebook(tmp_path / "toy.ipynb", reference, "print(double(2))\n")
    from grader.runner import grade

    result = grade(toy, path)
    assert result.score == 3 and all(c.passed for c in by_name(result).values())
    assert len(result.notes) == 1 and "print(double(2))" in result.notes[0]
    assert json.loads(json.dumps(result.to_json()))["notes"] == list(result.notes)
