"""`grade export FORMAT --gradebook PATH --out OUT`: the gradebook as CSV, feedback files,
Gradescope results or a summary report (grader.exports does the work)."""

from __future__ import annotations

from pathlib import Path

import click

from grader import i18n


class ExportUsageError(click.ClickException):
    """A gradebook that cannot be exported: exit status 2, message on stderr."""

    exit_code = 2


@click.command("export")
@click.argument("kind", metavar="FORMAT", type=click.Choice(["csv", "feedback", "gradescope",
                                                              "report"]))
@click.option("--gradebook", "gradebook", required=True, type=click.Path(path_type=Path),
              help="the gradebook file the batch wrote (.sqlite)")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="csv: the file to write (or a folder for grades.csv); others: the folder "
                   "to write into (created if missing; other files in it are kept)")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES),
              help="language of headings and labels (default: from the locale, else English); "
                   "check titles and messages stay in the language the batch ran in")
@click.option("--as", "feedback_format", type=click.Choice(["md", "html"]), default="md",
              show_default=True, help="feedback: Markdown or self-contained HTML files")
@click.option("--excel", is_flag=True,
              help="csv: UTF-8 with a byte-order mark for Excel, formula-like text quoted")
@click.option("--layout", type=click.Choice(["canvas", "moodle"]), default="canvas",
              show_default=True,
              help="csv: Canvas's gradebook layout with a Points Possible row, or a single "
                   "header row with the maxima in it for Moodle's import")
@click.option("--id-column", type=click.Choice(["SIS Login ID", "SIS User ID", "ID"]),
              default="SIS Login ID", show_default=True,
              help="csv, canvas layout: the Canvas column that holds the student ids")
def export(kind: str, gradebook: Path, out: Path, lang: str | None, feedback_format: str,
           excel: bool, layout: str, id_column: str) -> None:
    """Export the gradebook: FORMAT is csv (for an LMS), feedback (one file per student),
    gradescope (OUT/<student>/results.json) or report (figures and tables for you).

    Exit status 0 when written; 2 when the gradebook is missing, is not a gradebook or has
    no grades (then nothing is written).
    """
    from grader.exports import ExportError
    from grader.exports import export as run_export

    try:
        written = run_export(kind, gradebook, out, lang=lang or i18n.from_environment(),
                             excel=excel, layout=layout, id_column=id_column,
                             feedback_format=feedback_format)
    except ExportError as exc:
        raise ExportUsageError(str(exc)) from None
    except OSError as exc:  # a folder that cannot be written, a full disk ...
        raise ExportUsageError(f"cannot write {exc.filename or out}: {exc.strerror or exc}"
                               ) from None
    shown = written[0] if len(written) == 1 else out
    click.echo(f"{kind}: wrote {len(written)} file{'s' if len(written) != 1 else ''} "
               f"to {shown}")
