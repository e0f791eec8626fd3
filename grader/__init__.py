"""Grading engine for the NumPy deep-learning exercises.

Kept import-light on purpose: students run `grade` after every edit, so nothing heavy is
imported here. The public helpers for checks live in `grader.checks`.
"""

__version__ = "0.1.0"
