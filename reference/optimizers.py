r"""Optimizers (優化器), learning-rate schedules, and two test functions to run them on.

Every optimizer is a pure function in the CS231n spirit (`update(w, dw, config) -> (next_w,
config)`), with the per-parameter memory split from the hyper-parameters:

    next_w, next_state = name(w, dw, state, **hyper)

- w: (...) the parameters, dw: (...) the gradient ∂L/∂w at w (same shape);
- state: None on the first call, afterwards the dict the previous call returned; its keys are
  listed in each docstring (arrays of w's shape, and the step counter t where bias correction
  needs it);
- nothing is modified: next_w and every array in next_state are new, next_state is a new dict.
  (Arguments cross a process boundary in grading, so mutation could not work anyway.)

Notation follows the seeds' update-rule table (seed 004_f6c14785bb244351.txt, 「優化器」):
g_t is the gradient at step t, α (here lr) the learning rate, γ the momentum coefficient,
β₁ β₂ the decay rates of the first and second moment, ε a small constant against division by 0.

Momentum comes in two forms, and they are not the same update:
- the seeds' exponential moving average m_t = γ m_{t−1} + (1 − γ) g_t, Δθ_t = −α m_t
  (seed 004's table, the row 「Momentum」), here `momentum`;
- the heavy ball v_t = γ v_{t−1} + α g_t, Δθ_t = −v_t (Polyak; CS231n's and Keras' SGD with
  momentum), here `heavy_ball`.
With a constant α the EMA form is the heavy ball with learning rate α(1 − γ): its steps are
(1 − γ) times smaller (a factor of 10 for γ = 0.9).

Arrays are float64; no argument is modified.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.validation import as_finite_float

FloatArray = NDArray[np.float64]
State = dict

EPS = 1e-8  # added to √(second moment) so a zero gradient never divides by zero; small
# enough that it changes an O(1e-4) or larger root by under 1e-4 (Adam's paper's value)
DIVERGENCE_LIMIT = 1e50  # run() stops beyond this: Rosenbrock's gradient (~x³) stays finite
ADADELTA_EPS = 1e-6  # Zeiler's value: inside both roots, it also sets Adadelta's first steps

# --- helpers -----------------------------------------------------------------------------------


def _w_dw(name: str, w: ArrayLike, dw: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """w and dw as float64 arrays of one shape."""
    w, dw = as_finite_float(name, "w", w), as_finite_float(name, "dw", dw)
    if w.shape != dw.shape:
        raise ValueError(f"{name}: dw has shape {dw.shape} but w has shape {w.shape}")
    return w, dw


def _slot(name: str, state: State | None, key: str, shape: tuple[int, ...]) -> FloatArray:
    """state[key] as a float64 array of w's shape, zeros when state is None or lacks it."""
    if state is None:
        return np.zeros(shape)
    if not isinstance(state, dict):
        raise ValueError(f"{name}: state must be None or the dict a previous call returned")
    if key not in state:
        return np.zeros(shape)
    arr = as_finite_float(name, f"state[{key!r}]", state[key])
    if arr.shape != shape:
        raise ValueError(f"{name}: state[{key!r}] has shape {arr.shape} but w has shape {shape}")
    return arr


def _step_count(name: str, state: State | None) -> int:
    """The number of updates done so far: state['t'], 0 for a first call."""
    if state is None or "t" not in state:
        return 0
    t = state["t"]
    if isinstance(t, bool) or int(t) != t or t < 0:
        raise ValueError(f"{name}: state['t'] must be a whole number >= 0, got {t!r}")
    return int(t)


def _unit(name: str, h_name: str, value: float) -> float:
    """A decay rate in [0, 1)."""
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name}: {h_name} must be in [0, 1), got {value}")
    return value


# --- optimizers --------------------------------------------------------------------------------


def sgd(w: ArrayLike, dw: ArrayLike, state: State | None = None, lr: float = 1e-2):
    r"""Plain (stochastic) gradient descent: w ← w − α g.

    state: unused; {} is returned so every optimizer has the same shape of call.
    w: (...), dw: (...)  ->  next_w (...), {}
    """
    w, dw = _w_dw("sgd", w, dw)
    return w - lr * dw, {}


def momentum(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-2,
    gamma: float = 0.9,
):
    r"""Momentum as the seeds write it, an exponential moving average of the gradients.

        m_t = γ m_{t−1} + (1 − γ) g_t,    w_t = w_{t−1} − α m_t,    m_0 = 0

    (seed 004_f6c14785bb244351.txt, update-rule table, row 「Momentum」). Equal to `heavy_ball`
    with learning rate α(1 − γ).
    state keys: "m" (...) the moving average m_t.
    w: (...), dw: (...)  ->  next_w (...), {"m"}
    """
    name = "momentum"
    w, dw = _w_dw(name, w, dw)
    gamma = _unit(name, "gamma", gamma)
    m = gamma * _slot(name, state, "m", w.shape) + (1.0 - gamma) * dw
    return w - lr * m, {"m": m}


def heavy_ball(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-2,
    gamma: float = 0.9,
):
    r"""Polyak's heavy-ball momentum, the velocity form (CS231n's sgd_momentum, up to sign).

        v_t = γ v_{t−1} + α g_t,    w_t = w_{t−1} − v_t,    v_0 = 0

    state keys: "v" (...) the velocity v_t (a step, so it already contains α).
    w: (...), dw: (...)  ->  next_w (...), {"v"}
    """
    name = "heavy_ball"
    w, dw = _w_dw(name, w, dw)
    gamma = _unit(name, "gamma", gamma)
    v = gamma * _slot(name, state, "v", w.shape) + lr * dw
    return w - v, {"v": v}


def nesterov(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-2,
    gamma: float = 0.9,
):
    r"""Nesterov accelerated gradient (NAG) in the form that needs only the gradient at w.

    NAG evaluates the gradient at the look-ahead point w − γ v. Tracking that point instead of w
    (Sutskever et al. 2013; the form of CS231n, Keras and PyTorch) gives, with g_t = ∇f(w_{t−1}):

        v_t = γ v_{t−1} + α g_t,    w_t = w_{t−1} − (γ v_t + α g_t),    v_0 = 0

    i.e. the heavy-ball step v_t plus one more look-ahead γ(v_t − v_{t−1}).
    state keys: "v" (...) the velocity v_t.
    w: (...), dw: (...)  ->  next_w (...), {"v"}
    """
    name = "nesterov"
    w, dw = _w_dw(name, w, dw)
    gamma = _unit(name, "gamma", gamma)
    v = gamma * _slot(name, state, "v", w.shape) + lr * dw
    return w - (gamma * v + lr * dw), {"v": v}


def adagrad(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-2,
    eps: float = EPS,
):
    r"""Adagrad: a per-coordinate learning rate that shrinks with the sum of squared gradients.

        G_t = G_{t−1} + g_t²,    w_t = w_{t−1} − α g_t / (√G_t + ε),    G_0 = 0

    (seed 004's table writes −α g_t G_t^{−1/2}; ε guards the division.) Squares are elementwise.
    state keys: "G" (...) the running sum G_t.
    w: (...), dw: (...)  ->  next_w (...), {"G"}
    """
    name = "adagrad"
    w, dw = _w_dw(name, w, dw)
    G = _slot(name, state, "G", w.shape) + dw * dw
    return w - lr * dw / (np.sqrt(G) + eps), {"G": G}


def adadelta(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1.0,
    rho: float = 0.95,
    eps: float = ADADELTA_EPS,
):
    r"""Adadelta (Zeiler 2012): Adagrad's sum replaced by averages, steps in the units of w.

        v_t = ρ v_{t−1} + (1 − ρ) g_t²
        Δ_t = −√(D_{t−1} + ε) / √(v_t + ε) · g_t
        D_t = ρ D_{t−1} + (1 − ρ) Δ_t²
        w_t = w_{t−1} + α Δ_t,    v_0 = D_0 = 0

    Seed 004's table writes this with β₂ for v and β₁ for D and D of Δθ/α; with one ρ for both
    (Zeiler's and Keras' form) and α = 1 (Zeiler's) it is the same update. ε sits inside both
    roots: it is what makes the first steps non-zero (D_0 = 0).
    state keys: "v" (...) average of g², "D" (...) average of Δ².
    w: (...), dw: (...)  ->  next_w (...), {"v", "D"}
    """
    name = "adadelta"
    w, dw = _w_dw(name, w, dw)
    rho = _unit(name, "rho", rho)
    v = rho * _slot(name, state, "v", w.shape) + (1.0 - rho) * dw * dw
    D_prev = _slot(name, state, "D", w.shape)
    delta = -np.sqrt(D_prev + eps) / np.sqrt(v + eps) * dw
    D = rho * D_prev + (1.0 - rho) * delta * delta
    return w + lr * delta, {"v": v, "D": D}


def rmsprop(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-3,
    rho: float = 0.9,
    eps: float = EPS,
):
    r"""RMSprop: Adagrad with a moving average of g² instead of a sum, so α never dies out.

        v_t = ρ v_{t−1} + (1 − ρ) g_t²,    w_t = w_{t−1} − α g_t / (√v_t + ε),    v_0 = 0

    (seed 004's table, with β₂ written ρ here; Keras' default ρ = 0.9.)
    state keys: "v" (...) the moving average of g².
    w: (...), dw: (...)  ->  next_w (...), {"v"}
    """
    name = "rmsprop"
    w, dw = _w_dw(name, w, dw)
    rho = _unit(name, "rho", rho)
    v = rho * _slot(name, state, "v", w.shape) + (1.0 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(v) + eps), {"v": v}


def _adam_moments(name, w, dw, state, beta1, beta2):
    """The shared part of Adam and AdamW: t, m_t, v_t and the bias-corrected m̂_t, v̂_t."""
    beta1, beta2 = _unit(name, "beta1", beta1), _unit(name, "beta2", beta2)
    t = _step_count(name, state) + 1
    m = beta1 * _slot(name, state, "m", w.shape) + (1.0 - beta1) * dw
    v = beta2 * _slot(name, state, "v", w.shape) + (1.0 - beta2) * dw * dw
    m_hat = m / (1.0 - beta1**t)  # bias correction: m_0 = 0 pulls m_t toward 0 for small t
    v_hat = v / (1.0 - beta2**t)
    return t, m, v, m_hat, v_hat


def adam(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = EPS,
    weight_decay: float = 0.0,
):
    r"""Adam (Kingma & Ba 2015): momentum on g and RMSprop on g², both bias-corrected.

        g_t = ∂L/∂w + λ w_{t−1}              (L2 penalty ½λ‖w‖² folded into the gradient;
                                              λ = weight_decay, 0 by default)
        m_t = β₁ m_{t−1} + (1 − β₁) g_t,      v_t = β₂ v_{t−1} + (1 − β₂) g_t²
        m̂_t = m_t / (1 − β₁ᵗ),               v̂_t = v_t / (1 − β₂ᵗ)
        w_t = w_{t−1} − α m̂_t / (√v̂_t + ε),  m_0 = v_0 = 0, t = 1, 2, ...

    (seed 004's table.) Without the correction the first step would be (1 − β₁)/√(1 − β₂) ≈ 3.2
    times α for β = (0.9, 0.999); with it |Δw| ≈ α at t = 1 whatever the gradient's size.
    With λ > 0 the penalty passes through the adaptive division (unlike `adamw`).
    state keys: "m" (...) first moment, "v" (...) second moment, "t" int updates done.
    w: (...), dw: (...)  ->  next_w (...), {"m", "v", "t"}
    """
    name = "adam"
    w, dw = _w_dw(name, w, dw)
    g = dw + weight_decay * w if weight_decay else dw
    t, m, v, m_hat, v_hat = _adam_moments(name, w, g, state, beta1, beta2)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def adamw(
    w: ArrayLike,
    dw: ArrayLike,
    state: State | None = None,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = EPS,
    weight_decay: float = 1e-2,
):
    r"""AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient.

        m_t, v_t, m̂_t, v̂_t as in Adam, from g_t = ∂L/∂w alone
        w_t = w_{t−1} − α (m̂_t / (√v̂_t + ε) + λ w_{t−1}),    λ = weight_decay

    The decay λ w is outside the adaptive division, so every weight shrinks by the same fraction
    αλ per step; Adam with an L2 term (`adam(..., weight_decay=λ)`) divides λw by √v̂ too, and
    weights with large gradients are then hardly decayed at all.
    state keys: "m" (...), "v" (...), "t" int, as in `adam`.
    w: (...), dw: (...)  ->  next_w (...), {"m", "v", "t"}
    """
    name = "adamw"
    w, dw = _w_dw(name, w, dw)
    t, m, v, m_hat, v_hat = _adam_moments(name, w, dw, state, beta1, beta2)
    step = m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w
    return w - lr * step, {"m": m, "v": v, "t": t}


OPTIMIZERS = {
    "sgd": sgd,
    "momentum": momentum,
    "heavy_ball": heavy_ball,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "adadelta": adadelta,
    "rmsprop": rmsprop,
    "adam": adam,
    "adamw": adamw,
}

# --- learning-rate schedules (functions of the step number t = 0, 1, 2, ...) -----------------


def step_decay(t: int, lr0: float, drop: float = 0.5, every: int = 10) -> float:
    r"""Step decay: α_t = α₀ · drop^⌊t / every⌋ (halve every 10 steps by default)."""
    if every < 1:
        raise ValueError(f"step_decay: every must be >= 1, got {every}")
    return float(lr0 * drop ** (int(t) // int(every)))


def exponential_decay(t: int, lr0: float, rate: float = 0.96, decay_steps: int = 1) -> float:
    r"""Exponential decay: α_t = α₀ · rate^(t / decay_steps), smooth in t."""
    if decay_steps <= 0:
        raise ValueError(f"exponential_decay: decay_steps must be > 0, got {decay_steps}")
    return float(lr0 * rate ** (t / decay_steps))


def cosine_decay(t: int, lr0: float, total_steps: int, lr_min: float = 0.0) -> float:
    r"""Cosine annealing: α_t = α_min + ½ (α₀ − α_min)(1 + cos(π · min(t, T) / T)), T = total_steps.

    α₀ at t = 0, the midpoint at t = T/2, α_min from t = T on.
    """
    if total_steps <= 0:
        raise ValueError(f"cosine_decay: total_steps must be > 0, got {total_steps}")
    frac = min(t, total_steps) / total_steps
    return float(lr_min + 0.5 * (lr0 - lr_min) * (1.0 + np.cos(np.pi * frac)))


# --- test functions ----------------------------------------------------------------------------

BOWL_CURVATURES = (1.0, 10.0)  # an elongated bowl: condition number 10, so plain GD zig-zags
ROSEN_A, ROSEN_B = 1.0, 100.0  # the classic banana valley, minimum at (a, a²) = (1, 1)


def bowl(w: ArrayLike) -> float:
    r"""Quadratic bowl f(w) = ½ Σ_i c_i w_i², c = BOWL_CURVATURES; minimum 0 at w = 0.

    w: (2,)  ->  float
    """
    w = as_finite_float("bowl", "w", w)
    c = np.asarray(BOWL_CURVATURES)
    return float(0.5 * np.sum(c * w * w))


def bowl_grad(w: ArrayLike) -> FloatArray:
    r"""∇f(w) = c ⊙ w for the bowl.   w: (2,)  ->  (2,)"""
    w = as_finite_float("bowl_grad", "w", w)
    return np.asarray(BOWL_CURVATURES) * w


def rosenbrock(w: ArrayLike) -> float:
    r"""Rosenbrock f(x, y) = (a − x)² + b (y − x²)², a = 1, b = 100; minimum 0 at (1, 1).

    w: (2,) = (x, y)  ->  float
    """
    x, y = as_finite_float("rosenbrock", "w", w)
    return float((ROSEN_A - x) ** 2 + ROSEN_B * (y - x * x) ** 2)


def rosenbrock_grad(w: ArrayLike) -> FloatArray:
    r"""∇f = (−2(a − x) − 4 b x (y − x²),  2 b (y − x²)).   w: (2,)  ->  (2,)"""
    x, y = as_finite_float("rosenbrock_grad", "w", w)
    r = y - x * x
    return np.array([-2.0 * (ROSEN_A - x) - 4.0 * ROSEN_B * x * r, 2.0 * ROSEN_B * r])


# --- running an optimizer ----------------------------------------------------------------------


def run(
    optimizer: Callable,
    grad: Callable[[FloatArray], ArrayLike],
    w0: ArrayLike,
    steps: int,
    schedule: Callable[[int], float] | None = None,
    **hyper,
) -> FloatArray:
    r"""Run `steps` updates from w0, threading the state through, and return the whole path.

    w_{t+1}, s_{t+1} = optimizer(w_t, grad(w_t), s_t, **hyper), s_0 = None. With a schedule,
    lr = schedule(t) at update t = 0, 1, ... (it overrides any lr in hyper). Stops early, keeping
    that iterate, once an iterate is not finite or has |w| > DIVERGENCE_LIMIT (a diverging run).
    w0: (D,)  ->  path: (steps + 1, D), path[0] = w0
    """
    w = as_finite_float("run", "w0", w0).copy()
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"run: steps must be a whole number >= 0, got {steps!r}")
    state = None
    path = [w]
    for t in range(int(steps)):
        if schedule is not None:
            hyper["lr"] = schedule(t)
        w, state = optimizer(w, np.asarray(grad(w.copy()), dtype=np.float64), state, **hyper)
        w = np.asarray(w, dtype=np.float64)
        path.append(w)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > DIVERGENCE_LIMIT:
            break
    return np.stack(path)
