"""The instructor's summary of a batch: the report, in HTML and Markdown, that shows which
check is broken or too hard.

    OUT/report.html           tables per exercise and the figures (linked, beside it)
    OUT/report.md             the same in Markdown
    OUT/figures/              the figures (figures.py)

The statistics and the flag rules are passrates.py's; the report states the rules. The names
of passrates.py and figures.py that were this module's are importable from it still.
"""

from __future__ import annotations

import html
from pathlib import Path

from grader.exports.common import Book, points
from grader.exports.feedback import md_text
from grader.exports.figures import (
    CJK_PROBE,
    FIGURES,
    FLAG_COLOUR,
    HIDDEN_COLOUR,
    MAX_COLOUR,
    VISIBLE_COLOUR,
    draw_figures,
)
from grader.exports.passrates import (
    BROKEN_MAX_RATE,
    BROKEN_OTHERS_MIN,
    FLAGS,
    MIN_ATTEMPTS,
    TOO_HARD_GAP,
    CheckStats,
    ExerciseStats,
    exercise_stats,
    statistics_of,
)
from grader.i18n import tr

__all__ = ["BROKEN_MAX_RATE", "BROKEN_OTHERS_MIN", "CJK_PROBE", "FIGURES", "FLAGS",
           "FLAG_COLOUR", "HIDDEN_COLOUR", "MAX_COLOUR", "MIN_ATTEMPTS", "STYLE",
           "TOO_HARD_GAP", "VISIBLE_COLOUR", "CheckStats", "ExerciseStats", "draw_figures",
           "exercise_stats", "render_html", "render_markdown", "statistics_of",
           "write_report"]


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
