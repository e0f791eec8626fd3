"""Which file of a Gradescope submission is which exercise's: the student's .py and .ipynb files
found in the submission folder, each matched to an exercise by name or by what it defines.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.catalog import Exercise

SKIPPED_PARTS = ("__MACOSX", "__pycache__", ".ipynb_checkpoints")


def submitted_files(folder: Path) -> list[Path]:
    """The .py and .ipynb files under `folder`, shallowest first; no hidden files, macOS
    resource forks, caches or notebook checkpoints."""
    found = []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if path.suffix not in (".py", ".ipynb") or not path.is_file() \
                or any(p.startswith(".") or p in SKIPPED_PARTS for p in parts):
            continue
        found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(folder).parts), str(p)))


def defined_functions(path: Path) -> set[str]:
    """The names of the top-level functions a .py file or a notebook defines ({} if none can
    be read)."""
    from grader import notebook
    from grader.failures import GraderError

    try:
        if path.suffix == ".ipynb":
            source = notebook.extract(path).source
        else:
            source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (GraderError, OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return set()
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def match_files(files: list[Path], exercises: list[Exercise]) -> tuple[dict[str, Path], list[Path]]:
    """({exercise code: the file to grade}, files left over). A file is an exercise's when it
    has the stub's name; else when its name holds the exercise's folder name or slug; else the
    exercise whose functions it defines most of (at least one) takes it."""
    matched: dict[str, Path] = {}
    left = list(files)

    def take(exercise: Exercise, path: Path) -> None:
        matched[exercise.code] = path
        left.remove(path)

    for exercise in exercises:
        for path in left:
            if path.name == exercise.stub:
                take(exercise, path)
                break
    for exercise in exercises:
        if exercise.code in matched:
            continue
        for path in left:
            if exercise.folder.name in path.stem or exercise.slug in path.stem:
                take(exercise, path)
                break
    candidates = list(left)
    defined = [defined_functions(path) for path in candidates]
    # the largest overlaps first; among equals, the earlier exercise and the shallower file
    pairs = sorted((-len(defined[j] & set(e.functions)), i, j)
                   for i, e in enumerate(exercises) if e.code not in matched
                   for j in range(len(candidates)))
    for negative_overlap, i, j in pairs:
        exercise, path = exercises[i], candidates[j]
        if negative_overlap < 0 and exercise.code not in matched and path in left:
            take(exercise, path)
    return matched, left
