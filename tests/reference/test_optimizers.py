"""Tests of reference.optimizers: exact updates, state handling, schedules, convergence.

The oracles are independent: numbers worked out by hand, and per-coordinate loops over Python
floats written here from the published update rules (not calls into the reference).
"""

import math

import numpy as np
import pytest

from reference import optimizers as opt

EXACT_RTOL = 1e-12  # float64 arrays vs Python-float loops of the same formula: a few ulps
CONVERGED_ATOL = 1e-3  # "reached the minimum": every coordinate within 1e-3 of it
H = 1e-6  # central differences on Rosenbrock (|f'''| ~ 2400 near |x| = 2): error ~ h²·400

GRADS = [[0.5, -2.0, 3.0], [1.5, 0.25, -1.0], [-0.75, 1.0, 2.0], [2.0, -0.5, 0.1]]
W0 = [1.0, -0.5, 2.0]


def _steps(name, grads=GRADS, w0=W0, **hyper):
    """Feed the fixed gradient sequence to the reference optimizer, return every iterate."""
    fn = opt.OPTIMIZERS[name]
    w, state, path = np.array(w0), None, []
    for g in grads:
        w, state = fn(w, np.array(g), state, **hyper)
        path.append(w)
    return np.array(path), state


def _loop(update, grads=GRADS, w0=W0):
    """Independent oracle: apply `update(w_i, g_i, t, memory_i) -> w_i` coordinate by coordinate.

    memory_i is a plain dict per coordinate the update may keep its running sums in.
    """
    ws, mem, path = list(w0), [{} for _ in w0], []
    for t, g in enumerate(grads, start=1):
        ws = [update(ws[i], g[i], t, mem[i]) for i in range(len(ws))]
        path.append(list(ws))
    return np.array(path)


# --- exact updates by hand -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, hyper, expected",
    [
        # w0 = 1, g = 1 three times, lr = 0.1, γ = 0.9
        ("sgd", {"lr": 0.1}, [0.9, 0.8, 0.7]),
        # m = 0.1, 0.19, 0.271 ; w −= 0.1 m
        ("momentum", {"lr": 0.1, "gamma": 0.9}, [0.99, 0.971, 0.9439]),
        # v = 0.1, 0.19, 0.271 ; w −= v
        ("heavy_ball", {"lr": 0.1, "gamma": 0.9}, [0.9, 0.71, 0.439]),
        # w −= γ v + α g : 0.19, 0.271, 0.3439
        ("nesterov", {"lr": 0.1, "gamma": 0.9}, [0.81, 0.539, 0.1951]),
        # G = 1, 2, 3 ; w −= 0.1 / √G
        ("adagrad", {"lr": 0.1, "eps": 0.0}, [0.9, 0.9 - 0.1 / math.sqrt(2), None]),
        # constant g: m̂ = 1 and v̂ = 1 at every t, so every step is exactly α
        ("adam", {"lr": 0.1, "eps": 0.0}, [0.9, 0.8, 0.7]),
    ],
)
def test_three_steps_by_hand(name, hyper, expected):
    path, _ = _steps(name, grads=[[1.0]] * 3, w0=[1.0], **hyper)
    for k, want in enumerate(expected):
        if want is not None:
            assert path[k, 0] == pytest.approx(want, rel=EXACT_RTOL)


def test_adagrad_and_rmsprop_by_hand():
    """Adagrad, g = 3 then 4: G = 9, 25, steps 0.1·3/3 and 0.1·4/5. RMSprop ρ = 0.9, g = 1."""
    path, state = _steps("adagrad", grads=[[3.0], [4.0]], w0=[1.0], lr=0.1, eps=0.0)
    assert path[:, 0] == pytest.approx([0.9, 0.82], rel=EXACT_RTOL)
    assert state["G"] == pytest.approx([25.0])
    path, state = _steps("rmsprop", grads=[[1.0], [1.0]], w0=[1.0], lr=0.1, rho=0.9, eps=0.0)
    want1 = 1.0 - 0.1 / math.sqrt(0.1)
    assert path[:, 0] == pytest.approx([want1, want1 - 0.1 / math.sqrt(0.19)], rel=EXACT_RTOL)
    assert state["v"] == pytest.approx([0.19])


# --- exact multi-step updates against independent loops ------------------------------------------


def _momentum_ema(lr, gamma):
    def upd(w, g, t, mem):
        mem["m"] = gamma * mem.get("m", 0.0) + (1 - gamma) * g
        return w - lr * mem["m"]

    return upd


def _heavy_ball(lr, gamma):
    def upd(w, g, t, mem):
        mem["v"] = gamma * mem.get("v", 0.0) + lr * g
        return w - mem["v"]

    return upd


def _nesterov(lr, gamma):
    def upd(w, g, t, mem):
        mem["v"] = gamma * mem.get("v", 0.0) + lr * g
        return w - gamma * mem["v"] - lr * g

    return upd


def _adagrad(lr, eps):
    def upd(w, g, t, mem):
        mem["G"] = mem.get("G", 0.0) + g * g
        return w - lr * g / (math.sqrt(mem["G"]) + eps)

    return upd


def _adadelta(lr, rho, eps):
    def upd(w, g, t, mem):
        mem["v"] = rho * mem.get("v", 0.0) + (1 - rho) * g * g
        delta = -math.sqrt(mem.get("D", 0.0) + eps) / math.sqrt(mem["v"] + eps) * g
        mem["D"] = rho * mem.get("D", 0.0) + (1 - rho) * delta * delta
        return w + lr * delta

    return upd


def _rmsprop(lr, rho, eps):
    def upd(w, g, t, mem):
        mem["v"] = rho * mem.get("v", 0.0) + (1 - rho) * g * g
        return w - lr * g / (math.sqrt(mem["v"]) + eps)

    return upd


def _adam(lr, b1, b2, eps, l2=0.0, decoupled=0.0):
    def upd(w, g, t, mem):
        g = g + l2 * w
        mem["m"] = b1 * mem.get("m", 0.0) + (1 - b1) * g
        mem["v"] = b2 * mem.get("v", 0.0) + (1 - b2) * g * g
        m_hat = mem["m"] / (1 - b1**t)
        v_hat = mem["v"] / (1 - b2**t)
        return w - lr * (m_hat / (math.sqrt(v_hat) + eps) + decoupled * w)

    return upd


CASES = [
    ("sgd", {"lr": 0.05}, lambda: lambda w, g, t, mem: w - 0.05 * g),
    ("momentum", {"lr": 0.05, "gamma": 0.8}, lambda: _momentum_ema(0.05, 0.8)),
    ("heavy_ball", {"lr": 0.05, "gamma": 0.8}, lambda: _heavy_ball(0.05, 0.8)),
    ("nesterov", {"lr": 0.05, "gamma": 0.8}, lambda: _nesterov(0.05, 0.8)),
    ("adagrad", {"lr": 0.3, "eps": 1e-8}, lambda: _adagrad(0.3, 1e-8)),
    ("adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}, lambda: _adadelta(1.0, 0.9, 1e-6)),
    ("rmsprop", {"lr": 0.01, "rho": 0.9, "eps": 1e-8}, lambda: _rmsprop(0.01, 0.9, 1e-8)),
    (
        "adam",
        {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        lambda: _adam(0.01, 0.9, 0.999, 1e-8),
    ),
    (
        "adam",
        {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1},
        lambda: _adam(0.01, 0.8, 0.99, 1e-8, l2=0.1),
    ),
    (
        "adamw",
        {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1},
        lambda: _adam(0.01, 0.9, 0.999, 1e-8, decoupled=0.1),
    ),
]


@pytest.mark.parametrize("name, hyper, oracle", CASES, ids=[c[0] for c in CASES])
def test_four_steps_match_an_independent_loop(name, hyper, oracle):
    path, _ = _steps(name, **hyper)
    np.testing.assert_allclose(path, _loop(oracle()), rtol=EXACT_RTOL, atol=1e-15)


def test_default_hyper_parameters_of_adam():
    path, state = _steps("adam")
    np.testing.assert_allclose(path, _loop(_adam(1e-3, 0.9, 0.999, 1e-8)), rtol=EXACT_RTOL)
    assert state["t"] == len(GRADS)


def test_ema_momentum_is_heavy_ball_with_a_smaller_learning_rate():
    """m = γm + (1−γ)g with α equals v = γv + α(1−γ)g: the seeds' form takes 10× smaller steps."""
    ema, _ = _steps("momentum", lr=0.1, gamma=0.9)
    hb, _ = _steps("heavy_ball", lr=0.1 * (1 - 0.9), gamma=0.9)
    np.testing.assert_allclose(ema, hb, rtol=1e-12)
    hb_same_lr, _ = _steps("heavy_ball", lr=0.1, gamma=0.9)
    assert not np.allclose(ema, hb_same_lr)


# --- state handling ------------------------------------------------------------------------------

STATE_KEYS = {
    "sgd": set(),
    "momentum": {"m"},
    "heavy_ball": {"v"},
    "nesterov": {"v"},
    "adagrad": {"G"},
    "adadelta": {"v", "D"},
    "rmsprop": {"v"},
    "adam": {"m", "v", "t"},
    "adamw": {"m", "v", "t"},
}


@pytest.mark.parametrize("name", sorted(opt.OPTIMIZERS))
def test_state_keys_and_first_call(name):
    """None, {} and an explicit all-zero state are the same first call; the keys are documented."""
    fn = opt.OPTIMIZERS[name]
    w, dw = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.3, -0.1], [2.0, -4.0]])
    w1, s1 = fn(w, dw, None)
    assert set(s1) == STATE_KEYS[name]
    for key in STATE_KEYS[name] - {"t"}:
        assert s1[key].shape == w.shape and s1[key].dtype == np.float64
        assert f'"{key}"' in fn.__doc__
    w1_empty, _ = fn(w, dw, {})
    zeros = {k: (0 if k == "t" else np.zeros_like(w)) for k in STATE_KEYS[name]}
    w1_zeros, _ = fn(w, dw, zeros)
    np.testing.assert_array_equal(w1, w1_empty)
    np.testing.assert_array_equal(w1, w1_zeros)
    assert w1.shape == w.shape and w1.dtype == np.float64


@pytest.mark.parametrize("name", sorted(opt.OPTIMIZERS))
def test_nothing_is_mutated(name):
    """Read-only inputs (a write would raise), unchanged values, no shared memory in the outputs."""
    fn = opt.OPTIMIZERS[name]
    w, dw = np.array([1.0, -2.0, 0.5]), np.array([0.3, -0.1, 2.0])
    _, state = fn(w, dw, None)
    frozen = {k: (np.array(v) if isinstance(v, np.ndarray) else v) for k, v in state.items()}
    for arr in (w, dw, *(v for v in state.values() if isinstance(v, np.ndarray))):
        arr.flags.writeable = False
    w2, state2 = fn(w, dw, state)
    np.testing.assert_array_equal(w, [1.0, -2.0, 0.5])
    np.testing.assert_array_equal(dw, [0.3, -0.1, 2.0])
    assert set(state) == set(frozen)
    for k, v in frozen.items():
        np.testing.assert_array_equal(state[k], v)
    assert state2 is not state
    for out in (w2, *(v for v in state2.values() if isinstance(v, np.ndarray))):
        for given in (w, dw, *(v for v in state.values() if isinstance(v, np.ndarray))):
            assert not np.shares_memory(out, given)


@pytest.mark.parametrize("name", sorted(opt.OPTIMIZERS))
def test_the_state_carries_the_history(name):
    """Passing the returned state back differs from restarting with None (except plain SGD)."""
    fn = opt.OPTIMIZERS[name]
    w, dw, dw2 = np.array([1.0, -2.0]), np.array([0.3, -0.1]), np.array([-0.2, 0.4])
    w1, s1 = fn(w, dw, None)
    w2_carried, _ = fn(w1, dw2, s1)
    w2_restarted, _ = fn(w1, dw2, None)
    if name == "sgd":
        np.testing.assert_array_equal(w2_carried, w2_restarted)
    else:
        assert not np.allclose(w2_carried, w2_restarted, rtol=1e-9, atol=0)


def test_adam_counts_its_steps():
    w, dw = np.ones(2), np.ones(2)
    _, s = opt.adam(w, dw, None)
    assert s["t"] == 1
    _, s = opt.adam(w, dw, s)
    assert s["t"] == 2


@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 1))])
def test_shape_mismatches_are_reported(bad):
    with pytest.raises(ValueError, match="shape"):
        opt.adam(np.ones(2), bad, None)
    with pytest.raises(ValueError, match="shape"):
        opt.momentum(np.ones(2), np.ones(2), {"m": bad})


# --- bias correction -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e3])
def test_adam_first_step_has_the_size_of_the_learning_rate(scale):
    """m̂₁ = g, v̂₁ = g², so |Δw₁| = α|g|/(|g| + ε) ≈ α whatever the gradient's size."""
    lr = 1e-3
    dw = scale * np.array([1.0, -3.0, 0.5])
    w1, _ = opt.adam(np.zeros(3), dw, None, lr=lr)
    np.testing.assert_allclose(np.abs(w1), lr, rtol=1e-3)
    assert np.all(np.sign(w1) == -np.sign(dw))


def test_without_bias_correction_the_first_step_would_be_three_times_larger():
    """(1 − β₁)/√(1 − β₂) = 0.1/√0.001 ≈ 3.16: what a forgotten correction produces."""
    w1, s = opt.adam(np.zeros(1), np.ones(1), None, lr=1.0, eps=0.0)
    uncorrected = s["m"] / np.sqrt(s["v"])
    assert uncorrected == pytest.approx(0.1 / math.sqrt(0.001))
    assert abs(w1[0]) == pytest.approx(1.0)


# --- AdamW vs Adam with L2 -----------------------------------------------------------------------


def test_adamw_decays_outside_the_adaptive_term():
    """AdamW = Adam's step − α λ w exactly; Adam with L2 divides λw by √v̂ and loses most of it."""
    w, dw, lr, wd = np.array([2.0, -1.0]), np.array([10.0, 0.01]), 0.01, 0.1
    plain, _ = opt.adam(w, dw, None, lr=lr)
    decoupled, _ = opt.adamw(w, dw, None, lr=lr, weight_decay=wd)
    coupled, _ = opt.adam(w, dw, None, lr=lr, weight_decay=wd)
    np.testing.assert_allclose(decoupled, plain - lr * wd * w, rtol=1e-14)
    assert not np.allclose(coupled, decoupled, rtol=1e-6, atol=0)
    # after one step Adam's L2 step is α·sign(g + λw): the decay changed nothing in size
    np.testing.assert_allclose(np.abs(coupled - w), lr, rtol=1e-5)


def test_adamw_without_decay_is_adam():
    path_w, _ = _steps("adamw", lr=0.01, weight_decay=0.0)
    path_a, _ = _steps("adam", lr=0.01)
    np.testing.assert_array_equal(path_w, path_a)


def test_adamw_and_adam_l2_differ_over_several_steps():
    a, _ = _steps("adam", lr=0.01, weight_decay=0.5)
    b, _ = _steps("adamw", lr=0.01, weight_decay=0.5)
    assert np.max(np.abs(a - b)) > 1e-3


# --- schedules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "t, want", [(0, 1.0), (9, 1.0), (10, 0.5), (19, 0.5), (20, 0.25), (35, 0.125)]
)
def test_step_decay(t, want):
    assert opt.step_decay(t, 1.0, drop=0.5, every=10) == pytest.approx(want, rel=EXACT_RTOL)


@pytest.mark.parametrize("t, want", [(0, 0.1), (1, 0.096), (2, 0.09216), (10, 0.1 * 0.96**10)])
def test_exponential_decay(t, want):
    assert opt.exponential_decay(t, 0.1, rate=0.96) == pytest.approx(want, rel=EXACT_RTOL)


def test_exponential_decay_with_decay_steps_is_smooth():
    assert opt.exponential_decay(50, 1.0, rate=0.5, decay_steps=100) == pytest.approx(
        math.sqrt(0.5), rel=EXACT_RTOL
    )
    assert opt.exponential_decay(100, 1.0, rate=0.5, decay_steps=100) == pytest.approx(0.5)


@pytest.mark.parametrize(
    "t, want",
    [
        (0, 1.0),
        (25, 0.1 + 0.45 * (1 + math.sqrt(0.5))),
        (50, 0.55),
        (75, 0.1 + 0.45 * (1 - math.sqrt(0.5))),
        (100, 0.1),
        (150, 0.1),
    ],
)
def test_cosine_decay(t, want):
    assert opt.cosine_decay(t, 1.0, total_steps=100, lr_min=0.1) == pytest.approx(want, rel=1e-12)


def test_schedules_reject_bad_periods():
    with pytest.raises(ValueError):
        opt.step_decay(3, 1.0, every=0)
    with pytest.raises(ValueError):
        opt.cosine_decay(3, 1.0, total_steps=0)
    with pytest.raises(ValueError):
        opt.exponential_decay(3, 1.0, decay_steps=0)


# --- test functions ------------------------------------------------------------------------------


def test_function_values_by_hand():
    assert opt.bowl([0.0, 0.0]) == 0.0
    assert opt.bowl([2.0, 1.0]) == pytest.approx(0.5 * (4.0 + 10.0))
    assert opt.rosenbrock([1.0, 1.0]) == 0.0
    assert opt.rosenbrock([0.0, 0.0]) == pytest.approx(1.0)
    assert opt.rosenbrock([-1.5, 2.0]) == pytest.approx(6.25 + 100 * 0.0625)
    np.testing.assert_array_equal(opt.rosenbrock_grad([1.0, 1.0]), [0.0, 0.0])
    np.testing.assert_allclose(opt.rosenbrock_grad([0.0, 0.0]), [-2.0, 0.0])


@pytest.mark.parametrize(
    "fn, grad", [(opt.bowl, opt.bowl_grad), (opt.rosenbrock, opt.rosenbrock_grad)]
)
@pytest.mark.parametrize("w", [[-1.5, 2.0], [0.3, -0.7], [1.2, 1.1]])
def test_gradients_match_central_differences(fn, grad, w):
    w = np.array(w)
    num = [(fn(w + H * e) - fn(w - H * e)) / (2 * H) for e in np.eye(2)]
    np.testing.assert_allclose(grad(w), num, rtol=1e-6, atol=1e-6)


# --- run and convergence -------------------------------------------------------------------------


def test_run_returns_the_path_and_threads_the_state():
    path = opt.run(opt.heavy_ball, lambda w: np.ones_like(w), [1.0], 3, lr=0.1, gamma=0.9)
    np.testing.assert_allclose(path[:, 0], [1.0, 0.9, 0.71, 0.439], rtol=EXACT_RTOL)
    assert path.shape == (4, 1)


def test_run_uses_the_schedule_per_step():
    path = opt.run(opt.sgd, lambda w: np.ones_like(w), [0.0], 3, schedule=lambda t: 10.0**-t)
    np.testing.assert_allclose(path[:, 0], [0.0, -1.0, -1.1, -1.11], rtol=EXACT_RTOL)


def test_run_stops_on_divergence():
    path = opt.run(opt.sgd, opt.bowl_grad, [1.0, 1.0], 10_000, lr=1.0)  # η c = 10 > 2
    assert len(path) < 10_001 and np.max(np.abs(path[-1])) > opt.DIVERGENCE_LIMIT


BOWL_RUNS = [  # (optimizer, hyper, steps): each within CONVERGED_ATOL of 0 from (−1.5, 2)
    ("sgd", {"lr": 0.1}, 100),
    ("momentum", {"lr": 0.1, "gamma": 0.9}, 300),
    ("heavy_ball", {"lr": 0.01, "gamma": 0.9}, 300),
    ("nesterov", {"lr": 0.01, "gamma": 0.9}, 300),
    ("adagrad", {"lr": 0.5}, 300),
    # with α = 1 Adadelta's effective rate √(D+ε)/√(v+ε) grows as g → 0 and it rings on the
    # stiff axis (|w₂| ≈ 0.02 after 3000 steps); α = 0.1 settles
    ("adadelta", {"lr": 0.1}, 4000),
    ("rmsprop", {"lr": 0.001}, 3000),
    ("adam", {"lr": 0.05}, 500),
    ("adamw", {"lr": 0.05, "weight_decay": 0.01}, 500),
]


@pytest.mark.parametrize("name, hyper, steps", BOWL_RUNS, ids=[r[0] for r in BOWL_RUNS])
def test_every_optimizer_reaches_the_bottom_of_the_bowl(name, hyper, steps):
    path = opt.run(opt.OPTIMIZERS[name], opt.bowl_grad, [-1.5, 2.0], steps, **hyper)
    np.testing.assert_allclose(path[-1], [0.0, 0.0], atol=CONVERGED_ATOL)
    assert opt.bowl(path[-1]) < 1e-3 * opt.bowl(path[0])


ROSEN_RUNS = [  # Rosenbrock's curved valley from (−1.5, 2), minimum (1, 1)
    ("adam", {"lr": 0.03}, 2000),
    ("heavy_ball", {"lr": 1e-3, "gamma": 0.9}, 3000),
    ("nesterov", {"lr": 1e-3, "gamma": 0.9}, 3000),
    ("momentum", {"lr": 1e-2, "gamma": 0.9}, 3000),
]


@pytest.mark.parametrize("name, hyper, steps", ROSEN_RUNS, ids=[r[0] for r in ROSEN_RUNS])
def test_rosenbrock_is_solved(name, hyper, steps):
    path = opt.run(opt.OPTIMIZERS[name], opt.rosenbrock_grad, [-1.5, 2.0], steps, **hyper)
    np.testing.assert_allclose(path[-1], [1.0, 1.0], atol=CONVERGED_ATOL)


def test_plain_sgd_is_still_in_the_valley_where_momentum_has_arrived():
    """The reason momentum exists: the same lr and steps leave SGD far from (1, 1)."""
    sgd = opt.run(opt.sgd, opt.rosenbrock_grad, [-1.5, 2.0], 3000, lr=1e-3)
    hb = opt.run(opt.heavy_ball, opt.rosenbrock_grad, [-1.5, 2.0], 3000, lr=1e-3, gamma=0.9)
    assert np.max(np.abs(sgd[-1] - 1.0)) > 0.1 > 100 * np.max(np.abs(hb[-1] - 1.0))
