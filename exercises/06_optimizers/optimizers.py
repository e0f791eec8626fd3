r"""Exercise 06: optimizers (最佳化演算法) and learning-rate schedules.

Fill in every function below; README.md explains each update rule. Every optimizer has the
same contract:

    next_w, next_state = name(w, dw, state, **hyper)

state is None on the first call, afterwards the dict the previous call returned (its keys are
listed in each docstring). Never modify w, dw or state: return new arrays and a new dict (the
grader calls your code in another process, so a change made in place is lost anyway).
Run `grade exercise 06` to check your work, `grade exercise 06 --plot` for the figure.
"""

import numpy as np  # noqa: F401  (your code will need it)
from numpy.typing import ArrayLike

State = dict

EPS = 1e-8  # added to √(second moment): a zero gradient never divides by zero
ADADELTA_EPS = 1e-6  # Adadelta: inside both roots; it also sets the first steps



def sgd(w: ArrayLike, dw: ArrayLike, state: State | None = None, lr: float = 1e-2):
    r"""Plain (stochastic) gradient descent: w ← w − α g.

    state: unused; {} is returned so every optimizer has the same shape of call.
    w: (...), dw: (...)  ->  next_w (...), {}
    """
    raise NotImplementedError("exercise 06: write sgd")


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
    raise NotImplementedError("exercise 06: write momentum")


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
    raise NotImplementedError("exercise 06: write heavy_ball")


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
    raise NotImplementedError("exercise 06: write nesterov")


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
    raise NotImplementedError("exercise 06: write adagrad")


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
    raise NotImplementedError("exercise 06: write adadelta")


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
    raise NotImplementedError("exercise 06: write rmsprop")


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
    raise NotImplementedError("exercise 06: write adam")


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
    raise NotImplementedError("exercise 06: write adamw")


def step_decay(t: int, lr0: float, drop: float = 0.5, every: int = 10) -> float:
    r"""Step decay: α_t = α₀ · drop^⌊t / every⌋ (halve every 10 steps by default)."""
    raise NotImplementedError("exercise 06: write step_decay")


def exponential_decay(t: int, lr0: float, rate: float = 0.96, decay_steps: int = 1) -> float:
    r"""Exponential decay: α_t = α₀ · rate^(t / decay_steps), smooth in t."""
    raise NotImplementedError("exercise 06: write exponential_decay")


def cosine_decay(t: int, lr0: float, total_steps: int, lr_min: float = 0.0) -> float:
    r"""Cosine annealing: α_t = α_min + ½ (α₀ − α_min)(1 + cos(π · min(t, T) / T)), T = total_steps.

    α₀ at t = 0, the midpoint at t = T/2, α_min from t = T on.
    """
    raise NotImplementedError("exercise 06: write cosine_decay")
