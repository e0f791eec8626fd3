"""`grade release OUT [--zip] [EXERCISES...]`: write and verify a student bundle.

Also `needs_reference(command)`: makes an instructor command that needs the reference
(selfcheck, release) say, in a student bundle, that it is not available there (exit 2).
"""

from __future__ import annotations

import functools
import sys
from importlib import util
from pathlib import Path

import click

from grader import i18n


def reference_available() -> bool:
    """Whether the reference package of the exercises can be imported (not in a bundle)."""
    from grader import catalog

    try:
        packages = {e.reference.split(".")[0] for e in catalog.all_exercises()} or {"reference"}
    except catalog.CatalogError:
        packages = {"reference"}
    try:
        return all(util.find_spec(package) is not None for package in packages)
    except (ImportError, ValueError):
        return False


def needs_reference(command: click.Command) -> click.Command:
    """Wrap `command` so that it stops with exit status 2 where the reference is missing."""
    callback = command.callback

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        if not reference_available():
            from grader.cli import GraderUsageError

            i18n.set_language(i18n.from_environment())
            raise GraderUsageError(i18n.tr("instructor_only", command=command.name))
        return callback(*args, **kwargs)
    command.callback = guarded
    return command


@click.command("release")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.argument("names", nargs=-1)
@click.option("--zip", "make_zip", is_flag=True, help="also write the bundle as OUT.zip")
@click.option("--force", is_flag=True, help="replace OUT if it holds an earlier bundle")
def release_command(out: Path, names: tuple[str, ...], make_zip: bool, force: bool) -> None:
    """Instructors: write the student bundle of every exercise (or of NAMES) to OUT.

    The bundle holds the stubs, instructions, visible checks with the reference's answers
    recorded now, the grader, the data sets and packaging, but no reference code and no
    hidden checks. It is checked before it is kept: in a clean copy the reference solutions
    get full marks, the stubs zero, and no file holds a reference function's body. Exit
    status 0 when the bundle passed, 1 when it did not (nothing is kept), 2 on usage errors.
    """
    from grader import catalog
    from grader.cli import GraderUsageError
    from grader.release import ReleaseError, release

    zip_path = out.with_name(out.name + ".zip") if make_zip else None
    try:
        exercises = [catalog.find(name) for name in names] or None
        report = release(out, exercises, zip_path=zip_path, force=force)
    except (ReleaseError, catalog.CatalogError) as exc:
        raise GraderUsageError(str(exc)) from None
    show(report)
    sys.exit(0 if report.ok else 1)


def show(report) -> None:
    """The release's summary: the files, the verification per exercise, the leak scan."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table("#", "reference solution", "stub", "stub outcomes", "verdict",
                  title="verification in a clean copy of the bundle")
    for row in report.verification:
        verdict = "[green]ok[/]" if row.ok else f"[red]{escape(chr(10).join(row.problems))}[/]"
        table.add_row(row.exercise, f"{row.reference_score:g} / {row.max_score:g}",
                      f"{row.stub_score:g} / {row.max_score:g}", ", ".join(row.stub_outcomes),
                      verdict)
    console.print(table)
    exercises = [f for f in report.files if f.startswith("exercises/")]
    console.print(f"{len(report.files)} files: {len(exercises)} in exercises/ "
                  f"({', '.join(report.exercises)}), the grader, datasets/, pyproject.toml, "
                  "README.md, README.zh-TW.md")
    console.print("leak scan: " + ("[green]no reference function body in any file[/]"
                                   if not report.leaks else f"[red]{len(report.leaks)} found[/]"))
    for note in report.given:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if report.ok:
        console.print(f"[green]bundle written to {report.out_dir}[/]"
                      + (f" and {report.zip_path}" if report.zip_path else ""))
        return
    console.print("[red]release failed; nothing was written:[/]")
    for problem in report.problems:
        console.print(f"  [red]✘[/] {escape(problem)}", highlight=False)
