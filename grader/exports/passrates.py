"""Pass rates of a batch's checks, per exercise, and the flags that point at a broken or too-hard
check.

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

and only with at least MIN_ATTEMPTS attempts.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from grader.exports.common import Book, ExerciseInfo, is_attempt
from grader.results import CheckResult

MIN_ATTEMPTS = 5  # fewer attempts than this say too little to flag a check
BROKEN_MAX_RATE = 0.05  # "(almost) no attempt passes it"
BROKEN_OTHERS_MIN = 0.5  # "... while most pass the other checks" (their median pass rate)
TOO_HARD_GAP = 0.30  # pass rate this far (30 percentage points) below the exercise's median
FLAGS = ("broken", "too_hard", "never_fails")


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
