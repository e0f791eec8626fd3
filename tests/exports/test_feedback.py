"""Per-student feedback: visible checks in full, hidden checks per the exercise's setting,
problems and notes first, everything a student wrote escaped, in either language."""

from __future__ import annotations

import re

import pytest

from grader.exports.common import safe_names
from grader.exports.feedback import OUTPUT_LINES, write_feedback
from tests.exports._builders import check, result

HIDDEN_MESSAGE = "hidden input was [3, 4]"


def with_hidden(exercise: str) -> object:
    return result(exercise,
                  check("visible_ok", 2),
                  check("visible_bad", 3, passed=False, message="off by a factor of 2",
                        stdout="debug line\n"),
                  check("secret_one", 4, hidden=True, passed=False, message=HIDDEN_MESSAGE),
                  check("secret_two", 1, hidden=True))


def feedback_of(book, rows, student="ana", fmt="md", lang="en", tmp_path=None):
    """The feedback file of `student` written for a gradebook of `rows`."""
    write_feedback(book(rows, lang), tmp_path, fmt=fmt, lang=lang)
    return (tmp_path / f"{safe_names([student])[student]}.{fmt}").read_text(encoding="utf-8")


def test_visible_checks_have_marks_points_and_for_failures_message_and_output(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("01"))], tmp_path=tmp_path)
    assert "✔ visible ok — 2 / 2" in text
    assert "✘ visible bad — 0 / 3" in text
    assert "off by a factor of 2" in text and "debug line" in text
    assert "Total: 3 / 10 points" in text and "Exercise 01 · Loss functions — 3 / 10" in text


def test_full_shows_hidden_titles_points_and_messages(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("01"))], tmp_path=tmp_path)
    assert "✘ secret one (hidden) — 0 / 4" in text and "✔ secret two (hidden) — 1 / 1" in text
    assert HIDDEN_MESSAGE.replace("[", r"\[") not in text  # in a code block, not escaped
    assert HIDDEN_MESSAGE in text


def test_score_shows_hidden_titles_and_points_but_no_messages(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("02"))], tmp_path=tmp_path)
    assert "✘ secret one (hidden) — 0 / 4" in text and "✔ secret two (hidden) — 1 / 1" in text
    assert HIDDEN_MESSAGE not in text and "off by a factor of 2" in text


def test_total_shows_only_the_sum_of_the_hidden_points(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("03"))], tmp_path=tmp_path)
    assert "Hidden checks: 1 / 5 points" in text
    assert "secret" not in text and HIDDEN_MESSAGE not in text
    assert "✘ visible bad — 0 / 3" in text


def test_an_exercise_gone_from_the_catalog_is_reported_as_score(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("09"))], tmp_path=tmp_path)
    assert "secret one" in text and HIDDEN_MESSAGE not in text


def test_printed_output_is_truncated(book, tmp_path):
    noisy = "\n".join(f"line {i}" for i in range(200))
    text = feedback_of(book, [("ana", result("01", check("a", passed=False, stdout=noisy)))],
                       tmp_path=tmp_path)
    assert f"line {OUTPUT_LINES - 1}" in text and f"line {OUTPUT_LINES}\n" not in text
    assert f"({len(noisy)} characters in all, the rest not shown)" in text


def test_problems_and_notes_come_first_and_are_marked(book, tmp_path):
    rows = [("ana", "", "ana.zip is not a zip file"),
            ("ana", "02", "activations.py is not UTF-8 text", 6),
            ("ana", result("01", check("a"), notes=("notebook cell 3 was skipped",)))]
    text = feedback_of(book, rows, tmp_path=tmp_path)
    assert text.index("⚠ Your upload could not be graded") < text.index("Exercise 01")
    assert "ana.zip is not a zip file" in text
    section = text[text.index("Exercise 02"):]
    assert "⚠ This exercise could not be graded" in section and "not UTF-8" in section
    assert "⚠ Notes about your submission" in text and "notebook cell 3 was skipped" in text


def test_an_exercise_not_submitted_says_so(book, tmp_path):
    rows = [("ana", result("01", check("a"))), ("bo", result("02", check("b")))]
    text = feedback_of(book, rows, tmp_path=tmp_path)
    assert "Exercise 02 · Activations — not submitted" in text


def test_headings_in_traditional_chinese(book, tmp_path):
    text = feedback_of(book, [("ana", with_hidden("03"))], lang="zh-TW", tmp_path=tmp_path)
    assert "# ana 的回饋" in text and "練習 03 · 最佳化 — 3 / 10" in text
    assert "總分：3 / 10 分" in text and "隱藏檢查：1 / 5 分" in text
    assert "你的程式輸出：" in text  # the label of printed output


HOSTILE = "<script>alert('x')</script>"


HOSTILE_ID = f"<b>{HOSTILE}"


def hostile_rows():
    return [(HOSTILE_ID, result("01", check("a", passed=False, message=HOSTILE,
                                                 stdout=HOSTILE, title=f"t {HOSTILE}"),
                                     notes=(HOSTILE,)))]


def test_html_is_self_contained_and_escapes_everything_students_wrote(book, tmp_path):
    page = feedback_of(book, hostile_rows(), HOSTILE_ID, "html", tmp_path=tmp_path)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "<b>" not in page
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 4
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched


def test_markdown_escapes_text_and_fences_code(book, tmp_path):
    rows = [("<b>", result("01", check("a", passed=False, message="```\n<script>")))]
    text = feedback_of(book, rows, "<b>", tmp_path=tmp_path)
    assert "# Feedback for \\<b\\>" in text
    assert "````text\n  ```\n  <script>\n  ````" in text  # a fence the message cannot close


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_one_file_per_student(book, tmp_path, fmt):
    paths = write_feedback(book([("ana", with_hidden("01")), ("bo", with_hidden("02"))]),
                           tmp_path / "out", fmt=fmt)
    assert sorted(p.name for p in paths) == [f"ana.{fmt}", f"bo.{fmt}"]
