"""Tests of reference.regularization: dropout, batch norm, penalties, init, clipping, experiment."""

import numpy as np
import pytest

from reference import regularization as reg
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12
INIT_VAR_RTOL = 0.05  # 256 × 256 = 65 536 draws: the sample variance is within ~1 % (5 σ ≈ 3 %)
STAT_ATOL = 1e-10  # a normalised batch has mean 0 and variance 1 up to rounding and eps


def make_bn(seed: int, N: int = 6, D: int = 4):
    rng = np.random.default_rng(seed)
    return (rng.normal(2.0, 3.0, size=(N, D)), rng.normal(size=D), rng.normal(size=D),
            rng.normal(size=D), rng.uniform(0.5, 2.0, size=D), rng.normal(size=(N, D)))


# --- dropout -------------------------------------------------------------------------------------


def test_dropout_mask_is_seeded_and_inverted():
    a, b = reg.dropout_mask((50, 40), 0.3, seed=7), reg.dropout_mask((50, 40), 0.3, seed=7)
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, 1.0 / 0.7}
    assert abs(a.mean() - 1.0) < 0.05  # inverted dropout keeps the expectation


def test_dropout_eval_is_identity():
    x = np.random.default_rng(0).normal(size=(3, 5))
    out, cache = reg.dropout_forward(x, 0.5, train=False)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(reg.dropout_backward(np.ones_like(x), cache), np.ones_like(x))


def test_dropout_seed_and_mask_agree():
    x = np.random.default_rng(1).normal(size=(4, 6))
    out_seed, _ = reg.dropout_forward(x, 0.25, seed=3)
    out_mask, _ = reg.dropout_forward(x, 0.25, mask=reg.dropout_mask(x.shape, 0.25, 3))
    np.testing.assert_array_equal(out_seed, out_mask)


def test_dropout_needs_seed_or_mask_in_training():
    with pytest.raises(ValueError, match="seed or a mask"):
        reg.dropout_forward(np.ones((2, 2)), 0.5)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    _, cache = reg.dropout_forward(x, 0.4, seed=seed)
    dx = reg.dropout_backward(dout, cache)
    num = numerical_gradient(lambda v: float(np.sum(reg.dropout_forward(v, 0.4, seed=seed)[0]
                                                    * dout)), x)
    assert rel_error(dx, num) < GRAD_RTOL, f"seed {seed}"


# --- batch norm ----------------------------------------------------------------------------------


def test_batchnorm_train_normalises_each_feature():
    x, _, _, rm, rv, _ = make_bn(0)
    D = x.shape[1]
    out, _, _, _ = reg.batchnorm_forward(x, np.ones(D), np.zeros(D), rm, rv)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=STAT_ATOL)
    expected_var = x.var(axis=0) / (x.var(axis=0) + reg.BN_EPS)  # biased var, eps in the root
    np.testing.assert_allclose(out.var(axis=0), expected_var, rtol=1e-10)


def test_batchnorm_running_stats_update():
    x, gamma, beta, rm, rv, _ = make_bn(1)
    _, _, new_mean, new_var = reg.batchnorm_forward(x, gamma, beta, rm, rv, momentum=0.8)
    np.testing.assert_allclose(new_mean, 0.8 * rm + 0.2 * x.mean(axis=0), rtol=VALUE_RTOL)
    np.testing.assert_allclose(new_var, 0.8 * rv + 0.2 * x.var(axis=0), rtol=VALUE_RTOL)


def test_batchnorm_eval_uses_running_stats():
    x, gamma, beta, rm, rv, _ = make_bn(2)
    out, _, new_mean, new_var = reg.batchnorm_forward(x, gamma, beta, rm, rv, train=False)
    np.testing.assert_allclose(out, gamma * (x - rm) / np.sqrt(rv + reg.BN_EPS) + beta,
                               rtol=VALUE_RTOL)
    np.testing.assert_array_equal(new_mean, rm)
    np.testing.assert_array_equal(new_var, rv)


def test_batchnorm_eval_with_unit_running_stats_is_affine_identity():
    x = np.random.default_rng(3).normal(size=(5, 3))
    out, _, _, _ = reg.batchnorm_forward(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3),
                                         train=False, eps=0.0)
    np.testing.assert_allclose(out, x, rtol=VALUE_RTOL)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("seed", SEEDS)
def test_batchnorm_backward_matches_central_differences(seed, train):
    x, gamma, beta, rm, rv, dout = make_bn(seed)
    _, cache, _, _ = reg.batchnorm_forward(x, gamma, beta, rm, rv, train=train)
    grads = reg.batchnorm_backward(dout, cache)

    def loss(which: int):  # Σ out · dout as a function of one input: its gradient is the grad
        def fn(v):
            args = [x, gamma, beta]
            args[which] = v
            return float(np.sum(reg.batchnorm_forward(*args, rm, rv, train=train)[0] * dout))
        return fn

    for which, (arg, grad) in enumerate(zip((x, gamma, beta), grads, strict=True)):
        assert grad.shape == arg.shape
        num = numerical_gradient(loss(which), arg)
        assert rel_error(grad, num) < GRAD_RTOL, f"seed {seed}, train {train}, input {which}"


# --- penalties -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_penalty_gradients_match_central_differences(seed):
    w = np.random.default_rng(seed).normal(size=(3, 4))  # no exact zeros: |w| is smooth here
    for penalty, grad in ((reg.l1_penalty, reg.l1_grad), (reg.l2_penalty, reg.l2_grad)):
        num = numerical_gradient(lambda v, penalty=penalty: penalty(v, 0.3), w)
        assert rel_error(grad(w, 0.3), num) < GRAD_RTOL, f"seed {seed}, {penalty.__name__}"


def test_penalties_by_hand():
    w = np.array([1.0, -2.0, 0.0])
    assert reg.l1_penalty(w, 0.5) == pytest.approx(1.5)
    assert reg.l2_penalty(w, 0.5) == pytest.approx(2.5)
    np.testing.assert_array_equal(reg.l1_grad(w, 0.5), [0.5, -0.5, 0.0])
    np.testing.assert_array_equal(reg.l2_grad(w, 0.5), [1.0, -2.0, 0.0])


# --- initialisation ------------------------------------------------------------------------------


def test_init_variances():
    n_in, n_out = 256, 256
    xav, he = reg.xavier_init(n_in, n_out, seed=0), reg.he_init(n_in, n_out, seed=0)
    assert xav.shape == he.shape == (n_in, n_out)
    assert xav.var() == pytest.approx(2.0 / (n_in + n_out), rel=INIT_VAR_RTOL)
    assert he.var() == pytest.approx(2.0 / n_in, rel=INIT_VAR_RTOL)
    np.testing.assert_array_equal(xav, reg.xavier_init(n_in, n_out, seed=0))


# --- clipping ------------------------------------------------------------------------------------


def test_clip_by_value():
    (out,) = reg.clip_by_value([np.array([-3.0, 0.5, 2.0])], 1.0)
    np.testing.assert_array_equal(out, [-1.0, 0.5, 1.0])


def test_clip_by_norm_is_global_and_keeps_direction():
    grads = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]  # global norm 5
    clipped = reg.clip_by_norm(grads, 1.0)
    assert reg.global_norm(clipped) == pytest.approx(1.0)
    for g, c in zip(grads, clipped, strict=True):
        np.testing.assert_allclose(c, g / 5.0, rtol=VALUE_RTOL)  # one factor for all tensors


def test_clip_by_norm_leaves_small_gradients():
    grads = [np.array([0.3, -0.4])]
    np.testing.assert_allclose(reg.clip_by_norm(grads, 1.0)[0], grads[0], rtol=1e-10)


# --- experiment ----------------------------------------------------------------------------------


def test_sigmoid_gradients_vanish_with_depth_relu_do_not():
    sig = reg.gradient_norms_experiment("sigmoid", depth=10, seed=0)
    relu = reg.gradient_norms_experiment("relu", depth=10, seed=0)
    assert sig.shape == relu.shape == (10,)
    assert np.all(np.diff(sig) > 0), f"sigmoid norms should grow towards the output: {sig}"
    assert sig[0] < 1e-3 * sig[-1]
    assert relu.max() < 10 * relu.min(), f"ReLU + He norms should stay comparable: {relu}"
    np.testing.assert_array_equal(sig, reg.gradient_norms_experiment("sigmoid", seed=0))



@pytest.mark.parametrize("seed", [0, 1, 17])
def test_scaled_relu_weights_explode_every_norm_by_the_scale_to_the_depth_minus_one(seed):
    # ReLU is positively homogeneous: W → cW scales h_{l−1} by c^(l−1) and dz_l by c^(depth−l)
    relu = reg.gradient_norms_experiment("relu", depth=10, seed=seed)
    exploded = reg.gradient_norms_experiment("relu", depth=10, seed=seed, weight_scale=2.0)
    np.testing.assert_allclose(exploded, 2.0**9 * relu, rtol=1e-10)


def test_the_experiment_refuses_a_scale_that_is_not_positive():
    with pytest.raises(ValueError, match="weight_scale"):
        reg.gradient_norms_experiment("relu", weight_scale=0.0)

def test_seeded_functions_follow_their_documented_draws():
    # the docstrings spell out the NumPy calls; exercise 08's check of the draws relies on them
    u = np.random.default_rng(5).random((4, 6))
    np.testing.assert_array_equal(reg.dropout_mask((4, 6), 0.3, 5), (u >= 0.3) / 0.7)
    np.testing.assert_array_equal(reg.xavier_init(5, 3, 2), np.random.default_rng(2).normal(
        0.0, np.sqrt(2.0 / 8), (5, 3)))
    np.testing.assert_array_equal(reg.he_init(5, 3, 2), np.random.default_rng(2).normal(
        0.0, np.sqrt(2.0 / 5), (5, 3)))
    depth, width, N, seed = 3, 4, 5, 9
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0.0, np.sqrt(2.0 / width), size=(width, width)) for _ in range(depth)]
    hs = [rng.normal(size=(N, width))]
    G = rng.normal(size=(N, width)) / N
    for w in ws:
        hs.append(np.maximum(hs[-1] @ w, 0.0))
    dh, norms = G, []
    for layer in reversed(range(depth)):
        dz = dh * (hs[layer + 1] > 0)
        norms.insert(0, np.linalg.norm(hs[layer].T @ dz))
        dh = dz @ ws[layer].T
    np.testing.assert_allclose(reg.gradient_norms_experiment("relu", depth, width, N, seed),
                               norms, rtol=VALUE_RTOL)


# --- no mutation, dtype --------------------------------------------------------------------------


def test_no_argument_is_modified():
    x, gamma, beta, rm, rv, dout = make_bn(0)
    originals = [a.copy() for a in (x, gamma, beta, rm, rv, dout)]
    _, cache, _, _ = reg.batchnorm_forward(x, gamma, beta, rm, rv)
    reg.batchnorm_backward(dout, cache)
    mask = reg.dropout_mask(x.shape, 0.5, 0)
    mask_copy = mask.copy()
    reg.dropout_forward(x, 0.5, mask=mask)
    grads = [x, dout]
    reg.clip_by_norm(grads, 0.1)
    reg.clip_by_value(grads, 0.1)
    for a, o in zip((x, gamma, beta, rm, rv, dout), originals, strict=True):
        np.testing.assert_array_equal(a, o)
    np.testing.assert_array_equal(mask, mask_copy)


def test_float32_input_returns_float64():
    x, gamma, beta, rm, rv, _ = (a.astype(np.float32) for a in make_bn(0))
    out, _, new_mean, _ = reg.batchnorm_forward(x, gamma, beta, rm, rv)
    assert out.dtype == new_mean.dtype == np.float64
    assert reg.dropout_forward(x, 0.5, seed=0)[0].dtype == np.float64
