"""The otter-grader export, for real: `otter assign` on the exported master notebook, then
`otter run` with the autograder it made on a correct and a wrong student notebook.

`otter` comes with the `test` extra (pip install -e ".[test]"), so CI runs these; they skip,
saying why, only where otter-grader is not installed. The in-process `grader.otter.check`
and the notebook's layout are tested without otter.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import catalog
from grader.failures import GraderError
from grader.otter import check, run_check
from grader.otter_export import export_otter, master_notebook, questions
from grader.runner import inventory
from tests.conftest import REPO
from tests.exercises._solutions import solution_source

SOLUTIONS = solution_source()
WRONG_MSE = """

def mse(y_pred, y_true):
    return 3 * float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))
"""
OTTER_TIMEOUT = 300  # seconds; otter assign and otter run take about 5 s each here


def exercise(name: str) -> catalog.Exercise:
    return catalog.find(name, REPO / "exercises")


def source_of(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# --- grader.otter.check, in this process -----------------------------------------------------


def solution_namespace() -> dict:
    namespace: dict = {}
    exec(compile(SOLUTIONS, "<notebook>", "exec"), namespace)  # noqa: S102  (our own file)
    return namespace


def test_check_passes_silently_on_a_correct_namespace():
    namespace = solution_namespace()
    assert check("01", "test_mse", namespace) is None
    assert check("01", "test_float32_inputs", namespace) is None  # a hidden check
    assert check("02", "test_sigmoid_backward", namespace) is None


def test_check_raises_assertion_error_with_the_feedback():
    namespace = solution_namespace()
    exec(compile(WRONG_MSE, "<cell>", "exec"), namespace)  # noqa: S102
    with pytest.raises(AssertionError) as failed:
        check("01", "test_mse", namespace, lang="en")
    text = str(failed.value)
    assert "mse matches the reference" in text
    assert "expected 1.13108" in text and "hint: mse is a mean over all elements" in text
    assert "random seed of this check" in text


def test_check_names_a_function_the_notebook_does_not_define():
    namespace = solution_namespace()
    del namespace["mse"]
    with pytest.raises(AssertionError, match="your notebook does not define `mse`"):
        check("01", "test_mse", namespace, lang="en")


def test_check_reports_not_implemented_and_changed_arguments():
    namespace = solution_namespace()
    exec(compile("def mse(y_pred, y_true):\n    raise NotImplementedError('later')\n",  # noqa: S102
                 "<cell>", "exec"), namespace)
    with pytest.raises(AssertionError, match="is not implemented yet"):
        check("01", "test_mse", namespace, lang="en")
    exec(compile("def mse(y_pred, y_true):\n    y_pred -= y_true\n"  # noqa: S102
                 "    return float((y_pred ** 2).mean())\n", "<cell>", "exec"), namespace)
    with pytest.raises(AssertionError, match="changed its input y_pred in place"):
        check("01", "test_mse", namespace, lang="en")


def test_an_unknown_check_is_the_grader_s_error_not_the_student_s():
    with pytest.raises(GraderError, match="no check 'test_nothing'"):
        run_check(exercise("01"), "test_nothing", solution_namespace())


# --- the master notebook ---------------------------------------------------------------------


def test_questions_carry_every_check_and_its_points():
    for name in ("01", "02"):
        found = questions(exercise(name))
        checks = inventory(exercise(name))
        assert sum(q.points for q in found) == sum(points for _, points, _ in checks)
        assert sum(q.hidden for q in found) == exercise(name).hidden_checks
        assigned = [f for q in found for f in q.functions]
        assert sorted(assigned) == sorted(exercise(name).functions)
        assert not any(q.functions for q in found if q.hidden)


def test_master_notebook_layout():
    notebook = master_notebook(exercise("01"))
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "raw" and source_of(cells[0]).startswith("# ASSIGNMENT CONFIG")
    raw = [source_of(c) for c in cells if c["cell_type"] == "raw"]
    assert sum(s.startswith("# BEGIN QUESTION") for s in raw) == len(questions(exercise("01")))
    assert raw.count("# BEGIN TESTS") == raw.count("# END QUESTION")
    tests = [source_of(c) for i, c in enumerate(cells) if i and source_of(cells[i - 1])
             == "# BEGIN TESTS"]
    assert "from grader.otter import check\ncheck('01', 'test_mse', globals())" in tests
    assert sum(t.startswith("# HIDDEN\n") for t in tests) == 6
    mse = next(source_of(c) for c in cells if "def mse(" in source_of(c))
    assert "# BEGIN SOLUTION NO PROMPT" in mse and '""" # BEGIN PROMPT' in mse
    assert any(c["cell_type"] == "markdown" and "## The functions" in source_of(c) for c in cells)


# --- otter-grader itself ---------------------------------------------------------------------


def otter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRADE_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "otter", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=OTTER_TIMEOUT)


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """Exercise 01 exported and run through `otter assign`: (master folder, dist folder)."""
    pytest.importorskip("otter", reason="otter-grader is not installed; it comes with the "
                                        "test extra: pip install -e '.[test]'")
    folder = tmp_path_factory.mktemp("otter") / "assignment"
    master = export_otter(exercise("01"), folder)
    done = otter("assign", "-v", master.name, "dist", cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "All autograder tests passed" in done.stdout + done.stderr
    return folder, folder / "dist"


def test_otter_assign_writes_an_autograder_and_a_student_notebook(assigned):
    _, dist = assigned
    (autograder,) = (dist / "autograder").glob("*.zip")
    names = zipfile.ZipFile(autograder).namelist()
    assert "tests/mse.py" in names and "tests/hidden_float32_inputs.py" in names
    assert "files/exercises/01_loss_functions/tests/test_hidden.py" in names
    assert "files/grader/otter.py" in names

    student = dist / "student" / "01_loss_functions.ipynb"
    text = student.read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "_pair" not in text
    assert "test_float32_inputs" not in text  # no trace of the hidden checks
    functions = {}
    for cell in json.loads(text)["cells"]:
        if cell["cell_type"] == "code":
            for node in ast.parse(source_of(cell)).body:
                if isinstance(node, ast.FunctionDef):
                    functions[node.name] = node
    assert set(functions) == set(exercise("01").functions)
    for name, node in functions.items():  # docstring, then the stub's raise: no solution
        assert ast.unparse(node.body[-1]) == \
            f"raise NotImplementedError('exercise 01: implement {name}')"
        assert len(node.body) == 2


def answered(student: Path, answer: str, out: Path) -> Path:
    """The student notebook with its function cells filled in from `answer` (a module's
    source; a later definition of a name wins): each cell gets its own functions, and the
    first of them the answer's helpers (imports, constants, private functions)."""
    wanted = set(exercise("01").functions)
    tree, lines = ast.parse(answer), answer.splitlines()

    def text(node) -> str:
        return "\n".join(lines[node.lineno - 1:node.end_lineno])

    functions = {n.name: text(n) for n in tree.body
                 if isinstance(n, ast.FunctionDef) and n.name in wanted}
    helpers = [text(n) for n in tree.body
               if not (isinstance(n, ast.FunctionDef) and n.name in functions)
               and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    notebook = json.loads(student.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        defined = [n.name for n in ast.parse(source_of(cell)).body
                   if isinstance(n, ast.FunctionDef) and n.name in functions]
        if defined:
            cell["source"] = "\n\n\n".join([*helpers, *(functions[n] for n in defined)])
            helpers = []
    out.write_text(json.dumps(notebook), encoding="utf-8")
    return out


def otter_run(assigned, answer: str, name: str) -> dict:
    folder, dist = assigned
    (autograder,) = (dist / "autograder").glob("*.zip")
    notebook = answered(dist / "student" / "01_loss_functions.ipynb", answer,
                        folder / f"{name}.ipynb")
    out = folder / f"run-{name}"
    out.mkdir()
    done = otter("run", "--no-logo", "-a", str(autograder), "-o", str(out), notebook.name,
                 cwd=folder)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def total(results: dict) -> tuple[float, float]:
    tests = [t for t in results["tests"] if t.get("max_score") is not None]
    return sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)


def test_otter_run_gives_a_correct_notebook_full_points(assigned):
    results = otter_run(assigned, SOLUTIONS, "correct")
    score, possible = total(results)
    assert possible == sum(points for _, points, _ in inventory(exercise("01")))
    assert score == possible, [t for t in results["tests"] if t["score"] != t["max_score"]]


def test_otter_run_gives_a_wrong_notebook_fewer_points(assigned):
    results = otter_run(assigned, SOLUTIONS + WRONG_MSE, "wrong")
    score, possible = total(results)
    lost = {t["name"]: t for t in results["tests"] if t.get("max_score") and
            t["score"] < t["max_score"]}
    assert score < possible
    assert "mse" in lost and "hint: mse is a mean over all elements" in lost["mse"]["output"]
    assert "mse_grad" not in lost  # judged against the reference gradient instead


def test_otter_assign_accepts_exercise_02(tmp_path):
    pytest.importorskip("otter", reason="otter-grader is not installed; it comes with the "
                                        "test extra: pip install -e '.[test]'")
    master = export_otter(exercise("02"), tmp_path / "assignment")
    done = otter("assign", "-v", master.name, "dist", cwd=master.parent)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "All autograder tests passed" in done.stdout + done.stderr  # hidden ones included
