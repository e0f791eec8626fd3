"""assert_close: right answers pass, and each kind of wrong answer is explained to the student."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import RTOL, assert_close
from grader.i18n import bilingual
from tests.grader._helpers import failure_text

SEEDS = [0, 1, 2]


def expected_values(seed: int, shape=(16, 3)) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


# --- right answers -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(16, 3), (5,), (2, 3, 4), (0,)], ids=str)
def test_equal_arrays_pass(seed, shape):
    expected = expected_values(seed, shape)
    assert_close(expected.copy(), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_float32_answer_passes(seed):
    """A float32 computation is a correct alternative: its rounding (~6e-8) is far below RTOL."""
    expected = expected_values(seed)
    assert_close(expected.astype(np.float32), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_equal_within_1e_9_relative_passes(seed):
    expected = expected_values(seed)
    noise = np.random.default_rng(seed + 10).uniform(-1e-9, 1e-9, expected.shape)
    assert_close(expected * (1 + noise), expected)


@pytest.mark.parametrize("actual", [0.6931471805599453, np.float64(np.log(2)),
                                    np.float32(np.log(2)), np.array(np.log(2))],
                         ids=["float", "np.float64", "np.float32", "0-d array"])
def test_scalar_answers_pass(actual):
    assert_close(actual, np.log(2))


def test_int_answer_for_an_integer_value_passes():
    assert_close(np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0]))
    assert_close(3, 3.0)


def test_tolerance_is_relative_to_the_largest_expected_entry():
    """An entry whose true value is ~0 is judged against the array's scale, not its own."""
    expected = np.array([1.0, 0.0, -2.0])
    assert_close(expected + [0.0, 1e-7, 0.0], expected)
    text = failure_text(assert_close, expected + [0.0, 1e-5, 0.0], expected)
    assert "1 of 3 entries" in text and "[1]" in text


def test_rtol_is_respected():
    expected = np.ones(4)
    assert_close(expected * (1 + 1e-4), expected, rtol=1e-3)
    failure_text(assert_close, expected * (1 + 1e-4), expected, rtol=RTOL)


# --- wrong kinds of value ------------------------------------------------------------------


def test_list_instead_of_array():
    expected = expected_values(0, (3,))
    text = failure_text(assert_close, expected.tolist(), expected, what="relu(x)")
    assert "relu(x) returned a list; expected a NumPy array" in text
    assert "np.array" in text  # the hint


def test_tuple_instead_of_array():
    text = failure_text(assert_close, (1.0, 2.0), np.array([1.0, 2.0]))
    assert "returned a tuple; expected a NumPy array" in text


@pytest.mark.parametrize("actual", [1.5, np.float64(1.5), None, "1.5"],
                         ids=["float", "np.float64", "None", "str"])
def test_scalar_when_an_array_is_expected(actual):
    text = failure_text(assert_close, actual, np.array([1.5, 1.5]), what="sigmoid(x)")
    assert f"sigmoid(x) returned a {type(actual).__name__}; expected a NumPy array" in text


def test_array_when_a_scalar_is_expected():
    losses = expected_values(0, (16,))
    text = failure_text(assert_close, losses, float(losses.mean()), what="mse(y, t)")
    assert "mse(y, t) returned an array of shape (16,); expected a single number" in text
    assert "mean" in text  # the hint to reduce


@pytest.mark.parametrize(("actual", "got"), [(True, "bool"), ([0.5], "list"), (None, "NoneType")])
def test_non_number_when_a_scalar_is_expected(actual, got):
    text = failure_text(assert_close, actual, 0.5, what="loss")
    assert f"loss returned a {got}; expected a single number" in text


# --- wrong shapes --------------------------------------------------------------------------


def test_wrong_shape_transposed():
    expected = expected_values(0, (4, 3))
    text = failure_text(assert_close, expected.T, expected, what="W")
    assert "W returned shape (3, 4), expected (4, 3)" in text
    assert "transpose" in text


@pytest.mark.parametrize(("shape", "expected_shape"), [((16, 1), (16,)), ((16,), (16, 1)),
                                                        ((1, 16), (16,)), ((2, 8), (16,))],
                         ids=str)
def test_same_size_wrong_shape_is_never_broadcast(shape, expected_shape):
    expected = np.ones(expected_shape)
    text = failure_text(assert_close, np.ones(shape), expected)
    assert f"returned shape {shape}, expected {expected_shape}" in text
    assert "reshape" in text and "keepdims" in text


@pytest.mark.parametrize(("shape", "expected_shape"), [((16, 16), (16,)), ((1,), (16,)),
                                                        ((), (3,)), ((0,), (3,))], ids=str)
def test_different_size_wrong_shape(shape, expected_shape):
    text = failure_text(assert_close, np.ones(shape), np.ones(expected_shape))
    assert f"returned shape {shape}, expected {expected_shape}" in text
    assert "reshape" not in text and "transpose" not in text


# --- wrong values --------------------------------------------------------------------------


@pytest.mark.parametrize(("bad", "shown"), [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_non_finite_where_finite_expected(bad, shown):
    expected = expected_values(0)
    actual = expected.copy()
    actual[5, 2] = bad
    text = failure_text(assert_close, actual, expected, what="softmax(x)")
    assert f"softmax(x) returned {shown} at [5, 2] where a finite value was expected" in text
    assert "numerical-stability" in text


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_scalar(bad):
    text = failure_text(assert_close, bad, 0.25, what="loss")
    assert "where a finite value was expected" in text and "(scalar)" in text


@pytest.mark.parametrize("tiny", [1e-9, 1e-15])
def test_all_zero_answer_fails_when_the_true_value_is_tiny(tiny):
    """The pitfall of an absolute tolerance: zeros would pass for a true value of 1e-9."""
    expected = np.full((4, 3), tiny)
    text = failure_text(assert_close, np.zeros_like(expected), expected)
    assert "12 of 12 entries are wrong" in text
    assert "all zeros" in text


def test_zero_scalar_fails_when_the_true_value_is_tiny():
    text = failure_text(assert_close, 0.0, 1e-9)
    assert "returned 0, expected 1e-09" in text


def test_factor_2_error_is_diagnosed():
    expected = expected_values(0)
    text = failure_text(assert_close, 2 * expected, expected, what="mse_grad(y, t)")
    assert "mse_grad(y, t): 48 of 48 entries are wrong" in text
    assert "2 times too large" in text


def test_batch_size_error_is_diagnosed_when_batch_is_given():
    expected = expected_values(0)
    text = failure_text(assert_close, 16 * expected, expected, batch=16)
    assert "divide by the batch size N" in text and "N = 16" in text


def test_single_wrong_entry_names_its_index_and_values():
    expected = np.arange(20.0).reshape(4, 5)
    actual = expected.copy()
    actual[2, 3] = -1.0
    text = failure_text(assert_close, actual, expected, what="x")
    assert "x: 1 of 20 entries are wrong; worst at [2, 3]: yours -1, expected 13" in text
    assert "near it, yours:" in text and "-1" in text


def test_scalar_mismatch_message():
    text = failure_text(assert_close, 0.75, 0.5, what="accuracy(p, y)")
    assert "accuracy(p, y) returned 0.75, expected 0.5" in text


def test_what_defaults_to_a_generic_name():
    text = failure_text(assert_close, np.zeros(2), np.ones(2))
    assert text.startswith("the value")


def test_hint_is_appended():
    text = failure_text(assert_close, np.zeros(2), np.ones(2), hint=bilingual("see page 3"))
    assert text.endswith("see page 3")


@pytest.mark.parametrize(("actual", "expected"), [
    (np.array([0.0, 999.0]), np.array([np.nan, 1.0])),
    (np.array([0.0, 999.0]), np.array([np.inf, 1.0])),
    (5.0, np.nan),
    (5.0, np.inf),
], ids=["nan in array", "inf in array", "nan scalar", "inf scalar"])
def test_non_finite_expected_entry_does_not_excuse_the_others(actual, expected):
    failure_text(assert_close, actual, expected)


@pytest.mark.parametrize(("yours", "expected"), [
    (1.0800412, 1.0800437), (np.array([2.0, 1.0800412]), np.array([2.0, 1.0800437]))])
def test_a_small_real_difference_is_printed_with_the_digits_that_show_it(yours, expected):
    # 6 significant digits read "yours 1.08004, expected 1.08004"
    text = failure_text(lambda: assert_close(yours, expected, rtol=1e-7))
    assert "1.0800412" in text and "1.0800437" in text, text
