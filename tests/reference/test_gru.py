"""Tests of reference.gru: one step and a sequence, forward and backward, against an independent
computation, central differences and torch.nn.GRU (the same convention, exactly); the sine-wave
training, quick and full."""

import math

import numpy as np
import pytest

from reference import gru
from reference.sequence_tasks import copy_baseline, sine_wave_data
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # float64 against the math module: a few ulps apart at most
TORCH_ATOL = 1e-12  # the same float64 arithmetic in another order
STEP_ARGS = ("x", "prev_h", "Wx", "Wh", "bx", "bh")
SEQ_ARGS = ("x", "h0", "Wx", "Wh", "bx", "bh")
QUICK_LOSS = 0.02  # the grader's run (H = 8, 60 steps, 16 waves of 20): reference 0.0093
HELD_OUT_MSE = 0.005  # default training, unseen waves of 200 steps: reference 0.0005
SETTLED_MSE = 1e-3  # the same after 20 warm-up steps: reference 1.2e-4 (the copy guess: 0.063)


def step_inputs(seed: int, N: int = 3, D: int = 4, H: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, D)), "prev_h": rng.normal(size=(N, H)),
            "Wx": 0.5 * rng.normal(size=(D, 3 * H)), "Wh": 0.5 * rng.normal(size=(H, 3 * H)),
            "bx": 0.5 * rng.normal(size=3 * H), "bh": 0.5 * rng.normal(size=3 * H),
            "dnext_h": rng.normal(size=(N, H))}


def seq_inputs(seed: int, N: int = 2, T: int = 4, D: int = 3, H: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(size=(N, H)),
            "Wx": 0.5 * rng.normal(size=(D, 3 * H)), "Wh": 0.5 * rng.normal(size=(H, 3 * H)),
            "bx": 0.5 * rng.normal(size=3 * H), "bh": 0.5 * rng.normal(size=3 * H),
            "dh": rng.normal(size=(N, T, H))}


def _sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# --- one step ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_step_forward_matches_an_independent_computation(seed):
    """Unit by unit with the math module: blocks r, z, n; the reset after the matmul."""
    v = step_inputs(seed)
    next_h, _ = gru.gru_step_forward(*(v[k] for k in STEP_ARGS))
    N, H = v["prev_h"].shape
    ax, ah = v["x"] @ v["Wx"] + v["bx"], v["prev_h"] @ v["Wh"] + v["bh"]
    for n in range(N):
        for j in range(H):
            r = _sig(ax[n, j] + ah[n, j])
            z = _sig(ax[n, H + j] + ah[n, H + j])
            cand = math.tanh(ax[n, 2 * H + j] + r * ah[n, 2 * H + j])
            want = (1 - z) * cand + z * v["prev_h"][n, j]
            assert math.isclose(next_h[n, j], want, rel_tol=VALUE_RTOL, abs_tol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_step_backward_matches_central_differences(seed):
    v = step_inputs(seed)
    _, cache = gru.gru_step_forward(*(v[k] for k in STEP_ARGS))
    grads = gru.gru_step_backward(v["dnext_h"], cache)
    for name, grad in zip(STEP_ARGS, grads, strict=True):
        def loss(value, name=name):
            h, _ = gru.gru_step_forward(*({**v, name: value}[k] for k in STEP_ARGS))
            return float(np.sum(h * v["dnext_h"]))
        assert grad.shape == v[name].shape
        assert rel_error(grad, numerical_gradient(loss, v[name])) < GRAD_RTOL, (seed, name)


def test_update_gate_one_keeps_the_state():
    """z = 1 (a huge update bias): next_h = prev_h, and the gradient passes straight through."""
    v = step_inputs(1)
    H = v["prev_h"].shape[1]
    v["bx"][H:2 * H] = 800.0
    with np.errstate(all="raise"):
        next_h, cache = gru.gru_step_forward(*(v[k] for k in STEP_ARGS))
        dprev_h = gru.gru_step_backward(v["dnext_h"], cache)[1]
    np.testing.assert_allclose(next_h, v["prev_h"], rtol=VALUE_RTOL, atol=1e-15)
    np.testing.assert_allclose(dprev_h, v["dnext_h"], rtol=VALUE_RTOL, atol=1e-15)


# --- a sequence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_sequence_is_the_step_repeated(seed):
    v = seq_inputs(seed)
    h, cache = gru.gru_forward(*(v[k] for k in SEQ_ARGS))
    T = v["x"].shape[1]
    h_t, caches = v["h0"], []
    for t in range(T):
        h_t, step_cache = gru.gru_step_forward(v["x"][:, t], h_t, *(v[k] for k in SEQ_ARGS[2:]))
        np.testing.assert_allclose(h[:, t], h_t, rtol=VALUE_RTOL, atol=1e-15)
        caches.append(step_cache)
    dx, dh_next, sums = np.zeros_like(v["x"]), np.zeros_like(h_t), [0.0] * 4
    for t in reversed(range(T)):
        dx[:, t], dh_next, *grads = gru.gru_step_backward(v["dh"][:, t] + dh_next, caches[t])
        sums = [s + g for s, g in zip(sums, grads, strict=True)]
    for got, want in zip(gru.gru_backward(v["dh"], cache), (dx, dh_next, *sums), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_backward_matches_central_differences(seed):
    v = seq_inputs(seed)
    _, cache = gru.gru_forward(*(v[k] for k in SEQ_ARGS))
    grads = gru.gru_backward(v["dh"], cache)
    for name, grad in zip(SEQ_ARGS, grads, strict=True):
        def loss(value, name=name):
            h, _ = gru.gru_forward(*({**v, name: value}[k] for k in SEQ_ARGS))
            return float(np.sum(h * v["dh"]))
        assert grad.shape == v[name].shape
        assert rel_error(grad, numerical_gradient(loss, v[name])) < GRAD_RTOL, (seed, name)


def test_matches_torch():
    torch = pytest.importorskip("torch")
    v = seq_inputs(4, N=3, T=6, D=4, H=5)
    net = torch.nn.GRU(4, 5, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # the same blocks r, z, n and both biases: a transpose, nothing else
        net.weight_ih_l0.copy_(torch.tensor(v["Wx"].T))
        net.weight_hh_l0.copy_(torch.tensor(v["Wh"].T))
        net.bias_ih_l0.copy_(torch.tensor(v["bx"]))
        net.bias_hh_l0.copy_(torch.tensor(v["bh"]))
    tx = torch.tensor(v["x"], requires_grad=True)
    th0 = torch.tensor(v["h0"][None], requires_grad=True)
    out, _ = net(tx, th0)
    (out * torch.tensor(v["dh"])).sum().backward()
    h, cache = gru.gru_forward(*(v[k] for k in SEQ_ARGS))
    dx, dh0, dWx, dWh, dbx, dbh = gru.gru_backward(v["dh"], cache)
    np.testing.assert_allclose(h, out.detach().numpy(), atol=TORCH_ATOL)
    np.testing.assert_allclose(dx, tx.grad.numpy(), atol=TORCH_ATOL)
    np.testing.assert_allclose(dh0, th0.grad.numpy()[0], atol=TORCH_ATOL)
    np.testing.assert_allclose(dWx, net.weight_ih_l0.grad.numpy().T, atol=TORCH_ATOL)
    np.testing.assert_allclose(dWh, net.weight_hh_l0.grad.numpy().T, atol=TORCH_ATOL)
    np.testing.assert_allclose(dbx, net.bias_ih_l0.grad.numpy(), atol=TORCH_ATOL)
    np.testing.assert_allclose(dbh, net.bias_hh_l0.grad.numpy(), atol=TORCH_ATOL)


# --- the contract --------------------------------------------------------------------------------


def test_no_argument_is_modified_and_outputs_are_not_views_of_the_cache():
    v = seq_inputs(5)
    copies = {k: a.copy() for k, a in v.items()}
    h, cache = gru.gru_forward(*(v[k] for k in SEQ_ARGS))
    first = gru.gru_backward(v["dh"], cache)
    h[...] = 0.0  # the caller owns h and the gradients: the cache must not see this
    for g in first:
        g[...] = 0.0
    second = gru.gru_backward(v["dh"], cache)
    for k in v:
        np.testing.assert_array_equal(v[k], copies[k])
    again = gru.gru_backward(v["dh"], gru.gru_forward(*(v[k] for k in SEQ_ARGS))[1])
    for a, b in zip(second, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_float32_input_is_computed_in_float64():
    v = seq_inputs(6)
    h32, _ = gru.gru_forward(*(v[k].astype(np.float32) for k in SEQ_ARGS))
    h64, _ = gru.gru_forward(*(v[k].astype(np.float32).astype(np.float64) for k in SEQ_ARGS))
    assert h32.dtype == np.float64
    np.testing.assert_array_equal(h32, h64)


@pytest.mark.parametrize(("change", "message"), [
    ({"Wx": np.zeros((4, 15))}, "Wx has shape"),
    ({"Wh": np.zeros((5, 12))}, r"Wh must have shape \(H, 3H\)"),
    ({"bh": np.zeros(5)}, "bh has shape"),
    ({"h0": np.zeros((3, 5))}, "h0 has shape"),
    ({"x": np.zeros((2, 3))}, r"x must have shape \(N, T, D\)"),
])
def test_wrong_shapes_raise(change, message):
    v = {**seq_inputs(0), **change}
    with pytest.raises(ValueError, match=message):
        gru.gru_forward(*(v[k] for k in SEQ_ARGS))


# --- the sine-wave task --------------------------------------------------------------------------


def test_quick_training_reaches_the_graders_target():
    """The run the grader makes: 60 steps, H = 8, 16 waves of 20 steps."""
    _, losses = gru.train_sine(H=8, steps=60, N=16, T=20)
    assert len(losses) == 60 and losses[-1] < QUICK_LOSS < losses[0]


def test_full_training_predicts_unseen_longer_waves():
    """The default run (H = 16, 300 steps, about 1 s), tested on 64 unseen waves of 200 steps."""
    p, losses = gru.train_sine()
    x, y = sine_wave_data(64, 200, seed=123)
    h, _ = gru.gru_forward(x, np.zeros((64, 16)), *(p[k] for k in gru.PARAM_KEYS))
    error = (h @ p["Wy"] + p["by"] - y) ** 2
    assert losses[-1] < losses[0] / 100
    assert error.mean() < HELD_OUT_MSE < copy_baseline(x, y)
    assert error[:, 20:].mean() < SETTLED_MSE
