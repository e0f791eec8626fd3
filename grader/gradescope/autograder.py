"""Gradescope's autograder zip: `export_autograder(exercises, out_zip)` writes the bundle
Gradescope asks for:

    setup.sh          run once when Gradescope builds the image: a virtual environment with
                      this project's dependencies and the project itself installed from
                      project/ (a source copy)
    run_autograder    run per submission: grades every file of the submission with visible and
                      hidden checks (python -m grader.gradescope) and writes results.json
    project/          this project's grader and reference, and the chosen exercises with their
                      visible and hidden checks (the zip stays on Gradescope's trusted side)

run_autograder reads these environment variables (Gradescope sets none of them):

    GRADE_AUTOGRADER_ROOT    the root of Gradescope's layout (default /autograder): the
                             submission in ROOT/submission, results in ROOT/results/results.json
    GRADE_AUTOGRADER_SOURCE  where the zip was unpacked (default ROOT/source)
    GRADE_AUTOGRADER_PYTHON  the Python to grade with (default ROOT/venv/bin/python, which
                             setup.sh makes); set it to a Python that has this project's
                             dependencies installed to run run_autograder without setup.sh
    GRADE_LANG               the language of the feedback (default: the export's --lang)

Whatever happens, run_autograder leaves a results.json: a crash of ours becomes a result with
the error message and score 0 (grading.py), and the shell script writes one if Python cannot
even start.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from grader import i18n
from grader.catalog import Exercise

GRADER = Path(__file__).parent.parent  # the grader package
TEMPLATES = GRADER / "templates" / "interop"
PROJECT = Path(__file__).resolve().parents[2]  # holds grader/, reference/, exercises/
DISTRIBUTION = "numpy-dl-grader"
FALLBACK_REQUIREMENTS = ("numpy>=1.24", "click>=8.1", "rich>=13", "pytest>=7.4",
                         "tomli>=2.0; python_version < '3.11'")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")


def _write(bundle: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def _add_tree(bundle: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:  # copytree applies the ignore patterns
        copy = Path(scratch) / "copy"
        shutil.copytree(folder, copy, ignore=IGNORE)
        for path in sorted(copy.rglob("*")):
            if path.is_file():
                _write(bundle, f"{prefix}/{path.relative_to(copy).as_posix()}", path.read_bytes())


def runtime_requirements() -> str:
    """This project's own dependencies (not its extras), one per line: what grading needs."""
    import importlib.metadata

    try:
        required = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        required = list(FALLBACK_REQUIREMENTS)
    return "\n".join(r for r in required if "extra ==" not in r) + "\n"


def export_autograder(exercises: list[Exercise], out_zip: Path, *, lang: str = "en") -> Path:
    """Write Gradescope's autograder zip for `exercises` (see the module's docstring). The zip
    holds the reference and the hidden checks: upload it to Gradescope, never to students."""
    if not exercises:
        raise ValueError("export_autograder needs at least one exercise")
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    run_script = (TEMPLATES / "run_autograder").read_text(encoding="utf-8")
    run_script = run_script.replace("@LANG@", i18n.normalise(lang) if lang not in i18n.LANGUAGES
                                    else lang)
    with zipfile.ZipFile(out_zip, "w") as bundle:
        _write(bundle, "setup.sh", (TEMPLATES / "setup.sh").read_bytes(), executable=True)
        _write(bundle, "run_autograder", run_script.encode(), executable=True)
        _write(bundle, "project/requirements.txt", runtime_requirements().encode())
        for name in ("pyproject.toml", "README.md"):
            if (PROJECT / name).exists():
                _write(bundle, f"project/{name}", (PROJECT / name).read_bytes())
        for package in ("grader", "reference"):
            _add_tree(bundle, PROJECT / package, f"project/{package}")
        for exercise in exercises:
            _add_tree(bundle, exercise.folder, f"project/exercises/{exercise.folder.name}")
    return out_zip
