"""`grade exercise NN --plot`: figures drawn from the student's functions (grader/plots.py)."""

from __future__ import annotations

import ast
import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import catalog
from grader.catalog import CatalogError
from grader.cli import main
from grader.plots import PNG_SIGNATURE, draw_plots
from tests.conftest import REPO, TOY

CORRECT = """
    import numpy as np

    def double(x):
        return 2 * np.asarray(x, dtype=float)

    def total(x):
        return float(np.sum(x))

    def make_counter(start):
        raise NotImplementedError
"""
ENDLESS = """
    def double(x):
        while True:
            pass
"""
MIN_PNG_BYTES = 2000  # an 4 x 3 inch line plot at 80 dpi is ~10 kB; an empty canvas far less


def write(folder: Path, source: str, name: str = "toy.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def only_plot(report):
    (plot,) = report.plots
    return plot


@pytest.fixture
def toy_copy(tmp_path, monkeypatch):
    """toy_copy(plots_source, names) -> Exercise: the toy exercise with another plots.py."""
    def make(plots_source: str | None, names: list[str]) -> catalog.Exercise:
        root = tmp_path / "exercises"
        folder = root / "01_toy"
        shutil.copytree(TOY / "01_toy", folder)
        (folder / "plots.py").unlink()
        if plots_source is not None:
            write(folder, plots_source, "plots.py")
        toml = folder / "exercise.toml"
        text = "\n".join(line for line in toml.read_text(encoding="utf-8").splitlines()
                         if not line.startswith("plots ="))
        if names:
            text = text.replace("[title]", f"plots = {json.dumps(names)}\n\n[title]")
        toml.write_text(text + "\n", encoding="utf-8")
        monkeypatch.syspath_prepend(str(folder))
        return catalog.find("toy", root)
    return make


# --- the library function -------------------------------------------------------------------


def test_a_correct_submission_writes_a_real_png(toy, tmp_path):
    report = draw_plots(toy, write(tmp_path / "s", CORRECT), tmp_path / "out")
    plot = only_plot(report)
    assert (plot.name, plot.outcome, plot.message) == ("curve", "drawn", "")
    assert plot.title == "double(x) on [-3, 3]."
    (file,) = map(Path, plot.files)
    assert file == (tmp_path / "out" / "curve.png").resolve()
    assert file.read_bytes()[:8] == PNG_SIGNATURE
    assert file.stat().st_size > MIN_PNG_BYTES
    assert report.out_dir == str((tmp_path / "out").resolve())


def test_the_title_follows_the_language(toy, tmp_path):
    report = draw_plots(toy, write(tmp_path / "s", CORRECT), tmp_path / "out", lang="zh-TW")
    assert only_plot(report).title == "double(x) 在 [-3, 3] 上的圖形"


def test_the_stub_is_not_implemented_with_no_file_and_no_crash(toy, tmp_path):
    plot = only_plot(draw_plots(toy, None, tmp_path / "out"))
    assert plot.outcome == "not_implemented" and plot.files == ()
    assert plot.message == "double(x (61,)) is not implemented yet (it raises NotImplementedError)"
    assert list((tmp_path / "out").iterdir()) == []


def test_an_endless_loop_is_stopped_with_the_timeout_message(toy, tmp_path):
    plot = only_plot(draw_plots(toy, write(tmp_path / "s", ENDLESS), tmp_path / "out"))
    assert plot.outcome == "timeout" and plot.files == ()
    assert f"did not finish within {toy.limits.call_timeout} s" in plot.message


PLOTS_THREE = """
    import matplotlib.pyplot as plt
    import numpy as np


    def _save(out_dir, name, x, y):
        fig, ax = plt.subplots()
        ax.plot(x, y)
        fig.savefig(out_dir / name)
        plt.close(fig)
        return [out_dir / name]


    def first(submission, out_dir):
        \"\"\"total of a ramp.\"\"\"
        x = np.arange(5.0)
        return _save(out_dir, "first.png", x, [submission.total(x[:k]) for k in range(5)])


    def second(submission, out_dir):
        \"\"\"double on a range.\"\"\"
        x = np.linspace(0, 1, 7)
        return _save(out_dir, "second.png", x, submission.double(x))


    def third(submission, out_dir):
        \"\"\"half-drawn, then the student's counter.\"\"\"
        fig, ax = plt.subplots()
        fig.savefig(out_dir / "partial.png")
        counter = submission.make_counter(1)
        return _save(out_dir, "third.png", [0, 1], [1, counter.add(1)])
"""


def test_one_failing_figure_does_not_stop_the_others(toy_copy, tmp_path):
    exercise = toy_copy(PLOTS_THREE, ["first", "second", "third"])
    student = write(tmp_path / "s", """
        import numpy as np

        def total(x):
            while True:
                pass

        def double(x):
            return 2 * np.asarray(x)

        def make_counter(start):
            raise ValueError("no counters today")
    """)
    report = draw_plots(exercise, student, tmp_path / "out")
    outcomes = {plot.name: plot.outcome for plot in report.plots}
    assert outcomes == {"first": "timeout", "second": "drawn", "third": "failed"}
    assert "make_counter(start=1) raised ValueError: no counters today" in report.plots[2].message
    # a figure that fails half-way leaves no partial file behind
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["second.png"]


def test_garbage_from_the_student_is_the_students_failure(toy, tmp_path):
    student = write(tmp_path / "s", """
        import numpy as np

        def double(x):
            return np.zeros(3)  # the wrong length: matplotlib cannot plot it against x
    """)
    plot = only_plot(draw_plots(toy, student, tmp_path / "out"))
    assert plot.outcome == "failed" and plot.files == ()
    assert plot.message.startswith("the figure could not be drawn from what your code returned")


def test_printed_output_is_kept_for_a_failed_figure(toy, tmp_path):
    student = write(tmp_path / "s", """
        def double(x):
            print("debugging double")
            raise RuntimeError("oops")
    """)
    plot = only_plot(draw_plots(toy, student, tmp_path / "out"))
    assert "double(x (61,)) raised RuntimeError: oops" in plot.message
    assert "debugging double" in plot.stdout


@pytest.mark.parametrize("source, names, words", [
    (None, ["curve"], "plots.py is missing"),
    ("import reference_that_does_not_exist\n", ["curve"], "plots.py cannot be imported"),
    ("def curve(submission, out_dir):\n    return []\n", ["curve"], "not a list of paths"),
    ("def curve(submission, out_dir):\n    return ['/etc/hostname']\n", ["curve"],
     "not a file it wrote into out_dir"),
    ("X = 1\n", ["curve"], "plots.py has no function curve()"),
])
def test_a_broken_plots_file_is_a_grader_error_not_a_crash(toy_copy, tmp_path, source, names,
                                                           words):
    exercise = toy_copy(source, names)
    plot = only_plot(draw_plots(exercise, write(tmp_path / "s", CORRECT), tmp_path / "out"))
    assert plot.outcome == "error" and plot.files == ()
    assert plot.message.startswith("grader error (not your fault") and words in plot.message


def test_an_exercise_without_plots_draws_nothing(toy, tmp_path):
    report = draw_plots(dataclasses.replace(toy, plots=()), None, tmp_path / "out")
    assert report.plots == () and not (tmp_path / "out").exists()


def test_the_default_folder_is_plots_nn_slug_here(toy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = draw_plots(toy, write(tmp_path / "s", CORRECT))
    assert report.files == (str(tmp_path.resolve() / "plots" / "01_toy" / "curve.png"),)


# --- the catalog ----------------------------------------------------------------------------


def test_the_toy_exercise_lists_its_plot(toy):
    assert toy.plots == ("curve",)
    assert toy.plots_path == TOY / "01_toy" / "plots.py"


@pytest.mark.parametrize("value", ['"curve"', '["not a name"]', "[1]"])
def test_plots_must_be_a_list_of_function_names(toy_copy, value):
    exercise = toy_copy(None, [])
    toml = exercise.folder / "exercise.toml"
    toml.write_text(toml.read_text().replace("[title]", f"plots = {value}\n[title]"))
    with pytest.raises(CatalogError, match="plots must"):
        catalog.load(exercise.folder)


def test_plots_are_optional(toy_copy):
    assert toy_copy(None, []).plots == ()


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def run(monkeypatch, tmp_path):
    """run(*args) -> click Result, in tmp_path, grading the toy exercise."""
    monkeypatch.setenv("GRADE_EXERCISES", str(TOY))
    monkeypatch.syspath_prepend(str(TOY / "01_toy"))
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(main, list(args))


def test_the_command_prints_each_path_and_keeps_exit_0(run, tmp_path):
    student = write(tmp_path / "s", CORRECT.replace(
        "raise NotImplementedError", "return None"))  # make_counter fails its check
    result = run("exercise", "01", "--file", str(student), "--plot")
    assert result.exit_code == 1, result.output  # the grading's status, not the plots'
    assert str(Path("plots", "01_toy", "curve.png")) in result.output
    assert (tmp_path / "plots" / "01_toy" / "curve.png").is_file()
    assert "1 of 1 figures drawn" in result.output


def test_the_command_with_a_plot_dir_and_full_marks_exits_0(run, tmp_path):
    student = write(tmp_path / "s", (TOY / "01_toy" / "toy_reference.py").read_text())
    out = tmp_path / "elsewhere" / "figures"
    result = run("exercise", "01", "--file", str(student), "--plot-dir", str(out))
    assert result.exit_code == 0, result.output
    assert str(Path("elsewhere", "figures", "curve.png")) in result.output
    assert (out / "curve.png").read_bytes()[:8] == PNG_SIGNATURE


def test_the_command_on_the_stub_explains_and_exits_1(run, tmp_path):
    result = run("exercise", "01", "--plot", "--lang", "zh-TW")
    assert result.exit_code == 1, result.output
    assert "double(x (61,)) 尚未實作" in result.output
    assert "已畫出 0 / 1 張圖表" in result.output
    assert not (tmp_path / "plots" / "01_toy" / "curve.png").exists()


def test_the_command_puts_the_figures_in_the_json(run, tmp_path):
    student = write(tmp_path / "s", CORRECT)
    data = json.loads(run("exercise", "01", "--file", str(student), "--plot", "--json").output)
    assert [p["outcome"] for p in data["plots"]["plots"]] == ["drawn"]
    assert data["plots"]["plots"][0]["files"][0].endswith("curve.png")


def test_an_exercise_without_plots_says_so_in_one_line(toy_copy, monkeypatch):
    exercise = toy_copy(None, [])
    monkeypatch.setenv("GRADE_EXERCISES", str(exercise.folder.parent))
    result = CliRunner().invoke(main, ["exercise", "01", "--plot"])
    assert result.exit_code == 1, result.output
    assert "exercise 01 has no figures to draw" in result.output


def test_import_grader_cli_does_not_import_matplotlib():
    code = ("import sys, grader.cli; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] == 'matplotlib' or m == 'grader.plots'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


# --- the exercises' own plots.py ------------------------------------------------------------


EXERCISES_WITH_PLOTS = [e for e in catalog.all_exercises(REPO / "exercises") if e.plots]


@pytest.mark.parametrize("exercise", EXERCISES_WITH_PLOTS, ids=lambda e: e.code)
def test_every_listed_plot_is_a_documented_function_that_never_uses_the_reference(exercise):
    assert exercise.plots_path.is_file(), f"exercise.toml lists plots: {exercise.plots_path}?"
    tree = ast.parse(exercise.plots_path.read_text(encoding="utf-8"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for name in exercise.plots:
        assert name in functions, f"{exercise.plots_path} has no function {name}()"
        assert ast.get_docstring(functions[name]), f"{name}() needs a docstring (its title)"
    imported = {alias.name for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    # the student's functions only: no reference, and of the grader only its figure helpers
    assert not {name for name in imported if name.split(".")[0] in ("reference", "grader")} \
        - {"grader.plots"}, "plots.py draws the student's functions only"
