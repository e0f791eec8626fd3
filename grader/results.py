"""The one data model of a graded exercise, and its JSON form.

`ExerciseResult.to_json()` has at its top level `score`, `max_score` and `tests`, each test
with `name`, `score`, `max_score`, `status` and `output`, as Gradescope's results.json does,
plus this project's fields (outcome, visibility, duration, seed ...).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

OUTCOMES = ("passed", "failed", "not_implemented", "timeout", "crashed", "import_error", "error")


@dataclass(frozen=True)
class CheckResult:
    id: str  # the pytest node id, stable across runs
    title: str  # in the language of the run
    points_possible: float
    points_earned: float
    outcome: str  # one of OUTCOMES
    message: str = ""  # what went wrong, for the student, in the language of the run
    stdout: str = ""  # what the student's code printed during the check (capped)
    duration: float = 0.0  # seconds
    visibility: str = "visible"  # "visible" or "hidden"
    seed: int = 0

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


@dataclass(frozen=True)
class ExerciseResult:
    exercise: str  # "01"
    slug: str
    title: str
    submission_id: str
    submission: str  # the path that was graded
    checks: tuple[CheckResult, ...]
    lang: str
    sandbox: str  # the isolation that was used
    grader_version: str
    started_at: str  # ISO 8601, UTC
    finished_at: str
    hidden_not_run: dict = field(default_factory=dict)  # {"checks": n, "points": p}
    notes: tuple[str, ...] = ()  # about the submission as a whole (a notebook's skipped code)

    @property
    def score(self) -> float:
        return sum(c.points_earned for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.points_possible for c in self.checks)

    @property
    def grader_errors(self) -> list[CheckResult]:
        return [c for c in self.checks if c.outcome == "error"]

    @property
    def exit_code(self) -> int:
        """0 every check passed, 1 some check failed, 2 a grader error (like pytest)."""
        if self.grader_errors or not self.checks:
            return 2
        return 0 if all(c.passed for c in self.checks) else 1

    @classmethod
    def from_dict(cls, data: dict) -> ExerciseResult:
        """The inverse of `dataclasses.asdict` (and of `to_json`: extra keys are ignored)."""
        known = {f.name for f in fields(cls)}
        check_fields = {f.name for f in fields(CheckResult)}
        values = {k: v for k, v in data.items() if k in known}
        values["checks"] = tuple(CheckResult(**{k: v for k, v in c.items() if k in check_fields})
                                 for c in data.get("checks", data.get("tests", ())))
        values["notes"] = tuple(values.get("notes", ()))
        return cls(**values)

    def to_json(self) -> dict:
        data = asdict(self)
        checks = data.pop("checks")
        data["notes"] = list(self.notes)
        tests = [{**c, "name": c["title"], "score": c["points_earned"],
                  "max_score": c["points_possible"],
                  "status": "passed" if c["outcome"] == "passed" else "failed",
                  "output": "\n".join(p for p in (c["message"], c["stdout"]) if p)}
                 for c in checks]
        return {"score": self.score, "max_score": self.max_score, "tests": tests, **data}
