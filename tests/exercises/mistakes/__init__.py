"""Deliberately wrong submissions and correct variants, one module per exercise, and each
exercise's alternative correct solution (written differently from the reference).

Every module `exNN` holds three tables, keyed by case name:

    WRONG        (the mistake, the checks it loses, words their messages contain)
    HIDDEN_ONLY  (the mistake, the hidden checks it loses): what only hidden checks find
    CORRECT      a correct variant that must keep full marks, hidden checks included

A mistake or variant is source text appended to the alternative solution, redefining what
it names. The alternative solution of exercise NN is tests/exercises/_solutions_NN.py, or
_solutions.py (one file that solves 01 and 02) where there is none. A new exercise needs only
its two files here: the modules are found by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

SOLUTIONS_DIR = Path(__file__).resolve().parent.parent

TABLES: dict[str, ModuleType] = {
    info.name.removeprefix("ex"): importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    if info.name.startswith("ex")
}


def solution_path(exercise: str) -> Path:
    """The file holding exercise `exercise`'s alternative correct solution."""
    own = SOLUTIONS_DIR / f"_solutions_{exercise}.py"
    return own if own.is_file() else SOLUTIONS_DIR / "_solutions.py"


def alternative_solution(exercise: str) -> str:
    """The text of exercise `exercise`'s alternative correct solution."""
    return solution_path(exercise).read_text(encoding="utf-8")


def cases(table: str) -> list[tuple[str, str]]:
    """(exercise, case) of every entry of `table` ("WRONG", "HIDDEN_ONLY" or "CORRECT")."""
    return [(code, case) for code, module in TABLES.items()
            for case in sorted(getattr(module, table))]
