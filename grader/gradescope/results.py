"""Gradescope's results.json for graded exercises, and for a submission that could not be graded.

`results_json(results, exercises)` turns one student's ExerciseResults into Gradescope's
results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the score, one
test per check named "01 · <title>", and a summary in `output`. Hidden checks follow the
exercise's `hidden_feedback` (catalog.py): "full" shows them after the grades are published,
with their messages; "score" after publishing, without messages; "total" as one aggregated
test "hidden checks". `problem_json(message)` is the form for a submission that could not be
graded at all.
"""

from __future__ import annotations

from pathlib import Path

from grader import __version__, catalog, i18n
from grader.catalog import Exercise
from grader.results import CheckResult, ExerciseResult

HIDDEN_TOTAL = "hidden checks"  # the aggregated test of hidden_feedback = "total"


def _feedback_modes(results: list[ExerciseResult],
                    exercises: dict[str, Exercise] | None) -> dict[str, str]:
    """{exercise code: hidden_feedback}, from `exercises` or else the catalog."""
    modes = {}
    for result in results:
        exercise = (exercises or {}).get(result.exercise)
        if exercise is None:
            try:
                exercise = catalog.find(result.exercise)
            except catalog.CatalogError:
                exercise = None
        modes[result.exercise] = exercise.hidden_feedback if exercise else "full"
    return modes


def _output(check: CheckResult, lang: str) -> str:
    parts = [check.message]
    if check.stdout:
        parts.append(f"{i18n.tr('your_output', lang)}\n{check.stdout}")
    return "\n".join(p for p in parts if p)


def _test(code: str, check: CheckResult, visibility: str, lang: str,
          with_output: bool = True) -> dict:
    return {"name": f"{code} · {check.title}", "score": check.points_earned,
            "max_score": check.points_possible,
            "status": "passed" if check.passed else "failed",
            "output": _output(check, lang) if with_output else "", "output_format": "text",
            "visibility": visibility}


def _hidden_total(code: str, hidden: list[CheckResult], visibility: str, lang: str) -> dict:
    passed = sum(c.passed for c in hidden)
    return {"name": f"{code} · {i18n.tr('gs_hidden_name', lang)}",
            "score": sum(c.points_earned for c in hidden),
            "max_score": sum(c.points_possible for c in hidden),
            "status": "passed" if passed == len(hidden) else "failed",
            "output": i18n.tr("gs_hidden_total", lang, passed=passed, count=len(hidden)),
            "output_format": "text", "visibility": visibility}


def _summary(result: ExerciseResult, lang: str) -> list[str]:
    """The lines of the overall output about one exercise: score, notes, what did not run."""
    lines = [i18n.tr("gs_summary", lang, code=result.exercise, title=result.title,
                     file=Path(result.submission).name, score=f"{result.score:g}",
                     max_score=f"{result.max_score:g}")]
    lines += [f"  {note}" for note in result.notes]
    if result.hidden_not_run:
        not_run = result.hidden_not_run
        lines.append("  " + i18n.tr("gs_hidden_not_run", lang, count=not_run["checks"],
                                    points=f"{not_run['points']:g}"))
    lines += [f"  {c.message}" for c in result.grader_errors]
    return lines


def results_json(results: list[ExerciseResult], exercises: dict[str, Exercise] | None = None,
                 *, visibility_after_publish: bool = True, lang: str | None = None) -> dict:
    """Gradescope's results.json for one student's graded exercises (one or several).

    Visible checks are "visible" tests. Hidden checks are shown "after_published" (or kept
    "hidden" from students altogether when not `visibility_after_publish`), with or without
    their messages or as one total, as each exercise's `hidden_feedback` says. `exercises`
    maps exercise codes to exercises; missing ones are looked up in the catalog. The text
    around the checks' own messages is in `lang`, by default the language they were graded in."""
    lang = lang or (results[0].lang if results else i18n.current())
    modes = _feedback_modes(results, exercises)
    hidden_visibility = "after_published" if visibility_after_publish else "hidden"
    tests: list[dict] = []
    lines: list[str] = []
    for result in results:
        code, mode = result.exercise, modes[result.exercise]
        hidden = [c for c in result.checks if c.visibility == "hidden"]
        visible = [c for c in result.checks if c.visibility != "hidden"]
        tests += [_test(code, c, "visible", lang) for c in visible]
        if mode == "total" and hidden:
            tests.append(_hidden_total(code, hidden, hidden_visibility, lang))
        else:
            tests += [_test(code, c, hidden_visibility, lang, with_output=mode == "full")
                      for c in hidden]
        lines += _summary(result, lang)
    return {"score": round(sum(r.score for r in results), 6), "output": "\n".join(lines),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"grader_version": __version__,
                           "sandbox": sorted({r.sandbox for r in results}),
                           "submissions": {r.exercise: r.submission_id for r in results}}}


def problem_json(message: str) -> dict:
    """results.json for a submission that could not be graded at all: score 0 and why."""
    return {"score": 0.0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"grader_version": __version__}}
