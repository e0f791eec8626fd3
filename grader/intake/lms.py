"""Recognising an LMS's download: Canvas and Moodle file names, Gradescope's export.

Each LMS names its students its own way; `student_key` makes the gradebook's student of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from grader.intake.model import is_hidden

GRADESCOPE_METADATA = "submission_metadata.yml"
GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")
CANVAS = re.compile(r"^(?P<name>.+?)(?P<late>_late)?_(?P<user>\d+)_(?P<attachment>\d+)_"
                    r"(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_"
                    r"(?P<file>.*)$")


def canvas_name(filename: str) -> tuple[str, str, bool] | None:
    """(student, file, late) of a Canvas download's file name, else None."""
    match = CANVAS.match(filename)
    if match is None:
        return None
    return (student_key(match["name"], match["user"]), match["file"], bool(match["late"]))


def moodle_name(name: str) -> tuple[str, str, str] | None:
    """(student, plugin, file) of a Moodle download's folder or file name, else None."""
    match = MOODLE.match(name)
    if match is None:
        return None
    return student_key(match["name"], match["id"]), match["plugin"], match["file"]


def student_key(name: str, ident: str) -> str:
    """The gradebook's student: the name and the LMS's id, as the LMS writes them."""
    name, ident = name.strip(), ident.strip()
    return f"{name}_{ident}" if name and ident else name or ident


# -- Gradescope ------------------------------------------------------------------------------


def _yaml_scalar(text: str) -> str:
    text = text.strip()
    if text in ("", "~", "null"):
        return ""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text[1:-1]
    return text


def parse_gradescope_metadata(text: str) -> dict[str, list[dict[str, str]]]:
    """{"submission_123": [{"name": .., "sid": .., "email": ..}, ..]} from Gradescope's
    submission_metadata.yml: only the submitters, read line by line (the file is YAML written
    by Ruby, keys like `:name:`; no YAML library needed for these few fields)."""
    found: dict[str, list[dict[str, str]]] = {}
    people: list[dict[str, str]] | None = None
    list_indent = -1  # indentation of the `:submitters:` key while inside its list
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        top = re.match(r"^['\"]?(submission_\d+)['\"]?:\s*$", line)
        if top:
            people, list_indent = found.setdefault(top.group(1), []), -1
            continue
        if indent == 0:
            people, list_indent = None, -1
            continue
        if people is None:
            continue
        stripped = line.strip()
        if stripped.startswith(":submitters:"):
            list_indent = indent
            continue
        item = stripped.startswith("- ")
        if list_indent < 0 or indent < list_indent or (indent == list_indent and not item):
            list_indent = -1
            continue
        if item:
            people.append({})
            stripped = stripped[2:].lstrip()
        field_match = re.match(r"^:(name|sid|email):\s*(.*)$", stripped)
        if field_match and people:
            people[-1][field_match[1]] = _yaml_scalar(field_match[2])
    return found


def gradescope_students(folder: str, metadata: dict) -> list[str]:
    """The students of a Gradescope submission folder: its submitters in the metadata, else
    the folder's name."""
    keys = [student_key(p.get("name", ""), p.get("sid", "") or p.get("email", ""))
            for p in metadata.get(folder, [])]
    return [k for k in keys if k] or [folder]


def batch_root(folder: Path) -> Path:
    """The folder itself, or its only sub-folder when that holds a Gradescope export."""
    if (folder / GRADESCOPE_METADATA).is_file():
        return folder
    entries = [p for p in folder.iterdir() if not is_hidden(p.name)]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / GRADESCOPE_METADATA).is_file():
        return entries[0]
    return folder
