"""What a check's author imports: the marker, the comparisons, and bilingual hints.

    from grader.checks import points, assert_close, gradcheck, hint

    @points(2)
    def test_mse_matches_reference(submission, reference, rng):
        \"\"\"MSE of random predictions matches the reference.

        zh-TW: 隨機預測的 MSE 與參考答案一致。
        \"\"\"
        y_pred, y_true = rng.normal(size=(2, 16, 3))
        assert_close(submission.mse(y_pred, y_true), reference.mse(y_pred, y_true))
"""

from collections.abc import Callable

import pytest

from grader.compare import assert_close
from grader.failures import SubmissionFailure
from grader.gradcheck import gradcheck, numerical_gradient
from grader.i18n import Text
from grader.i18n import bilingual as hint
from grader.remote import CALLS

points = pytest.mark.points

__all__ = ["assert_close", "fail", "gradcheck", "hint", "numerical_gradient", "points", "tip",
           "warnings_during"]


def tip(en: str, zh_tw: str) -> Text:
    """A targeted hint, introduced like the grader's own ("hint: ...", "提示：...")."""
    return hint(f"hint: {en}", f"提示：{zh_tw}")


def fail(en: str, zh_tw: str, *parts: Text) -> None:
    """Fail the check with a message of the check's own, in both languages."""
    raise SubmissionFailure(hint(en, zh_tw), *parts)


def warnings_during(action: Callable[[], object]) -> tuple[object, list[str]]:
    """(action(), the warnings the student's code gave during it, as "Category: message").

    The worker records every call's warnings (all of them, not once per line of code), so
    an overflow inside a correct-looking answer is visible to the check.
    """
    start = len(CALLS.warned)
    result = action()
    return result, [warning for _, warning in CALLS.warned[start:]]
