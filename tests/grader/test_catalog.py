"""The exercise catalog: names resolve to one exercise, and a broken exercise.toml says where."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader import catalog
from grader.catalog import CatalogError
from grader.sandbox import Limits

LOSSES = """
    number = 1
    slug = "loss_functions"
    stub = "losses.py"
    reference = "reference.losses"
    functions = ["mse", "mse_grad"]
    [title]
    en = "Loss functions"
    zh-TW = "損失函數"
"""
DESCENT = """
    number = 3
    slug = "gradient_descent"
    stub = "descent.py"
    reference = "reference.descent"
    functions = ["step"]
    [title]
    en = "Gradient descent"
    [limits]
    call_timeout = 5.0
    memory_mb = 1024
    [hidden]
    checks = 2
    points = 4
"""


def write_exercise(root: Path, folder: str, toml: str) -> Path:
    path = root / folder
    (path / "tests").mkdir(parents=True)
    (path / "exercise.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    (path / "tests" / "test_visible.py").write_text("", encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path) -> Path:
    """exercises/ with 01_loss_functions and 03_gradient_descent."""
    root = tmp_path / "exercises"
    write_exercise(root, "01_loss_functions", LOSSES)
    write_exercise(root, "03_gradient_descent", DESCENT)
    (root / "notes").mkdir()  # not an exercise: no NN_ prefix
    return root


@pytest.mark.parametrize("name", ["03", "3", "gradient_descent", "03_gradient_descent",
                                  " 03 ", "Gradient_Descent"])
def test_every_name_of_an_exercise_finds_it(root, name):
    exercise = catalog.find(name, root)
    assert exercise.folder == root / "03_gradient_descent"
    assert (exercise.number, exercise.slug, exercise.code) == (3, "gradient_descent", "03")


def test_exercise_fields(root):
    exercise = catalog.find("01", root)
    assert exercise.functions == ("mse", "mse_grad")
    assert exercise.reference == "reference.losses"
    assert exercise.module == "losses"
    assert exercise.stub_path == root / "01_loss_functions" / "losses.py"
    assert exercise.limits == Limits()
    assert (exercise.hidden_checks, exercise.hidden_points) == (0, 0)
    assert exercise.title_in("zh-TW") == "損失函數"


def test_limits_hidden_and_title_fallback(root):
    exercise = catalog.find("03", root)
    assert exercise.limits == Limits(call_timeout=5.0, memory_mb=1024)
    assert (exercise.hidden_checks, exercise.hidden_points) == (2, 4)
    assert exercise.title_in("zh-TW") == "Gradient descent"


def test_test_files(root):
    folder = root / "03_gradient_descent"
    exercise = catalog.find("03", root)
    assert exercise.test_files() == [folder / "tests" / "test_visible.py"]
    assert exercise.test_files(hidden=True) == [folder / "tests" / "test_visible.py"]
    (folder / "tests" / "test_hidden.py").write_text("", encoding="utf-8")
    assert exercise.test_files(hidden=True) == [folder / "tests" / "test_visible.py",
                                                folder / "tests" / "test_hidden.py"]


def test_all_exercises_in_order(root):
    assert [e.code for e in catalog.all_exercises(root)] == ["01", "03"]


@pytest.mark.parametrize("name", ["2", "02", "descent", "04_gradient_descent", "loss", ""])
def test_unknown_name_lists_the_known_exercises(root, name):
    with pytest.raises(CatalogError) as excinfo:
        catalog.find(name, root)
    text = str(excinfo.value)
    assert repr(name) in text
    assert "01 loss_functions, 03 gradient_descent" in text


def test_empty_tree_says_none(tmp_path):
    with pytest.raises(CatalogError, match="known exercises: none"):
        catalog.find("01", tmp_path)


def losses_with(extra: str = "", drop: str = "", table: str = "") -> str:
    """LOSSES with one line dropped, top-level lines added and a table appended."""
    top, title = textwrap.dedent(LOSSES).split("[title]")
    if drop:
        top = top.replace(drop + "\n", "")
    top += extra + "\n"
    return f"{top}[title]{title}{table}"


BROKEN = {
    "bad toml": ("number = [1,\n", "TOMLDecodeError"),
    "missing key": (losses_with(drop='stub = "losses.py"'), "KeyError: 'stub'"),
    "number not a number": (losses_with(drop="number = 1", extra='number = "one"'),
                            "ValueError"),
    "title not a table": (losses_with(extra="title = 'Losses'").split("[title]")[0],
                          "[title] must be a table"),
    "unknown limit": (losses_with(table="[limits]\nmemory_gb = 1\n"),
                      "unknown limits ['memory_gb']"),
    "limits not a table": (losses_with(extra="limits = 5"), "[limits] must be a table"),
}


@pytest.mark.parametrize(("toml", "words"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_exercise_toml_names_its_path(root, toml, words):
    path = root / "01_loss_functions" / "exercise.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(CatalogError) as excinfo:
        catalog.find("03", root)  # every exercise is loaded: a broken one is never skipped
    assert str(path) in str(excinfo.value)
    assert words in str(excinfo.value)


def test_the_valid_form_of_the_broken_tomls_loads(root):
    """Guards the table above: without its one defect the file is valid."""
    path = root / "01_loss_functions" / "exercise.toml"
    path.write_text(losses_with(table="[limits]\nmemory_mb = 512\n"), encoding="utf-8")
    assert catalog.load(path.parent).limits == Limits(memory_mb=512)


def test_hidden_not_a_table_is_a_catalog_error(root):
    path = root / "01_loss_functions" / "exercise.toml"
    path.write_text(losses_with(extra="hidden = 3"), encoding="utf-8")
    with pytest.raises(CatalogError, match="exercise.toml"):
        catalog.load(path.parent)


def test_missing_exercise_toml_is_a_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="exercise.toml"):
        catalog.load(tmp_path)


def test_grade_exercises_variable_is_the_root(root, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv(catalog.ENV_ROOT, str(root))
    assert catalog.exercises_root() == root.resolve()
    assert catalog.find("gradient_descent").folder == root.resolve() / "03_gradient_descent"


def test_nearest_exercises_folder_above_the_working_directory(root, monkeypatch):
    monkeypatch.delenv(catalog.ENV_ROOT, raising=False)
    monkeypatch.chdir(root / "03_gradient_descent" / "tests")
    assert catalog.exercises_root() == root.resolve()


@pytest.mark.parametrize("relative", ["03_gradient_descent/tests/test_visible.py",
                                      "03_gradient_descent/tests/test_hidden.py",
                                      "01_loss_functions/tests/deeper/test_x.py"])
def test_for_test_file_finds_the_exercise(root, relative):
    exercise = catalog.for_test_file(root / relative)
    assert exercise is not None
    assert exercise.folder == (root / relative.split("/")[0]).resolve()


def test_for_test_file_outside_an_exercise(root):
    assert catalog.for_test_file(root / "notes" / "test_x.py") is None
