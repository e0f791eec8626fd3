"""A real release of the course's exercises, used as a student would use it.

One release (module-scoped) is reused: its files, its own verification, the bundle's `grade`
run as a real subprocess inside the bundle where the instructor's reference cannot be
imported, and the leak scan against planted leaks.
"""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import answers, catalog, release_verify
from grader.cli import main
from grader.release import release
from tests.conftest import REPO
from tests.exercises.mistakes import TABLES, alternative_solution
from tests.exercises.test_wrong_submissions import with_change

EXERCISES = catalog.all_exercises(REPO / "exercises")
# `grade` inside the bundle: `python -I` (no PYTHONPATH, no user site), the bundle first on
# sys.path, and the reference package refused even though the instructor's install has it
STUDENT_GRADE = r"""
import sys
class NoReference:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] == "reference":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, NoReference)
sys.path.insert(0, ".")
import grader
if sys.argv[1:] == ["where"]:
    print(grader.__file__)
    raise SystemExit(0)
from grader.cli import main
main(prog_name="grade")
"""


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """(report, bundle folder) of one release of every exercise, zipped too."""
    out = tmp_path_factory.mktemp("release") / "course-bundle"
    report = release(out, EXERCISES, zip_path=out.with_suffix(".zip"))
    return report, out


def student_grade(bundle, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "-c", STUDENT_GRADE, *args], cwd=bundle,
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "NO_COLOR": "1",
                               "COLUMNS": "120"})


def test_the_release_verified_itself(released):
    report, out = released
    assert report.ok, report.problems
    assert [v.exercise for v in report.verification] == [e.code for e in EXERCISES]
    for row in report.verification:
        assert row.reference_score == row.max_score > 0 and row.stub_score == 0
        assert set(row.stub_outcomes) <= {"not_implemented", "failed"}
    assert report.leaks == () and out.is_dir()
    assert not list(out.parent.glob(".course-bundle.partial-*"))


def test_the_bundle_has_what_students_need_and_nothing_else(released):
    report, out = released
    files = set(report.files)
    assert {"pyproject.toml", "README.md", "README.zh-TW.md", "grader/cli.py",
            "grader/replay.py", "datasets/README.md"} <= files
    for exercise in EXERCISES:
        folder = f"exercises/{exercise.folder.name}"
        for name in (exercise.stub, "README.md", "README.zh-TW.md", "exercise.toml",
                     "tests/test_visible.py", "tests/conftest.py",
                     f"tests/{answers.FILE_NAME}", *(["plots.py"] if exercise.plots else [])):
            assert f"{folder}/{name}" in files
    assert not [f for f in files if f.endswith("test_hidden.py") or f.startswith("reference/")
                or "__pycache__" in f]
    assert files == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    with zipfile.ZipFile(report.zip_path) as archive:
        assert {n.split("/", 1)[1] for n in archive.namelist()} == files


def test_the_packaging_installs_the_grader_only(released):
    _, out = released
    pyproject = (out / "pyproject.toml").read_text(encoding="utf-8")
    assert 'include = ["grader*"]' in pyproject and 'grade = "grader.cli:main"' in pyproject
    assert "otter" not in pyproject and '"numpy>=' in pyproject
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "pip install -e ." in readme and "grade exercise 01" in readme
    assert "pip install -e ." in (out / "README.zh-TW.md").read_text(encoding="utf-8")


def test_the_bundle_runs_its_own_grader_without_the_reference(released):
    _, out = released
    done = student_grade(out, "where")
    assert done.stdout.strip() == str(out / "grader" / "__init__.py"), done.stderr


def test_the_students_grade_exercise_01_scores_the_stub_zero(released):
    _, out = released
    done = student_grade(out, "exercise", "01")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Exercise 01" in done.stdout and "0 / 28" in done.stdout
    assert "not implemented" in done.stdout and "grader error" not in done.stdout


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.code)
def test_a_correct_solution_gets_full_visible_marks_from_the_bundle(released, exercise,
                                                                    tmp_path):
    _, out = released
    solution = tmp_path / exercise.stub
    solution.write_text(alternative_solution(exercise.code), encoding="utf-8")
    done = student_grade(out, "exercise", exercise.code, "--file", str(solution), "--json")
    result = json.loads(done.stdout)
    assert done.returncode == 0, [t["output"] for t in result["tests"] if t["score"] == 0]
    assert result["score"] == result["max_score"] > 0


# grade files inside the bundle with its own grader (the reference refused, answers replayed):
# argv = exercise, then files; prints {file: [outcome of every visible check]}
GRADE_IN_BUNDLE = STUDENT_GRADE.split("import grader\n")[0] + r"""
import json
from pathlib import Path
from grader import catalog
from grader.runner import grade
exercise = catalog.find(sys.argv[1], Path("exercises"))
print(json.dumps({f: [c.outcome for c in grade(exercise, Path(f)).checks] for f in sys.argv[2:]}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.code in TABLES],
                         ids=lambda e: e.code)
def test_wrong_submissions_inside_the_bundle_never_miss_a_recorded_answer(released, exercise,
                                                                          tmp_path):
    # a check that asks the reference only on a path the reference solution never takes has
    # no recorded answer: in a bundle that is a grader error instead of the student's failure
    _, out = released
    files = []
    for case, (mistake, _, _) in TABLES[exercise.code].WRONG.items():
        folder = tmp_path / case
        folder.mkdir()
        (folder / exercise.stub).write_text(with_change(exercise.code, mistake), encoding="utf-8")
        files.append(str(folder / exercise.stub))
    done = subprocess.run([sys.executable, "-I", "-c", GRADE_IN_BUNDLE, exercise.code, *files],
                          cwd=out, capture_output=True, text=True, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert done.returncode == 0, done.stderr
    errors = {Path(f).parent.name: outcomes for f, outcomes in json.loads(done.stdout).items()
              if "error" in outcomes}
    assert errors == {}


def test_another_seed_in_the_bundle_says_so(released):
    _, out = released
    done = student_grade(out, "exercise", "02", "--seed", "3")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "seed 0 only" in done.stdout and "--seed 3" in done.stdout


def test_instructor_commands_say_they_are_not_in_a_student_bundle(released):
    _, out = released
    for command in (["selfcheck"], ["release", "elsewhere"]):
        done = student_grade(out, *command)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "student bundle does not include" in done.stderr


def test_a_planted_leak_is_caught(released, tmp_path):
    from reference import activations, losses

    _, out = released
    copy = tmp_path / "bundle"
    shutil.copytree(out, copy)
    assert release_verify.leaks(copy, EXERCISES) == []
    body = inspect.getsource(losses.categorical_cross_entropy).split('"""')[-1]
    with (copy / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(f"\n```python\n{body}\n```\n")  # the body, verbatim, in a README
    stub = copy / "exercises" / "02_activations" / "activations.py"
    source = inspect.getsource(activations.softmax_backward).replace("def softmax_backward",
                                                                     "def helper")
    stub.write_text(stub.read_text() + "\n\n" + source.replace("    ", "  "))  # reformatted
    found = "\n".join(release_verify.leaks(copy, EXERCISES))
    assert "README.md contains the body of reference/losses.py: categorical_cross_entropy" \
        in found
    assert "activations.py contains the body of reference/activations.py: softmax_backward" \
        in found


def test_a_stub_giving_another_exercises_answer_in_full_is_a_leak(released, tmp_path):
    # a helper given in full under its own name is exempt, but not one that an exercise of
    # the course asks students to write: a later exercise's stub must not hand out mse
    from reference import losses

    _, out = released
    copy = tmp_path / "bundle"
    shutil.copytree(out, copy)
    stub = copy / "exercises" / "02_activations" / "activations.py"
    stub.write_text(stub.read_text() + "\n\n" + inspect.getsource(losses.mse))
    found = "\n".join(release_verify.leaks(copy, [e for e in EXERCISES if e.code == "02"]))
    assert "activations.py contains the body of reference/losses.py: mse" in found


def test_hidden_checks_and_reference_folders_are_refused(released, tmp_path):
    _, out = released
    copy = tmp_path / "bundle"
    shutil.copytree(out, copy)
    assert release_verify.forbidden_files(copy, {"reference"}) == []
    (copy / "exercises" / "01_loss_functions" / "tests" / "test_hidden.py").write_text("")
    (copy / "reference").mkdir()
    assert len(release_verify.forbidden_files(copy, {"reference"})) == 2


def test_a_failed_verification_keeps_nothing_and_exits_1(tmp_path, monkeypatch):
    monkeypatch.setattr(release_verify, "grade_in_clean_copy", lambda bundle, exercises: [])
    monkeypatch.setattr(release_verify, "leaks",
                        lambda bundle, exercises: ["README.md contains the body of x"])
    out = tmp_path / "bundle"
    result = CliRunner().invoke(main, ["release", str(out), "--zip", "01"])
    assert result.exit_code == 1, result.output
    assert "release failed" in result.output and "README.md contains the body" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_a_usage_error(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["release", str(tmp_path), "01"])
    assert result.exit_code == 2 and "not empty" in result.output
    result = CliRunner().invoke(main, ["release", str(tmp_path), "--force", "01"])
    assert result.exit_code == 2 and "does not look like an earlier bundle" in result.output


def test_the_standalone_reference_solution_imports_no_reference():
    source = release_verify.standalone_solution("reference.losses")
    compile(source, "losses.py", "exec")
    assert "from reference" not in source and "def log_softmax" in source


def test_two_inlined_modules_defining_one_name_differently_are_refused(tmp_path, monkeypatch):
    package = tmp_path / "pkg_clash"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def _f(x):\n    return x\n\nEPS = 1e-8\n")
    (package / "b.py").write_text("from pkg_clash.a import _f\n\nEPS = 1e-8\n\n"
                                  "def g(x):\n    return _f(x)\n")
    (package / "c.py").write_text("from pkg_clash.b import g\n\ndef _f(x):\n    return -x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "def g" in release_verify.standalone_solution("pkg_clash.b")  # same EPS: harmless
    with pytest.raises(ValueError, match="pkg_clash.a and pkg_clash.c both define _f"):
        release_verify.standalone_solution("pkg_clash.c")


def test_the_release_names_earlier_answers_a_later_stub_hands_out():
    by_code = {e.code: e for e in EXERCISES}
    notes = release_verify.given_answers([by_code["09"], by_code["13"]])
    conv = next(n for n in notes if n.startswith("13's") and "exercise 09" in n)
    assert "conv2d_forward" in conv and "release 13 after 09's deadline" in conv
    assert "09 is in this bundle too" in conv
    assert release_verify.given_answers([by_code["01"], by_code["02"]]) == []
