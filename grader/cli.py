"""The `grade` command. Each sub-command parses options, calls one library function, and
hands the result to the report.

Exit status, like pytest's: 0 every check passed, 1 some check failed, 2 a usage or grader
error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from grader import __version__, i18n


class GraderUsageError(click.ClickException):
    """A usage or grader error: exit status 2, message on stderr."""

    exit_code = 2


def _language(lang: str | None) -> str:
    return lang or i18n.from_environment()


def _find(name: str):
    from grader import catalog

    try:
        return catalog.find(name)
    except catalog.CatalogError as exc:
        raise GraderUsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grade")
def main() -> None:
    """Grade the NumPy deep-learning exercises.

    Students: `grade exercise 01` grades your losses.py; fix, save, run again.
    Instructors: `grade selfcheck` checks every exercise against the reference.
    """


@main.command("list")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), help="language of the titles")
def list_exercises(lang: str | None) -> None:
    """List the exercises with their titles and points."""
    from rich.console import Console
    from rich.table import Table

    from grader import catalog
    from grader.runner import inventory

    lang = _language(lang)
    table = Table("#", "exercise", "file", "checks", "points", "hidden checks")
    for exercise in catalog.all_exercises():
        visible = inventory(exercise, hidden=False)
        table.add_row(exercise.code, exercise.title_in(lang), exercise.stub, str(len(visible)),
                      f"{sum(points for _, points, _ in visible):g}",
                      f"{exercise.hidden_checks} ({exercise.hidden_points:g} pts)")
    Console().print(table)


@main.command("exercise")
@click.argument("name")
@click.option("--file", "path", type=click.Path(path_type=Path),
              help="the .py file or .ipynb notebook to grade (default: the exercise's stub)")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES),
              help="en or zh-TW (default: from the locale, else English)")
@click.option("--seed", type=int, default=0, help="vary the random inputs of the checks")
@click.option("--plot", is_flag=True,
              help="also draw the exercise's figures from your functions (PNG files)")
@click.option("--plot-dir", type=click.Path(file_okay=False, path_type=Path),
              help="where --plot writes the figures (default: plots/NN_slug/ here; "
                   "implies --plot)")
def exercise_command(name: str, path: Path | None, as_json: bool, lang: str | None,
                     seed: int, plot: bool, plot_dir: Path | None) -> None:
    """Grade exercise NAME (a number like 01 or 1, or its slug) with the visible checks.

    With --plot, then draw the exercise's figures from your functions and say where the PNG
    files are; the exit status is still the grading's."""
    from grader.failures import GraderError
    from grader.runner import grade

    exercise = _find(name)
    lang = _language(lang)
    try:
        result = grade(exercise, path, lang=lang, seed=seed)
    except GraderError as exc:
        raise GraderUsageError(str(exc)) from None
    if not as_json:
        from grader.report import show

        show(result)
    figures = _draw(exercise, path, plot_dir, lang) if plot or plot_dir else None
    if as_json:
        data = result.to_json()
        if figures is not None:
            data["plots"] = figures.to_json()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif figures is not None:
        from grader.report import show_plots

        show_plots(figures)
    sys.exit(result.exit_code)


def _draw(exercise, path: Path | None, plot_dir: Path | None, lang: str):
    """The exercise's figures (grader.plots, which imports matplotlib: only when asked for)."""
    from grader.failures import GraderError
    from grader.plots import draw_plots

    try:
        return draw_plots(exercise, path, plot_dir, lang=lang)
    except GraderError as exc:
        raise GraderUsageError(str(exc)) from None


@main.command("selfcheck")
@click.argument("names", nargs=-1)
def selfcheck_command(names: tuple[str, ...]) -> None:
    """Instructors: grade every exercise (or NAMES) with all checks, hidden included;
    the reference must get full marks and the untouched stub zero."""
    from rich.console import Console
    from rich.table import Table

    from grader import catalog
    from grader.selfcheck import check_exercise

    exercises = [_find(n) for n in names] if names else catalog.all_exercises()
    table = Table("#", "reference", "stub", "verdict")
    rows = [check_exercise(exercise) for exercise in exercises]
    for row in rows:
        verdict = "[green]ok[/]" if row.ok else "[red]" + "\n".join(row.problems) + "[/]"
        table.add_row(row.exercise, f"{row.reference_score:g} / {row.max_score:g}",
                      f"{row.stub_score:g} / {row.max_score:g}", verdict)
    Console().print(table)
    sys.exit(0 if rows and all(r.ok for r in rows) else 1)


# Instructor commands, each defined in its own module (imported here; they import their heavy
# dependencies inside the command, so `grade exercise` starts no slower). Those that need the
# reference or the hidden checks stop with exit status 2 in a student bundle.
from grader.cli_batch import batch_command  # noqa: E402
from grader.cli_export import export  # noqa: E402
from grader.cli_interop import export_autograder_command, export_otter_command  # noqa: E402
from grader.cli_release import needs_reference, release_command  # noqa: E402

for _command in (release_command, batch_command, export_otter_command,
                 export_autograder_command):
    main.add_command(needs_reference(_command))
main.add_command(export)
needs_reference(selfcheck_command)
