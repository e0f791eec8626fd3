"""Fixtures of the export tests: a small catalog with one exercise per hidden_feedback mode,
and a factory of gradebooks in tmp_path."""

from __future__ import annotations

import pytest

from grader.exports import load_book
from tests.exports._builders import make_gradebook

# exercise code -> (slug, English title, Chinese title, hidden feedback); "09" is graded in
# some tests but not in the catalog
CATALOG = {"01": ("loss_functions", "Loss functions", "損失函數", "full"),
           "02": ("activations", "Activations", "激活函數", "score"),
           "03": ("optimizers", "Optimizers", "最佳化", "total")}


@pytest.fixture(autouse=True)
def catalog(tmp_path_factory, monkeypatch):
    """GRADE_EXERCISES: exercises 01 (hidden feedback full), 02 (score), 03 (total)."""
    root = tmp_path_factory.mktemp("exercises")
    for code, (slug, en, zh, feedback) in CATALOG.items():
        folder = root / f"{code}_{slug}"
        folder.mkdir()
        (folder / "exercise.toml").write_text(
            f'number = {int(code)}\nslug = "{slug}"\nstub = "{slug}.py"\n'
            f'reference = "reference.{slug}"\nfunctions = ["f"]\n'
            f'[title]\nen = "{en}"\nzh-TW = "{zh}"\n'
            f'[hidden]\nchecks = 1\npoints = 2\nfeedback = "{feedback}"\n', encoding="utf-8")
    monkeypatch.setenv("GRADE_EXERCISES", str(root))
    return root


@pytest.fixture
def gradebook(tmp_path):
    """gradebook(rows) -> the path of a new gradebook with those rows (see make_gradebook)."""
    count = iter(range(1000))

    def build(rows):
        return make_gradebook(tmp_path / f"grades-{next(count)}.sqlite", rows)
    return build


@pytest.fixture
def book(gradebook):
    """book(rows, lang="en") -> the Book of a new gradebook with those rows."""
    def build(rows, lang="en"):
        return load_book(gradebook(rows), lang)
    return build
