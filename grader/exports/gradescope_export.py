"""Gradescope's results.json per student: OUT/<student>/results.json.

The JSON itself is grader.gradescope's (`results_json` for the graded exercises, with the
catalog's exercises for their hidden-check settings; `problem_json` when nothing of the
student could be graded). An exercise the catalog no longer has is reported as the other
exports report it, with hidden_feedback "score". Problems beside graded exercises (one
exercise's file was not UTF-8, say) are put first in the top-level "output" Gradescope shows
the student. Its labels are in the export's language; folder names come from
`common.safe_names`.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from grader import i18n
from grader.catalog import Exercise
from grader.exports.common import DEFAULT_HIDDEN_FEEDBACK, Book, ExerciseInfo, Student, safe_names


def _problems(book: Book, student: Student) -> list[str]:
    problems = [student.upload_problem.problem] if student.upload_problem else []
    for exercise in book.exercises:
        entry = student.entries.get(exercise.code)
        if entry is not None and entry.status == "problem":
            problems.append(f"{exercise.code} {exercise.title}: {entry.problem}".strip())
    return problems


def _exercise(info: ExerciseInfo) -> Exercise:
    """The catalog's exercise, or a stand-in that carries the default hidden_feedback."""
    if info.exercise is not None:
        return info.exercise
    number = int(info.code) if info.code.isdigit() else 0
    return Exercise(number=number, slug=info.code, folder=Path(), title={"en": info.title},
                    stub="", reference="", functions=(),
                    hidden_feedback=DEFAULT_HIDDEN_FEEDBACK)


@contextmanager
def _language(lang: str):
    """grader.gradescope words its labels in the current language: the export's, meanwhile."""
    before = i18n.current()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def student_json(book: Book, student: Student) -> dict:
    from grader.gradescope import problem_json, results_json

    results = [e.result for e in student.entries.values() if e.result is not None]
    problems = _problems(book, student)
    if not results:
        return problem_json("\n".join(problems))
    data = results_json(results, {e.code: _exercise(e) for e in book.exercises})
    if problems:
        data["output"] = "\n".join([*problems, data.get("output", "")]).strip()
    return data


def write_gradescope(book: Book, out: Path) -> list[Path]:
    """OUT/<student>/results.json for every student; returns the paths written."""
    names = safe_names([s.id for s in book.students])
    written = []
    with _language(book.lang):
        for student in book.students:
            path = Path(out) / names[student.id] / "results.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            data = student_json(book, student)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            written.append(path)
    return written
