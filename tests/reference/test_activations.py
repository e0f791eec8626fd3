"""Tests of reference.activations: values, gradients, stability, shapes, dtypes and errors."""

import math

import numpy as np
import pytest

from reference import activations as act
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # float64 against the math module: a few ulps apart at most
FP_RAISE = {"over": "raise", "divide": "raise", "invalid": "raise"}  # underflow to 0 is fine

# name -> (value function, independent scalar formula from the math module)
ELEMENTWISE = {
    "sigmoid": (act.sigmoid, lambda v: 1.0 / (1.0 + math.exp(-v))),
    "tanh": (act.tanh, math.tanh),
    "relu": (act.relu, lambda v: max(0.0, v)),
    "leaky_relu": (act.leaky_relu, lambda v: v if v > 0 else 0.01 * v),
    "elu": (act.elu, lambda v: v if v > 0 else math.exp(v) - 1.0),
}

# name -> (forward, backward); the softmax pair is elementwise only in shape
LAYERS = {
    "sigmoid": (act.sigmoid_forward, act.sigmoid_backward),
    "tanh": (act.tanh_forward, act.tanh_backward),
    "relu": (act.relu_forward, act.relu_backward),
    "leaky_relu": (act.leaky_relu_forward, act.leaky_relu_backward),
    "leaky_relu_0.2": (
        lambda x: act.leaky_relu_forward(x, alpha=0.2),
        act.leaky_relu_backward,
    ),
    "elu": (act.elu_forward, act.elu_backward),
    "elu_0.5": (lambda x: act.elu_forward(x, alpha=0.5), act.elu_backward),
    "softmax": (act.softmax_forward, act.softmax_backward),
}

VALUES = [-7.0, -2.5, -1.0, -0.3, 0.0, 0.3, 1.0, 2.5, 7.0]


def away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random values with 0.1 <= |x| <= 2, so central differences never straddle x = 0."""
    return rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_value_matches_math_module(name):
    fn, formula = ELEMENTWISE[name]
    expected = np.array([formula(v) for v in VALUES])
    np.testing.assert_allclose(fn(np.array(VALUES)), expected, rtol=VALUE_RTOL)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_out_equals_value_function(name):
    x = np.linspace(-3.0, 3.0, 13)
    out, _ = LAYERS[name][0](x)
    np.testing.assert_array_equal(out, ELEMENTWISE[name][0](x))


def test_leaky_relu_multiplies_by_alpha():
    """Seed 004 writes x / α for x < 0; the slope is α: -2 -> -0.02, not -200."""
    assert act.leaky_relu(-2.0) == pytest.approx(-0.02, rel=VALUE_RTOL)
    assert act.leaky_relu(-2.0, alpha=0.2) == pytest.approx(-0.4, rel=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(6,), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize("name", LAYERS)
def test_backward_matches_central_differences(name, shape, seed):
    rng = np.random.default_rng(seed)
    forward, backward = LAYERS[name]
    x = away_from_kinks(rng, shape)
    dout = rng.normal(size=shape)
    _, cache = forward(x)
    dx = backward(dout, cache)
    dx_num = numerical_gradient(lambda z: float(np.sum(forward(z)[0] * dout)), x)
    assert dx.shape == shape
    assert rel_error(dx, dx_num) < GRAD_RTOL, f"{name} seed={seed}"


def test_relu_derivative_at_zero_is_zero():
    _, cache = act.relu_forward(np.zeros(3))
    np.testing.assert_array_equal(act.relu_backward(np.ones(3), cache), np.zeros(3))


def test_leaky_relu_and_elu_derivative_at_zero_is_alpha():
    _, leaky_cache = act.leaky_relu_forward(np.zeros(2), alpha=0.2)
    _, elu_cache = act.elu_forward(np.zeros(2), alpha=0.5)
    np.testing.assert_allclose(act.leaky_relu_backward(np.ones(2), leaky_cache), [0.2, 0.2])
    np.testing.assert_allclose(act.elu_backward(np.ones(2), elu_cache), [0.5, 0.5])


def test_sigmoid_is_stable_at_extremes():
    with np.errstate(**FP_RAISE):
        out, cache = act.sigmoid_forward(np.array([-1000.0, 1000.0]))
        dx = act.sigmoid_backward(np.ones(2), cache)
    np.testing.assert_array_equal(out, [0.0, 1.0])
    np.testing.assert_array_equal(dx, [0.0, 0.0])


def test_sigmoid_keeps_tiny_probabilities():
    """The two-branch form keeps σ(-700) ≈ e^-700 instead of rounding 1 / (1 + e^700)."""
    assert act.sigmoid(-700.0) == pytest.approx(math.exp(-700.0), rel=1e-12)


@pytest.mark.parametrize("name", ["tanh", "relu", "leaky_relu", "elu"])
def test_other_activations_are_stable_at_extremes(name):
    fn, formula = ELEMENTWISE[name]
    with np.errstate(**FP_RAISE):
        out = fn(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(out, [formula(-1000.0), formula(1000.0)], rtol=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_is_stable_for_logits_around_1e4(seed):
    rng = np.random.default_rng(seed)
    small = rng.normal(size=(4, 6))
    with np.errstate(**FP_RAISE):
        big = act.softmax(small + 1e4)
        huge_spread = act.softmax(small * 1e4)
    naive = np.exp(small) / np.exp(small).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(big, naive, rtol=1e-9)
    assert np.all(np.isfinite(huge_spread))
    np.testing.assert_allclose(huge_spread.sum(axis=-1), np.ones(4), rtol=1e-12)


def test_softmax_hand_example():
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    expected = [v / sum(e) for v in e]
    np.testing.assert_allclose(act.softmax([1.0, 2.0, 3.0]), expected, rtol=VALUE_RTOL)


def test_log_softmax_is_finite_where_softmax_underflows():
    with np.errstate(**FP_RAISE):
        out = act.log_softmax(np.array([[0.0, -1e4], [1e4, 1e4]]))
    np.testing.assert_allclose(out, [[0.0, -1e4], [-math.log(2.0), -math.log(2.0)]], rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_log_softmax_is_log_of_softmax(seed):
    x = np.random.default_rng(seed).normal(size=(2, 3, 5))
    np.testing.assert_allclose(act.log_softmax(x), np.log(act.softmax(x)), rtol=1e-12)


@pytest.mark.parametrize("shape", [(), (7,), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_keeps_any_batch_shape(name, shape):
    x = np.full(shape, 0.5)
    out, cache = LAYERS[name][0](x)
    assert out.shape == shape
    assert LAYERS[name][1](np.ones(shape), cache).shape == shape


@pytest.mark.parametrize("shape", [(7,), (4, 5), (2, 3, 4)])
def test_softmax_works_along_last_axis(shape):
    x = np.random.default_rng(0).normal(size=shape)
    out = act.softmax(x)
    assert out.shape == shape
    np.testing.assert_allclose(out.sum(axis=-1), np.ones(shape[:-1]), rtol=1e-12)


@pytest.mark.parametrize("name", LAYERS)
def test_inputs_are_not_mutated(name):
    rng = np.random.default_rng(0)
    forward, backward = LAYERS[name]
    x, dout = rng.normal(size=(2, 4, 5))
    x_before, dout_before = x.copy(), dout.copy()
    out, cache = forward(x)
    backward(dout, cache)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)


@pytest.mark.parametrize("name", LAYERS)
def test_cache_is_a_namedtuple(name):
    _, cache = LAYERS[name][0](np.ones((2, 3)))
    assert isinstance(cache, tuple) and hasattr(cache, "_fields")


@pytest.mark.parametrize("name", LAYERS)
def test_float32_input_is_accepted(name):
    rng = np.random.default_rng(0)
    forward, backward = LAYERS[name]
    x, dout = rng.normal(size=(2, 4, 5)).astype(np.float32)
    out32, cache32 = forward(x)
    out64, cache64 = forward(x.astype(np.float64))
    np.testing.assert_allclose(out32, out64, rtol=1e-12)
    np.testing.assert_allclose(
        backward(dout, cache32), backward(dout.astype(np.float64), cache64), rtol=1e-12
    )


@pytest.mark.parametrize("name", LAYERS)
def test_backward_rejects_dout_of_wrong_shape(name):
    forward, backward = LAYERS[name]
    _, cache = forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"dout has shape \(4, 3\).*\(3, 4\)"):
        backward(np.ones((4, 3)), cache)


@pytest.mark.parametrize("fn", [act.softmax, act.log_softmax, act.softmax_forward])
@pytest.mark.parametrize("x", [np.float64(1.0), np.ones((3, 0))], ids=["0-d", "C=0"])
def test_softmax_needs_a_class_axis(fn, x):
    with pytest.raises(ValueError, match="last \\(class\\) axis"):
        fn(x)
