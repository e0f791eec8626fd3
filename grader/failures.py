"""What can go wrong in a check, as exception types the report knows how to explain.

`SubmissionFailure` and its subclasses are the student's: they cost the check its points.
`GraderError` is ours (a missing replay, a broken check): the check is reported as an error
and `grade` exits with status 2, never blaming the student.
"""

from __future__ import annotations

from grader.i18n import Text, msg


class GraderError(Exception):
    """A fault of the grader or of a check, not of the submission."""


class SubmissionFailure(AssertionError):
    """A check failed because of the submission. `parts` are rendered one per line."""

    outcome = "failed"

    def __init__(self, *parts: Text | str, output: str = ""):
        self.parts = [p for p in parts if p]
        self.output = output
        super().__init__(self.render())

    def render(self, lang: str | None = None) -> str:
        return "\n".join(p.render(lang) if isinstance(p, Text) else p for p in self.parts)

    def __str__(self) -> str:
        return self.render()


class NotImplementedYet(SubmissionFailure):
    outcome = "not_implemented"


class CallTimedOut(SubmissionFailure):
    outcome = "timeout"


class WorkerCrashed(SubmissionFailure):
    outcome = "crashed"


class ImportFailed(SubmissionFailure):
    outcome = "import_error"


def student_error(call: str, error: dict, output: str = "") -> SubmissionFailure:
    """The failure for an error reply from the worker (error: kind, type, message, traceback)."""
    kind, etype, text = error.get("kind"), error.get("type", "?"), error.get("message", "")
    trace = "\n".join(error.get("traceback", []))
    if kind == "not_implemented":
        return NotImplementedYet(msg("not_implemented", call=call), output=output)
    if kind == "missing":
        return SubmissionFailure(msg("missing_name", name=text), output=output)
    if kind == "exit":
        return SubmissionFailure(msg("called_exit", call=call, code=text or "None"), trace,
                                 output=output)
    if kind == "bad_return":
        return SubmissionFailure(msg("bad_return", call=call, what=text),
                                 msg("hint_bad_return"), output=output)
    if kind == "protocol":
        return WorkerCrashed(msg("protocol_error", call=call, detail=text), output=output)
    return SubmissionFailure(msg("raised", call=call, type=etype, message=text), trace,
                             output=output)
