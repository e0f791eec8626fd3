"""`grade batch`: grade a folder of submissions into the gradebook (grader/batch.py does it;
this module parses the options and renders the progress bar and the summary with rich)."""

from __future__ import annotations

from pathlib import Path

import click

from grader import i18n


class RichProgress:
    """The batch's progress bar with ETA, on stderr; off when it is not a terminal."""

    def __init__(self, disabled: bool):
        from rich import progress as rp
        from rich.console import Console

        console = Console(stderr=True)
        self.bar = rp.Progress(rp.TextColumn("grading"), rp.BarColumn(),
                               rp.MofNCompleteColumn(), rp.TimeElapsedColumn(),
                               rp.TextColumn("ETA"), rp.TimeRemainingColumn(),
                               rp.TextColumn("[dim]{task.description}"), console=console,
                               disable=disabled or not console.is_terminal)
        self.task = None

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("", total=total)

    def advance(self, label: str) -> None:
        self.bar.update(self.task, advance=1, description=label)

    def __enter__(self) -> RichProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def show_summary(summary) -> None:
    """The per-exercise table and the run's totals, on stdout."""
    from rich.console import Console
    from rich.table import Table

    table = Table("#", "exercise", "graded now", "unchanged", "problems", "students graded",
                  "mean score", title=f"Batch grading of {summary.folder}")
    for row in summary.exercises:
        mean = "-" if row.mean_score is None else f"{row.mean_score:.2f} / {row.max_score:g}"
        table.add_row(row.code, row.title, str(row.graded), str(row.unchanged),
                      str(row.problems), str(row.students), mean)
    console = Console()
    console.print(table)
    per = summary.seconds / summary.graded if summary.graded else 0.0
    console.print(f"{summary.students} students · {summary.graded} graded, {summary.unchanged} "
                  f"skipped as unchanged, {summary.problems} problems · {summary.seconds:.1f} s"
                  + (f" ({per:.2f} s per submission)" if summary.graded else "")
                  + f" · {summary.workers} workers · isolation: {summary.isolation}")
    if summary.older_checks:
        console.print(f"[yellow]{summary.older_checks} grades were made with older checks: "
                      "run again with --regrade[/]")
    if summary.ignored:
        shown = ", ".join(summary.ignored[:5]) + (" …" if len(summary.ignored) > 5 else "")
        console.print(f"[dim]not submissions, ignored: {shown}[/]")
    console.print(f"gradebook: {summary.gradebook}")


@click.command("batch")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--gradebook", "gradebook", type=click.Path(dir_okay=False, path_type=Path),
              default="gradebook.sqlite", show_default=True,
              help="the SQLite gradebook to write (created if missing; resumed if present)")
@click.option("--workers", type=click.IntRange(min=1),
              help="grading processes in parallel (default: the number of CPU cores)")
@click.option("--exercise", "exercises", multiple=True, metavar="NN",
              help="grade only this exercise (number or slug); repeat for several")
@click.option("--regrade", is_flag=True,
              help="grade everything again, also what the gradebook has for the same files")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES),
              help="language of the feedback (default: from the locale, else English)")
@click.option("--isolation", type=click.Choice(["auto", "process", "bwrap"]), default="auto",
              show_default=True,
              help="bwrap: bubblewrap around every worker; process: resource limits only; "
                   "auto: bwrap where it works")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar")
def batch_command(folder: Path, gradebook: Path, workers: int | None, exercises: tuple[str, ...],
                  regrade: bool, lang: str | None, isolation: str, quiet: bool) -> None:
    """Instructors: grade every submission in FOLDER with the visible and hidden checks.

    FOLDER holds a folder or a .zip per student, or a Gradescope, Canvas or Moodle download.
    Each grade is written to the gradebook as soon as it is done; run the same command again
    to resume: only what is missing or changed is graded. Exit status 0 when the batch
    completed (whatever the students' scores), 2 on a usage error.
    """
    from grader.batch import BatchError, run_batch
    from grader.catalog import CatalogError
    from grader.cli import GraderUsageError
    from grader.gradebook import GradebookError

    with RichProgress(disabled=quiet) as progress:
        try:
            summary = run_batch(folder, gradebook, workers=workers, exercises=exercises,
                                regrade=regrade, lang=lang or i18n.from_environment(),
                                isolation=isolation, progress=progress)
        except (BatchError, GradebookError, CatalogError) as exc:
            raise GraderUsageError(str(exc)) from None
    show_summary(summary)
