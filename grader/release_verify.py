"""A release checks its bundle before reporting success.

In a clean copy of the bundle, a separate Python process grades, with the bundle's own grader,
each exercise's reference solution (the reference module as one self-contained file) and its
untouched stub. That process is `python -I` (no PYTHONPATH, no user site, not the working
directory) with the bundle first on sys.path, and a finder that refuses the reference
package: an installed instructor package (an editable install, for example) would otherwise
still provide `reference` through site-packages, and the replay would never be exercised. It
reports where its `grader` came from, so a run of the instructor's grader is caught too. A
fresh virtual environment would also work but costs seconds per release for the same result.

Then the bundle's files are scanned for the reference's function bodies (grader/leakscan.py).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import util
from pathlib import Path

from grader import catalog, leakscan
from grader.catalog import Exercise

TIMEOUT_PER_EXERCISE = 120.0  # seconds for grading its reference solution and its stub
STUB_OUTCOMES = ("not_implemented", "failed")  # "error" would be a replay miss

BOOTSTRAP = r"""
import json, sys
bundle, jobs, blocked = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3].split(",")
sys.path.insert(0, bundle)

class NoReference:
    "The instructor's reference package is not importable here, installed or not."
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoReference)
import grader
from pathlib import Path
from grader import catalog
from grader.runner import grade
out = {"grader": grader.__file__, "results": []}
for code, path in jobs:
    try:
        result = grade(catalog.find(code, Path(bundle) / "exercises"), Path(path))
        out["results"].append({"checks": [
            {"id": c.id, "outcome": c.outcome, "earned": c.points_earned,
             "possible": c.points_possible, "message": c.message} for c in result.checks]})
    except Exception as exc:
        out["results"].append({"error": f"{type(exc).__name__}: {exc}"})
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Verification:
    """How one exercise fared in the clean copy of the bundle."""

    exercise: str
    reference_score: float
    stub_score: float
    max_score: float
    stub_outcomes: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- a self-contained reference solution ---------------------------------------------------


def _module_file(name: str) -> Path:
    spec = util.find_spec(name)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"reference module {name} not found")
    return Path(spec.origin)


def _dependencies(name: str, package: str, seen: list[str]) -> list[str]:
    """`name` and the modules of `package` it imports, dependencies first."""
    if name in seen:
        return seen
    tree = ast.parse(_module_file(name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            _dependencies(node.module, package, seen)
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == package
                                                  for a in node.names):
            raise ValueError(f"{name}: `import {package}...` cannot be made self-contained; "
                             f"write `from {package}.module import name`")
    seen.append(name)
    return seen


def _inlined(source: str, package: str, futures: set[str]) -> str:
    """`source` without its imports from `package` (an `as` alias becomes an assignment)
    and without its __future__ imports, which are added to `futures`."""
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):  # from the end: line numbers stay valid
        if not isinstance(node, ast.ImportFrom):
            continue
        top = (node.module or "").split(".")[0]
        if top == "__future__":
            futures.add(ast.unparse(node))
        if top in (package, "__future__"):
            aliases = [f"{a.asname} = {a.name}" for a in node.names if a.asname and
                       top == package]
            lines[node.lineno - 1:node.end_lineno] = aliases or [""]
    return "\n".join(lines)


def standalone_solution(module: str) -> str:
    """The reference module and the reference modules it imports, as one file that imports
    nothing of the reference package (what a student's complete file would be)."""
    package, parts, futures = module.split(".")[0], [], set()
    defined: dict[str, tuple[str, str]] = {}  # top-level name -> (module, its source)
    for name in _dependencies(module, package, []):
        source = _module_file(name).read_text(encoding="utf-8")
        _check_no_clash(name, source, defined)
        parts.append(f"# --- {name} ---\n" + _inlined(source, package, futures))
    return "\n".join(sorted(futures) + parts) + "\n"


def _check_no_clash(module: str, source: str, defined: dict[str, tuple[str, str]]) -> None:
    """In one file the last definition of a name wins: two modules defining a top-level name
    (a private helper, a constant) differently would silently change the earlier one's
    functions. Identical definitions are harmless; different ones are refused."""
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        else:
            continue
        text = ast.unparse(node)
        for name in names:
            earlier = defined.setdefault(name, (module, text))
            if earlier[1] != text:
                raise ValueError(
                    f"{earlier[0]} and {module} both define {name} differently; inlined into "
                    f"one solution file the second would replace the first: rename one")


# --- grading in the clean copy -------------------------------------------------------------


def _run(bundle: Path, jobs: list[tuple[str, str]], blocked: set[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_EXERCISES", "PYTHONPATH")}
    done = subprocess.run(
        [sys.executable, "-I", "-c", BOOTSTRAP, str(bundle), json.dumps(jobs),
         ",".join(sorted(blocked))], cwd=bundle, env=env, capture_output=True, text=True,
        timeout=TIMEOUT_PER_EXERCISE * max(1, len(jobs) // 2))
    if done.returncode != 0:
        raise RuntimeError(f"the bundle's grader failed (exit {done.returncode}): "
                           f"{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _score(result: dict) -> tuple[float, float]:
    checks = result.get("checks", [])
    return sum(c["earned"] for c in checks), sum(c["possible"] for c in checks)


def _judge(code: str, solution: dict, stub: dict) -> Verification:
    problems = [f"grading the {what} failed: {r['error']}"
                for what, r in (("reference solution", solution), ("stub", stub)) if "error" in r]
    for check in solution.get("checks", []):
        if check["outcome"] != "passed":
            first = (check["message"].splitlines() or [""])[0]
            problems.append(f"reference solution: {check['id']} is {check['outcome']}: {first}")
    for check in stub.get("checks", []):
        if check["outcome"] not in STUB_OUTCOMES or check["earned"]:
            first = (check["message"].splitlines() or [""])[0]
            problems.append(f"stub: {check['id']} is {check['outcome']}: {first}")
    if not solution.get("checks"):
        problems.append("no visible check ran")
    (ref, total), (stub_score, _) = _score(solution), _score(stub)
    outcomes = tuple(sorted({c["outcome"] for c in stub.get("checks", [])}))
    return Verification(code, ref, stub_score, total, outcomes, tuple(problems))


def grade_in_clean_copy(bundle: Path, exercises: list[Exercise]) -> list[Verification]:
    """Copy the bundle to a fresh folder and grade there (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="grade-release-check-") as folder:
        clean = Path(folder) / "bundle"
        shutil.copytree(bundle, clean)
        jobs = []
        for exercise in exercises:
            solution = Path(folder) / "solutions" / exercise.code / exercise.stub
            solution.parent.mkdir(parents=True)
            solution.write_text(standalone_solution(exercise.reference), encoding="utf-8")
            stub = clean / "exercises" / exercise.folder.name / exercise.stub
            jobs += [(exercise.code, str(solution)), (exercise.code, str(stub))]
        blocked = {e.reference.split(".")[0] for e in exercises}
        out = _run(clean, jobs, blocked)
        if not Path(out["grader"]).resolve().is_relative_to(clean.resolve()):
            raise RuntimeError(f"the clean copy ran the grader at {out['grader']}, not its own")
    results = out["results"]
    return [_judge(e.code, results[2 * i], results[2 * i + 1]) for i, e in enumerate(exercises)]


# --- the bundle's files --------------------------------------------------------------------


def forbidden_files(bundle: Path, packages: set[str]) -> list[str]:
    """Hidden checks and reference packages have no place in a bundle."""
    found = [f"{p.relative_to(bundle)} is a hidden check file"
             for p in bundle.rglob("test_hidden.py")]
    found += [f"{p.relative_to(bundle)}/ is a reference package" for p in bundle.rglob("*")
              if p.is_dir() and p.name in packages]
    return found


def given_answers(exercises: list[Exercise]) -> list[str]:
    """What the stubs of `exercises` hand out that another exercise of the course asks for: a
    function defined in full (its body does not end in `raise NotImplementedError`) under the
    name of another exercise's function. Later exercises give earlier building blocks on
    purpose (13's stub has working convolutions for its DCGAN blocks); the leak scan does not
    find a rewritten body, so the release says which answers go out with which stub."""
    course = catalog.all_exercises(exercises[0].folder.parent) if exercises else []
    owner = {}
    for exercise in course:
        for name in exercise.functions:
            owner.setdefault(name, exercise)
    released = {e.code for e in exercises}
    notes = []
    for exercise in exercises:
        given: dict[str, list[str]] = {}
        tree = ast.parse(exercise.stub_path.read_text(encoding="utf-8"))
        for node in tree.body:
            other = owner.get(getattr(node, "name", ""))
            if isinstance(node, ast.FunctionDef) and other and other.code != exercise.code \
                    and not ast.unparse(node.body[-1]).startswith("raise NotImplementedError"):
                given.setdefault(other.code, []).append(node.name)
        for code, names in sorted(given.items()):
            both = f"; {code} is in this bundle too" if code in released else ""
            notes.append(f"{exercise.code}'s stub gives working {', '.join(names)}, answers of "
                         f"exercise {code}: release {exercise.code} after {code}'s deadline{both}")
    return notes


def leaks(bundle: Path, exercises: list[Exercise]) -> list[str]:
    """Files of the bundle holding a reference function's body (see grader/leakscan.py)."""
    problems = []
    # a helper a stub gives in full is exempt, unless some exercise of the course (released
    # now or later) asks students to write a function of that name: then it is an answer
    course = catalog.all_exercises(exercises[0].folder.parent) if exercises else []
    answers = {name for e in [*course, *exercises] for name in e.functions}
    for package in sorted({e.reference.split(".")[0] for e in exercises}):
        package_dir = _module_file(package).parent
        stubs = [bundle / "exercises" / e.folder.name / e.stub for e in exercises]
        exempt = {(name, code) for name, code in leakscan.provided_in_full(stubs)
                  if name not in answers}
        problems += leakscan.scan(bundle, leakscan.reference_bodies(package_dir), exempt)
    return problems
