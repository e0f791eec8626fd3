"""The instructor's summary of a batch: figures and tables that show which check is broken or
too hard.

    OUT/report.html           tables per exercise and the figures (linked, beside it)
    OUT/report.md             the same in Markdown
    OUT/figures/scores.png    the score distribution per exercise, its maximum marked
    OUT/figures/checks_NN.png the pass rate of every check of exercise NN, in the order of
                              the exercise, visible and hidden checks in different colours

Pass rates count attempts only: graded submissions in which some check ran the student's code
(`common.is_attempt`), so untouched stubs and files that do not import, which fail every
check alike, do not hide a check that fails on its own. A check gets flags (the numbers are
the constants below; the report states them):

    broken?      at most BROKEN_MAX_RATE of the attempts pass it, while the median pass rate
                 of the exercise's other checks is at least BROKEN_OTHERS_MIN
    too hard?    not broken?, and its pass rate is at least TOO_HARD_GAP below the median
                 pass rate of the exercise's checks
    never fails  every attempt passes it, though some attempt loses points on another check
                 of the exercise (when every attempt is perfect nothing can be concluded)

and only with at least MIN_ATTEMPTS attempts. Figures are drawn with matplotlib's Agg
canvas (no pyplot, no display). Their text is in the report's language when a font with
Traditional-Chinese glyphs is installed, in English otherwise; a label a font cannot draw
falls back to its English form, so matplotlib never warns about a missing glyph.
"""

from __future__ import annotations

import html
import math
import statistics
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from grader.exports.common import Book, ExerciseInfo, is_attempt, points, safe_names
from grader.exports.feedback import md_text
from grader.i18n import tr
from grader.results import CheckResult

MIN_ATTEMPTS = 5  # fewer attempts than this say too little to flag a check
BROKEN_MAX_RATE = 0.05  # "(almost) no attempt passes it"
BROKEN_OTHERS_MIN = 0.5  # "... while most pass the other checks" (their median pass rate)
TOO_HARD_GAP = 0.30  # pass rate this far (30 percentage points) below the exercise's median
FLAGS = ("broken", "too_hard", "never_fails")
CJK_PROBE = "練習分數檢查通過率滿分"  # a font must draw all of these to draw the zh-TW figures
VISIBLE_COLOUR, HIDDEN_COLOUR, FLAG_COLOUR, MAX_COLOUR = "#4c72b0", "#dd8452", "#b91c1c", "#b91c1c"
FIGURES = "figures"


@dataclass(frozen=True)
class CheckStats:
    id: str
    title: str  # in the language the batch ran in
    visibility: str
    points: float
    attempts: int  # attempts in which the check ran
    passed: int
    flags: tuple[str, ...] = ()

    @property
    def rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None

    @property
    def name(self) -> str:
        """The check's function name, from its pytest node id."""
        return self.id.split("::")[-1].split("[")[0]


@dataclass(frozen=True)
class ExerciseStats:
    info: ExerciseInfo
    submissions: int
    attempts: int
    problems: int
    scores: tuple[float, ...]  # every submission's score, problems as 0
    checks: tuple[CheckStats, ...]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None


def _flags(checks: list[CheckStats], loses_elsewhere: dict[str, bool]) -> list[CheckStats]:
    rated = [c for c in checks if c.attempts >= MIN_ATTEMPTS]
    if not rated:
        return checks
    median = statistics.median(c.rate for c in rated)
    flagged = []
    for check in checks:
        flags = []
        if check.attempts >= MIN_ATTEMPTS:
            others = [c.rate for c in rated if c.id != check.id]
            if others and (check.rate <= BROKEN_MAX_RATE
                           and statistics.median(others) >= BROKEN_OTHERS_MIN):
                flags.append("broken")
            elif check.rate <= median - TOO_HARD_GAP + 1e-9:
                flags.append("too_hard")
            if check.passed == check.attempts and loses_elsewhere[check.id]:
                flags.append("never_fails")
        flagged.append(replace(check, flags=tuple(flags)))
    return flagged


def exercise_stats(book: Book, info: ExerciseInfo) -> ExerciseStats:
    entries = book.entries(info.code)
    results = sorted((e.result for e in entries if e.result), key=lambda r: -len(r.checks))
    first_seen: dict[str, CheckResult] = {}  # the exercise's order (as its checks ran), taken
    for result in results:  # from the most complete result first
        for check in result.checks:
            first_seen.setdefault(check.id, check)
    attempts = [e.result for e in entries if is_attempt(e)]
    ran = {cid: [c for r in attempts for c in r.checks if c.id == cid] for cid in first_seen}
    loses_elsewhere = {cid: any(c.id != cid and c.points_earned < c.points_possible
                                for r in attempts for c in r.checks) for cid in first_seen}
    checks = [CheckStats(cid, c.title, c.visibility, c.points_possible, len(ran[cid]),
                         sum(r.passed for r in ran[cid])) for cid, c in first_seen.items()]
    return ExerciseStats(info, len(entries), len(attempts),
                         sum(e.status == "problem" for e in entries),
                         tuple(e.score for e in entries), tuple(_flags(checks, loses_elsewhere)))


def statistics_of(book: Book) -> list[ExerciseStats]:
    return [exercise_stats(book, info) for info in book.exercises]


# -- figures --
@cache
def _cjk_font() -> str | None:
    """The name of an installed font that draws Traditional Chinese, if any."""
    from matplotlib import font_manager, ft2font

    for font in font_manager.fontManager.ttflist:
        if "last resort" in font.name.lower():  # draws a box for every code point
            continue
        try:
            charmap = ft2font.FT2Font(font.fname).get_charmap()
        except (OSError, RuntimeError, ValueError):
            continue
        if all(ord(ch) in charmap for ch in CJK_PROBE):
            return font.name
    return None


@cache
def _charmap(families: tuple[str, ...]) -> frozenset[int]:
    from matplotlib import font_manager, ft2font

    codes: set[int] = set()
    for family in families:
        path = font_manager.findfont(font_manager.FontProperties(family=family))
        codes |= set(ft2font.FT2Font(path).get_charmap())
    return frozenset(codes)


@dataclass(frozen=True)
class _Fonts:
    lang: str  # the language the figures are written in
    families: tuple[str, ...]

    def drawable(self, text: str) -> bool:
        charmap = _charmap(self.families)
        return all(ord(ch) in charmap for ch in text if ch != "\n")

    def label(self, text: str, fallback: str) -> str:
        """`text` if the fonts draw it, else `fallback` (made ASCII); '$' is not mathtext."""
        if not self.drawable(text):
            text = fallback if self.drawable(fallback) else fallback.encode("ascii", "replace"
                                                                            ).decode()
        return text.replace("$", r"\$")

    def text(self, key: str, **params) -> str:
        """Message `key` in the figures' language, or in English if the fonts cannot draw it."""
        return self.label(tr(key, self.lang, **params), tr(key, "en", **params))


def _fonts(lang: str) -> _Fonts:
    cjk = _cjk_font() if lang != "en" else None
    if cjk:
        return _Fonts(lang, (cjk, "DejaVu Sans"))
    return _Fonts("en", ("DejaVu Sans",))


def _exercise_title(info: ExerciseInfo, fonts: _Fonts) -> str:
    english = info.exercise.title_in("en") if info.exercise else ""
    wanted = tr("report_heading", fonts.lang, code=info.code, title=info.title).rstrip(" ·")
    fallback = tr("report_heading", "en", code=info.code, title=english).rstrip(" ·")
    return fonts.label(wanted, fallback)


def _new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _scores_figure(stats: list[ExerciseStats], fonts: _Fonts, path: Path) -> None:
    import numpy as np

    columns = min(3, len(stats))
    rows = math.ceil(len(stats) / columns)
    figure = _new_figure(4.4 * columns, 3.2 * rows)
    figure.suptitle(fonts.text("summary_scores_figure"))
    for i, exercise in enumerate(stats):
        axes = figure.add_subplot(rows, columns, i + 1)
        top = exercise.info.max_score if exercise.info.max_score > 0 else 1.0
        bins = np.linspace(0, top, min(20, max(1, math.ceil(top))) + 1)
        axes.hist(np.clip(exercise.scores, 0, top), bins=bins, color=VISIBLE_COLOUR,
                  edgecolor="white")
        axes.axvline(top, color=MAX_COLOUR, linestyle="--", linewidth=1.5,
                     label=fonts.text("summary_max_marker", max=points(top)))
        axes.set_title(_exercise_title(exercise.info, fonts), fontsize=10)
        axes.set_xlabel(fonts.text("summary_axis_score"))
        axes.set_ylabel(fonts.text("summary_submissions"))
        axes.set_xlim(0, top * 1.05)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.legend(loc="upper left", fontsize=8)
    figure.savefig(path)


def _checks_figure(exercise: ExerciseStats, fonts: _Fonts, path: Path) -> None:
    checks = exercise.checks
    figure = _new_figure(8.5, 1.4 + 0.38 * max(1, len(checks)))
    axes = figure.add_subplot()
    rates = [100 * (c.rate or 0.0) for c in checks]
    colours = [HIDDEN_COLOUR if c.visibility == "hidden" else VISIBLE_COLOUR for c in checks]
    bars = axes.barh(range(len(checks)), rates, color=colours,
                     hatch=["//" if c.visibility == "hidden" else "" for c in checks])
    axes.set_yticks(range(len(checks)),
                    [fonts.label(_short(c.title), c.name) for c in checks], fontsize=8)
    axes.invert_yaxis()  # the exercise's first check on top
    axes.set_xlim(0, 118)  # room for the flag beside a full bar
    axes.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)])
    axes.set_xlabel(fonts.text("summary_axis_rate"))
    axes.set_title(f"{fonts.text('summary_checks_figure')} · "
                   f"{_exercise_title(exercise.info, fonts)}", fontsize=10)
    for bar, check in zip(bars, checks, strict=True):
        if check.flags:
            text = ", ".join(fonts.text(f"summary_flag_{f}") for f in check.flags)
            axes.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, text,
                      va="center", fontsize=8, color=FLAG_COLOUR)
    if not checks:
        axes.text(0.5, 0.5, fonts.text("summary_no_checks"), ha="center",
                  transform=axes.transAxes)
    from matplotlib.patches import Patch

    figure.legend(handles=[Patch(color=VISIBLE_COLOUR, label=fonts.text("summary_visible")),
                           Patch(facecolor=HIDDEN_COLOUR, hatch="//",
                                 label=fonts.text("feedback_hidden_label"))],
                  loc="outside lower center", ncols=2, fontsize=8)
    figure.savefig(path)


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[:limit - 1] + "…"


def draw_figures(stats: list[ExerciseStats], out: Path, lang: str) -> dict[str, Path]:
    """{"scores": path, "01": path of exercise 01's checks figure, ...} under out/figures."""
    import matplotlib

    fonts = _fonts(lang)
    folder = Path(out) / FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    names = safe_names([s.info.code for s in stats])
    paths = {"scores": folder / "scores.png"}
    with matplotlib.rc_context({"font.family": list(fonts.families)}):
        _scores_figure(stats, fonts, paths["scores"])
        for exercise in stats:
            paths[exercise.info.code] = folder / f"checks_{names[exercise.info.code]}.png"
            _checks_figure(exercise, fonts, paths[exercise.info.code])
    return paths


# -- the report in HTML and Markdown --
def _rate(check: CheckStats) -> str:
    return "—" if check.rate is None else f"{100 * check.rate:.0f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else points(round(value, 2))


def _rules(lang: str) -> list[str]:
    return [tr("summary_rule_attempts", lang, min=MIN_ATTEMPTS),
            tr("summary_rule_broken", lang, rate=f"{BROKEN_MAX_RATE:.0%}",
               others=f"{BROKEN_OTHERS_MIN:.0%}"),
            tr("summary_rule_too_hard", lang, gap=round(100 * TOO_HARD_GAP)),
            tr("summary_rule_never_fails", lang)]


def _exercise_row(exercise: ExerciseStats) -> list[str]:
    return [str(exercise.submissions), str(exercise.attempts), str(exercise.problems),
            _number(exercise.mean), _number(exercise.median), points(exercise.info.max_score)]


def _exercise_header(lang: str) -> list[str]:
    return [tr(k, lang) for k in ("summary_submissions", "summary_attempts", "summary_problems",
                                  "summary_mean", "summary_median", "summary_max")]


def _check_header(lang: str) -> list[str]:
    return [tr(k, lang) for k in ("summary_check", "summary_visibility", "summary_points",
                                  "summary_passed", "summary_pass_rate", "summary_flags")]


def _check_row(check: CheckStats, lang: str) -> list[str]:
    visibility = tr("feedback_hidden_label" if check.visibility == "hidden"
                    else "summary_visible", lang)
    return [check.title, visibility, points(check.points), f"{check.passed} / {check.attempts}",
            _rate(check), ", ".join(tr(f"summary_flag_{f}", lang) for f in check.flags)]


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(md_text(c) for c in cells) + " |"
    return [line(header), "|" + "---|" * len(header), *map(line, rows), ""]


def _source(book: Book, lang: str) -> str:
    return tr("summary_source", lang, path=book.path.name, students=len(book.students),
              exercises=len(book.exercises))


def _heading(exercise: ExerciseStats, lang: str) -> str:
    return tr("report_heading", lang, code=exercise.info.code,
              title=exercise.info.title).rstrip(" ·")


def render_markdown(book: Book, stats: list[ExerciseStats], figures: dict[str, Path],
                    lang: str, base: Path) -> str:
    def link(key: str) -> str:
        return figures[key].relative_to(base).as_posix()
    out = [f"# {md_text(tr('summary_title', lang))}", "", md_text(_source(book, lang)), ""]
    uploads = sum(1 for s in book.students if s.upload_problem)
    if uploads:
        out += [md_text(tr("summary_upload_problems", lang, count=uploads)), ""]
    out += [f"![{md_text(tr('summary_scores_figure', lang))}]({link('scores')})", "",
            f"## {md_text(tr('summary_rules', lang))}", "",
            *(f"- {md_text(rule)}" for rule in _rules(lang)), ""]
    for exercise in stats:
        out += [f"## {md_text(_heading(exercise, lang))}", "",
                *_md_table(_exercise_header(lang), [_exercise_row(exercise)]),
                *_md_table(_check_header(lang), [_check_row(c, lang) for c in exercise.checks]),
                f"![{md_text(tr('summary_checks_figure', lang))}]"
                f"({link(exercise.info.code)})", ""]
    return "\n".join(out)


STYLE = """
body { font-family: system-ui, "Noto Sans TC", "Microsoft JhengHei", sans-serif;
       max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: .8rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
.flag { color: #fff; background: #b91c1c; border-radius: .3rem; padding: 0 .35rem;
        font-size: .85em; margin-right: .2rem; white-space: nowrap; }
img { max-width: 100%; }
"""


def _html_table(header: list[str], rows: list[list[str]], raw_last: bool = False) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = [html.escape(c) for c in row]
        if raw_last:  # the flags cell, already HTML
            cells[-1] = row[-1]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(book: Book, stats: list[ExerciseStats], figures: dict[str, Path], lang: str,
                base: Path) -> str:
    e = html.escape

    def link(key: str) -> str:
        return e(figures[key].relative_to(base).as_posix())
    title = tr("summary_title", lang)
    body = [f"<h1>{e(title)}</h1>", f"<p>{e(_source(book, lang))}</p>"]
    uploads = sum(1 for s in book.students if s.upload_problem)
    if uploads:
        body.append(f"<p>{e(tr('summary_upload_problems', lang, count=uploads))}</p>")
    body += [f'<img src="{link("scores")}" alt="{e(tr("summary_scores_figure", lang))}">',
             f"<h2>{e(tr('summary_rules', lang))}</h2>",
             "<ul>" + "".join(f"<li>{e(rule)}</li>" for rule in _rules(lang)) + "</ul>"]
    for exercise in stats:
        rows = []
        for check in exercise.checks:
            row = _check_row(check, lang)
            row[-1] = "".join(f'<span class="flag">{e(tr(f"summary_flag_{f}", lang))}</span>'
                              for f in check.flags)
            rows.append(row)
        body += [f"<h2>{e(_heading(exercise, lang))}</h2>",
                 _html_table(_exercise_header(lang), [_exercise_row(exercise)]),
                 _html_table(_check_header(lang), rows, raw_last=True),
                 f'<img src="{link(exercise.info.code)}" '
                 f'alt="{e(tr("summary_checks_figure", lang))}">']
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_report(book: Book, out: Path, *, lang: str | None = None) -> list[Path]:
    """report.html, report.md and the figures in the folder `out` (created if missing; other
    files are kept); returns the paths written."""
    lang = lang or book.lang
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stats = statistics_of(book)
    figures = draw_figures(stats, out, lang)
    pages = {out / "report.html": render_html(book, stats, figures, lang, out),
             out / "report.md": render_markdown(book, stats, figures, lang, out)}
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    return [*pages, *figures.values()]
