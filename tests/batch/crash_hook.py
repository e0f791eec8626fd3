"""Grading functions for the batch's tests, imported by name in the pool processes: the
process grading a submission that contains CRASH_MARK dies on the spot (as a grader bug or
the OOM killer would make it), and one containing FAIL_MARK raises a GraderError."""

from __future__ import annotations

import os
from pathlib import Path

from grader.failures import GraderError
from grader.runner import grade

CRASH_MARK = b"# please crash the grader"
FAIL_MARK = b"# please fail the grader"


def grade_or_die(exercise, submission, **options):
    text = Path(submission).read_bytes()
    if CRASH_MARK in text:
        os._exit(3)
    if FAIL_MARK in text:
        raise GraderError("the checks could not be loaded (a test)")
    return grade(exercise, submission, **options)
