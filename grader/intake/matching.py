"""Matching a student's file to an exercise: by its name (ranks 0-2), else by the functions
its code defines (rank 3); see the package docstring for the ranks."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from grader.catalog import Exercise

CANVAS_COPY = re.compile(r"-\d+$")  # Canvas renames a re-upload of losses.py to losses-1.py
KEYWORD_NUMBER = re.compile(r"(?<![a-z])(?:hw|homework|ex|exercise|lab|assignment|作業|練習)"
                            r"[\s_.-]*0*(\d{1,3})(?!\d)")
LEADING_NUMBER = re.compile(r"0*(\d{1,3})(?=$|[\s_.-])")
DEF_LINE = re.compile(r"^(?:async\s+)?def\s+(\w+)|^class\s+(\w+)", re.M)


def _tokens(stem: str) -> str:
    return "_" + re.sub(r"[^\w]+|_+", "_", stem) + "_"


def match_by_name(name: str, exercises: Sequence[Exercise]) -> tuple[int, Exercise] | None:
    """(rank, exercise) that a file's name names (ranks 0-2 of the package docstring)."""
    stem = PurePosixPath(name).stem.lower()
    tokens = _tokens(stem)
    tests = (
        lambda e: e.module.lower() in (stem, CANVAS_COPY.sub("", stem)),
        lambda e: any(f"_{word.lower()}_" in tokens for word in (e.module, e.slug)),
    )
    for rank, test in enumerate(tests):
        found = [e for e in exercises if test(e)]
        if len(found) == 1:
            return rank, found[0]
    numbers = {int(m.group(1)) for m in KEYWORD_NUMBER.finditer(stem)}
    leading = LEADING_NUMBER.match(stem)
    if leading:
        numbers.add(int(leading.group(1)))
    found = [e for e in exercises if e.number in numbers]
    return (2, found[0]) if len(found) == 1 else None


def defined_names(source: str) -> set[str]:
    """The top-level functions, classes and assigned names of a module (a regex scan of the
    `def` lines when it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deeply nested too
        return {a or b for a, b in DEF_LINE.findall(source)}
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def match_by_content(source: str, exercises: Sequence[Exercise]) -> list[Exercise]:
    """The exercises whose functions the code defines most: one, several (a tie) or none."""
    names = defined_names(source)
    scores = {e.code: (len(names & set(e.functions)),
                       len(names & set(e.functions)) / max(len(e.functions), 1))
              for e in exercises}
    best = max(scores.values(), default=(0, 0.0))
    if best[0] == 0:
        return []
    return [e for e in exercises if scores[e.code] == best]
