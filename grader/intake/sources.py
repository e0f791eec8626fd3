"""Decoding a submitted file's bytes to text, and checking that a notebook is one.

UTF-8 (a BOM is dropped), a PEP 263 coding line, else Big5/cp950 with a note for the student.
"""

from __future__ import annotations

import codecs
import json
import re

from grader.i18n import Text, msg
from grader.intake.model import UploadProblem

CODING_LINE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")  # PEP 263


def decode_source(data: bytes, label: str) -> tuple[str, tuple[Text, ...]]:
    """The text of a submitted file, and a note when it had to be converted.

    UTF-8 (a BOM is dropped); else the encoding a PEP 263 coding line declares; else Big5 as
    Windows writes it (cp950, common in Taiwan), converted with a note; else UploadProblem
    naming the first byte that is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        error = exc
    declared = _declared_encoding(data)
    if declared:
        try:
            return data.decode(declared), ()
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("cp950"), (msg("batch_converted_big5", file=label),)
    except UnicodeDecodeError:
        pass
    position = error.start
    raise UploadProblem(msg("batch_not_utf8", file=label, byte=f"0x{data[position]:02x}",
                            position=position, line=data.count(b"\n", 0, position) + 1))


def _declared_encoding(data: bytes) -> str | None:
    for line in data.split(b"\n", 2)[:2]:
        match = CODING_LINE.match(line.decode("latin-1"))
        if match:
            return match.group(1)
    return None


def as_utf8_source(text: str) -> str:
    """The text to write as UTF-8: a PEP 263 coding line now says utf-8."""
    lines = text.split("\n", 2)
    for i in range(min(2, len(lines))):
        match = CODING_LINE.match(lines[i])
        if match:
            lines[i] = lines[i][:match.start(1)] + "utf-8" + lines[i][match.end(1):]
    return "\n".join(lines)


def notebook_problem(text: str, label: str) -> Text | None:
    """Why a notebook's text is not a readable notebook, or None."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return msg("batch_bad_notebook", file=label,
                   error=f"{exc.msg} (line {exc.lineno}, column {exc.colno})")
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return msg("batch_notebook_no_cells", file=label)
    return None
