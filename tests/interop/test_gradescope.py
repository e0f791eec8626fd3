"""Gradescope: results.json from results (each hidden-feedback mode), a submission folder read
and matched to exercises by intake and graded in-process, and the autograder zip's
run_autograder run for real, as a subprocess, on a correct, a wrong and an empty submission.

run_autograder runs here without setup.sh: GRADE_AUTOGRADER_PYTHON points it at this Python,
which has the project's dependencies; it grades with the grader, reference and checks in the
unpacked zip (its PYTHONPATH and GRADE_EXERCISES point there).
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader import catalog, gradescope
from grader.gradescope import export_autograder, grade_submission, problem_json, results_json
from grader.results import CheckResult, ExerciseResult
from tests.conftest import REPO
from tests.exercises._solutions import solution_source

SOLUTIONS = solution_source()
WRONG_MSE = """

def mse(y_pred, y_true):
    return 3 * float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))
"""


def exercise(name: str) -> catalog.Exercise:
    return catalog.find(name, REPO / "exercises")


# --- results.json ----------------------------------------------------------------------------


def check(name: str, points: float, passed: bool, hidden: bool = False) -> CheckResult:
    return CheckResult(id=f"tests/test_{'hidden' if hidden else 'visible'}.py::{name}",
                       title=name.replace("_", " "), points_possible=points,
                       points_earned=points if passed else 0.0,
                       outcome="passed" if passed else "failed",
                       message="" if passed else f"the secret of {name}",
                       stdout="printed\n" if not passed else "",
                       visibility="hidden" if hidden else "visible")


RESULT = ExerciseResult(
    exercise="01", slug="loss_functions", title="Loss functions", submission_id="abc",
    submission="/tmp/losses.ipynb",
    checks=(check("visible_ok", 1, True), check("visible_wrong", 2, False),
            check("hidden_ok", 2, True, hidden=True), check("hidden_wrong", 3, False, hidden=True)),
    lang="en", sandbox="process", grader_version="0", started_at="", finished_at="",
    notes=("notebook cell 3, line 1: `plot(x)` was skipped",))


def with_feedback(mode: str) -> dict:
    return {"01": dataclasses.replace(exercise("01"), hidden_feedback=mode)}


def test_results_json_full_feedback_shows_hidden_checks_after_publishing():
    data = results_json([RESULT], with_feedback("full"))
    assert data["score"] == 3 and data["visibility"] == "visible"
    assert data["stdout_visibility"] == "hidden"
    tests = {t["name"]: t for t in data["tests"]}
    assert set(tests) == {"01 · visible ok", "01 · visible wrong", "01 · hidden ok",
                          "01 · hidden wrong"}
    wrong = tests["01 · visible wrong"]
    assert (wrong["score"], wrong["max_score"], wrong["status"], wrong["visibility"]) == \
        (0, 2, "failed", "visible")
    assert "the secret of visible_wrong" in wrong["output"] and "printed" in wrong["output"]
    hidden = tests["01 · hidden wrong"]
    assert hidden["visibility"] == "after_published" and hidden["status"] == "failed"
    assert "the secret of hidden_wrong" in hidden["output"]
    assert tests["01 · hidden ok"]["status"] == "passed"
    assert "Loss functions (losses.ipynb): 3 / 8" in data["output"]
    assert "`plot(x)` was skipped" in data["output"]  # the notebook's notes


def test_results_json_score_feedback_hides_the_messages_of_hidden_checks():
    tests = {t["name"]: t for t in results_json([RESULT], with_feedback("score"))["tests"]}
    hidden = tests["01 · hidden wrong"]
    assert (hidden["score"], hidden["max_score"], hidden["output"]) == (0, 3, "")
    assert hidden["visibility"] == "after_published"
    assert "the secret of visible_wrong" in tests["01 · visible wrong"]["output"]


def test_results_json_total_feedback_sums_the_hidden_checks():
    data = results_json([RESULT], with_feedback("total"))
    names = [t["name"] for t in data["tests"]]
    assert names == ["01 · visible ok", "01 · visible wrong", "01 · hidden checks"]
    total = data["tests"][-1]
    assert (total["score"], total["max_score"], total["status"]) == (2, 5, "failed")
    assert total["visibility"] == "after_published"
    assert "secret" not in total["output"] and "1 of 2 hidden checks passed" in total["output"]
    assert data["score"] == 3


def test_results_json_can_keep_hidden_checks_from_students():
    data = results_json([RESULT], with_feedback("full"), visibility_after_publish=False)
    assert {t["visibility"] for t in data["tests"]} == {"visible", "hidden"}


def test_results_json_of_several_exercises_and_from_the_catalog():
    second = dataclasses.replace(RESULT, exercise="02", title="Activation functions",
                                 checks=RESULT.checks[:2], notes=())
    data = results_json([RESULT, second])  # hidden_feedback looked up: "full" for both
    assert data["score"] == 4
    assert [t["name"][:2] for t in data["tests"]] == ["01"] * 4 + ["02"] * 2
    json.dumps(data)  # plain JSON


def test_results_json_speaks_the_language_the_checks_ran_in():
    chinese = dataclasses.replace(RESULT, lang="zh-TW", title="損失函數")
    data = results_json([chinese], with_feedback("total"))
    assert "練習 01 · 損失函數（losses.ipynb）：3 / 8" in data["output"]
    assert data["tests"][-1]["name"] == "01 · 隱藏檢查"
    assert "Exercise 01" in results_json([chinese], with_feedback("full"), lang="en")["output"]


def test_problem_json():
    data = problem_json("no file found")
    assert data["score"] == 0 and data["output"] == "no file found" and data["tests"] == []


# --- a submission folder, graded in-process ---------------------------------------------------


def notebook(path: Path, *sources: str) -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
              "execution_count": None} for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 4}), encoding="utf-8")
    return path


def summary_files(data: dict) -> dict[str, str]:
    """{exercise code: the file its summary line names} from results.json's output."""
    lines = [line for line in data["output"].splitlines() if line.startswith("Exercise ")]
    return {line.split()[1]: line[line.index("(") + 1:line.index(")")] for line in lines}


def test_files_match_by_stub_name_then_by_the_functions_they_define(tmp_path):
    folder = tmp_path / "submission"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "losses.py").write_text(SOLUTIONS, encoding="utf-8")
    notebook(folder / "work.ipynb", "import numpy as np",
             "def relu_forward(x):\n    return x, x\n", "def sigmoid_forward(x): ...")
    (folder / "notes.py").write_text("def plot(): ...\n", encoding="utf-8")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "losses.py").write_text("junk", encoding="utf-8")
    data = grade_submission(folder, [exercise("01"), exercise("02")])
    assert summary_files(data) == {"01": "losses.py", "02": "work.ipynb"}
    assert data["extra_data"]["content_hashes"].keys() == {"01", "02"}
    assert "submission/notes.py was not graded" in data["output"]
    assert "__MACOSX" not in data["output"] and "junk" not in json.dumps(data)
    assert all(t["status"] == "passed" for t in data["tests"] if t["name"].startswith("01"))
    graded_02 = [t for t in data["tests"] if t["name"].startswith("02")]
    assert len(graded_02) > 1  # its checks, not the one test of a missing exercise


def test_a_zip_of_a_big5_file_is_graded(tmp_path):
    big5 = ("# 均方誤差（作業一）\nimport numpy as np\n\n\ndef mse(y_pred, y_true):\n"
            "    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))\n")
    folder = tmp_path / "submission"
    folder.mkdir()
    with zipfile.ZipFile(folder / "hw1.zip", "w") as archive:
        archive.writestr("hw1/losses.py", big5.encode("big5"))
    data = grade_submission(folder, [exercise("01"), exercise("02")])
    assert summary_files(data) == {"01": "hw1.zip:losses.py"}  # the zip's one folder dropped
    assert "submission/hw1.zip:losses.py was saved in Big5 (cp950)" in data["output"]
    mse = {t["name"]: t for t in data["tests"]}["01 · mse matches the reference on 1-D and (N, D) "
                                                 "batches"]
    assert mse["status"] == "passed"
    missing = [t for t in data["tests"] if t["name"].startswith("02")]
    assert len(missing) == 1 and "upload activations.py" in missing[0]["output"]


# --- the autograder zip, run for real --------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    return export_autograder([exercise("01"), exercise("02")], out)


def test_bundle_holds_the_scripts_the_grader_and_every_check(bundle):
    archive = zipfile.ZipFile(bundle)
    names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "project/pyproject.toml",
            "project/grader/gradescope/__main__.py", "project/reference/losses.py",
            "project/exercises/01_loss_functions/tests/test_hidden.py",
            "project/exercises/02_activations/tests/test_visible.py"} <= names
    assert not any("__pycache__" in n for n in names)
    for script in ("setup.sh", "run_autograder"):
        mode = archive.getinfo(script).external_attr >> 16
        assert mode & stat.S_IXUSR, script
    assert 'GRADE_LANG="${GRADE_LANG:-en}"' in archive.read("run_autograder").decode()


def run_autograder(bundle: Path, root: Path, files: dict[str, str], **env: str) -> dict:
    """Unpack the zip as Gradescope does, put `files` in the submission, run run_autograder."""
    source, submission = root / "source", root / "submission"
    zipfile.ZipFile(bundle).extractall(source)
    submission.mkdir(parents=True)
    for name, text in files.items():
        (submission / name).write_text(text, encoding="utf-8")
    environment = {**os.environ, "GRADE_AUTOGRADER_ROOT": str(root),
                   "GRADE_AUTOGRADER_PYTHON": sys.executable, "GRADE_LANG": "en", **env}
    environment.pop("GRADE_EXERCISES", None)
    done = subprocess.run(["bash", str(source / "run_autograder")], env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def test_run_autograder_gives_a_correct_submission_full_marks(bundle, tmp_path):
    answer_02 = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                       "execution_count": None, "source": SOLUTIONS},
                                      {"cell_type": "code", "metadata": {}, "outputs": [],
                                       "execution_count": None, "source": "print('hi')"}],
                            "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    data = run_autograder(bundle, tmp_path / "autograder",
                          {"losses.py": SOLUTIONS, "my_activations_work.ipynb": answer_02})
    tests = data["tests"]
    assert all(t["status"] == "passed" for t in tests), [t for t in tests if t["output"]]
    assert data["score"] == sum(t["max_score"] for t in tests) > 0
    hidden = [t for t in tests if t["visibility"] == "after_published"]
    assert len(hidden) == exercise("01").hidden_checks + exercise("02").hidden_checks
    assert {t["name"][:2] for t in hidden} == {"01", "02"}
    assert "(losses.py)" in data["output"] and "(my_activations_work.ipynb)" in data["output"]
    assert "`print('hi')` was skipped" in data["output"]


def test_run_autograder_gives_a_wrong_submission_fewer_points(bundle, tmp_path):
    data = run_autograder(bundle, tmp_path / "autograder", {"losses.py": SOLUTIONS + WRONG_MSE})
    lost = {t["name"]: t for t in data["tests"] if t["status"] == "failed"}
    assert 0 < data["score"] < sum(t["max_score"] for t in data["tests"])
    mse = lost["01 · mse matches the reference on 1-D and (N, D) batches"]
    assert mse["score"] == 0 and "hint: mse is a mean over all elements" in mse["output"]
    missing = lost["02 · Activation functions"]  # no file for exercise 02
    assert missing["max_score"] > 0 and "upload activations.py" in missing["output"]


def test_run_autograder_on_an_empty_submission_says_so(bundle, tmp_path):
    data = run_autograder(bundle, tmp_path / "autograder", {})
    assert data["score"] == 0 and data["tests"] == []
    assert "No Python file (.py) or notebook (.ipynb) was found" in data["output"]


def test_run_autograder_writes_results_even_when_python_cannot_start(bundle, tmp_path):
    data = run_autograder(bundle, tmp_path / "autograder", {"losses.py": SOLUTIONS},
                          GRADE_AUTOGRADER_PYTHON=str(tmp_path / "no-python"))
    assert data["score"] == 0 and "could not run" in data["output"]


def test_a_crash_of_ours_becomes_a_result(tmp_path, monkeypatch):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "losses.py").write_text(SOLUTIONS, encoding="utf-8")
    (tmp_path / "exercises").mkdir()
    monkeypatch.setenv("GRADE_EXERCISES", str(tmp_path / "exercises"))  # none there
    monkeypatch.setenv("GRADE_LANG", "en")
    path = gradescope.run(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["score"] == 0 and "grader error (not your fault" in data["output"]
    assert "no exercises in" in data["output"]
