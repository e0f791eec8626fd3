"""Tests of reference.layers: the dense layer by hand and by central differences, and counting."""

import numpy as np
import pytest

from reference import layers
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12
SEED_MLP = [784, 300, 200, 100, 10]  # seed 004's MLP_clf.ipynb


def make_dense(seed: int, N: int = 4, D: int = 5, M: int = 3):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M),
            rng.normal(size=(N, M)))


def test_dense_forward_by_hand():
    """[1, 2] @ [[1, 0, −1], [2, 1, 0]] + [0.5, 0, −0.5] = [5.5, 2, −1.5]."""
    out, cache = layers.dense_forward([[1.0, 2.0]], [[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]],
                                      [0.5, 0.0, -0.5])
    np.testing.assert_allclose(out, [[5.5, 2.0, -1.5]], rtol=VALUE_RTOL)
    assert isinstance(cache, layers.DenseCache) and cache.x.shape == (1, 2)


def test_dense_backward_by_hand():
    """dout = [[1, 0, 2]] for the example above: dx = dout wᵀ, dw = xᵀ dout, db = dout."""
    w = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    _, cache = layers.dense_forward([[1.0, 2.0]], w, [0.5, 0.0, -0.5])
    dx, dw, db = layers.dense_backward([[1.0, 0.0, 2.0]], cache)
    np.testing.assert_allclose(dx, [[-1.0, 2.0]], rtol=VALUE_RTOL)
    np.testing.assert_allclose(dw, [[1.0, 0.0, 2.0], [2.0, 0.0, 4.0]], rtol=VALUE_RTOL)
    np.testing.assert_allclose(db, [1.0, 0.0, 2.0], rtol=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_dense_backward_matches_central_differences(seed):
    x, w, b, dout = make_dense(seed)
    _, cache = layers.dense_forward(x, w, b)
    grads = layers.dense_backward(dout, cache)

    def loss(which: int):  # Σ out · dout as a function of one input: its gradient is the grad
        def fn(v):
            args = [x, w, b]
            args[which] = v
            return float(np.sum(layers.dense_forward(*args)[0] * dout))
        return fn

    for which, (arg, grad) in enumerate(zip((x, w, b), grads, strict=True)):
        assert grad.shape == arg.shape
        num = numerical_gradient(loss(which), arg)
        assert rel_error(grad, num) < GRAD_RTOL, f"seed {seed}, input {which}"


def test_dense_accepts_float32_and_returns_float64():
    x, w, b, dout = (a.astype(np.float32) for a in make_dense(0))
    out, cache = layers.dense_forward(x, w, b)
    assert out.dtype == np.float64
    assert all(g.dtype == np.float64 for g in layers.dense_backward(dout, cache))


@pytest.mark.parametrize(
    "shapes, message",
    [(((4,), (4, 3), (3,)), r"x must have shape \(N, D\), got \(4,\)"),
     (((4, 5), (6, 3), (3,)), r"w has shape \(6, 3\) but must be \(D, M\) with D = 5"),
     (((4, 5), (5,), (3,)), r"w has shape \(5,\) but must be \(D, M\) with D = 5"),
     (((4, 5), (5, 3), (1, 3)), r"b must have shape \(M,\) = \(3,\), got \(1, 3\)")],
)
def test_dense_forward_rejects_bad_shapes(shapes, message):
    with pytest.raises(ValueError, match=message):
        layers.dense_forward(*(np.zeros(s) for s in shapes))


def test_dense_backward_rejects_dout_of_wrong_shape():
    x, w, b, _ = make_dense(0)
    _, cache = layers.dense_forward(x, w, b)
    with pytest.raises(ValueError, match=r"dout has shape \(3, 4\).*\(4, 3\)"):
        layers.dense_backward(np.zeros((3, 4)), cache)


def test_dense_does_not_mutate_its_arguments():
    x, w, b, dout = make_dense(1)
    kept = [a.copy() for a in (x, w, b, dout)]
    _, cache = layers.dense_forward(x, w, b)
    layers.dense_backward(dout, cache)
    for before, after in zip(kept, (x, w, b, dout), strict=True):
        np.testing.assert_array_equal(before, after)


# --- parameter counting ---------------------------------------------------------------------------


def test_the_seeds_mlp_has_316810_parameters():
    """The seed's model.summary(): (784+1)·300, (300+1)·200, (200+1)·100, (100+1)·10."""
    assert layers.dense_parameter_counts(SEED_MLP) == [235_500, 60_200, 20_100, 1_010]
    assert layers.count_parameters(SEED_MLP) == 316_810
    assert layers.count_parameters([784, 10]) == 7_850  # the seed's one-layer model
    assert layers.count_parameters(SEED_MLP, use_bias=False) == 316_200


@pytest.mark.parametrize("sizes", [[2, 1], [3, 4, 5], [784, 300, 200, 100, 10], [1, 1, 1, 1]])
def test_count_equals_the_sizes_of_the_arrays_a_network_holds(sizes):
    """Independent oracle: build each layer's w (D, M) and b (M,) and count their elements."""
    arrays = [np.empty((d, m)) for d, m in zip(sizes[:-1], sizes[1:], strict=True)]
    arrays += [np.empty(m) for m in sizes[1:]]
    assert layers.count_parameters(sizes) == sum(a.size for a in arrays)
    assert layers.count_parameters(tuple(np.array(sizes))) == sum(a.size for a in arrays)


@pytest.mark.parametrize(
    "sizes, message",
    [([784], r"at least one layer, got \[784\]"),
     ([], r"at least one layer, got \[\]"),
     ([784, 0], r"sizes\[1\] = 0; every size must be an integer >= 1"),
     ([784, 2.5], r"sizes\[1\] = 2.5"),
     ([True, 3], r"sizes\[0\] = True")],
)
def test_count_rejects_bad_sizes(sizes, message):
    for fn in (layers.count_parameters, layers.dense_parameter_counts):
        with pytest.raises(ValueError, match=message):
            fn(sizes)
