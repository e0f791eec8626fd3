"""Tests of reference.lstm: one step and a sequence, forward and backward, against an independent
computation, central differences and torch.nn.LSTM; the sine-wave training, quick and full."""

import math

import numpy as np
import pytest

from reference import lstm
from reference.sequence_tasks import copy_baseline, sine_wave_data
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # float64 against the math module: a few ulps apart at most
TORCH_ATOL = 1e-12  # the same float64 arithmetic in another order
STEP_ARGS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
SEQ_ARGS = ("x", "h0", "Wx", "Wh", "b")
QUICK_LOSS = 0.02  # the grader's run (H = 8, 60 steps, 16 waves of 20): reference 0.0087
HELD_OUT_MSE = 0.005  # default training, unseen waves of 200 steps: reference 0.0004
SETTLED_MSE = 1e-3  # the same after 20 warm-up steps: reference 4e-5 (the copy guess: 0.063)


def step_inputs(seed: int, N: int = 3, D: int = 4, H: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, D)), "prev_h": rng.normal(size=(N, H)),
            "prev_c": rng.normal(size=(N, H)), "Wx": 0.5 * rng.normal(size=(D, 4 * H)),
            "Wh": 0.5 * rng.normal(size=(H, 4 * H)), "b": 0.5 * rng.normal(size=4 * H),
            "dnext_h": rng.normal(size=(N, H)), "dnext_c": rng.normal(size=(N, H))}


def seq_inputs(seed: int, N: int = 2, T: int = 4, D: int = 3, H: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(size=(N, H)),
            "Wx": 0.5 * rng.normal(size=(D, 4 * H)), "Wh": 0.5 * rng.normal(size=(H, 4 * H)),
            "b": 0.5 * rng.normal(size=4 * H), "dh": rng.normal(size=(N, T, H))}


def _sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# --- one step ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_step_forward_matches_an_independent_computation(seed):
    """Unit by unit with the math module: the gates in the order i, f, o, g."""
    v = step_inputs(seed)
    next_h, next_c, _ = lstm.lstm_step_forward(*(v[k] for k in STEP_ARGS))
    N, H = v["prev_h"].shape
    a = v["x"] @ v["Wx"] + v["prev_h"] @ v["Wh"] + v["b"]
    for n in range(N):
        for j in range(H):
            i, f, o = _sig(a[n, j]), _sig(a[n, H + j]), _sig(a[n, 2 * H + j])
            c = f * v["prev_c"][n, j] + i * math.tanh(a[n, 3 * H + j])
            assert math.isclose(next_c[n, j], c, rel_tol=VALUE_RTOL, abs_tol=1e-15)
            assert math.isclose(next_h[n, j], o * math.tanh(c), rel_tol=VALUE_RTOL,
                                abs_tol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_step_backward_matches_central_differences(seed):
    v = step_inputs(seed)
    _, _, cache = lstm.lstm_step_forward(*(v[k] for k in STEP_ARGS))
    grads = lstm.lstm_step_backward(v["dnext_h"], v["dnext_c"], cache)
    for name, grad in zip(STEP_ARGS, grads, strict=True):
        def loss(value, name=name):
            h, c, _ = lstm.lstm_step_forward(*({**v, name: value}[k] for k in STEP_ARGS))
            return float(np.sum(h * v["dnext_h"]) + np.sum(c * v["dnext_c"]))
        assert grad.shape == v[name].shape
        assert rel_error(grad, numerical_gradient(loss, v[name])) < GRAD_RTOL, (seed, name)


def test_sigmoid_gates_do_not_overflow():
    v = step_inputs(0)
    big = {**v, "b": np.full_like(v["b"], 800.0)}  # every gate saturated: σ = 1, tanh = 1
    with np.errstate(all="raise"):
        next_h, next_c, _ = lstm.lstm_step_forward(*(big[k] for k in STEP_ARGS))
    np.testing.assert_allclose(next_c, v["prev_c"] + 1.0)
    np.testing.assert_allclose(next_h, np.tanh(v["prev_c"] + 1.0))


# --- a sequence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_sequence_is_the_step_repeated(seed):
    v = seq_inputs(seed)
    h, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    N, T, _ = v["x"].shape
    h_t, c_t, caches = v["h0"], np.zeros_like(v["h0"]), []
    for t in range(T):
        h_t, c_t, step_cache = lstm.lstm_step_forward(v["x"][:, t], h_t, c_t, v["Wx"], v["Wh"],
                                                      v["b"])
        np.testing.assert_allclose(h[:, t], h_t, rtol=VALUE_RTOL, atol=1e-15)
        caches.append(step_cache)
    # BPTT by hand from the step's backward: the same five gradients
    dx, dh_next, dc_next = np.zeros_like(v["x"]), np.zeros_like(h_t), np.zeros_like(h_t)
    sums = [0.0, 0.0, 0.0]
    for t in reversed(range(T)):
        dx[:, t], dh_next, dc_next, *grads = lstm.lstm_step_backward(v["dh"][:, t] + dh_next,
                                                                     dc_next, caches[t])
        sums = [s + g for s, g in zip(sums, grads, strict=True)]
    for got, want in zip(lstm.lstm_backward(v["dh"], cache), (dx, dh_next, *sums), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_backward_matches_central_differences(seed):
    v = seq_inputs(seed)
    _, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    grads = lstm.lstm_backward(v["dh"], cache)
    for name, grad in zip(SEQ_ARGS, grads, strict=True):
        def loss(value, name=name):
            h, _ = lstm.lstm_forward(*({**v, name: value}[k] for k in SEQ_ARGS))
            return float(np.sum(h * v["dh"]))
        assert grad.shape == v[name].shape
        assert rel_error(grad, numerical_gradient(loss, v[name])) < GRAD_RTOL, (seed, name)


def test_the_cell_state_carries_the_gradient_far_back():
    """With forget gates near 1, ∂L/∂x_0 of a loss on the last step survives 30 steps."""
    v = seq_inputs(3, N=1, T=30, D=2, H=3)
    v["b"][3:6] = 5.0  # f ≈ 0.993
    _, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    dh = np.zeros_like(v["dh"])
    dh[:, -1] = 1.0
    dx = lstm.lstm_backward(dh, cache)[0]

    def loss(x):
        return float(lstm.lstm_forward(x, *(v[k] for k in SEQ_ARGS[1:]))[0][:, -1].sum())
    assert np.abs(dx[:, 0]).max() > 1e-3
    assert rel_error(dx, numerical_gradient(loss, v["x"])) < GRAD_RTOL


def test_matches_torch():
    torch = pytest.importorskip("torch")
    v = seq_inputs(4, N=3, T=6, D=4, H=5)
    H = 5
    order = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]  # torch's blocks are i, f, g, o
    net = torch.nn.LSTM(4, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.tensor(v["Wx"][:, order].T))
        net.weight_hh_l0.copy_(torch.tensor(v["Wh"][:, order].T))
        net.bias_ih_l0.copy_(torch.tensor(v["b"][order]))
        net.bias_hh_l0.zero_()
    tx = torch.tensor(v["x"], requires_grad=True)
    th0 = torch.tensor(v["h0"][None], requires_grad=True)
    out, _ = net(tx, (th0, torch.zeros(1, 3, H, dtype=torch.float64)))
    (out * torch.tensor(v["dh"])).sum().backward()
    h, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    dx, dh0, dWx, dWh, db = lstm.lstm_backward(v["dh"], cache)
    np.testing.assert_allclose(h, out.detach().numpy(), atol=TORCH_ATOL)
    np.testing.assert_allclose(dx, tx.grad.numpy(), atol=TORCH_ATOL)
    np.testing.assert_allclose(dh0, th0.grad.numpy()[0], atol=TORCH_ATOL)
    np.testing.assert_allclose(dWx[:, order], net.weight_ih_l0.grad.numpy().T, atol=TORCH_ATOL)
    np.testing.assert_allclose(dWh[:, order], net.weight_hh_l0.grad.numpy().T, atol=TORCH_ATOL)
    np.testing.assert_allclose(db[order], net.bias_ih_l0.grad.numpy(), atol=TORCH_ATOL)


# --- the contract --------------------------------------------------------------------------------


def test_no_argument_is_modified_and_outputs_are_not_views_of_the_cache():
    v = seq_inputs(5)
    copies = {k: a.copy() for k, a in v.items()}
    h, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    first = lstm.lstm_backward(v["dh"], cache)
    h[...] = 0.0  # the caller owns h: the cache must not see this
    for g in first:
        g[...] = 0.0
    second = lstm.lstm_backward(v["dh"], cache)
    for k in v:
        np.testing.assert_array_equal(v[k], copies[k])
    again = lstm.lstm_backward(v["dh"], lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))[1])
    for a, b in zip(second, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_float32_input_is_computed_in_float64():
    v = seq_inputs(6)
    h32, _ = lstm.lstm_forward(*(v[k].astype(np.float32) for k in SEQ_ARGS))
    h64, _ = lstm.lstm_forward(*(v[k].astype(np.float32).astype(np.float64) for k in SEQ_ARGS))
    assert h32.dtype == np.float64
    np.testing.assert_array_equal(h32, h64)


@pytest.mark.parametrize(("change", "message"), [
    ({"Wx": np.zeros((4, 20))}, "Wx has shape"),
    ({"Wh": np.zeros((5, 16))}, r"Wh must have shape \(H, 4H\)"),
    ({"b": np.zeros(5)}, "b has shape"),
    ({"h0": np.zeros((3, 5))}, "h0 has shape"),
    ({"x": np.zeros((2, 3))}, r"x must have shape \(N, T, D\)"),
])
def test_wrong_shapes_raise(change, message):
    v = {**seq_inputs(0), **change}
    with pytest.raises(ValueError, match=message):
        lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))


def test_backward_checks_the_upstream_shape():
    v = seq_inputs(0)
    _, cache = lstm.lstm_forward(*(v[k] for k in SEQ_ARGS))
    with pytest.raises(ValueError, match="dh has shape"):
        lstm.lstm_backward(v["dh"][:, :-1], cache)


# --- the sine-wave task --------------------------------------------------------------------------


def test_init_lstm_opens_the_forget_gate():
    p = lstm.init_lstm(2, 3, seed=0)
    assert p["Wx"].shape == (2, 12) and p["Wh"].shape == (3, 12)
    np.testing.assert_array_equal(p["b"], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def test_quick_training_reaches_the_graders_target():
    """The run the grader makes: 60 steps, H = 8, 16 waves of 20 steps."""
    _, losses = lstm.train_sine(H=8, steps=60, N=16, T=20)
    assert len(losses) == 60 and losses[-1] < QUICK_LOSS < losses[0]


def test_full_training_predicts_unseen_longer_waves():
    """The default run (H = 16, 300 steps, about 1 s), tested on 64 unseen waves of 200 steps,
    over six times the training length."""
    p, losses = lstm.train_sine()
    x, y = sine_wave_data(64, 200, seed=123)
    h, _ = lstm.lstm_forward(x, np.zeros((64, 16)), p["Wx"], p["Wh"], p["b"])
    error = (h @ p["Wy"] + p["by"] - y) ** 2
    assert losses[-1] < losses[0] / 100
    assert error.mean() < HELD_OUT_MSE < copy_baseline(x, y)
    assert error[:, 20:].mean() < SETTLED_MSE
