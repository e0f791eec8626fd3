"""Deliberately wrong submissions and correct variants, one module per exercise, and each
exercise's alternative correct solution (written differently from the reference).

Every module `exNN` holds three tables, keyed by case name:

    WRONG        (the mistake, the checks it loses, words their messages contain)
    HIDDEN_ONLY  (the mistake, the hidden checks it loses): what only hidden checks find
    CORRECT      a correct variant that must keep full marks, hidden checks included

A mistake or variant is source text appended to the alternative solution, redefining what
it names.
"""

from __future__ import annotations

from types import ModuleType

from tests.exercises import _solutions, _solutions_03, _solutions_04, _solutions_05, _solutions_06
from tests.exercises.mistakes import ex01, ex02, ex03, ex04, ex05, ex06

TABLES: dict[str, ModuleType] = {"01": ex01, "02": ex02, "03": ex03, "04": ex04, "05": ex05,
                                 "06": ex06}
# the module whose text is the exercise's alternative solution (01 and 02 share one)
SOLUTIONS: dict[str, ModuleType] = {"01": _solutions, "02": _solutions, "03": _solutions_03,
                                    "04": _solutions_04, "05": _solutions_05, "06": _solutions_06}


def alternative_solution(exercise: str) -> str:
    """The text of exercise `exercise`'s alternative correct solution."""
    return SOLUTIONS[exercise].solution_source()


def cases(table: str) -> list[tuple[str, str]]:
    """(exercise, case) of every entry of `table` ("WRONG", "HIDDEN_ONLY" or "CORRECT")."""
    return [(code, case) for code, module in TABLES.items()
            for case in sorted(getattr(module, table))]
