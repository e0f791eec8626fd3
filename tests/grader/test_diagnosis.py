"""diagnose(): the known ways a value is wrong are named, and nothing else is."""

from __future__ import annotations

import numpy as np
import pytest

from grader.diagnosis import diagnose, format_index, worst_index

SEEDS = [0, 1, 2]
N = 16  # a batch size that is not 2, so "N times" and "2 times" stay apart


def expected_values(seed: int, shape=(N, 5)) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


FACTORS = {
    "sign": (-1.0, None, "diag_sign", {}),
    "factor 2": (2.0, None, "diag_factor_2", {}),
    "factor 1/2": (0.5, None, "diag_factor_half", {}),
    "batch missing": (float(N), N, "diag_batch_missing", {"n": N}),
    "batch twice": (1.0 / N, N, "diag_batch_twice", {"n": N}),
    "batch and sign": (-float(N), N, "diag_batch_sign", {"n": N}),
    "other constant": (3.7, None, "diag_factor", {"factor": "3.7"}),
    "N without batch": (float(N), None, "diag_factor", {"factor": "16"}),
    "other constant with batch": (-0.3, N, "diag_factor", {"factor": "-0.3"}),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("factor", "batch", "key", "params"), FACTORS.values(),
                         ids=FACTORS.keys())
def test_constant_factor_is_named(seed, factor, batch, key, params):
    expected = expected_values(seed)
    text = diagnose(factor * expected, expected, batch)
    assert text is not None
    assert (text.key, text.params) == (key, params)


def test_factor_survives_tiny_entries_of_expected():
    """Entries near zero give noisy ratios; they are ignored, not allowed to hide the factor."""
    expected = expected_values(0)
    expected[0, :2] = [1e-12, -3e-9]
    yours = 2 * expected
    yours[0, :2] = [0.0, 1e-9]  # rounding noise where the true value is ~0
    assert diagnose(yours, expected).key == "diag_factor_2"


@pytest.mark.parametrize("seed", SEEDS)
def test_all_zeros(seed):
    expected = expected_values(seed)
    assert diagnose(np.zeros_like(expected), expected).key == "diag_zeros"


@pytest.mark.parametrize("seed", SEEDS)
def test_transposed_square_matrix(seed):
    expected = expected_values(seed, shape=(5, 5))
    assert diagnose(expected.T.copy(), expected).key == "diag_transposed"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(N, 5), (7,), (3, 3), ()], ids=str)
def test_correct_value_has_no_diagnosis(seed, shape):
    expected = expected_values(seed, shape)
    assert diagnose(expected * (1 + 1e-9), expected, N) is None


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(N, 5), (4, 4)], ids=str)
def test_unrelated_noise_has_no_diagnosis(seed, shape):
    expected = expected_values(seed, shape)
    noise = np.random.default_rng(seed + 100).standard_normal(shape)
    assert diagnose(noise, expected, N) is None


def test_factor_on_most_entries_but_not_all_is_not_a_constant_factor():
    expected = expected_values(0)
    yours = 2 * expected
    yours[3, 1] *= 1.01  # one entry 1 % off: well beyond RATIO_SPREAD
    assert diagnose(yours, expected) is None


@pytest.mark.parametrize(("yours", "expected"), [
    (np.array([np.nan, 2.0]), np.array([1.0, 1.0])),  # not finite: compare.py says so itself
    (np.ones(3), np.ones(4)),  # shapes differ
    (np.zeros(3), np.zeros(3)),  # zero is right
    (np.ones(3), np.zeros(3)),  # no ratio to a zero
], ids=["nan", "shape", "both zero", "expected zero"])
def test_no_diagnosis_when_no_pattern_can_apply(yours, expected):
    assert diagnose(yours, expected) is None


def test_factor_of_a_symmetric_matrix_is_a_factor_not_a_transpose():
    a = expected_values(0, (4, 4))
    symmetric = a + a.T
    assert diagnose(2 * symmetric, symmetric).key == "diag_factor_2"


@pytest.mark.parametrize(("error", "index"), [
    (np.array([0.1, 3.0, 2.0]), (1,)),
    (np.array([[0.0, 1.0], [np.nan, 5.0]]), (1, 0)),  # NaN counts as the largest
    (np.array(4.0), ()),
])
def test_worst_index(error, index):
    assert worst_index(error) == index


@pytest.mark.parametrize(("index", "text"), [((1, 0), "[1, 0]"), ((7,), "[7]"), ((), "(scalar)")])
def test_format_index(index, text):
    assert format_index(index) == text
