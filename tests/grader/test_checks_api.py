"""grader.checks helpers that checks are built from: agrees, gradient_check, pair, unpack,
same, named, fail, warnings_during."""

from __future__ import annotations

import numpy as np
import pytest

from grader.checks import (
    agrees,
    fail,
    gradient_check,
    named,
    pair,
    same,
    unpack,
    warnings_during,
)
from grader.failures import NotImplementedYet, SubmissionFailure
from grader.i18n import msg
from grader.remote import CALLS
from tests.grader._helpers import failure_text

X = np.linspace(-1.0, 1.0, 6).reshape(2, 3)


def square_sum(x):
    return float(np.sum(x ** 2))


def not_implemented():
    raise NotImplementedYet(msg("not_implemented", call="f()"))


@pytest.mark.parametrize(("action", "expected", "result"), [
    (lambda: 2.0, 2.0, True),
    (lambda: 2.5, 2.0, False),
    (lambda: [1.0, 2.0], np.array([1.0, 2.0]), False),
    (not_implemented, 1.0, False),
])
def test_agrees_is_assert_close_as_a_bool(action, expected, result):
    assert agrees(action, expected) is result


def test_gradient_check_uses_the_students_forward_when_it_is_right():
    # a correct gradient of the student's (right) forward passes
    gradient_check(square_sum, 2 * X, X, forward_is_right=True, expected=2 * X)
    text = failure_text(gradient_check, square_sum, X, X, forward_is_right=True,
                        expected=2 * X, name="grad")
    assert "central differences" in text and "half the right ones" in text


def test_gradient_check_compares_with_the_reference_when_the_forward_is_wrong():
    def wrong_forward(x):
        return 0.0  # constant forward: its own gradient would be zero
    gradient_check(wrong_forward, 2 * X, X, forward_is_right=False, expected=2 * X)
    text = failure_text(gradient_check, wrong_forward, np.zeros_like(X), X,
                        forward_is_right=False, expected=2 * X)
    assert "all zeros" in text and "central differences" not in text


def test_pair_accepts_tuples_and_lists_and_names_what_came_back():
    assert pair((1, 2)) == (1, 2) and pair([1, 2]) == (1, 2)
    result = np.zeros(3)
    CALLS.record(result, "relu_forward(x (3,))")
    with pytest.raises(SubmissionFailure, match=r"relu_forward\(x \(3,\)\) returned a ndarray"):
        pair(result)
    with pytest.raises(SubmissionFailure, match=r"tuple of 3; expected a pair \(loss, dlogits\)"):
        pair((1, 2, 3), names=("loss", "dlogits"), what="softmax_cross_entropy(...)")


def test_fail_speaks_both_languages():
    with pytest.raises(SubmissionFailure) as caught:
        fail("too big", "太大")
    assert caught.value.render("en") == "too big" and caught.value.render("zh-TW") == "太大"


def test_warnings_during_returns_the_warnings_recorded_for_the_calls_in_it():
    def call():
        result = np.ones(2)
        CALLS.record(result, "f(x)", ["RuntimeWarning: overflow encountered in exp"])
        return result
    result, warned = warnings_during(call)
    assert np.array_equal(result, np.ones(2))
    assert warned == ["RuntimeWarning: overflow encountered in exp"]
    assert warnings_during(lambda: 1)[1] == []


def test_named_names_a_known_mistake_in_arrays_tuples_and_dicts():
    right, halved = np.arange(1.0, 4.0), np.arange(1.0, 4.0) / 2
    variants = {"half": (halved, "halved", "減半"), "same": (right.copy(), "never", "不會")}
    cases = ((halved, right, halved), ((halved, 1.0), (right, 1.0), (halved, 1.0)),
             ({"w": halved}, {"w": right}, {"w": halved}))
    for yours, want, variant in cases:
        text = failure_text(named, yours, want, {"half": (variant, "halved", "減半")}, "f(x)")
        assert text.startswith("f(x): halved")
    named(right.copy(), right, variants, "f(x)")  # right: quiet, even though a variant equals it
    named(right * 3, right, variants, "f(x)")  # an unknown mistake: left to the comparison


def test_unpack_and_same():
    assert unpack([1, 2, 3], ("a", "b", "c")) == (1, 2, 3)
    assert "returned a tuple of 2; expected 3 values (a, b, c)" in failure_text(
        unpack, (1, 2), ("a", "b", "c"), "f(x)")
    assert same(2.0, np.float64(2.0)) and not same(np.array([2.0]), 2.0)
    assert not same(np.array([np.nan]), np.array([1.0])) and same(np.ones(2), np.ones(2) + 1e-12)
