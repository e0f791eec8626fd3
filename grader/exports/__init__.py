"""Exports of a gradebook: CSV for an LMS, per-student feedback, Gradescope's results.json and
the instructor's summary report. One module per format (the report: `summary` writes it,
`passrates` computes the pass rates and flags, `figures` draws them); `common` reads the
gradebook.

`export(kind, gradebook, out, ...)` is what `grade export` calls; each module's write_*
function can be called on its own with a `common.load_book(...)`. Heavy imports (matplotlib)
happen only inside the report's functions.
"""

from __future__ import annotations

from pathlib import Path

from grader.exports.common import ExportError, load_book

KINDS = ("csv", "feedback", "gradescope", "report")

__all__ = ["KINDS", "ExportError", "export", "load_book"]


def export(kind: str, gradebook: Path, out: Path, *, lang: str = "en", excel: bool = False,
           layout: str = "canvas", id_column: str = "SIS Login ID",
           feedback_format: str = "md") -> list[Path]:
    """Write export `kind` of the gradebook file `gradebook` to `out`; the paths written.

    Raises ExportError, before writing anything, for a missing file, a file that is not a
    gradebook, or a gradebook without grades. `out` is a file for "csv" (or a folder to put
    grades.csv in), a folder for the others; a folder that exists is written into, its other
    files are left alone.
    """
    if kind not in KINDS:
        raise ValueError(f"export kind must be one of {KINDS}, got {kind!r}")
    if kind != "csv" and Path(out).exists() and not Path(out).is_dir():
        raise ExportError(f"{out} is a file; the {kind} export writes a folder")
    book = load_book(Path(gradebook), lang)
    if kind == "csv":
        from grader.exports.csv_export import write_csv

        return [write_csv(book, out, layout=layout, id_column=id_column, excel=excel)]
    if kind == "feedback":
        from grader.exports.feedback import write_feedback

        return write_feedback(book, out, fmt=feedback_format, lang=lang)
    if kind == "gradescope":
        from grader.exports.gradescope_export import write_gradescope

        return write_gradescope(book, out)
    from grader.exports.summary import write_report

    return write_report(book, out, lang=lang)
