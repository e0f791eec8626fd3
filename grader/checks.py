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

import numpy as np
import pytest

from grader.compare import assert_close
from grader.failures import SubmissionFailure
from grader.gradcheck import gradcheck, numerical_gradient
from grader.i18n import Text
from grader.i18n import bilingual as hint
from grader.remote import CALLS

points = pytest.mark.points

__all__ = ["agrees", "assert_close", "cpu_seconds", "fail", "forward_first", "gradcheck",
           "gradient_check", "hint", "named", "numerical_gradient", "pair", "points", "same",
           "tip", "unpack", "warnings_during"]

MATCH_RTOL = 1e-8  # same(): a known mistake's value matches to this relative tolerance


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


def agrees(action: Callable[[], object], expected, **options) -> bool:
    """Whether action() (a call of the student's code) matches `expected` per assert_close;
    a wrong value, an error or "not implemented yet" are all False."""
    try:
        assert_close(action(), expected, **options)
    except AssertionError:  # SubmissionFailure included
        return False
    return True


def gradient_check(forward: Callable, analytic, x, *, forward_is_right: bool, expected,
                   dout=None, batch: int | None = None, name: str = "gradient",
                   hint: Text | None = None) -> None:
    """Judge a gradient by central differences of the student's own `forward` when that
    forward is right at x (see `agrees`), else against the reference gradient `expected`.

    So a wrong or unwritten forward never costs its correct gradient a second time, and a
    right forward with a wrong gradient gets gradcheck's diagnosis.
    """
    if forward_is_right:
        gradcheck(forward, analytic, x, dout=dout, batch=batch, name=name, hint=hint)
    else:
        assert_close(analytic, expected, batch=batch, hint=hint)


def pair(result, names: tuple[str, str] = ("out", "cache"), what: str | None = None) -> tuple:
    """`result` as a pair, e.g. (out, cache) of a forward, or a failure saying what came back."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return tuple(result)
    what = what or CALLS.describe(result) or "the function"
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else type(result).__name__
    fail(f"{what} returned a {kind}; expected a pair ({', '.join(names)})",
         f"{what} 回傳了 {kind}；應該回傳一對 ({', '.join(names)})")


def unpack(result, names: tuple[str, ...], what: str | None = None) -> tuple:
    """`result` as a tuple of len(names) values, or a failure saying what came back."""
    if len(names) == 2:
        return pair(result, names, what)
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return tuple(result)
    what = what or CALLS.describe(result) or "the function"
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else type(result).__name__
    fail(f"{what} returned a {kind}; expected {len(names)} values ({', '.join(names)})",
         f"{what} 回傳了 {kind}；應該回傳 {len(names)} 個值（{', '.join(names)}）")


def same(yours, want, rtol: float = MATCH_RTOL) -> bool:
    """Whether yours is a finite array (or a number, where want is one) of want's shape, equal
    to it within rtol of want's largest entry: |yours − want| <= rtol · max|want|. Where want is
    a tuple, a list or a dict of arrays, entry by entry (every entry must match)."""
    if isinstance(want, (tuple, list)):
        return isinstance(yours, (tuple, list)) and len(yours) == len(want) and \
            all(same(a, b, rtol) for a, b in zip(yours, want, strict=True))
    if isinstance(want, dict):
        return isinstance(yours, dict) and set(yours) == set(want) and \
            all(same(yours[k], want[k], rtol) for k in want)
    want = np.asarray(want, dtype=float)
    if isinstance(yours, (int, float, np.number)) and not isinstance(yours, bool) \
            and want.ndim == 0:
        yours = np.asarray(yours, dtype=float)
    if not isinstance(yours, np.ndarray) or yours.shape != want.shape:
        return False
    yours = yours.astype(float)
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    return bool(np.all(np.isfinite(yours)) and np.all(np.abs(yours - want) <= rtol * scale))


def named(yours, want, variants: dict, what: str, hint: Text | None = None) -> None:
    """Fail naming the mistake when yours is not `want` (the right answer) but equals one of
    `variants` {label: (value, en, zh)}, computed by the check from a known wrong formula; a
    variant that coincides with `want` is no mistake. Values may be arrays, numbers, or tuples
    and dicts of them (every entry must match). Returns quietly otherwise: the check's own
    comparison then reports the difference."""
    if same(yours, want):
        return
    for value, en, zh in variants.values():
        if same(yours, value) and not same(value, want):
            fail(f"{what}: {en}", f"{what}：{zh}", *([hint] if hint else []))


def forward_first(forward: str) -> Text:
    """The hint of a gradient judged against the reference's because `forward`, the function
    it differentiates, is itself wrong (a central difference of a wrong forward would only
    confirm the wrong gradient)."""
    return tip(f"your {forward} does not match the reference here, so the gradients are judged "
               "against the reference's: fix the forward first (see its check)",
               f"你的 {forward} 在這裡與參考答案不同，所以梯度改和參考答案比較：請先修正正向傳播"
               "（見它的檢查）")


def cpu_seconds(action: Callable[[], object]) -> float:
    """The CPU time the student's code spent in the calls `action` makes, as the worker measured
    it (time.process_time around each call): neither the trip to the worker nor other processes
    on a loaded machine count, so a speed check can compare it with the reference's
    time.process_time() on the trusted side."""
    before = CALLS.cpu_seconds
    action()
    return CALLS.cpu_seconds - before
