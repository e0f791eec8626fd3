"""Per-student feedback files, Markdown or self-contained HTML, one per student.

Per exercise: the score, every visible check with ✔/✘ and its points, and for a failed check
its message and what the student's code printed (truncated). Hidden checks follow the
exercise's `hidden_feedback` setting (catalog.Exercise; "score" when the catalog no longer has
the exercise):

    full   titles, points and messages of hidden checks (never what the code printed
           during them, which can show the hidden inputs)
    score  titles, ✔/✘ and points, no messages
    total  only the sum of the hidden points

Problems (a corrupt zip, a file that is not UTF-8 ...) and notes (skipped notebook cells,
forbidden-access reports) come first, marked ⚠. Headings and labels are in the language of
the export (`lang`, through grader.i18n); check titles and messages were stored in the
language the batch ran in and are shown as stored.

Everything a student or a check wrote is escaped: in HTML with html.escape, in Markdown as
backslash-escaped text or inside a code fence longer than any run of backticks it contains.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from grader.exports.common import Book, ExerciseInfo, Student, points, safe_names
from grader.i18n import tr
from grader.results import CheckResult, ExerciseResult

FORMATS = ("md", "html")
OUTPUT_LINES = 20  # lines of a check's printed output shown
OUTPUT_CHARS = 2000  # and at most this many characters of them
MESSAGE_CHARS = 4000  # a failure message longer than this is cut
WARNING = "⚠"


@dataclass(frozen=True)
class CheckView:
    """One check as the student may see it: message and output already filtered."""

    passed: bool
    title: str
    earned: float
    possible: float
    hidden: bool
    status: str = ""  # "timed out", ... ("" for passed and failed)
    message: str = ""
    output: str = ""


@dataclass(frozen=True)
class ExerciseView:
    heading: str
    score: float | None  # None: not submitted
    max_score: float
    problem: str = ""
    notes: tuple[str, ...] = ()
    checks: tuple[CheckView, ...] = ()
    hidden_total: tuple[float, float] | None = None  # (earned, possible) when "total"


@dataclass(frozen=True)
class FeedbackView:
    """What one student's feedback file says, in the export's language."""

    lang: str
    title: str
    total: str
    upload_problem: str
    exercises: tuple[ExerciseView, ...]


def _truncate(text: str, lang: str, max_lines: int | None, max_chars: int) -> str:
    text = text.rstrip("\n")
    lines = text.splitlines()
    shown = "\n".join(lines[:max_lines] if max_lines else lines)[:max_chars]
    if shown != text:
        shown += "\n" + tr("output_truncated", lang, total=len(text))
    return shown


def _check_view(check: CheckResult, mode: str, lang: str, say_message: bool) -> CheckView:
    hidden = check.visibility == "hidden"
    details = not check.passed and (not hidden or mode == "full")
    status = (tr(f"status_{check.outcome}", lang)
              if details and check.outcome not in ("passed", "failed") else "")
    message = (_truncate(check.message, lang, None, MESSAGE_CHARS)
               if details and say_message and check.outcome != "not_implemented" else "")
    output = (_truncate(check.stdout, lang, OUTPUT_LINES, OUTPUT_CHARS)
              if details and not hidden and check.stdout else "")
    return CheckView(check.passed, check.title, check.points_earned, check.points_possible,
                     hidden, status, message, output)


def _checks(result: ExerciseResult, mode: str, lang: str):
    views, earned, possible, import_error_said = [], 0.0, 0.0, False
    for check in result.checks:
        if check.visibility == "hidden" and mode == "total":
            earned, possible = earned + check.points_earned, possible + check.points_possible
            continue
        say = not (check.outcome == "import_error" and import_error_said)  # one cause: once
        import_error_said |= check.outcome == "import_error"
        views.append(_check_view(check, mode, lang, say))
    hidden_total = (earned, possible) if mode == "total" and possible else None
    return tuple(views), hidden_total


def _exercise_view(info: ExerciseInfo, student: Student, lang: str) -> ExerciseView:
    heading = tr("report_heading", lang, code=info.code, title=info.title).rstrip(" ·")
    entry = student.entries.get(info.code)
    if entry is None:  # not submitted, or 0 because the whole upload is shown as a problem
        return ExerciseView(heading, student.score(info.code), info.max_score)
    checks, hidden_total = (_checks(entry.result, info.hidden_feedback, lang)
                            if entry.result else ((), None))
    return ExerciseView(heading, entry.score, entry.max_score or info.max_score,
                        problem=entry.problem, notes=entry.notes, checks=checks,
                        hidden_total=hidden_total)


def view(book: Book, student: Student, lang: str | None = None) -> FeedbackView:
    lang = lang or book.lang
    total = tr("feedback_total", lang, score=points(book.total(student)),
               max=points(book.max_total))
    upload = student.upload_problem.problem if student.upload_problem else ""
    return FeedbackView(lang, tr("feedback_title", lang, student=student.id), total, upload,
                        tuple(_exercise_view(e, student, lang) for e in book.exercises))


def _score_text(exercise: ExerciseView, lang: str) -> str:
    if exercise.score is None:
        return tr("feedback_not_submitted", lang)
    return f"{points(exercise.score)} / {points(exercise.max_score)}"


def _check_label(check: CheckView, lang: str) -> tuple[str, str]:
    """(symbol, the words after the title: status and 'hidden')."""
    extra = [f"[{check.status}]"] if check.status else []
    if check.hidden:
        extra.append(f"({tr('feedback_hidden_label', lang)})")
    return ("✔" if check.passed else "✘"), " ".join(extra)


# -- Markdown --
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")  # what can start markup inside a line


def md_text(text: str) -> str:
    """Text on one line with every Markdown/HTML-active character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str, indent: str = "") -> str:
    """A fenced code block whose fence no run of backticks in `text` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [fence + "text", *text.splitlines(), fence]
    return "\n".join((indent + line).rstrip() for line in lines)


def _md_warning(heading: str, body: list[str]) -> list[str]:
    lines = [f"**{WARNING} {md_text(heading)}**", "", *body]
    return ["\n".join(("> " + line).rstrip() for line in "\n".join(lines).splitlines()), ""]


def _md_exercise(exercise: ExerciseView, lang: str) -> list[str]:
    out = [f"## {md_text(exercise.heading)} — {md_text(_score_text(exercise, lang))}", ""]
    if exercise.problem:
        out += _md_warning(tr("feedback_exercise_problem", lang), [md_code(exercise.problem)])
    if exercise.notes:
        out += _md_warning(tr("feedback_notes", lang), [f"- {md_text(n)}" for n in exercise.notes])
    for check in exercise.checks:
        symbol, extra = _check_label(check, lang)
        item = [f"- {symbol} {md_text(check.title)}{' ' + md_text(extra) if extra else ''}"
                f" — {points(check.earned)} / {points(check.possible)}"]
        if check.message:
            item.append(md_code(check.message, "  "))
        if check.output:
            item += [f"  {md_text(tr('your_output', lang))}", md_code(check.output, "  ")]
        out.append("\n\n".join(item) + ("\n" if len(item) > 1 else ""))
    if exercise.checks and not out[-1].endswith("\n"):
        out.append("")
    if exercise.hidden_total:
        earned, possible = map(points, exercise.hidden_total)
        out += [md_text(tr("feedback_hidden_total", lang, earned=earned, possible=possible)), ""]
    return out


def render_markdown(feedback: FeedbackView) -> str:
    lang = feedback.lang
    out = [f"# {md_text(feedback.title)}", "", f"**{md_text(feedback.total)}**", ""]
    if feedback.upload_problem:
        out += _md_warning(tr("feedback_upload_problem", lang), [md_code(feedback.upload_problem)])
    for exercise in feedback.exercises:
        out += _md_exercise(exercise, lang)
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML --
STYLE = """
body { font-family: system-ui, "Noto Sans TC", "Microsoft JhengHei", sans-serif;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #222; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
.score { float: right; font-weight: normal; }
.warning { border-left: 4px solid #d97706; background: #fff7e6; padding: .5rem 1rem;
           margin: 1rem 0; }
ul.checks { list-style: none; padding-left: 0; }
ul.checks li { margin: .4rem 0; }
.passed .mark { color: #15803d; } .failed .mark { color: #b91c1c; }
.points { float: right; } .extra { color: #666; }
pre { background: #f4f4f5; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.label { color: #666; font-size: .9em; margin: .3rem 0 0; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_warning(heading: str, body: str) -> str:
    return f'<div class="warning"><strong>{WARNING} {_e(heading)}</strong>{body}</div>'


def _html_check(check: CheckView, lang: str) -> str:
    symbol, extra = _check_label(check, lang)
    parts = [f'<li class="{"passed" if check.passed else "failed"}">'
             f'<span class="mark">{symbol}</span> {_e(check.title)}'
             + (f' <span class="extra">{_e(extra)}</span>' if extra else "")
             + f'<span class="points">{points(check.earned)} / {points(check.possible)}</span>']
    if check.message:
        parts.append(f"<pre>{_e(check.message)}</pre>")
    if check.output:
        parts.append(f'<p class="label">{_e(tr("your_output", lang))}</p>'
                     f"<pre>{_e(check.output)}</pre>")
    return "".join(parts) + "</li>"


def _html_exercise(exercise: ExerciseView, lang: str) -> str:
    out = [f'<section><h2>{_e(exercise.heading)} <span class="score">'
           f"{_e(_score_text(exercise, lang))}</span></h2>"]
    if exercise.problem:
        out.append(_html_warning(tr("feedback_exercise_problem", lang),
                                 f"<pre>{_e(exercise.problem)}</pre>"))
    if exercise.notes:
        notes = "".join(f"<li>{_e(n)}</li>" for n in exercise.notes)
        out.append(_html_warning(tr("feedback_notes", lang), f"<ul>{notes}</ul>"))
    if exercise.checks:
        out.append('<ul class="checks">' + "".join(_html_check(c, lang) for c in exercise.checks)
                   + "</ul>")
    if exercise.hidden_total:
        earned, possible = map(points, exercise.hidden_total)
        out.append(f"<p>{_e(tr('feedback_hidden_total', lang, earned=earned, possible=possible))}"
                   "</p>")
    return "\n".join(out) + "</section>"


def render_html(feedback: FeedbackView) -> str:
    lang = feedback.lang
    body = [f"<h1>{_e(feedback.title)}</h1>", f"<p><strong>{_e(feedback.total)}</strong></p>"]
    if feedback.upload_problem:
        body.append(_html_warning(tr("feedback_upload_problem", lang),
                                  f"<pre>{_e(feedback.upload_problem)}</pre>"))
    body += [_html_exercise(e, lang) for e in feedback.exercises]
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(feedback.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_feedback(book: Book, out: Path, *, fmt: str = "md", lang: str | None = None
                   ) -> list[Path]:
    """One file per student in the folder `out` (created if missing; other files are kept),
    named by `common.safe_names`; returns the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"feedback format must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    render = render_markdown if fmt == "md" else render_html
    names = safe_names([s.id for s in book.students])
    written = []
    for student in book.students:
        path = out / f"{names[student.id]}.{fmt}"
        path.write_text(render(view(book, student, lang)), encoding="utf-8")
        written.append(path)
    return written
