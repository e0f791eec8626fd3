"""Helpers shared by the grader's own tests."""

from __future__ import annotations

import pytest

from grader.failures import SubmissionFailure


def failure_text(check, *args, **kwargs) -> str:
    """The English message of the SubmissionFailure that `check(*args, **kwargs)` must raise."""
    with pytest.raises(SubmissionFailure) as excinfo:
        check(*args, **kwargs)
    return excinfo.value.render("en")
