"""Draw an exercise's figures from the student's own functions: `grade exercise NN --plot`.

An exercise lists its figures in exercise.toml (`plots = ["regimes", ...]`); each is a
function of the folder's plots.py, written by the instructor and released with the exercise:

    def regimes(submission, out_dir: Path) -> list[Path]:
        \"\"\"Gradient descent with three learning rates.

        zh-TW: 三種學習率下的梯度下降
        \"\"\"
        path = submission.gradient_descent(...)   # runs in the untrusted worker, data back
        fig, ax = plt.subplots()
        ...
        return save_figure(fig, out_dir, "regimes")

plots.py runs here, on the trusted side, and uses only the student's functions (through the
same proxy as the checks) and data files, never the reference. A figure whose student call
fails is reported with the checks' messages and the others are still drawn. Each figure is
drawn into a folder of its own and moved to `out_dir` only when complete, so a failed figure
leaves no partial file. matplotlib is imported here only (with the Agg backend), never by
`import grader.cli`.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from grader import i18n, runner
from grader.catalog import Exercise
from grader.failures import GraderError, SubmissionFailure
from grader.i18n import tr
from grader.remote import CallLog, Submission
from grader.sandbox import BLOCKED_IMPORTS, Sandbox

PLOTS_FOLDER = "plots"  # default: plots/NN_slug/ under the current directory
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OUTPUT_SHOWN = 2000  # characters of the student's output kept per figure


def save_figure(fig, out_dir: Path, name: str, dpi: int = 120) -> list[Path]:
    """Lay out `fig`, write it to out_dir/name.png, close it: the end of every plots.py
    function, whose return value this is."""
    import matplotlib.pyplot as plt  # already imported with the Agg backend when plots run

    fig.tight_layout()
    path = out_dir / f"{name}.png"
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return [path]


@dataclass(frozen=True)
class PlotResult:
    """One figure: the files written, or why it could not be drawn."""

    name: str
    title: str
    outcome: str  # "drawn", "error" (the grader's), or a check outcome: "not_implemented", ...
    files: tuple[str, ...] = ()
    message: str = ""
    stdout: str = ""


@dataclass(frozen=True)
class PlotReport:
    exercise: str
    title: str
    out_dir: str
    plots: tuple[PlotResult, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(f for plot in self.plots for f in plot.files)

    def to_json(self) -> dict:
        data = asdict(self)
        data["plots"] = [asdict(p) for p in self.plots]
        return data


def default_out_dir(exercise: Exercise) -> Path:
    return Path.cwd() / PLOTS_FOLDER / exercise.folder.name


def draw_plots(exercise: Exercise, submission_path: Path | None = None,
               out_dir: Path | None = None, lang: str = "en") -> PlotReport:
    """Draw every figure of `exercise` from `submission_path` (default: the exercise's stub;
    a notebook is graded as its definitions) into `out_dir` (default: plots/NN_slug/ under
    the current directory). Failures become results; only an unreadable file raises."""
    path = Path(submission_path or exercise.stub_path).resolve()
    runner._check_submission(path)
    i18n.set_language(lang)
    out = Path(out_dir or default_out_dir(exercise)).resolve()
    report = PlotReport(exercise=exercise.code, title=exercise.title_in(lang), out_dir=str(out))
    if not exercise.plots:
        return report
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot write the figures into {out}: {exc.strerror or exc}") from None
    plt, module, problem = _load_plots(exercise)
    with runner._as_python_file(path) as (source, notes):
        sandbox = Sandbox(source, exercise.module, exercise.limits, BLOCKED_IMPORTS,
                          display_name=path.name)
        sandbox.start()
        try:
            submission = Submission(sandbox, CallLog())
            plots = tuple(_draw(name, module, problem, submission, sandbox, out, plt, lang)
                          for name in exercise.plots)
        finally:
            sandbox.close()
    return replace(report, plots=plots, notes=(*notes, *sandbox.attempt_notes()))


def _load_plots(exercise: Exercise):
    """(pyplot, the exercise's plots module, None) or (pyplot, None, why it cannot be used)."""
    import matplotlib

    matplotlib.use("Agg", force=True)  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    where = exercise.plots_path
    if not where.is_file():
        return plt, None, f"{where} is missing"
    name = f"_grade_plots_{exercise.folder.name}"
    spec = importlib.util.spec_from_file_location(name, where)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a dataclass in plots.py looks its module up while defined
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the instructor's file: a grader error, never the student's
        return plt, None, f"{where.name} cannot be imported: {type(exc).__name__}: {exc}"
    finally:
        sys.modules.pop(name, None)
    return plt, module, None


def _draw(name: str, module, problem: str | None, submission: Submission, sandbox: Sandbox,
          out: Path, plt, lang: str) -> PlotResult:
    function = getattr(module, name, None) if module is not None else None
    if problem is None and not callable(function):
        problem = f"plots.py has no function {name}()"
    title = _title(function, name, lang)
    if problem is not None:
        return PlotResult(name, title, "error", message=tr("grader_error", message=problem))
    sandbox.captured.clear()
    try:
        with tempfile.TemporaryDirectory(prefix="grade-plot-") as staging:
            written = function(submission, Path(staging))
            files = _move(_checked_files(name, written, Path(staging)), Path(staging), out)
        return PlotResult(name, title, "drawn", files=files)
    except SubmissionFailure as exc:
        outcome, message, output = exc.outcome, exc.render(), exc.output
    except GraderError as exc:
        outcome, message, output = "error", tr("grader_error", message=str(exc)), ""
    except Exception as exc:  # the figure could not use what the student's code returned
        outcome, output = "failed", ""
        message = tr("plot_crashed", type=type(exc).__name__, message=exc)
    finally:
        plt.close("all")
    stdout = ("".join(sandbox.captured) + output)[-OUTPUT_SHOWN:]
    return PlotResult(name, title, outcome, message=message, stdout=stdout)


def _checked_files(name: str, written, staging: Path) -> list[Path]:
    """The PNG files a plot function says it wrote, all inside its folder."""
    if not isinstance(written, (list, tuple)) or not written:
        raise GraderError(f"plots.py: {name}() returned {written!r}, not a list of paths")
    files: dict[Path, None] = {}  # in order, each once
    for item in written:
        file = Path(item).resolve() if isinstance(item, (str, Path)) else None
        if file is None or not file.is_relative_to(staging.resolve()) or not file.is_file():
            raise GraderError(f"plots.py: {name}() returned {item!r}, not a file it wrote "
                              f"into out_dir")
        with file.open("rb") as handle:
            if handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
                raise GraderError(f"plots.py: {name}() wrote {file.name}, which is not a PNG")
        files[file] = None
    return list(files)


def _move(files: list[Path], staging: Path, out: Path) -> tuple[str, ...]:
    """Move the finished figure's files to `out` (replacing those of an earlier run)."""
    moved = []
    for file in files:
        target = out / file.relative_to(staging.resolve())
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(file, target)
        except OSError as exc:
            raise GraderError(f"cannot write {target}: {exc.strerror or exc}") from None
        moved.append(str(target))
    return tuple(moved)


def _title(function, name: str, lang: str) -> str:
    """The docstring's first line; a line 'zh-TW: ...' gives the Traditional-Chinese title."""
    doc = getattr(function, "__doc__", None) or ""
    lines = [line.strip() for line in doc.strip().splitlines() if line.strip()]
    titles = {"en": lines[0] if lines else name.replace("_", " ")}
    for line in lines[1:]:
        if line.startswith("zh-TW:"):
            titles["zh-TW"] = line.removeprefix("zh-TW:").strip()
    return titles.get(lang) or titles["en"]
