"""Tests of reference.perceptron: the seeds' worked example by hand, and separating a data set."""

import numpy as np
import pytest

from reference import perceptron as pc

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # a handful of float64 operations on short decimals

# Seed 004's example (perceptron.ipynb), without its bias column of ones. Its code has the rows
# (3, 3), (4, 31), (1, 1), (0, 2); its matrix beside the code prints the last row as (0, 3).
SEED_X = np.array([[3.0, 3.0], [4.0, 31.0], [1.0, 1.0], [0.0, 2.0]])
SEED_Y = np.array([1.0, 1.0, -1.0, -1.0])
SEED_W = np.array([0.61, -0.96, 0.02])  # the weights the seed prints, bias first


def separable(seed: int, N: int = 60, D: int = 3, margin: float = 0.2):
    """N points in D dimensions labelled by a random plane, none closer to it than `margin`."""
    rng = np.random.default_rng(seed)
    w_true, b_true = rng.normal(size=D), rng.normal()
    x = rng.normal(size=(4 * N, D)) * 2.0  # (4N, D), then keep N clear of the plane
    dist = (x @ w_true + b_true) / np.linalg.norm(w_true)  # (4N,) signed distances
    keep = np.flatnonzero(np.abs(dist) >= margin)[:N]
    return x[keep], np.sign(dist[keep])


def test_bias_column_comes_first():
    np.testing.assert_array_equal(
        pc.add_bias_column(SEED_X), [[1, 3, 3], [1, 4, 31], [1, 1, 1], [1, 0, 2]])


def test_predict_with_the_seeds_weights_by_hand():
    """z = 0.61 − 0.96 x1 + 0.02 x2 = −2.21, −2.61, −0.33, 0.65: signs −1, −1, −1, +1."""
    np.testing.assert_array_equal(pc.perceptron_predict(SEED_X, SEED_W), [-1, -1, -1, 1])


def test_one_batch_update_by_hand():
    """y − ŷ = (2, 2, 0, −2); Xᵀ(y − ŷ)/4 = (2, 14, 64)/4 = (0.5, 3.5, 16); η = 0.1."""
    w, mistakes = pc.perceptron_train(SEED_X, SEED_Y, lr=0.1, max_epochs=1, w0=SEED_W)
    np.testing.assert_array_equal(mistakes, [3])
    np.testing.assert_allclose(w, SEED_W + 0.1 * np.array([0.5, 3.5, 16.0]), rtol=VALUE_RTOL)


def test_one_online_epoch_by_hand():
    """From w = 0, η = 1: sign(0) = 0 ≠ 1 so w = (1, 3, 3); row 2 right (z = 106); row 3
    z = 7, wrong: w −= 2·(1, 1, 1) → (−1, 1, 1); row 4 z = 1, wrong: w −= 2·(1, 0, 2)."""
    w, mistakes = pc.perceptron_train(SEED_X, SEED_Y, lr=1.0, max_epochs=1, rule="online")
    np.testing.assert_array_equal(mistakes, [3])
    np.testing.assert_array_equal(w, [-3.0, 1.0, -3.0])


@pytest.mark.parametrize("rule", pc.RULES)
@pytest.mark.parametrize("last_row", [[0.0, 2.0], [0.0, 3.0]])  # the seed's code and its matrix
def test_the_seeds_example_is_separated(rule, last_row):
    x = np.vstack([SEED_X[:3], last_row])
    w, mistakes = pc.perceptron_train(x, SEED_Y, w0=SEED_W, rule=rule)
    assert mistakes[-1] == 0 and np.all(mistakes[:-1] > 0)
    np.testing.assert_array_equal(pc.perceptron_predict(x, w), SEED_Y)


@pytest.mark.parametrize("rule", pc.RULES)
@pytest.mark.parametrize("seed", SEEDS)
def test_separates_a_linearly_separable_set(seed, rule):
    x, y = separable(seed)
    w, mistakes = pc.perceptron_train(x, y, rule=rule)
    assert mistakes[-1] == 0, f"seed {seed}: still {mistakes[-1]} mistakes after {len(mistakes)}"
    assert len(mistakes) < pc.MAX_EPOCHS
    np.testing.assert_array_equal(pc.perceptron_predict(x, w), y)


def test_stops_at_the_epoch_limit_on_xor():
    """XOR is not linearly separable: every epoch makes a mistake, so training runs out."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([-1.0, 1.0, 1.0, -1.0])
    for rule in pc.RULES:
        w, mistakes = pc.perceptron_train(x, y, max_epochs=25, rule=rule)
        assert mistakes.shape == (25,) and mistakes.dtype == np.int64 and np.all(mistakes > 0)


def test_learning_rate_only_scales_the_weights_from_zero():
    x, y = separable(0)
    w1, m1 = pc.perceptron_train(x, y, lr=0.1)
    w2, m2 = pc.perceptron_train(x, y, lr=2.0)
    np.testing.assert_array_equal(m1, m2)
    np.testing.assert_allclose(w2, 20.0 * w1, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"y": [1.0, 0.0, -1.0, -1.0]}, r"y must be -1 or \+1 but y\[1\] = 0.0"),
     ({"y": [1.0, -1.0]}, r"y must have shape \(N,\) = \(4,\), got \(2,\)"),
     ({"x": [3.0, 3.0, 1.0, 0.0]}, r"x must have shape \(N, D\), got \(4,\)"),
     ({"lr": 0.0}, r"lr must be a finite number > 0, got 0.0"),
     ({"lr": "0.1"}, r"lr must be a finite number > 0, got '0.1'"),
     ({"max_epochs": 0}, r"max_epochs must be >= 1, got 0"),
     ({"max_epochs": 1.5}, r"max_epochs must be an integer, got 1.5"),
     ({"w0": [0.0, 0.0]}, r"w must have shape \(D \+ 1,\) = \(3,\).*got \(2,\)"),
     ({"rule": "stochastic"}, r"rule must be one of \('batch', 'online'\), got 'stochastic'")],
)
def test_train_rejects_bad_input(kwargs, message):
    args = {"x": SEED_X, "y": SEED_Y} | kwargs
    with pytest.raises(ValueError, match=message):
        pc.perceptron_train(**args)


def test_predict_rejects_weights_without_a_bias():
    with pytest.raises(ValueError, match=r"\(D \+ 1,\) = \(3,\).*got \(2,\)"):
        pc.perceptron_predict(SEED_X, [1.0, 2.0])


@pytest.mark.parametrize("rule", pc.RULES)
def test_no_argument_is_mutated(rule):
    x, y, w0 = SEED_X.copy(), SEED_Y.copy(), SEED_W.copy()
    w, _ = pc.perceptron_train(x, y, w0=w0, rule=rule)
    pc.perceptron_predict(x, w0)
    np.testing.assert_array_equal(x, SEED_X)
    np.testing.assert_array_equal(y, SEED_Y)
    np.testing.assert_array_equal(w0, SEED_W)
    assert not np.shares_memory(w, w0)
