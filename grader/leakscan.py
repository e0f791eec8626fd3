"""Find the reference's function bodies in the files of a student bundle.

Every function of the reference package (methods and private helpers included) is reduced
to its body without the docstring in two normal forms:
- `code`: ast.unparse of the body statements, so a copy in a Python file is found whatever
  its formatting, comments or function name (compared with every function body there);
- `lines`: its stripped source lines without blank lines, comments or inline comments, found
  as a contiguous run of lines in any text file (a README, a notebook, an answers file).
A reference function whose body a released stub provides in full under the same name (a
helper the student is not asked to write) is exempt.
"""

from __future__ import annotations

import ast
import io
import tokenize
import zipfile
from dataclasses import dataclass
from pathlib import Path

ARCHIVES = (".zip", ".npz")  # scanned member by member


@dataclass(frozen=True)
class Body:
    where: str  # "reference/losses.py: mse"
    name: str
    code: str
    lines: tuple[str, ...]


def _statements(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The body without its docstring."""
    body = node.body
    if ast.get_docstring(node, clean=False) is not None:
        body = body[1:]
    return body


def body_code(node) -> str:
    return ast.unparse(ast.Module(body=_statements(node), type_ignores=[]))


def _comment_free_lines(source: str) -> list[str]:
    """The source's lines with comments cut off (found by tokenize, not by a '#' search)."""
    lines = source.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return lines
    for token in reversed(tokens):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return lines


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def reference_bodies(package_dir: Path) -> list[Body]:
    """Every function body of the reference package under `package_dir`."""
    bodies = []
    for path in sorted(package_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = _comment_free_lines(source)
        for node in _functions(ast.parse(source)):
            statements = _statements(node)
            if not statements:
                continue
            span = lines[statements[0].lineno - 1:statements[-1].end_lineno]
            kept = tuple(s.strip() for s in span if s.strip())
            where = f"{package_dir.name}/{path.relative_to(package_dir).as_posix()}: {node.name}"
            bodies.append(Body(where, node.name, body_code(node), kept))
    return bodies


def provided_in_full(stubs: list[Path]) -> set[tuple[str, str]]:
    """(name, body code) of every function the stubs define with a real body."""
    provided = set()
    for path in stubs:
        for node in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            provided.add((node.name, body_code(node)))
    return provided


def _texts(path: Path):
    """(label, text) of a file, or of each member of an archive; binary content is skipped."""
    if path.suffix in ARCHIVES:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield from _decoded(f"{path}!{name}", archive.read(name))
    else:
        yield from _decoded(str(path), path.read_bytes())


def _decoded(label: str, data: bytes):
    if b"\0" in data[:8192]:
        return
    yield label, data.decode("utf-8", errors="replace")


def _normal_lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split("  #")[0].strip()  # an inline comment, as the formatter writes it
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _has_run(lines: list[str], run: tuple[str, ...], starts: dict[str, list[int]]) -> bool:
    return any(tuple(lines[i:i + len(run)]) == run for i in starts.get(run[0], ()))


def _python_bodies(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    return {body_code(node) for node in _functions(tree) if _statements(node)}


def scan(root: Path, bodies: list[Body], exempt: set[tuple[str, str]]) -> list[str]:
    """Problems: "<file> contains the body of <where>" for every body found under root."""
    wanted = [b for b in bodies if (b.name, b.code) not in exempt and b.lines]
    problems = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for label, text in _texts(path):
            lines = _normal_lines(text)
            starts: dict[str, list[int]] = {}
            for index, line in enumerate(lines):
                starts.setdefault(line, []).append(index)
            code = _python_bodies(text) if label.endswith(".py") else set()
            for body in wanted:
                if body.code in code or _has_run(lines, body.lines, starts):
                    shown = label.replace(str(root) + "/", "", 1)
                    problems.append(f"{shown} contains the body of {body.where}")
    return problems
