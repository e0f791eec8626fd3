"""The exercises: each folder `exercises/NN_slug/` described by its `exercise.toml`.

    number = 1
    slug = "loss_functions"
    stub = "losses.py"                 # the file the student edits
    reference = "reference.losses"     # the module with the correct implementation
    functions = ["mse", "mse_grad"]    # what the student implements
    plots = ["regimes"]                # optional: figures drawn by the folder's plots.py from
                                       # the student's functions (`grade exercise NN --plot`)
    [title]  en = "..."  zh-TW = "..."
    [limits] call_timeout = 10.0, memory_mb = 2048   # optional, see sandbox.Limits
    [hidden] checks = 3, points = 6    # announced to students; a test keeps it true
             feedback = "full"         # what students see of hidden checks in batch feedback:
                                       # "full" (titles, points, messages), "score" (titles and
                                       # points, no messages) or "total" (only their sum)

`find("03")`, `find("3")` and `find("gradient_descent")` name the same exercise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from grader.i18n import tomllib
from grader.sandbox import Limits

ENV_ROOT = "GRADE_EXERCISES"  # overrides where the exercises are found
HIDDEN_FEEDBACK = ("full", "score", "total")


class CatalogError(Exception):
    """An exercise that cannot be found, or an exercise.toml that is not valid."""


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    folder: Path
    title: dict
    stub: str
    reference: str
    functions: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    hidden_checks: int = 0
    hidden_points: float = 0
    hidden_feedback: str = "full"  # one of HIDDEN_FEEDBACK
    plots: tuple[str, ...] = ()  # functions of the folder's plots.py (grader/plots.py)

    @property
    def code(self) -> str:
        return f"{self.number:02d}"

    @property
    def module(self) -> str:
        """The module name the stub is imported under (its file name without .py)."""
        return Path(self.stub).stem

    @property
    def stub_path(self) -> Path:
        return self.folder / self.stub

    def test_files(self, hidden: bool = False) -> list[Path]:
        names = ["test_visible.py"] + (["test_hidden.py"] if hidden else [])
        return [self.folder / "tests" / n for n in names if (self.folder / "tests" / n).exists()]

    @property
    def plots_path(self) -> Path:
        """The instructor's plots.py: draws figures from the student's functions."""
        return self.folder / "plots.py"

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en", self.slug)


def _table(data: dict, key: str, where: Path) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: [{key}] must be a table, got {value!r}")
    return value


def _limits(table: dict, where: Path) -> Limits:
    known = {f.name: f for f in fields(Limits)}
    unknown = set(table) - set(known)
    if unknown:
        raise CatalogError(f"{where}: unknown limits {sorted(unknown)}; known: {sorted(known)}")
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise CatalogError(f"{where}: limit {name} must be a positive number, got {value!r}")
    return Limits(**{k: type(getattr(Limits, k))(v) for k, v in table.items()})


def _names(value, where: Path, key: str = "functions") -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: {key} must be a list of names, got {value!r}")
    return tuple(value)


def _plots(value, where: Path) -> tuple[str, ...]:
    names = _names(value, where, "plots")
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        raise CatalogError(f"{where}: plots must name functions of plots.py, got {bad!r}")
    return names


def _hidden_feedback(table: dict, where: Path) -> str:
    value = table.get("feedback", "full")
    if value not in HIDDEN_FEEDBACK:
        raise CatalogError(f"{where}: [hidden] feedback must be one of {HIDDEN_FEEDBACK}, "
                           f"got {value!r}")
    return value


def load(folder: Path) -> Exercise:
    path = folder / "exercise.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        hidden = _table(data, "hidden", path)
        return Exercise(number=int(data["number"]), slug=str(data["slug"]), folder=folder,
                        title=_table(data, "title", path), stub=str(data["stub"]),
                        reference=str(data["reference"]),
                        functions=_names(data["functions"], path),
                        limits=_limits(_table(data, "limits", path), path),
                        hidden_checks=int(hidden.get("checks", 0)),
                        hidden_points=hidden.get("points", 0),
                        hidden_feedback=_hidden_feedback(hidden, path),
                        plots=_plots(data.get("plots", []), path))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"{path}: {type(exc).__name__}: {exc}") from None


def exercises_root(start: Path | None = None) -> Path:
    """$GRADE_EXERCISES, else the nearest `exercises/` above the working directory, else
    the one beside the installed grader package (the repository or the student bundle)."""
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir() and any((folder / "exercises").glob("*/exercise.toml")):
            return folder / "exercises"
    return Path(__file__).resolve().parent.parent / "exercises"


def all_exercises(root: Path | None = None) -> list[Exercise]:
    root = root or exercises_root()
    return [load(p.parent) for p in sorted(root.glob("[0-9][0-9]_*/exercise.toml"))]


def find(name: str, root: Path | None = None) -> Exercise:
    """The exercise named by number ("03", "3") or slug ("gradient_descent", "03_gradient...")."""
    exercises = all_exercises(root)
    wanted = name.strip().lower()
    for exercise in exercises:
        names = {exercise.code, str(exercise.number), exercise.slug, exercise.folder.name}
        if wanted in names:
            return exercise
    known = ", ".join(f"{e.code} {e.slug}" for e in exercises) or "none"
    raise CatalogError(f"no exercise {name!r}; known exercises: {known}")


def for_test_file(path: Path) -> Exercise | None:
    """The exercise a check file belongs to (tests/ inside an exercise folder), if any."""
    for folder in Path(path).resolve().parents:
        if (folder / "exercise.toml").exists():
            return load(folder)
    return None
