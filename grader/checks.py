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

import pytest

from grader.compare import assert_close
from grader.gradcheck import gradcheck, numerical_gradient
from grader.i18n import bilingual as hint

points = pytest.mark.points

__all__ = ["assert_close", "gradcheck", "hint", "numerical_gradient", "points"]
