"""A Jupyter notebook as a submission: the definitions in its code cells become the module.

Kept, in cell order: imports, functions, classes, and assignments of constants (no calls,
so `EPS = 1e-7` stays and `loss = mse(a, b)` does not run at import). Everything else at the
top level (experiments, prints, plots) is skipped with a note, and so are IPython magics
(`%matplotlib`, `!pip`) and cells that do not parse.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from grader.failures import GraderError
from grader.i18n import Text, msg

DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
NOT_CONSTANT = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.ListComp, ast.SetComp,
                ast.DictComp, ast.GeneratorExp, ast.Lambda, ast.NamedExpr)


@dataclass(frozen=True)
class Extracted:
    source: str  # the module: kept statements, each under a comment naming its cell
    notes: tuple[Text, ...]  # what was skipped, for the feedback


def _is_constant_assignment(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return False
    names = all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets)
    return names and not any(isinstance(n, NOT_CONSTANT) for n in ast.walk(value))


def _is_docstring(node: ast.stmt) -> bool:
    """A bare string, like a module docstring: harmless, dropped without a note."""
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _code_cells(path: Path) -> list[str]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        return ["".join(c["source"]) if isinstance(c["source"], list) else str(c["source"])
                for c in cells if c.get("cell_type") == "code"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise GraderError(f"{path.name} is not a readable Jupyter notebook: "
                          f"{type(exc).__name__}: {exc}") from None


def _without_magics(code: str) -> str:
    """IPython lines (%magic, !shell) as blank lines, so line numbers stay right."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in code.splitlines())


def extract(path: Path) -> Extracted:
    """The module a notebook defines, and notes on what was left out."""
    parts, notes = [], []
    for number, code in enumerate(_code_cells(path), start=1):
        try:
            tree = ast.parse(_without_magics(code))
        except SyntaxError as exc:
            notes.append(msg("notebook_cell_error", cell=number, line=exc.lineno or "?",
                             error=exc.msg))
            continue
        for node in tree.body:
            if _is_docstring(node):
                continue
            if isinstance(node, DEFINITIONS) or _is_constant_assignment(node):
                parts.append(f"# cell {number}\n{ast.get_source_segment(code, node)}\n")
            else:
                first = (ast.get_source_segment(code, node) or "").splitlines()[0][:60]
                notes.append(msg("notebook_skipped", cell=number, line=node.lineno, code=first))
    return Extracted("\n".join(parts), tuple(notes))
