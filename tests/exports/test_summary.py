"""The instructor's summary: statistics and flags per check, real PNG figures, the pages."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from grader.exports import summary
from grader.exports.common import load_book
from grader.exports.summary import exercise_stats, write_report
from tests.exports._builders import check, make_gradebook, result

ATTEMPTS = 12


def class_rows():
    """12 attempts at exercise 01 with checks of every kind, an untouched stub and a file that
    does not import (neither an attempt), a problem; exercise 02 where everyone is perfect."""
    rows = []
    for i in range(ATTEMPTS):
        rows.append((f"s{i:02d}", result(
            "01",
            check("forward", 2, passed=i % 4 != 0),  # 75%
            check("gradient", 3, passed=i % 3 != 0),  # 67%
            check("nobody_passes", 2, passed=False),  # 0%: broken?
            check("rarely", 2, passed=i == 0),  # 8%: too hard? (not broken: median others 67%)
            check("shape", 1),  # 100%, others fail sometimes: never fails
            check("edge", 2, hidden=True, passed=i % 2 == 0, title="邊界情況 $x$"))))  # 50%
        rows.append((f"s{i:02d}", result("02", check("a", 5), check("b", 5), title="Act")))
    rows.append(("stub", result("01", *(check(n, outcome="not_implemented")
                                        for n in ("forward", "gradient", "shape")))))
    rows.append(("typo", result("01", check("forward", outcome="import_error"))))
    rows.append(("zip", "01", "zip.zip is not a zip file", 12))
    rows.append(("gone", "", "an upload that could not be read at all"))
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report of class_rows(), drawn once for the module (matplotlib costs time); its
    exercises are not in the (empty) catalog, so their titles are those graded."""
    folder = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADE_EXERCISES", str(folder))
        book = load_book(make_gradebook(folder / "grades.sqlite", class_rows()))
    (folder / "out").mkdir()
    (folder / "out" / "mine.txt").write_text("keep me")
    return folder / "out", write_report(book, folder / "out", lang="en"), book


def stats_by_check(book, code="01"):
    info = next(e for e in book.exercises if e.code == code)
    return {c.name: c for c in exercise_stats(book, info).checks}


def test_stubs_and_files_that_do_not_import_are_not_attempts(report):
    _, _, book = report
    info = book.exercises[0]
    stats = exercise_stats(book, info)
    assert (stats.submissions, stats.attempts, stats.problems) == (ATTEMPTS + 3, ATTEMPTS, 1)
    assert stats_by_check(book)["test_forward"].attempts == ATTEMPTS


def test_flags(report):
    _, _, book = report
    flags = {name: c.flags for name, c in stats_by_check(book).items()}
    assert flags == {"test_forward": (), "test_gradient": (), "test_nobody_passes": ("broken",),
                     "test_rarely": ("too_hard",), "test_shape": ("never_fails",),
                     "test_edge": ()}


def test_no_never_fails_when_every_attempt_is_perfect(report):
    _, _, book = report
    assert all(not c.flags for c in stats_by_check(book, "02").values())


def test_too_few_attempts_are_never_flagged(book):
    few = book([(f"s{i}", result("01", check("a"), check("nobody", passed=False)))
                for i in range(summary.MIN_ATTEMPTS - 1)])
    assert all(not c.flags for c in exercise_stats(few, few.exercises[0]).checks)


def png_chunks(data: bytes) -> dict[bytes, list[bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] == \
            zlib.crc32(kind + body)
        chunks.setdefault(kind, []).append(body)
        at += 12 + length
    return chunks


def test_the_figures_are_real_pngs_drawn_by_matplotlib(report):
    import matplotlib.image

    out, written, _ = report
    figures = sorted((out / "figures").iterdir())
    assert [f.name for f in figures] == ["checks_01.png", "checks_02.png", "scores.png"]
    assert set(figures) <= set(written)
    for figure in figures:
        data = figure.read_bytes()
        chunks = png_chunks(data)
        width, height = struct.unpack(">II", chunks[b"IHDR"][0][:8])
        assert width >= 400 and height >= 200 and len(data) > 10_000
        assert any(b"matplotlib" in text.lower() for text in chunks.get(b"tEXt", []))
        pixels = matplotlib.image.imread(figure)
        assert pixels.std() > 0.05  # not a blank canvas


def test_report_pages_link_the_figures_and_state_the_rules(report):
    out, _, _ = report
    page = (out / "report.html").read_text(encoding="utf-8")
    for link in re.findall(r'<img src="([^"]+)"', page):
        assert (out / link).is_file()
    assert len(re.findall(r"<img ", page)) == 3
    assert '<span class="flag">broken?</span>' in page and "too hard?" in page
    assert "at most 5% of the attempts pass it" in page and "never fails: every attempt" in page
    assert "邊界情況 $x$" in page  # the check's title as stored
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| test nobody passes |" not in markdown  # titles, not names
    assert "| nobody passes | visible | 2 | 0 / 12 | 0% | broken? |" in markdown
    assert "](figures/checks_01.png)" in markdown
    assert (out / "mine.txt").read_text() == "keep me"


def test_chinese_report_without_a_chinese_font_draws_english_figures_without_warnings(
        gradebook, tmp_path, monkeypatch):
    """Warnings are errors in this suite: a missing glyph would fail the test. Pretending
    DejaVu Sans is the CJK font also takes the path a real CJK font takes."""
    book = load_book(gradebook(class_rows()[:4]), "zh-TW")
    for font in (None, "DejaVu Sans"):
        monkeypatch.setattr("grader.exports.figures._cjk_font", lambda font=font: font)
        write_report(book, tmp_path / str(font), lang="zh-TW")
        page = (tmp_path / str(font) / "report.html").read_text(encoding="utf-8")
        assert "評分摘要" in page and "檢查的標記規則" in page
