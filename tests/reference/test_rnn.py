"""Tests of reference.rnn: the RNN step and sequence, BPTT, the sequence-shape losses, clipping,
training and the vanishing/exploding-gradient experiment."""

import numpy as np
import pytest

from reference import regularization as reg
from reference import rnn
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # the same float64 arithmetic in another order: a few ulps apart
TRAIN_ACCURACY = 0.95  # stated target: make_sequences(200, 8), H = 16, the default 300 steps


def cell(rng, N=3, T=4, D=5, H=6):
    """x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H,), drawn from rng."""
    return (rng.normal(size=(N, T, D)), rng.normal(size=(N, H)),
            rng.normal(scale=0.5, size=(D, H)), rng.normal(scale=0.5, size=(H, H)),
            rng.normal(size=H))


def params(rng, D=3, H=5, C=4) -> dict:
    return {"Wx": rng.normal(scale=0.6, size=(D, H)), "Wh": rng.normal(scale=0.4, size=(H, H)),
            "b": rng.normal(size=H), "Wy": rng.normal(size=(H, C)), "by": rng.normal(size=C)}


def check_grads(loss, grads: dict, values: dict) -> None:
    """Every gradient in `grads` against central differences of loss(values)."""
    for key, value in values.items():
        num = numerical_gradient(lambda v, key=key: loss({**values, key: v}), value)
        assert rel_error(grads[key], num) < GRAD_RTOL, key


# --- step and sequence ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_step_forward_is_tanh_of_the_affine_map(seed):
    x, h0, Wx, Wh, b = cell(np.random.default_rng(seed))
    next_h, _ = rnn.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    N, H = h0.shape
    loops = np.array([[np.tanh(sum(x[n, 0, d] * Wx[d, j] for d in range(x.shape[2]))
                               + sum(h0[n, k] * Wh[k, j] for k in range(H)) + b[j])
                       for j in range(H)] for n in range(N)])
    np.testing.assert_allclose(next_h, loops, rtol=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_step_backward_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    x, h0, Wx, Wh, b = cell(rng)
    dnext = rng.normal(size=h0.shape)
    values = {"x": x[:, 0], "prev_h": h0, "Wx": Wx, "Wh": Wh, "b": b}
    _, cache = rnn.rnn_step_forward(**values)
    grads = dict(zip(values, rnn.rnn_step_backward(dnext, cache), strict=True))
    check_grads(lambda v: float(np.sum(rnn.rnn_step_forward(**v)[0] * dnext)), grads, values)


@pytest.mark.parametrize("seed", SEEDS)
def test_sequence_forward_chains_the_steps(seed):
    x, h0, Wx, Wh, b = cell(np.random.default_rng(seed))
    h, _ = rnn.rnn_forward(x, h0, Wx, Wh, b)
    prev = h0
    for t in range(x.shape[1]):
        prev, _ = rnn.rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        np.testing.assert_allclose(h[:, t], prev, rtol=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_bptt_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    x, h0, Wx, Wh, b = cell(rng)
    dh = rng.normal(size=(3, 4, 6))
    values = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
    _, cache = rnn.rnn_forward(**values)
    grads = dict(zip(values, rnn.rnn_backward(dh, cache), strict=True))
    check_grads(lambda v: float(np.sum(rnn.rnn_forward(**v)[0] * dh)), grads, values)


def test_bptt_matches_torch():
    torch = pytest.importorskip("torch")
    x, h0, Wx, Wh, b = cell(np.random.default_rng(3), N=2, T=5, D=3, H=4)
    dh = np.random.default_rng(4).normal(size=(2, 5, 4))
    net = torch.nn.RNN(3, 4, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch: h_t = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
        net.weight_ih_l0.copy_(torch.tensor(Wx.T))
        net.weight_hh_l0.copy_(torch.tensor(Wh.T))
        net.bias_ih_l0.copy_(torch.tensor(b))
        net.bias_hh_l0.zero_()
    tx, th0 = torch.tensor(x, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, _ = net(tx, th0)
    (out * torch.tensor(dh)).sum().backward()
    h, cache = rnn.rnn_forward(x, h0, Wx, Wh, b)
    dx, dh0, dWx, dWh, db = rnn.rnn_backward(dh, cache)
    np.testing.assert_allclose(h, out.detach().numpy(), rtol=1e-10)
    for ours, theirs in ((dx, tx.grad), (dh0, th0.grad[0]), (dWx, net.weight_ih_l0.grad.T),
                         (dWh, net.weight_hh_l0.grad.T), (db, net.bias_ih_l0.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_bptt_with_one_step_is_the_step_backward():
    rng = np.random.default_rng(5)
    x, h0, Wx, Wh, b = cell(rng, T=1)
    dh = rng.normal(size=(3, 1, 6))
    _, cache = rnn.rnn_forward(x, h0, Wx, Wh, b)
    _, step = rnn.rnn_step_forward(x[:, 0], h0, Wx, Wh, b)
    seq, one = rnn.rnn_backward(dh, cache), rnn.rnn_step_backward(dh[:, 0], step)
    np.testing.assert_allclose(seq[0][:, 0], one[0], rtol=VALUE_RTOL)
    for a, c in zip(seq[1:], one[1:], strict=True):
        np.testing.assert_allclose(a, c, rtol=VALUE_RTOL)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(6)
    values = cell(rng)
    copies = [v.copy() for v in values]
    h, cache = rnn.rnn_forward(*values)
    dh = rng.normal(size=h.shape)
    dh_copy = dh.copy()
    rnn.rnn_backward(dh, cache)
    for v, c in zip(values + (dh,), copies + [dh_copy], strict=True):
        np.testing.assert_array_equal(v, c)


def test_shape_errors_name_the_argument():
    x, h0, Wx, Wh, b = cell(np.random.default_rng(0))
    with pytest.raises(ValueError, match="Wh must have shape"):
        rnn.rnn_forward(x, h0, Wx, Wh[:-1], b)
    with pytest.raises(ValueError, match="h0 has 2 rows"):
        rnn.rnn_forward(x, h0[:2], Wx, Wh, b)
    with pytest.raises(ValueError, match="x must have 3 dimensions"):
        rnn.rnn_forward(x[:, 0], h0, Wx, Wh, b)


# --- output layer and losses ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_temporal_affine_gradients(seed):
    rng = np.random.default_rng(seed)
    values = {"h": rng.normal(size=(2, 3, 4)), "W": rng.normal(size=(4, 5)),
              "b": rng.normal(size=5)}
    dout = rng.normal(size=(2, 3, 5))
    out, cache = rnn.temporal_affine_forward(**values)
    np.testing.assert_allclose(out[1, 2], values["h"][1, 2] @ values["W"] + values["b"],
                               rtol=VALUE_RTOL)
    grads = dict(zip(values, rnn.temporal_affine_backward(dout, cache), strict=True))
    check_grads(lambda v: float(np.sum(rnn.temporal_affine_forward(**v)[0] * dout)), grads,
                values)


def test_temporal_softmax_loss_matches_the_per_step_loss():
    rng = np.random.default_rng(7)
    scores, y = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    mask = rng.random((3, 4)) < 0.6
    loss, dscores = rnn.temporal_softmax_loss(scores, y, mask)
    expected = 0.0
    for n in range(3):
        for t in range(4):
            p = np.exp(scores[n, t]) / np.exp(scores[n, t]).sum()
            expected -= mask[n, t] * np.log(p[y[n, t]]) / 3
    assert loss == pytest.approx(expected, rel=VALUE_RTOL)
    num = numerical_gradient(lambda s: rnn.temporal_softmax_loss(s, y, mask)[0], scores)
    assert rel_error(dscores, num) < GRAD_RTOL
    assert np.all(dscores[~mask] == 0.0)


def test_temporal_softmax_loss_is_stable_and_defaults_to_every_step():
    y = np.zeros((1, 2), dtype=int)
    loss, dscores = rnn.temporal_softmax_loss(np.array([[[1e4, 0.0], [0.0, 1e4]]]), y)
    assert loss == pytest.approx(1e4) and np.all(np.isfinite(dscores))
    with pytest.raises(ValueError, match="integers in"):
        rnn.temporal_softmax_loss(np.zeros((1, 2, 2)), np.array([[0, 2]]))


@pytest.mark.parametrize("seed", SEEDS)
def test_many_to_one_gradients(seed):
    rng = np.random.default_rng(seed)
    p, x, y = params(rng), rng.normal(size=(4, 5, 3)), rng.integers(0, 4, size=4)
    loss, grads = rnn.many_to_one_loss(p, x, y)
    check_grads(lambda v: rnn.many_to_one_loss(v, x, y)[0], grads, p)


def test_many_to_one_is_many_to_many_masked_to_the_last_step():
    rng = np.random.default_rng(8)
    p, x, y = params(rng), rng.normal(size=(4, 5, 3)), rng.integers(0, 4, size=4)
    ys = np.repeat(y[:, None], 5, axis=1)
    mask = np.zeros((4, 5))
    mask[:, -1] = 1
    one, g1 = rnn.many_to_one_loss(p, x, y)
    many, g2 = rnn.many_to_many_loss(p, x, ys, mask)
    assert one == pytest.approx(many, rel=VALUE_RTOL)
    for key in rnn.PARAM_KEYS:
        np.testing.assert_allclose(g1[key], g2[key], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_to_many_gradients_and_repeat(seed):
    rng = np.random.default_rng(seed)
    p, x, y = params(rng), rng.normal(size=(3, 3)), rng.integers(0, 4, size=(3, 6))
    loss, grads = rnn.one_to_many_loss(p, x, y)
    check_grads(lambda v: rnn.one_to_many_loss(v, x, y)[0], grads, p)
    repeated = np.repeat(x[:, None], 6, axis=1)
    assert loss == pytest.approx(rnn.many_to_many_loss(p, repeated, y)[0], rel=VALUE_RTOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_many_to_many_gradients_with_a_mask(seed):
    rng = np.random.default_rng(seed)
    p, x, y = params(rng), rng.normal(size=(3, 4, 3)), rng.integers(0, 4, size=(3, 4))
    mask = rng.random((3, 4)) < 0.5
    loss, grads = rnn.many_to_many_loss(p, x, y, mask)
    check_grads(lambda v: rnn.many_to_many_loss(v, x, y, mask)[0], grads, p)


# --- clipping, training, experiment --------------------------------------------------------------


def test_clip_gradients_uses_the_global_norm_of_exercise_08():
    rng = np.random.default_rng(9)
    grads = {"Wx": 3 * rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    clipped, norm = rnn.clip_gradients(grads, 1.0)
    assert norm == pytest.approx(reg.global_norm(list(grads.values())), rel=VALUE_RTOL)
    assert list(clipped) == ["Wx", "b"]
    assert reg.global_norm(list(clipped.values())) == pytest.approx(1.0, rel=1e-9)
    ratio = clipped["Wx"] / grads["Wx"]
    np.testing.assert_allclose(clipped["b"] / grads["b"], ratio[0, 0], rtol=1e-12)
    same, _ = rnn.clip_gradients(grads, 100.0)
    for key in grads:
        np.testing.assert_array_equal(same[key], grads[key])


def test_orthogonal_is_orthogonal_with_a_positive_r_diagonal():
    a = np.random.default_rng(10).normal(size=(6, 6))
    q = rnn.orthogonal(a)
    np.testing.assert_allclose(q.T @ q, np.eye(6), atol=1e-12)
    assert np.all(np.diag(q.T @ a) > 0)  # R = Qᵀ a has a positive diagonal


def test_training_learns_the_sign_of_the_sum():
    x, y = rnn.make_sequences(200, 8, seed=0)
    p, history = rnn.train_many_to_one(x, y)
    assert history.shape == (rnn.STEPS,) and history[-1] < 0.2 * history[0]
    h, _ = rnn.rnn_forward(x, np.zeros((200, 16)), p["Wx"], p["Wh"], p["b"])
    assert np.mean(np.argmax(h[:, -1] @ p["Wy"] + p["by"], axis=1) == y) >= TRAIN_ACCURACY


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_through_time_vanishes_and_explodes(seed):
    small, _ = rnn.gradient_through_time(0.5, seed=seed)
    large, _ = rnn.gradient_through_time(3.0, seed=seed)
    assert np.all(small[:-1] <= 0.5 * small[1:] * (1 + 1e-12))  # ‖∂L/∂h_{t−1}‖ ≤ r ‖∂L/∂h_t‖
    assert small[0] < 1e-6 * small[-1]
    assert large[0] > 1e3 * large[-1]


def test_gradient_through_time_grads_are_the_bptt_grads():
    norms, grads = rnn.gradient_through_time(1.5, T=6, N=3, D=2, H=4, seed=11)
    rng = np.random.default_rng(11)
    Wh = 1.5 * rnn.orthogonal(rng.normal(size=(4, 4)))
    Wx = rng.normal(size=(2, 4)) * rnn.INPUT_SCALE / np.sqrt(2)
    x, G = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 4))
    h, cache = rnn.rnn_forward(x, np.zeros((3, 4)), Wx, Wh, np.zeros(4))
    dh = np.zeros_like(h)
    dh[:, -1] = G
    _, _, dWx, dWh, db = rnn.rnn_backward(dh, cache)
    for key, want in (("Wx", dWx), ("Wh", dWh), ("b", db)):
        np.testing.assert_allclose(grads[key], want, rtol=1e-10)
    assert norms[-1] == pytest.approx(np.linalg.norm(G), rel=VALUE_RTOL)
