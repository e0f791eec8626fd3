"""`grade export-otter` and `grade export-autograder`: an exercise as an otter-grader
assignment, and a Gradescope autograder zip (grader.otter_export and grader.gradescope do
the work)."""

from __future__ import annotations

from pathlib import Path

import click

from grader import i18n


class InteropUsageError(click.ClickException):
    """An exercise that cannot be found or exported: exit status 2, message on stderr."""

    exit_code = 2


def _exercise(name: str):
    from grader import catalog

    try:
        return catalog.find(name)
    except catalog.CatalogError as exc:
        raise InteropUsageError(str(exc)) from None


@click.command("export-otter")
@click.argument("exercise")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), default="en", show_default=True,
              help="language of the notebook's instructions and question titles")
def export_otter_command(exercise: str, out_dir: Path, lang: str) -> None:
    """Write EXERCISE as an otter-grader assignment into OUT_DIR: a master notebook for
    `otter assign`, whose tests call this project's checks (hidden ones as hidden tests).

    OUT_DIR also holds the grader, the reference and the hidden checks for otter's autograder:
    give students only what `otter assign` writes to its student folder.
    Exit status 0 when written, 2 when the exercise cannot be found or exported.
    """
    from grader.failures import GraderError
    from grader.otter_export import export_otter

    try:
        path = export_otter(_exercise(exercise), out_dir, lang=lang)
    except GraderError as exc:
        raise InteropUsageError(str(exc)) from None
    click.echo(f"master notebook: {path}")
    click.echo(f"next: cd {path.parent} && otter assign {path.name} dist")


@click.command("export-autograder")
@click.argument("out_zip", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("exercises", nargs=-1)
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), default="en", show_default=True,
              help="language of the feedback students read on Gradescope")
def export_autograder_command(out_zip: Path, exercises: tuple[str, ...], lang: str) -> None:
    """Write a Gradescope autograder zip to OUT_ZIP for EXERCISES (default: all): setup.sh,
    run_autograder and the checks, visible and hidden. Upload it as the assignment's
    autograder; it holds the reference, so never hand it to students.

    Exit status 0 when written, 2 when an exercise cannot be found.
    """
    from grader import catalog
    from grader.gradescope import export_autograder

    chosen = [_exercise(name) for name in exercises] or catalog.all_exercises()
    if not chosen:
        raise InteropUsageError(f"no exercises in {catalog.exercises_root()}")
    path = export_autograder(chosen, out_zip, lang=lang)
    click.echo(f"Gradescope autograder for {', '.join(e.code for e in chosen)}: {path}")
