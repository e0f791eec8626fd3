"""gradcheck: right gradients pass, wrong ones fail with the index, both values and a cause."""

from __future__ import annotations

import numpy as np
import pytest

from grader.gradcheck import MAX_COORDS, gradcheck, numerical_gradient
from grader.i18n import bilingual
from tests.grader._helpers import failure_text

SEEDS = [0, 1, 2]
LARGE = (20, 10)  # 200 entries > MAX_COORDS: sampled coordinates plus a random direction
NUMGRAD_RTOL = 1e-8  # central differences with h = 1e-5 on sin: truncation error ~1e-11


def sin_x(x):
    """L = Σ sin(x) ⊙ x, a smooth scalar function."""
    return float(np.sum(np.sin(x) * x))


def sin_x_grad(x):
    return np.cos(x) * x + np.sin(x)


def point(seed: int, shape=(3, 4)) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


class Probes:
    """A forward that records which coordinates gradcheck moved one at a time."""

    def __init__(self, f, x):
        self.f, self.x, self.coordinates = f, x, set()

    def __call__(self, p):
        moved = np.flatnonzero(p != self.x)
        if moved.size == 1:
            self.coordinates.add(int(moved[0]))
        return self.f(p)

    def unprobed(self) -> int:
        """A flat index gradcheck never looked at on its own (only the random direction did)."""
        return next(k for k in range(self.x.size) if k not in self.coordinates)


# --- right gradients -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (3, 4), (2, 3, 2), LARGE], ids=str)
def test_right_gradient_passes(seed, shape):
    x = point(seed, shape)
    gradcheck(sin_x, np.asarray(sin_x_grad(x)), x, seed=seed)  # a 0-d array for shape ()


@pytest.mark.parametrize("gradient", [np.float64, float], ids=["np.float64", "float"])
def test_gradient_of_a_0d_parameter_may_be_a_number(gradient):
    x = np.array(0.3)
    gradcheck(sin_x, gradient(sin_x_grad(x)), x)


@pytest.mark.parametrize("seed", SEEDS)
def test_right_gradient_with_dout_passes(seed):
    """An elementwise forward: L = Σ tanh(x) ⊙ dout."""
    x, dout = point(seed, (2, 5, 4))
    gradcheck(np.tanh, dout * (1 - np.tanh(x) ** 2), x, dout=dout)


@pytest.mark.parametrize("seed", SEEDS)
def test_right_gradient_of_a_large_tensor_with_dout_passes(seed):
    x, dout = point(seed, (2, *LARGE))
    gradcheck(np.tanh, dout * (1 - np.tanh(x) ** 2), x, dout=dout, seed=seed)


def affine_tanh(p):
    """L = Σ tanh(x w + b), with x: (N, D), w: (D, M), b: (M,)."""
    return float(np.sum(np.tanh(p["x"] @ p["w"] + p["b"])))


def affine_tanh_grads(p):
    dz = 1 - np.tanh(p["x"] @ p["w"] + p["b"]) ** 2  # (N, M)
    return {"x": dz @ p["w"].T, "w": p["x"].T @ dz, "b": dz.sum(axis=0)}


def affine_params(seed: int, N=4, D=3, M=5) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((N, D)), "w": rng.standard_normal((D, M)),
            "b": rng.standard_normal(M)}


@pytest.mark.parametrize("seed", SEEDS)
def test_right_gradients_of_a_dict_of_parameters_pass(seed):
    params = affine_params(seed)
    gradcheck(affine_tanh, affine_tanh_grads(params), params)


def test_float32_gradient_of_a_float64_forward_passes():
    x = point(0)
    gradcheck(sin_x, sin_x_grad(x).astype(np.float32), x)


def test_gradcheck_does_not_modify_its_inputs():
    x = point(0, LARGE)
    x_before, grad = x.copy(), sin_x_grad(x)
    grad_before = grad.copy()
    gradcheck(sin_x, grad, x)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(grad, grad_before)


# --- wrong gradients -----------------------------------------------------------------------

MISTAKES = {
    "half": (lambda g: g / 2, "half the right ones"),
    "double": (lambda g: 2 * g, "2 times too large"),
    "sign": (lambda g: -g, "opposite sign"),
    "zeros": (np.zeros_like, "all zeros"),
    "factor 3": (lambda g: 3 * g, "3 times the right ones"),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(3, 4), LARGE], ids=["all coordinates", "sampled"])
@pytest.mark.parametrize(("mistake", "words"), MISTAKES.values(), ids=MISTAKES.keys())
def test_wrong_gradient_is_diagnosed(seed, shape, mistake, words):
    x = point(seed, shape)
    text = failure_text(gradcheck, sin_x, mistake(sin_x_grad(x)), x, seed=seed, name="dx")
    assert "dx disagrees with central differences of your own forward" in text
    assert "worst at [" in text
    assert words in text


def test_sampled_check_says_how_many_coordinates_it_checked():
    x = point(0, LARGE)
    text = failure_text(gradcheck, sin_x, 1.5 * sin_x_grad(x), x)
    assert f"({MAX_COORDS} of {x.size})" in text
    assert "1.5 times the right ones" in text


def test_batch_size_mistake_is_diagnosed():
    N = 16
    x = point(0, (N, 3))

    def mean_loss(p):
        return sin_x(p) / N

    text = failure_text(gradcheck, mean_loss, sin_x_grad(x), x, batch=N)
    assert "divide by the batch size N" in text


def test_transposed_gradient_is_diagnosed():
    a = point(1, (4, 4))

    def weighted(w):
        return float(np.sum(a * np.sin(w)))

    w = point(0, (4, 4))
    text = failure_text(gradcheck, weighted, (a * np.cos(w)).T, w, name="dW")
    assert "transpose" in text


@pytest.mark.parametrize(("shape", "words"), [((4, 3), "transpose"), ((12,), "reshape"),
                                              ((3,), "expected (3, 4)")], ids=str)
def test_wrong_shape(shape, words):
    x = point(0)
    text = failure_text(gradcheck, sin_x, np.ones(shape), x, name="dx")
    assert f"dx returned shape {shape}, expected (3, 4)" in text
    assert words in text


def test_list_instead_of_an_array():
    x = point(0, (3,))
    text = failure_text(gradcheck, sin_x, sin_x_grad(x).tolist(), x, name="dx")
    assert "dx returned a list; expected a NumPy array" in text


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("shape", [(3, 4), LARGE], ids=["all coordinates", "sampled"])
def test_non_finite_gradient_at_a_checked_coordinate(shape, bad):
    x = point(0, shape)
    grad = np.full(shape, bad)
    text = failure_text(gradcheck, sin_x, grad, x, name="dx")
    assert "where a finite value was expected" in text


@pytest.mark.parametrize("index", [(0, 0), (1, 2), (2, 3)], ids=str)
def test_one_wrong_entry_of_a_small_tensor_is_named(index):
    x = point(0)
    grad = sin_x_grad(x)
    grad[index] += 0.1
    text = failure_text(gradcheck, sin_x, grad, x, name="dx")
    assert f"worst at [{index[0]}, {index[1]}]" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_one_wrong_entry_outside_the_sample_is_caught_by_the_random_direction(seed):
    x = point(seed, LARGE)
    probes = Probes(sin_x, x)
    gradcheck(probes, sin_x_grad(x), x, seed=seed)  # which coordinates does this seed sample?
    assert len(probes.coordinates) == MAX_COORDS
    grad = sin_x_grad(x)
    grad.flat[probes.unprobed()] += 1.0
    text = failure_text(gradcheck, sin_x, grad, x, seed=seed, name="dx")
    assert "dx disagrees with the directional derivative along a random direction" in text


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_entry_outside_the_sample_is_caught(bad):
    x = point(0, LARGE)
    probes = Probes(sin_x, x)
    gradcheck(probes, sin_x_grad(x), x)
    grad = sin_x_grad(x)
    grad.flat[probes.unprobed()] = bad
    failure_text(gradcheck, sin_x, grad, x)


def test_forward_with_the_wrong_output_shape_for_dout():
    x = point(0, (3, 4))
    text = failure_text(gradcheck, lambda p: np.sum(p, axis=0), np.ones((3, 4)), x,
                        dout=np.ones((3, 4)))
    assert "the forward returned shape (4,)" in text and "dout has shape (3, 4)" in text


def test_forward_that_is_not_a_number_without_dout():
    x = point(0, (3,))
    text = failure_text(gradcheck, np.sin, np.cos(x), x)
    assert "forward returned an array of shape (3,); expected a single number" in text


def sum_log(p):
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.sum(np.log(p)))


def test_forward_not_finite_near_the_point():
    x = np.array([0.5, 1e-6, 2.0])  # x - h < 0 in the middle: log is NaN there
    text = failure_text(gradcheck, sum_log, 1 / x, x, name="dx")
    assert "the forward is not finite near the point where dx is checked" in text


# --- several parameters --------------------------------------------------------------------


@pytest.mark.parametrize("wrong", ["x", "w", "b"])
def test_one_wrong_parameter_is_named_and_the_others_are_called_right(wrong):
    params = affine_params(0)
    grads = affine_tanh_grads(params)
    grads[wrong] = 2 * grads[wrong]
    text = failure_text(gradcheck, affine_tanh, grads, params)
    right = ", ".join(k for k in params if k != wrong)
    assert text.splitlines()[0] == f"wrong gradients: {wrong}; right: {right}"
    assert f"{wrong} disagrees with central differences" in text
    assert "2 times too large" in text


def test_all_parameters_wrong():
    params = affine_params(0)
    grads = {k: -g for k, g in affine_tanh_grads(params).items()}
    text = failure_text(gradcheck, affine_tanh, grads, params)
    assert text.splitlines()[0] == "wrong gradients: x, w, b; right: —"
    assert text.count("opposite sign") == 3


def test_missing_gradient_of_a_parameter():
    params = affine_params(0)
    grads = affine_tanh_grads(params)
    del grads["b"]
    text = failure_text(gradcheck, affine_tanh, grads, params)
    assert "wrong gradients: b; right: x, w" in text
    assert "no gradient was returned for b" in text


def test_gradients_not_a_dict_for_a_dict_of_parameters():
    params = affine_params(0)
    text = failure_text(gradcheck, affine_tanh, [np.zeros(1)], params)
    assert "wrong gradients: x, w, b" in text


def test_wrong_shape_of_one_parameter_gradient_is_named():
    params = affine_params(0)
    grads = affine_tanh_grads(params)
    grads["w"] = grads["w"].T
    text = failure_text(gradcheck, affine_tanh, grads, params)
    assert "w returned shape (5, 3), expected (3, 5)" in text


@pytest.mark.parametrize("bad", [lambda g: g.T, lambda g: g.tolist()], ids=["shape", "list"])
def test_wrongly_shaped_parameter_gradient_still_lists_right_and_wrong(bad):
    params = affine_params(0)
    grads = affine_tanh_grads(params)
    grads["w"] = bad(grads["w"])
    text = failure_text(gradcheck, affine_tanh, grads, params)
    assert text.splitlines()[0] == "wrong gradients: w; right: x, b"


def test_hint_is_appended():
    x = point(0)
    text = failure_text(gradcheck, sin_x, -sin_x_grad(x), x, hint=bilingual("see §2"))
    assert text.endswith("see §2")


# --- numerical_gradient --------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_numerical_gradient_on_every_coordinate(seed):
    x = point(seed, (3, 4))
    numeric = numerical_gradient(sin_x, x, list(np.ndindex(x.shape)))
    np.testing.assert_allclose(numeric, sin_x_grad(x), rtol=NUMGRAD_RTOL, atol=NUMGRAD_RTOL)


def test_numerical_gradient_leaves_other_coordinates_nan():
    x = point(0, (3, 4))
    coords = [(0, 1), (2, 3)]
    numeric = numerical_gradient(sin_x, x, coords)
    checked = np.zeros(x.shape, bool)
    checked[tuple(np.array(coords).T)] = True
    assert np.isnan(numeric[~checked]).all()
    np.testing.assert_allclose(numeric[checked], sin_x_grad(x)[checked], rtol=NUMGRAD_RTOL)


def test_numerical_gradient_of_a_0d_input():
    x = np.array(0.3)
    numeric = numerical_gradient(sin_x, x, [()])
    np.testing.assert_allclose(numeric, sin_x_grad(x), rtol=NUMGRAD_RTOL)


def test_numerical_gradient_uses_the_given_step():
    """With a huge step the central difference of x³ is 3x² + h², not 3x²."""
    x = np.array([1.0])
    numeric = numerical_gradient(lambda p: float(np.sum(p ** 3)), x, [(0,)], h=0.5)
    np.testing.assert_allclose(numeric, [3.25], rtol=1e-12)
