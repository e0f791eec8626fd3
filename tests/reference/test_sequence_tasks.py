"""Tests of reference.sequence_tasks: the sine-wave data, the read-out loss and the training loop
shared by the LSTM and the GRU."""

import numpy as np
import pytest

from reference import sequence_tasks as st
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

BASELINE_ATOL = 0.003  # 4000 waves × 50 steps: the sample mean of (s_{t+1} − s_t)² is this close


def test_sine_waves_are_seeded_and_shifted_by_one_step():
    x, y = st.sine_wave_data(5, 12, seed=3)
    again, _ = st.sine_wave_data(5, 12, seed=3)
    other, _ = st.sine_wave_data(5, 12, seed=4)
    assert x.shape == y.shape == (5, 12, 1)
    np.testing.assert_array_equal(x, again)
    assert not np.array_equal(x, other)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])  # the target is the next input


def test_sine_waves_follow_their_formula():
    """Frequencies first, then phases, from one default_rng(seed)."""
    rng = np.random.default_rng(7)
    omega = rng.uniform(st.OMEGA_MIN, st.OMEGA_MAX, size=4)
    phase = rng.uniform(0.0, 2 * np.pi, size=4)
    x, y = st.sine_wave_data(4, 9, seed=7)
    t = np.arange(9)
    np.testing.assert_allclose(x[..., 0], np.sin(omega[:, None] * t + phase[:, None]))
    np.testing.assert_allclose(y[..., 0], np.sin(omega[:, None] * (t + 1) + phase[:, None]))


def test_copy_baseline_is_one_minus_the_mean_cosine():
    """E[(s_{t+1} − s_t)²] = 1 − E[cos ω] for ω uniform on [OMEGA_MIN, OMEGA_MAX]."""
    x, y = st.sine_wave_data(4000, 50, seed=0)
    lo, hi = st.OMEGA_MIN, st.OMEGA_MAX
    expected = 1.0 - (np.sin(hi) - np.sin(lo)) / (hi - lo)
    assert abs(st.copy_baseline(x, y) - expected) < BASELINE_ATOL


@pytest.mark.parametrize("seed", [0, 1])
def test_readout_loss_gradients_match_central_differences(seed):
    rng = np.random.default_rng(seed)
    h, y = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 1))
    Wy, by = rng.normal(size=(5, 1)), rng.normal(size=1)
    loss, dh, grads = st.readout_loss(h, y, Wy, by)
    assert loss == pytest.approx(np.mean((h @ Wy + by - y) ** 2))
    for value, grad, f in (
        (h, dh, lambda v: st.readout_loss(v, y, Wy, by)[0]),
        (Wy, grads["Wy"], lambda v: st.readout_loss(h, y, v, by)[0]),
        (by, grads["by"], lambda v: st.readout_loss(h, y, Wy, v)[0]),
    ):
        assert rel_error(grad, numerical_gradient(f, value)) < GRAD_RTOL


def test_train_regression_drives_any_cell():
    """A cell with no memory (h = tanh(x W)) still learns part of the task: the loop only needs
    the two functions, and it returns new arrays."""
    x, y = st.sine_wave_data(8, 10, seed=0)

    def forward(x, h0, p):
        h = np.tanh(x @ p["W"])
        return h, (x, h)

    def backward(dh, cache):
        x, h = cache
        da = dh * (1 - h * h)
        return {"W": x.reshape(-1, x.shape[2]).T @ da.reshape(-1, da.shape[2])}

    params = {"W": np.full((1, 3), 0.1), **st.init_readout(3, seed=0)}
    before = {k: v.copy() for k, v in params.items()}
    trained, losses = st.train_regression(forward, backward, params, x, y, steps=100, lr=0.05)
    assert len(losses) == 100 and losses[-1] < 0.5 * losses[0]
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        assert trained[k] is not params[k]


def test_train_regression_checks_its_settings():
    with pytest.raises(ValueError, match="steps >= 0 and lr > 0"):
        st.train_regression(None, None, {}, np.zeros((1, 1, 1)), np.zeros((1, 1, 1)), 1, 0.0)
    with pytest.raises(ValueError, match="N = 0"):
        st.sine_wave_data(0, 5)
