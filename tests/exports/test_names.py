"""File names for any student id: inside the output folder, valid everywhere, never shared."""

from __future__ import annotations

import pytest

from grader.exports.common import safe_names
from grader.exports.feedback import write_feedback
from tests.exports._builders import passing

NASTY = ["../../etc/passwd", "a/b", "a\\b", ".", "..", "", " ", ".hidden", "CON", "con.txt",
         "nul", "Ana", "ana", "ANA", "王小明", "王小明 ", "x" * 300, "a_b", "a?b", "a:b", "a*b",
         "a|b", "ana-0123abcd", "tab\tname", "new\nline", "rtl\u202eexe.py", "e\u0301", "\u00e9"]


def test_plain_ids_keep_their_names():
    assert safe_names(["ana", "B12345678", "王小明", "chen.wei"]) == {
        "ana": "ana", "B12345678": "B12345678", "王小明": "王小明", "chen.wei": "chen.wei"}


def test_any_id_gets_a_safe_name_and_distinct_ids_distinct_names():
    names = safe_names(NASTY)
    assert set(names) == set(NASTY)
    folded = {name.casefold() for name in names.values()}
    assert len(folded) == len(NASTY)  # also on case-insensitive file systems
    for name in names.values():
        assert "/" not in name and "\\" not in name and name not in ("", ".", "..")
        assert not name.startswith(".") and name.split(".")[0].lower() not in ("con", "nul")
        assert len(name.encode("utf-8")) + len(".html") <= 255
        assert all(ch.isalnum() or ch in "._-" for ch in name), name


def test_names_do_not_depend_on_the_other_students():
    assert safe_names(["a/b"])["a/b"] == safe_names(["a/b", "zed"])["a/b"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_feedback_files_stay_inside_the_output_folder(book, tmp_path, fmt):
    out = tmp_path / "feedback"
    paths = write_feedback(book([(s, passing()) for s in NASTY]), out, fmt=fmt)
    assert len(paths) == len(set(paths)) == len(NASTY)
    assert all(p.resolve().parent == out.resolve() and p.is_file() for p in paths)
    assert sorted(out.iterdir()) == sorted(paths)
