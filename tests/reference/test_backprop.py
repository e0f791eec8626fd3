"""Tests of reference.backprop: the seeds' hand example, the vectorised network, and training."""

import math
import time

import numpy as np
import pytest

from reference import backprop as bp
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # float64 against the math module: a few ulps apart at most
SLIDE_ATOL = 0.005  # the slide prints two decimals
TRAIN_ACCURACY = 0.95  # stated target: H = 16, 2000 full-batch steps, lr = 1 on make_moons(200)
TRAIN_SECONDS = 2.0  # the whole training run, measured at about 0.2 s

# The correct values, by hand to five decimals (seed 004's example, the slide's labels).
HAND_5DP = {
    "h1_in": 0.25, "h2_in": -0.02, "h1_out": 0.56218, "h2_out": 0.49500,
    "o1_in": -0.09228, "o2_in": 0.11491, "o1_out": 0.47695, "o2_out": 0.52870, "error": 0.20971,
    "dw1": -0.00842, "dw2": 0.01261, "dw3": -0.00505, "dw4": 0.00756,
    "dw5": 0.03463, "dw6": 0.08387, "dw7": 0.03049, "dw8": 0.07384,
}
# What the slide prints (two decimals), for the values it gets right.
SLIDE = {"h1_out": 0.56, "h2_out": 0.50, "o1_out": 0.48, "o2_out": 0.53, "error": 0.21,
         "dw5": 0.03, "dw6": 0.08, "dw7": 0.03, "dw8": 0.07}


def _sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def independent_hand_example():
    """The example in the matrix form, scalar by scalar with the math module (no NumPy)."""
    x = bp.SEED_X
    y = bp.SEED_Y
    w = dict(zip(bp.WEIGHT_NAMES, bp.SEED_WEIGHTS, strict=True))
    W1 = [[w["w1"], w["w2"]], [w["w3"], w["w4"]]]  # W1[i][j]: input i -> hidden j
    W2 = [[w["w5"], w["w6"]], [w["w7"], w["w8"]]]  # W2[j][k]: hidden j -> output k
    h_in = [sum(x[i] * W1[i][j] for i in range(2)) for j in range(2)]
    h = [_sig(v) for v in h_in]
    o_in = [sum(h[j] * W2[j][k] for j in range(2)) for k in range(2)]
    o = [_sig(v) for v in o_in]
    error = 0.5 * sum((o[k] - y[k]) ** 2 for k in range(2))
    d_o = [(o[k] - y[k]) * o[k] * (1 - o[k]) for k in range(2)]
    d_h = [sum(d_o[k] * W2[j][k] for k in range(2)) * h[j] * (1 - h[j]) for j in range(2)]
    dW1 = [[x[i] * d_h[j] for j in range(2)] for i in range(2)]
    dW2 = [[h[j] * d_o[k] for k in range(2)] for j in range(2)]
    out = {"h1_in": h_in[0], "h2_in": h_in[1], "h1_out": h[0], "h2_out": h[1],
           "o1_in": o_in[0], "o2_in": o_in[1], "o1_out": o[0], "o2_out": o[1], "error": error}
    for name, (mat, r, c) in bp.WEIGHT_INDEX.items():
        out[f"d{name}"] = (dW1 if mat == "W1" else dW2)[r][c]
    return out


# --- part 1: the hand example -------------------------------------------------------------------


def test_hand_example_returns_every_value_as_a_float():
    got = bp.hand_example()
    assert tuple(got) == bp.HAND_EXAMPLE_KEYS
    assert all(type(v) is float for v in got.values())


@pytest.mark.parametrize("key", bp.HAND_EXAMPLE_KEYS)
def test_hand_example_matches_an_independent_computation(key):
    assert math.isclose(bp.hand_example()[key], independent_hand_example()[key],
                        rel_tol=VALUE_RTOL, abs_tol=1e-15)


@pytest.mark.parametrize("key", bp.HAND_EXAMPLE_KEYS)
def test_hand_example_matches_the_values_by_hand(key):
    assert abs(bp.hand_example()[key] - HAND_5DP[key]) < 5.1e-6


@pytest.mark.parametrize("key", SLIDE)
def test_hand_example_agrees_with_the_slide_where_the_slide_is_right(key):
    assert abs(bp.hand_example()[key] - SLIDE[key]) < SLIDE_ATOL


def test_hand_gradients_match_central_differences():
    def error(weights):
        return bp.hand_example(weights=weights)["error"]

    num = numerical_gradient(error, np.array(bp.SEED_WEIGHTS))
    got = bp.hand_example()
    ana = np.array([got[f"d{w}"] for w in bp.WEIGHT_NAMES])
    assert rel_error(ana, num) < GRAD_RTOL


def test_output_weight_gradients_are_delta_times_hidden_output():
    """∂Error/∂w5 is δ_O1 · H1: a check that the forward values and the deltas fit together."""
    got = bp.hand_example()
    d_o1 = (got["o1_out"] - bp.SEED_Y[0]) * got["o1_out"] * (1 - got["o1_out"])
    assert math.isclose(got["dw5"], d_o1 * got["h1_out"], rel_tol=VALUE_RTOL)
    assert math.isclose(got["dw7"], d_o1 * got["h2_out"], rel_tol=VALUE_RTOL)


def test_the_slides_hidden_layer_formula_is_the_slip():
    """The slide's (δw5 + δw6) · H1 (1 − H1) · x1 is not ∂E/∂w1: it even has the wrong sign."""
    got = bp.hand_example()
    h1 = got["h1_out"]
    slide_dw1 = (got["dw5"] + got["dw6"]) * h1 * (1 - h1) * bp.SEED_X[0]
    assert slide_dw1 > 0 > got["dw1"]


def test_seed_matrices_follow_the_slides_labels():
    W1, W2 = bp.seed_matrices()
    np.testing.assert_array_equal(W1, [[0.2, -0.4], [0.5, 0.6]])
    np.testing.assert_array_equal(W2, [[0.1, -0.5], [-0.3, 0.8]])
    h = 1.0 / (1.0 + np.exp(-(np.array(bp.SEED_X) @ W1)))  # (2,) @ (2, 2)
    got = bp.hand_example()
    np.testing.assert_allclose(h, [got["h1_out"], got["h2_out"]], rtol=VALUE_RTOL)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"x": [0.5, 0.3, 0.1]}, r"x must have 2 entries"),
     ({"weights": np.zeros(7)}, r"weights must have 8 entries"),
     ({"y": [[0.2, 0.1]]}, r"y must have 2 entries"),
     ({"x": [np.nan, 0.3]}, r"x must be finite")],
)
def test_hand_example_rejects_bad_inputs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bp.hand_example(**kwargs)


# --- part 2: the vectorised network -------------------------------------------------------------


def make_net(seed: int, N: int = 5, D: int = 3, H: int = 4, C: int = 3):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
              "W2": rng.normal(size=(H, C)), "b2": rng.normal(size=C)}
    return params, rng.normal(size=(N, D)), rng.integers(0, C, size=N)


def independent_loss(params, X, y):
    """Softmax cross-entropy written out with exp and log, row by row."""
    h = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    s = h @ params["W2"] + params["b2"]
    return float(np.mean([math.log(np.exp(row).sum()) - row[c] for row, c in zip(s, y,
                                                                                  strict=True)]))


@pytest.mark.parametrize("seed", SEEDS)
def test_two_layer_forward_and_loss_match_an_independent_computation(seed):
    params, X, y = make_net(seed)
    scores, cache = bp.two_layer_forward(X, params)
    h = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    np.testing.assert_allclose(scores, h @ params["W2"] + params["b2"], rtol=VALUE_RTOL)
    assert isinstance(cache, bp.TwoLayerCache)
    loss, _ = bp.two_layer_loss(params, X, y)
    assert math.isclose(loss, independent_loss(params, X, y), rel_tol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("key", bp.PARAM_SHAPES)
def test_two_layer_gradients_match_central_differences(seed, key):
    params, X, y = make_net(seed)
    _, grads = bp.two_layer_loss(params, X, y)
    assert set(grads) == set(bp.PARAM_SHAPES)
    assert grads[key].shape == params[key].shape and grads[key].dtype == np.float64

    def loss(v):
        return bp.two_layer_loss({**params, key: v}, X, y)[0]

    assert rel_error(grads[key], numerical_gradient(loss, params[key])) < GRAD_RTOL, key


@pytest.mark.parametrize("seed", SEEDS)
def test_two_layer_backward_of_any_upstream_gradient(seed):
    """Σ scores · dscores as the loss: its gradient is two_layer_backward(dscores)."""
    params, X, _ = make_net(seed)
    dscores = np.random.default_rng(seed + 10).normal(size=(X.shape[0], 3))
    _, cache = bp.two_layer_forward(X, params)
    grads = bp.two_layer_backward(dscores, cache)
    for key in bp.PARAM_SHAPES:
        def fn(v, key=key):
            return float(np.sum(bp.two_layer_forward(X, {**params, key: v})[0] * dscores))
        assert rel_error(grads[key], numerical_gradient(fn, params[key])) < GRAD_RTOL, key


def test_two_layer_accepts_float32_and_returns_float64():
    params, X, y = make_net(0)
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    loss, grads = bp.two_layer_loss(params32, X.astype(np.float32), y)
    assert all(g.dtype == np.float64 for g in grads.values())
    assert math.isclose(loss, bp.two_layer_loss(params, X, y)[0], rel_tol=1e-6)


def test_init_params_shapes_and_reproducibility():
    p = bp.init_params(2, 16, 2, seed=3)
    assert {k: v.shape for k, v in p.items()} == {"W1": (2, 16), "b1": (16,), "W2": (16, 2),
                                                  "b2": (2,)}
    q = bp.init_params(2, 16, 2, seed=3)
    assert all(np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["W1"], bp.init_params(2, 16, 2, seed=4)["W1"])
    assert not p["b1"].any() and not p["b2"].any()


def test_make_moons_is_reproducible_and_balanced():
    X, y = bp.make_moons(201, seed=5)
    assert X.shape == (201, 2) and X.dtype == np.float64
    assert y.shape == (201,) and y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert np.bincount(y).tolist() == [100, 101]
    X2, y2 = bp.make_moons(201, seed=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, bp.make_moons(201, seed=6)[0])


def test_make_moons_without_noise_lies_on_the_two_half_circles():
    X, y = bp.make_moons(100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(*lower.T), 1.0, rtol=1e-12)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 1e-12).all()


def test_the_moons_need_more_than_a_linear_boundary():
    """One hidden unit gives a straight decision boundary: it stays below the target accuracy."""
    X, y = bp.make_moons(200)
    params, _ = bp.train(X, y, H=1, steps=2000)
    assert bp.accuracy(params, X, y) < TRAIN_ACCURACY


def test_training_reaches_the_stated_accuracy_quickly():
    X, y = bp.make_moons(200)
    start = time.perf_counter()
    params, history = bp.train(X, y, H=16, lr=bp.LR, steps=bp.STEPS, seed=0)
    elapsed = time.perf_counter() - start
    assert elapsed < TRAIN_SECONDS, f"training took {elapsed:.2f} s"
    assert len(history) == bp.STEPS and all(type(v) is float for v in history)
    assert history[-1] < history[0] / 10
    assert bp.accuracy(params, X, y) >= TRAIN_ACCURACY
    X_test, y_test = bp.make_moons(500, seed=100)
    assert bp.accuracy(params, X_test, y_test) >= TRAIN_ACCURACY


def test_training_is_reproducible_and_mini_batches_work():
    X, y = bp.make_moons(200)
    p1, h1 = bp.train(X, y, steps=50, seed=2)
    p2, h2 = bp.train(X, y, steps=50, seed=2)
    assert h1 == h2 and all(np.array_equal(p1[k], p2[k]) for k in p1)
    params, history = bp.train(X, y, steps=2000, batch_size=32)
    assert len(history) == 2000
    assert bp.accuracy(params, X, y) >= TRAIN_ACCURACY


def test_predict_and_accuracy():
    params = {"W1": np.eye(2), "b1": np.zeros(2), "W2": np.array([[1.0, -1.0], [-1.0, 1.0]]),
              "b2": np.zeros(2)}
    X = np.array([[2.0, -2.0], [-2.0, 2.0], [3.0, 0.0]])
    np.testing.assert_array_equal(bp.predict(params, X), [0, 1, 0])
    assert bp.accuracy(params, X, np.array([0, 1, 1])) == pytest.approx(2 / 3)


def test_no_argument_is_mutated():
    params, X, y = make_net(1)
    kept = {k: v.copy() for k, v in params.items()}
    X0, y0 = X.copy(), y.copy()
    _, cache = bp.two_layer_forward(X, params)
    dscores = np.ones((X.shape[0], 3))
    bp.two_layer_backward(dscores, cache)
    bp.two_layer_loss(params, X, y)
    bp.accuracy(params, X, y)
    bp.train(X, y, H=4, steps=5)
    bp.train(X, y, H=4, steps=5, batch_size=2)
    assert set(params) == set(kept)
    assert all(np.array_equal(params[k], kept[k]) for k in kept)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(dscores, 1.0)
    weights = np.array(bp.SEED_WEIGHTS)
    bp.hand_example(weights=weights)
    np.testing.assert_array_equal(weights, bp.SEED_WEIGHTS)


@pytest.mark.parametrize(
    "change, message",
    [(lambda p, X: ({**p, "W1": p["W1"].T}, X), r"W1 has shape \(4, 3\) but must be \(D, H\)"),
     (lambda p, X: ({**p, "W2": p["W2"][:2]}, X), r"W2 has shape \(2, 3\) but must be \(H, C\)"),
     (lambda p, X: ({**p, "b1": p["b1"][None]}, X), r"b1 must have shape \(4,\)"),
     (lambda p, X: ({**p, "b2": p["b2"][:2]}, X), r"b2 must have shape \(3,\)"),
     (lambda p, X: ({k: v for k, v in p.items() if k != "b2"}, X), r"keys W1, b1, W2, b2"),
     (lambda p, X: (p, X[0]), r"X must have shape \(N, D\)"),
     (lambda p, X: (p, X[:, :2]), r"W1 has shape \(3, 4\) but must be \(D, H\) with D = 2")],
)
def test_two_layer_forward_rejects_bad_shapes(change, message):
    params, X, _ = make_net(0)
    with pytest.raises(ValueError, match=message):
        bp.two_layer_forward(*reversed(change(params, X)))


def test_two_layer_loss_and_backward_reject_bad_labels_and_dscores():
    params, X, y = make_net(0)
    with pytest.raises(ValueError, match=r"y must be integer labels of shape \(5,\)"):
        bp.two_layer_loss(params, X, y[:4])
    with pytest.raises(ValueError, match=r"y must be integer labels"):
        bp.two_layer_loss(params, X, y.astype(float))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, C\)"):
        bp.two_layer_loss(params, X, np.full(5, 3))
    _, cache = bp.two_layer_forward(X, params)
    with pytest.raises(ValueError, match=r"dout has shape \(5, 2\)"):
        bp.two_layer_backward(np.zeros((5, 2)), cache)


@pytest.mark.parametrize(
    "call, message",
    [(lambda: bp.make_moons(1), r"n = 1"), (lambda: bp.make_moons(10, noise=-1), r"noise"),
     (lambda: bp.init_params(2, 0, 2), r"H = 0"),
     (lambda: bp.train(*bp.make_moons(10), batch_size=11), r"batch_size must lie in \[1, N\]"),
     (lambda: bp.train(*bp.make_moons(10), lr=0.0), r"lr > 0")],
)
def test_other_functions_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
