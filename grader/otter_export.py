"""Export an exercise as an otter-grader assignment: a master notebook for `otter assign`.

    out_dir/
      NN_slug.ipynb       the master notebook (otter-grader's v1 format, below)
      requirements.txt    what the grading image installs (this project's dependencies)
      grader/ reference/ exercises/NN_slug/
                          this project, the reference and the exercise's visible and hidden
                          checks, shipped to the autograder only (`autograder_files`): the test
                          cells call them. Never hand out this folder; students get what
                          `otter assign` writes to dist/student.

The master notebook, cell by cell:

    raw       ASSIGNMENT CONFIG (name, requirements, autograder_files, no PDFs)
    markdown  how to work in the notebook, then the exercise's README, one cell per section
    code      the stub's set-up: imports, constants, provided classes and helpers
    per visible check, one question worth the check's points:
      raw       BEGIN QUESTION (name, points)
      markdown  the check's title
      raw       BEGIN SOLUTION      (only for questions that introduce functions)
      code      the function(s) the check is named after (`test_mse` -> `mse`): the stub's
                signature and docstring, the reference body between `# BEGIN SOLUTION NO
                PROMPT` and `# END SOLUTION` (otter strips it), and the stub's
                `raise NotImplementedError(...)` as the prompt students see
      raw       END SOLUTION
      raw       BEGIN TESTS
      code      from grader.otter import check; check("01", "test_mse", globals())
      raw       END TESTS
      raw       END QUESTION
    per hidden check, one question with only a test cell, marked `# HIDDEN`

Functions no check is named after go into the first question. The reference's private helpers
that the solutions need are copied, with the solution, into the first function cell (and
stripped from the student's notebook like any solution).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import re
import shutil
import sys
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

from grader import i18n
from grader.catalog import Exercise
from grader.failures import GraderError
from grader.gradescope import runtime_requirements
from grader.runner import inventory

PROJECT = Path(__file__).resolve().parent.parent  # holds grader/, reference/, exercises/
SHIPPED_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
NBFORMAT_METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}


class ExportError(GraderError):
    """The exercise cannot be exported as it is (a stub or reference the export cannot read)."""


# --- the stub and the reference, as source ---------------------------------------------------


def _lines(source: str, node: ast.AST) -> list[str]:
    """The full source lines of a node, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return source.splitlines()[first - 1:node.end_lineno]


def _body_start(node: ast.FunctionDef) -> int:
    """The line of a function's first statement after its docstring (or of the docstring's
    end + 1 when the docstring is all there is)."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1].lineno if len(body) > 1 else body[0].end_lineno + 1
    return body[0].lineno


@dataclass
class StubFunction:
    name: str
    head: list[str]  # decorators, signature and docstring, as in the stub
    prompt: list[str]  # the stub's body: what students start from


@dataclass
class Stub:
    setup: str  # everything but the docstring and the functions to implement
    functions: dict[str, StubFunction] = field(default_factory=dict)


def read_stub(exercise: Exercise) -> Stub:
    source = exercise.stub_path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    setup, functions, previous_end = [], {}, 0
    for index, node in enumerate(tree.body):
        is_docstring = index == 0 and isinstance(node, ast.Expr) \
            and isinstance(node.value, ast.Constant)
        if isinstance(node, ast.FunctionDef) and node.name in exercise.functions:
            start = _body_start(node)
            functions[node.name] = StubFunction(
                node.name, _lines(source, node)[:start - node.lineno],
                lines[start - 1:node.end_lineno])
        elif not is_docstring:  # with the comments and blank lines above it
            setup.append("\n".join(lines[previous_end:node.end_lineno]))
        previous_end = node.end_lineno
    missing = [name for name in exercise.functions if name not in functions]
    if missing:
        raise ExportError(f"{exercise.stub_path.name} does not define {', '.join(missing)}")
    return Stub("\n".join(setup).strip("\n") + "\n", functions)


def _reference_body(function) -> list[str]:
    """The body of a reference function after its docstring, indented by four spaces."""
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    body = source.splitlines()[_body_start(node) - 1:node.end_lineno]
    return textwrap.indent(textwrap.dedent("\n".join(body)), "    ").splitlines()


def _used_names(obj) -> set[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


class Support:
    """The definitions the reference's solutions need beyond what the stub provides: the
    reference's helpers (source copied, their own needs first), imports and constants."""

    def __init__(self, provided: set[str]):
        self.provided = provided | set(dir(builtins))
        self.chunks: list[str] = []
        self.emitted: dict[str, object] = {}

    def need(self, obj, module: types.ModuleType) -> None:
        for name in sorted(_used_names(obj)):
            if name in self.provided or name not in vars(module):
                continue
            value = vars(module)[name]
            if name in self.emitted:
                if self.emitted[name] is not value:
                    raise ExportError(f"two reference helpers are named {name}")
                continue
            self.emitted[name] = value
            self.chunks.append(self._definition(name, value))

    def _definition(self, name: str, value) -> str:
        if isinstance(value, types.ModuleType):
            return f"import {value.__name__}" + ("" if name == value.__name__ else f" as {name}")
        home = sys.modules.get(getattr(value, "__module__", "") or "")
        if inspect.isfunction(value) or inspect.isclass(value):
            if home is not None and home.__name__.split(".")[0] == "reference":
                self.need(value, home)  # its own helpers first
                return textwrap.dedent(inspect.getsource(value)).rstrip()
            if home is not None and getattr(home, value.__name__, None) is value:
                alias = "" if value.__name__ == name else f" as {name}"
                return f"from {home.__name__} import {value.__name__}{alias}"
        if isinstance(value, (bool, int, float, str)):
            return f"{name} = {value!r}"
        raise ExportError(f"the reference uses {name} ({type(value).__name__}), which the "
                          "export cannot copy into the notebook")


# --- cells -----------------------------------------------------------------------------------


def _cell(kind: str, source: str) -> dict:
    cell = {"cell_type": kind, "id": "", "metadata": {}, "source": source.rstrip("\n")}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _raw(source: str) -> dict:
    return _cell("raw", source)


def function_cell(stub: StubFunction, reference_body: list[str], support: str = "") -> str:
    """The student's cell: signature and docstring, the solution (stripped by otter), and the
    stub's body as the prompt students see instead."""
    lines = []
    if support:
        lines += ["# BEGIN SOLUTION NO PROMPT", support, "", "# END SOLUTION"]
    lines += [*stub.head, "    # BEGIN SOLUTION NO PROMPT", *reference_body,
              "    # END SOLUTION", '    """ # BEGIN PROMPT', *stub.prompt,
              '    """ # END PROMPT']
    if any('"""' in line for line in stub.prompt):
        raise ExportError(f"the stub's body of {stub.name} contains triple quotes")
    return "\n".join(lines)


def tests_cell(exercise: Exercise, check: str, hidden: bool) -> str:
    call = f"check({exercise.code!r}, {check!r}, globals())"
    return "\n".join([*(["# HIDDEN"] if hidden else []), "from grader.otter import check", call])


def _readme_cells(exercise: Exercise, lang: str) -> list[dict]:
    name = "README.md" if lang == "en" else f"README.{lang}.md"
    path = exercise.folder / name
    if not path.exists():
        path = exercise.folder / "README.md"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    sections = re.split(r"\n(?=## )", text)  # one cell per second-level section
    return [_cell("markdown", section.strip()) for section in sections if section.strip()]


def _titles(path: Path, lang: str) -> dict[str, str]:
    """{check function name: title in `lang`}, from the check file's docstrings (as the plugin
    takes them: the first line, or a line 'zh-TW: ...')."""
    titles = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            lines = [ln.strip() for ln in (ast.get_docstring(node) or "").splitlines()
                     if ln.strip()]
            title = lines[0] if lines else node.name.removeprefix("test_").replace("_", " ")
            for line in lines[1:]:
                if lang != "en" and line.startswith(f"{lang}:"):
                    title = line.removeprefix(f"{lang}:").strip()
            titles[node.name] = title
    return titles


@dataclass
class Question:
    name: str  # otter's question name
    check: str  # what grader.otter.check is called with
    title: str
    points: float
    hidden: bool
    functions: list[str] = field(default_factory=list)


def questions(exercise: Exercise, lang: str = "en") -> list[Question]:
    """One question per check, visible ones first, in file order; each function of the stub
    goes to the question of the check named after it (else to the first question)."""
    checks = inventory(exercise, hidden=True)
    names = [node.split("::")[-1].split("[")[0] for node, _, _ in checks]
    found, titles = [], {}
    for node, points, visibility in checks:
        file, name = node.split("::")[0], node.split("::")[-1].split("[")[0]
        if file not in titles:
            titles[file] = _titles(exercise.folder / file, lang)
        check = name if names.count(name) == 1 else f"{Path(file).name}::{name}"
        if found and found[-1].check == check:  # a parametrized check: one question
            found[-1].points += points
            continue
        hidden = visibility == "hidden"
        found.append(Question(("hidden_" if hidden else "") + name.removeprefix("test_"), check,
                              titles[file].get(name, name), points, hidden))
    visible = [q for q in found if not q.hidden]
    if not visible:
        raise ExportError(f"exercise {exercise.code} has no visible checks to export")
    by_name = {q.check.split("::")[-1]: q for q in visible}
    for function in exercise.functions:
        by_name.get(f"test_{function}", visible[0]).functions.append(function)
    return visible + [q for q in found if q.hidden]


# --- the notebook ----------------------------------------------------------------------------


def _config(exercise: Exercise) -> str:
    name = f"{exercise.code}_{exercise.slug}"
    return textwrap.dedent(f"""\
        # ASSIGNMENT CONFIG
        name: "{name}"
        requirements: requirements.txt
        autograder_files:
          - grader
          - reference
          - exercises
        solutions_pdf: false
        template_pdf: false
        check_all_cell: true
        export_cell:
          pdf: false
        generate:
          pdf: false
          show_stdout: true
        tests:
          files: false
          ok_format: true
        """)


def master_notebook(exercise: Exercise, lang: str = "en") -> dict:
    """The master notebook of `exercise` as nbformat-4 JSON data."""
    stub = read_stub(exercise)
    reference = importlib.import_module(exercise.reference)
    provided = set(stub.functions) | _defined_names(stub.setup)
    support = Support(provided)
    bodies = {}
    for name in exercise.functions:
        function = getattr(reference, name, None)
        if function is None:
            raise ExportError(f"{exercise.reference} has no function {name}")
        support.need(function, reference)
        bodies[name] = _reference_body(function)
    cells = [_raw(_config(exercise)),
             _cell("markdown", i18n.tr("otter_intro", lang, code=exercise.code,
                                       title=exercise.title_in(lang))),
             *_readme_cells(exercise, lang),
             _cell("code", stub.setup)]
    helpers = "\n\n\n".join(support.chunks)
    for question in questions(exercise, lang):
        config = f"# BEGIN QUESTION\nname: {question.name}\npoints: {question.points:g}"
        cells.append(_raw(config))
        if not question.hidden:
            cells.append(_cell("markdown", i18n.tr("otter_question", lang, title=question.title,
                                                   points=f"{question.points:g}")))
        if question.functions:
            cells.append(_raw("# BEGIN SOLUTION"))
            for name in question.functions:
                cells.append(_cell("code", function_cell(stub.functions[name], bodies[name],
                                                         helpers)))
                helpers = ""
            cells.append(_raw("# END SOLUTION"))
        cells += [_raw("# BEGIN TESTS"),
                  _cell("code", tests_cell(exercise, question.check, question.hidden)),
                  _raw("# END TESTS"), _raw("# END QUESTION")]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:03d}"  # nbformat 4.5 wants ids; stable ones diff well
    return {"cells": cells, "metadata": NBFORMAT_METADATA, "nbformat": 4, "nbformat_minor": 5}


def _defined_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _ship(exercise: Exercise, out_dir: Path) -> None:
    """This project's grader and reference, and the exercise with all its checks."""
    for package in ("grader", "reference"):
        target = out_dir / package
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(PROJECT / package, target, ignore=SHIPPED_IGNORE)
    target = out_dir / "exercises" / exercise.folder.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(exercise.folder, target, ignore=SHIPPED_IGNORE)


def export_otter(exercise: Exercise, out_dir: Path, *, lang: str = "en") -> Path:
    """Write `exercise` as an otter-grader assignment into `out_dir` (see the module's
    docstring); return the master notebook's path. Run `otter assign` on it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    notebook = master_notebook(exercise, lang)
    path = out_dir / f"{exercise.code}_{exercise.slug}.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out_dir / "requirements.txt").write_text(runtime_requirements(), encoding="utf-8")
    _ship(exercise, out_dir)
    return path
