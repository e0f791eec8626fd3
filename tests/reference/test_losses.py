"""Tests of reference.losses: hand-computed values, gradients, stability, shapes and errors."""

import math

import numpy as np
import pytest

from reference import losses
from reference.activations import softmax
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # float64 against the math module: a few ulps apart at most
FP_RAISE = {"over": "raise", "divide": "raise", "invalid": "raise"}  # underflow to 0 is fine
LN_EPS = -math.log(losses.EPS)  # ≈ 16.118, the loss of a clipped zero probability

# Seed 004's worked example: the softmax output for an image of a 7 (the row sums to 1.01)
SEED_P = [[0.09, 0.07, 0.08, 0.08, 0.09, 0.10, 0.10, 0.21, 0.10, 0.09]]
SEED_ONEHOT = [[0, 0, 0, 0, 0, 0, 0, 1, 0, 0]]


def onehot(labels: np.ndarray, C: int) -> np.ndarray:
    return np.eye(C)[labels]


def make_regression(rng, shape=(4, 3)):
    return rng.normal(size=shape), rng.normal(size=shape)


def make_binary(rng, shape=(4, 3)):
    return rng.uniform(0.05, 0.95, size=shape), rng.uniform(0.0, 1.0, size=shape)


def make_hinge(rng, shape=(4, 3)):
    """Scores at least 0.1 away from the margin y·s = 1, where hinge has its kink."""
    y = rng.choice([-1.0, 1.0], size=shape)
    gap = rng.uniform(0.1, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return y * (1.0 + gap), y


def make_onehot(rng):
    return softmax(rng.normal(size=(5, 4))), onehot(rng.integers(0, 4, size=5), 4)


def make_labels(rng):
    return softmax(rng.normal(size=(5, 4))), rng.integers(0, 4, size=5)


def make_logits(rng):
    return 3.0 * rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)


# name -> (loss(a, b) -> float, grad(a, b) -> d loss / d a, make(rng) -> (a, b))
CASES = {
    "mse": (losses.mse, losses.mse_grad, make_regression),
    "half_sse": (losses.half_sse, losses.half_sse_grad, make_regression),
    "mae": (losses.mae, losses.mae_grad, make_regression),
    "binary_cross_entropy": (
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_grad,
        make_binary,
    ),
    "hinge": (losses.hinge, losses.hinge_grad, make_hinge),
    "categorical_cross_entropy": (
        losses.categorical_cross_entropy,
        losses.categorical_cross_entropy_grad,
        make_onehot,
    ),
    "sparse_categorical_cross_entropy": (
        losses.sparse_categorical_cross_entropy,
        losses.sparse_categorical_cross_entropy_grad,
        make_labels,
    ),
    "softmax_cross_entropy": (
        lambda z, y: losses.softmax_cross_entropy(z, y)[0],
        lambda z, y: losses.softmax_cross_entropy(z, y)[1],
        make_logits,
    ),
}
ELEMENTWISE = ["mse", "half_sse", "mae", "binary_cross_entropy", "hinge"]
WITH_LABELS = ["sparse_categorical_cross_entropy", "softmax_cross_entropy"]
CLASS_BASED = ["categorical_cross_entropy", *WITH_LABELS]
LOSS, GRAD = 0, 1  # positions in a CASES entry
MEANS = [name for name in CASES if name != "half_sse"]


@pytest.mark.parametrize(
    ("fn", "args", "expected"),
    [
        pytest.param(losses.mse, ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), 5.0 / 3.0, id="mse"),
        pytest.param(losses.mse, (0.9997, 1.0), 0.0003**2, id="mse-seed004-0.9997"),
        pytest.param(losses.mse, (0.1192, 0.0), 0.1192**2, id="mse-seed004-0.1192"),
        pytest.param(losses.half_sse, ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), 2.5, id="half_sse"),
        pytest.param(losses.mae, ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), 1.0, id="mae"),
        pytest.param(
            losses.binary_cross_entropy, (0.9997, 1.0), -math.log(0.9997), id="bce-seed004-y1"
        ),
        pytest.param(
            losses.binary_cross_entropy, (0.1192, 0.0), -math.log(1.0 - 0.1192), id="bce-seed004-y0"
        ),
        pytest.param(
            losses.binary_cross_entropy,
            ([0.8, 0.4], [1.0, 0.0]),
            -(math.log(0.8) + math.log(0.6)) / 2.0,
            id="bce-mean",
        ),
        pytest.param(losses.hinge, ([2.0, 0.5, -1.0], [1.0, 1.0, 1.0]), 2.5 / 3.0, id="hinge"),
        pytest.param(losses.hinge, ([-2.0, 0.5], [-1.0, -1.0]), 1.5 / 2.0, id="hinge-neg"),
        pytest.param(
            losses.categorical_cross_entropy,
            (SEED_P, SEED_ONEHOT),
            -math.log(0.21),
            id="cce-seed004",
        ),
        pytest.param(
            losses.sparse_categorical_cross_entropy,
            (SEED_P, [7]),
            -math.log(0.21),
            id="sparse-seed004",
        ),
    ],
)
def test_value_matches_hand_computation(fn, args, expected):
    assert fn(*args) == pytest.approx(expected, rel=VALUE_RTOL)


def test_seed004_cross_entropy_is_1_56_not_0_156():
    """The notes print -ln 0.21 as 0.156; the natural log gives 1.5606."""
    loss = losses.categorical_cross_entropy(SEED_P, SEED_ONEHOT)
    assert loss == pytest.approx(1.5606, abs=1e-4)


def test_softmax_cross_entropy_hand_value():
    expected = -(3.0 - math.log(math.exp(1.0) + math.exp(2.0) + math.exp(3.0)))
    loss, dlogits = losses.softmax_cross_entropy([[1.0, 2.0, 3.0]], [2])
    assert loss == pytest.approx(expected, rel=VALUE_RTOL)
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    np.testing.assert_allclose(
        dlogits, [[e[0] / sum(e), e[1] / sum(e), e[2] / sum(e) - 1.0]], rtol=VALUE_RTOL
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_seed000_snippets_agree(seed):
    """Seed 000's ½·Σ squared error is half_sse; its -Σ y log(p + 1e-7) is the clipped CE."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 10, size=5), rng.integers(0, 10, size=5)
    assert losses.half_sse(a, b) == pytest.approx(0.5 * np.sum(np.square(a - b)), rel=VALUE_RTOL)
    p, y = rng.uniform(0.05, 1.0, size=5), rng.integers(0, 2, size=5)
    notes = -np.sum(y * np.log(p + 1e-7))
    assert losses.categorical_cross_entropy(p[None], y[None]) == pytest.approx(notes, rel=1e-5)


@pytest.mark.parametrize(
    ("grad", "args", "expected"),
    [
        pytest.param(
            losses.mse_grad,
            ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]),
            [0.0, 2.0 / 3.0, 4.0 / 3.0],
            id="mse",
        ),
        pytest.param(
            losses.half_sse_grad, ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), [0.0, 1.0, 2.0], id="half_sse"
        ),
        pytest.param(
            losses.mae_grad,
            ([1.0, 0.0, 3.0], [1.0, 1.0, 1.0]),
            [0.0, -1.0 / 3.0, 1.0 / 3.0],
            id="mae-zero-where-equal",
        ),
        pytest.param(
            losses.hinge_grad,
            ([2.0, 0.5, -1.0], [1.0, 1.0, 1.0]),
            [0.0, -1.0 / 3.0, -1.0 / 3.0],
            id="hinge",
        ),
        pytest.param(
            losses.hinge_grad,
            ([1.0, -1.0], [1.0, -1.0]),
            [0.0, 0.0],
            id="hinge-zero-on-the-margin",
        ),
        pytest.param(
            losses.binary_cross_entropy_grad,
            ([0.8, 0.4], [1.0, 0.0]),
            [-1.0 / 0.8 / 2.0, 1.0 / 0.6 / 2.0],
            id="bce",
        ),
        pytest.param(
            losses.sparse_categorical_cross_entropy_grad,
            (SEED_P, [7]),
            [[0.0] * 7 + [-1.0 / 0.21] + [0.0] * 2],
            id="sparse-seed004",
        ),
    ],
)
def test_gradient_matches_hand_computation(grad, args, expected):
    np.testing.assert_allclose(grad(*args), expected, rtol=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", CASES)
def test_gradient_matches_central_differences(name, seed):
    loss, grad, make = CASES[name]
    a, b = make(np.random.default_rng(seed))
    analytic = grad(a, b)
    numeric = numerical_gradient(lambda z: loss(z, b), a)
    assert analytic.shape == a.shape
    assert rel_error(analytic, numeric) < GRAD_RTOL, f"{name} seed={seed}"


def test_clipping_keeps_binary_cross_entropy_finite():
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    with np.errstate(**FP_RAISE):
        loss = losses.binary_cross_entropy(p, y)
        grad = losses.binary_cross_entropy_grad(p, y)
    assert loss == pytest.approx((2 * LN_EPS + 2 * -math.log1p(-losses.EPS)) / 4, rel=1e-9)
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", ["categorical_cross_entropy", "sparse_categorical_cross_entropy"])
def test_clipping_keeps_categorical_cross_entropy_finite(name):
    loss, grad, _ = CASES[name]
    p = np.array([[0.0, 1.0], [1.0, 0.0]])
    target = [[1.0, 0.0], [1.0, 0.0]] if name.startswith("categorical") else [0, 0]
    with np.errstate(**FP_RAISE):
        value, dp = loss(p, target), grad(p, target)
    assert value == pytest.approx(LN_EPS / 2, rel=1e-9)
    assert np.all(np.isfinite(dp))


@pytest.mark.parametrize(("label", "expected"), [(0, 0.0), (1, 1e4), (2, 2e4)])
def test_softmax_cross_entropy_is_exact_for_logits_of_1e4(label, expected):
    with np.errstate(**FP_RAISE):
        loss, dlogits = losses.softmax_cross_entropy([[1e4, 0.0, -1e4]], [label])
    assert loss == pytest.approx(expected, abs=1e-9)
    onehot_row = np.eye(3)[label]
    np.testing.assert_allclose(dlogits, [[1.0, 0.0, 0.0] - onehot_row], atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_cross_entropy_is_finite_for_random_logits_of_1e4(seed):
    rng = np.random.default_rng(seed)
    logits, labels = 1e4 * rng.normal(size=(6, 5)), rng.integers(0, 5, size=6)
    with np.errstate(**FP_RAISE):
        loss, dlogits = losses.softmax_cross_entropy(logits, labels)
    assert math.isfinite(loss) and np.all(np.isfinite(dlogits))
    np.testing.assert_allclose(dlogits.sum(axis=1), np.zeros(6), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_class_losses_agree(seed):
    """Sparse = categorical with one-hot targets = fused softmax CE on the logits."""
    rng = np.random.default_rng(seed)
    logits, labels = rng.normal(size=(6, 5)), rng.integers(0, 5, size=6)
    p, y = softmax(logits), onehot(labels, 5)
    fused, dlogits = losses.softmax_cross_entropy(logits, labels)
    sparse = losses.sparse_categorical_cross_entropy(p, labels)
    assert losses.categorical_cross_entropy(p, y) == pytest.approx(sparse, rel=VALUE_RTOL)
    assert fused == pytest.approx(sparse, rel=1e-9)
    np.testing.assert_allclose(
        losses.sparse_categorical_cross_entropy_grad(p, labels),
        losses.categorical_cross_entropy_grad(p, y),
        rtol=VALUE_RTOL,
    )
    np.testing.assert_allclose(dlogits, (p - y) / 6, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name", MEANS)
def test_loss_is_the_mean_of_per_sample_losses(name):
    loss, _, make = CASES[name]
    a, b = make(np.random.default_rng(0))
    per_sample = [loss(a[i : i + 1], b[i : i + 1]) for i in range(len(a))]
    assert loss(a, b) == pytest.approx(np.mean(per_sample), rel=1e-12)


def test_half_sse_is_a_sum_over_the_batch():
    a, b = make_regression(np.random.default_rng(0))
    per_sample = [losses.half_sse(a[i], b[i]) for i in range(len(a))]
    assert losses.half_sse(a, b) == pytest.approx(sum(per_sample), rel=1e-12)


@pytest.mark.parametrize("shape", [(), (7,), (2, 16, 3)])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_losses_take_any_shape(name, shape):
    loss, grad, make = CASES[name]
    a, b = make(np.random.default_rng(0), shape)
    assert isinstance(loss(a, b), float)
    assert grad(a, b).shape == shape


@pytest.mark.parametrize("name", CASES)
def test_inputs_are_not_mutated(name):
    loss, grad, make = CASES[name]
    a, b = make(np.random.default_rng(0))
    a_before, b_before = a.copy(), b.copy()
    loss(a, b)
    grad(a, b)
    np.testing.assert_array_equal(a, a_before)
    np.testing.assert_array_equal(b, b_before)


@pytest.mark.parametrize("name", CASES)
def test_float32_input_is_accepted(name):
    loss, grad, make = CASES[name]
    a, b = make(np.random.default_rng(0))
    a32 = a.astype(np.float32)
    b32 = b if b.dtype.kind == "i" else b.astype(np.float32)
    value = loss(a32, b32)
    assert isinstance(value, float)
    assert value == pytest.approx(loss(a32.astype(np.float64), b32.astype(b.dtype)), rel=1e-12)
    np.testing.assert_allclose(
        grad(a32, b32), grad(a32.astype(np.float64), b32.astype(b.dtype)), rtol=1e-12
    )


@pytest.mark.parametrize("which", [LOSS, GRAD], ids=["loss", "grad"])
@pytest.mark.parametrize("name", [*ELEMENTWISE, "categorical_cross_entropy"])
def test_mismatched_shapes_raise(name, which):
    """(4, 3) against (4, 1) would broadcast silently; the rule is equal shapes."""
    a, b = CASES[name][2](np.random.default_rng(0))
    with pytest.raises(ValueError, match=rf"has shape \({a.shape[0]}, {a.shape[1]}\)"):
        CASES[name][which](a, b[:, :1])


@pytest.mark.parametrize("which", [LOSS, GRAD], ids=["loss", "grad"])
@pytest.mark.parametrize("name", WITH_LABELS)
@pytest.mark.parametrize("bad", [4, -1])
def test_labels_out_of_range_raise(name, which, bad):
    a, labels = CASES[name][2](np.random.default_rng(0))
    labels = labels.copy()
    labels[2] = bad
    with pytest.raises(ValueError, match=rf"\[0, C\) = \[0, 4\) but labels\[2\] = {bad}"):
        CASES[name][which](a, labels)


@pytest.mark.parametrize("which", [LOSS, GRAD], ids=["loss", "grad"])
def test_onehot_targets_outside_0_1_raise(which):
    p, y = make_onehot(np.random.default_rng(0))
    y = y.copy()
    y[2, 1] = 2.0
    with pytest.raises(ValueError, match=r"y_onehot\[2, 1\] = 2.0"):
        CASES["categorical_cross_entropy"][which](p, y)


@pytest.mark.parametrize("name", WITH_LABELS)
@pytest.mark.parametrize(
    ("labels", "message"),
    [([0, 1, 2], r"shape \(N,\) = \(5,\)"), ([0.0, 1.0, 2.0, 3.0, 0.0], "integers")],
    ids=["shape", "float"],
)
def test_malformed_labels_raise(name, labels, message):
    a, _ = CASES[name][2](np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        CASES[name][LOSS](a, labels)


@pytest.mark.parametrize("name", CLASS_BASED)
def test_class_losses_need_n_by_c(name):
    with pytest.raises(ValueError, match=r"shape \(N, C\)"):
        CASES[name][LOSS](np.full(4, 0.25), [0])


@pytest.mark.parametrize("fn", [losses.hinge, losses.hinge_grad])
def test_hinge_rejects_zero_one_labels(fn):
    with pytest.raises(ValueError, match=r"y must be -1 or \+1 but y\[1\] = 0.0"):
        fn([0.5, -0.5], [1, 0])


@pytest.mark.parametrize("fn", [losses.binary_cross_entropy, losses.binary_cross_entropy_grad])
@pytest.mark.parametrize(
    ("p", "y", "message"),
    [
        ([0.5, 2.5], [1.0, 0.0], r"p\[1\] = 2.5 \(pass probabilities"),
        ([0.5, 0.5], [1.0, -1.0], r"y\[1\] = -1.0"),
    ],
    ids=["logits-as-p", "y"],
)
def test_binary_cross_entropy_rejects_values_outside_0_1(fn, p, y, message):
    with pytest.raises(ValueError, match=message):
        fn(p, y)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_empty_input_raises(name):
    with pytest.raises(ValueError, match="empty"):
        CASES[name][LOSS](np.zeros((0, 3)), np.zeros((0, 3)))


def test_softmax_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(6, 5)), rng.integers(0, 5, size=6)
    t = torch.tensor(logits, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(t, torch.tensor(labels))
    expected.backward()
    loss, dlogits = losses.softmax_cross_entropy(logits, labels)
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(dlogits, t.grad.numpy(), rtol=1e-10, atol=1e-15)
