"""Render an `ExerciseResult` for a person in the terminal, with rich.

The only module (with selfcheck's table) that imports rich: everything else returns data.
NO_COLOR and non-terminal output are respected by rich's Console itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.i18n import tr
from grader.results import CheckResult, ExerciseResult

if TYPE_CHECKING:  # grader.plots imports the runner (pytest): only when drawing
    from grader.plots import PlotReport

SYMBOLS = {"passed": ("✔", "green"), "not_implemented": ("○", "yellow"),
           "error": ("!", "magenta")}
FAILED = ("✘", "red")
OUTPUT_LINES = 8  # lines of a check's captured output shown in the terminal


def _points(value: float) -> str:
    return f"{value:g}"


def _details(check: CheckResult) -> Text:
    text = Text()
    if check.message and check.outcome not in ("passed", "not_implemented"):  # tag says it
        text.append(check.message, style="default")
    if check.stdout and check.outcome != "passed":
        lines = check.stdout.rstrip("\n").splitlines()
        shown = "\n".join(lines[:OUTPUT_LINES]) + ("\n…" if len(lines) > OUTPUT_LINES else "")
        text.append(f"\n{tr('your_output')}\n", style="dim")
        text.append(shown, style="dim")
    return text


def _status(check: CheckResult) -> Text:
    symbol, style = SYMBOLS.get(check.outcome, FAILED)
    label = "" if check.outcome in ("passed", "failed") else f" [{tr('status_' + check.outcome)}]"
    return Text.assemble((f"{symbol} ", style), check.title, (label, "dim"))


def render(result: ExerciseResult) -> Group:
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    heading = Text(tr("report_heading", code=result.exercise, title=result.title), style="bold")
    table.add_row(heading, Text(f"{_points(result.score)} / {_points(result.max_score)}",
                                style="bold"))
    for note in result.notes:
        table.add_row(Text(f"· {note}", style="dim"), "")
    import_error_shown = False
    for check in result.checks:
        table.add_row(_status(check), f"{_points(check.points_earned)} / "
                                      f"{_points(check.points_possible)}")
        if check.outcome == "import_error":  # one cause for every check: say it once
            if import_error_shown:
                continue
            import_error_shown = True
        details = _details(check)
        if details.plain:
            table.add_row(Padding(details, (0, 0, 0, 4)), "")
    if result.hidden_not_run:
        hidden = tr("report_hidden", count=result.hidden_not_run["checks"],
                    points=f"{result.hidden_not_run['points']:g}")
        table.add_row(Text(f"⋯ {hidden}", style="dim"), "")
    footer = tr("report_all_passed") if result.exit_code == 0 else tr("report_next_step")
    sandbox = tr("report_sandbox", layer=result.sandbox)
    return Group(table, Text(f"{footer}  ({sandbox})", style="dim"))


def show(result: ExerciseResult, console: Console | None = None) -> None:
    (console or Console()).print(render(result))


def _shown_path(path: str) -> str:
    """A path relative to the working directory where it is inside it (shorter to read)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def render_plots(report: PlotReport) -> Group:
    """The figures of `grade exercise NN --plot`: each file written, or why it was not.
    Paths are never wrapped (print with soft_wrap), so they can be copied."""
    if not report.plots:
        return Group(Text(tr("plots_none", code=report.exercise), style="dim"))
    folder = _shown_path(report.out_dir) + os.sep
    lines = [Text(tr("plots_heading", code=report.exercise, folder=folder), style="bold")]
    lines += [Text(f"· {note}", style="dim") for note in report.notes]
    for plot in report.plots:
        if plot.outcome == "drawn":
            lines.append(Text.assemble(("✔ ", "green"), plot.title))
            lines += [Text(f"    {_shown_path(file)}") for file in plot.files]
            continue
        lines.append(_status(plot))  # a PlotResult has a check's title and outcome
        lines += [Text(f"    {line}") for line in plot.message.splitlines()]
        if plot.stdout:
            output = plot.stdout.rstrip("\n").splitlines()[:OUTPUT_LINES]
            lines += [Text(f"    {line}", style="dim") for line in (tr("your_output"), *output)]
    drawn = sum(plot.outcome == "drawn" for plot in report.plots)
    lines.append(Text(tr("plots_summary", drawn=drawn, total=len(report.plots), folder=folder),
                      style="dim"))
    return Group(*lines)


def show_plots(report: PlotReport, console: Console | None = None) -> None:
    (console or Console()).print(render_plots(report), soft_wrap=True)
