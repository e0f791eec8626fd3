"""Gradescope's results.json per student, written with grader.gradescope's own functions."""

from __future__ import annotations

import json

import pytest

from grader.exports.common import safe_names
from grader.exports.gradescope_export import write_gradescope
from tests.exports._builders import check, passing, result

pytest.importorskip("grader.gradescope")  # written by another part of the project


def read(out, student):
    return json.loads((out / safe_names([student])[student] / "results.json").read_text("utf-8"))


def test_one_results_json_per_student_with_their_score(book, tmp_path):
    rows = [("ana", passing("01")),
            ("ana", result("02", check("x", 3), check("y", 3, passed=False))),
            ("a/b 王", passing("01"))]
    paths = write_gradescope(book(rows), tmp_path)
    assert len(paths) == 2 and all(p.name == "results.json" for p in paths)
    ana = read(tmp_path, "ana")
    assert ana["score"] == 7 and len(ana["tests"]) == 4
    assert read(tmp_path, "a/b 王")["score"] == 4


def test_hidden_checks_follow_the_exercise_setting(book, tmp_path):
    secret = check("s", 2, hidden=True, passed=False, message="the secret input")
    write_gradescope(book([("ana", result("01", check("a"), secret)),
                           ("bo", result("02", check("a"), secret))]), tmp_path)
    assert "the secret input" in json.dumps(read(tmp_path, "ana"))  # 01: full
    assert "the secret input" not in json.dumps(read(tmp_path, "bo"))  # 02: score


def test_problems_are_told_with_score_zero(book, tmp_path):
    write_gradescope(book([("cy", "", "cy.zip is not a zip file"),
                           ("dee", "02", "activations.py is not UTF-8 text", 6),
                           ("dee", passing("01"))]), tmp_path)
    cy = read(tmp_path, "cy")
    assert cy["score"] == 0 and "cy.zip is not a zip file" in cy["output"]
    dee = read(tmp_path, "dee")
    assert dee["score"] == 4 and dee["output"].startswith("02 Activations: activations.py")
