"""A second correct solution of exercise 06, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): the EMA momentum as
m + (1 − γ)(g − m), the heavy ball and Nesterov sharing one helper, Adagrad and RMSprop through
np.divide with an explicit `out`, Adadelta with its roots taken as ratios of squares, Adam's
bias correction folded into a step size α_t = α √(1 − β₂ᵗ)/(1 − β₁ᵗ) with ε rescaled to match,
AdamW calling Adam, the schedules with math. No input validation. Its source text is graded as
an alternative correct submission (full marks expected), and tests append a wrong function to
it to build a wrong submission.
"""

import math

import numpy as np

EPS = 1e-8
ADADELTA_EPS = 1e-6


def _f(a):
    return np.array(a, dtype=np.float64)  # always a copy


def _get(state, key, like):
    if not state or key not in state:
        return np.zeros_like(like)
    return _f(state[key])


def sgd(w, dw, state=None, lr=1e-2):
    return _f(w) - lr * _f(dw), {}


def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
    w, g = _f(w), _f(dw)
    m = _get(state, "m", w)
    m = m + (1.0 - gamma) * (g - m)
    return w - lr * m, {"m": m}


def _velocity(w, dw, state, lr, gamma):
    w, g = _f(w), _f(dw)
    return w, g, gamma * _get(state, "v", w) + lr * g


def heavy_ball(w, dw, state=None, lr=1e-2, gamma=0.9):
    w, _, v = _velocity(w, dw, state, lr, gamma)
    return w - v, {"v": v}


def nesterov(w, dw, state=None, lr=1e-2, gamma=0.9):
    w, g, v = _velocity(w, dw, state, lr, gamma)
    return w - gamma * v - lr * g, {"v": v}


def adagrad(w, dw, state=None, lr=1e-2, eps=EPS):
    w, g = _f(w), _f(dw)
    G = _get(state, "G", w) + np.square(g)
    step = np.empty_like(w)
    np.divide(g, np.sqrt(G) + eps, out=step)
    return w - lr * step, {"G": G}


def adadelta(w, dw, state=None, lr=1.0, rho=0.95, eps=ADADELTA_EPS):
    w, g = _f(w), _f(dw)
    v = rho * _get(state, "v", w) + (1.0 - rho) * g**2
    D_old = _get(state, "D", w)
    delta = -g * np.sqrt((D_old + eps) / (v + eps))
    D = rho * D_old + (1.0 - rho) * delta**2
    return w + lr * delta, {"v": v, "D": D}


def rmsprop(w, dw, state=None, lr=1e-3, rho=0.9, eps=EPS):
    w, g = _f(w), _f(dw)
    v = rho * _get(state, "v", w) + (1.0 - rho) * g * g
    step = np.empty_like(w)
    np.divide(g, np.sqrt(v) + eps, out=step)
    return w - lr * step, {"v": v}


def adam(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS, weight_decay=0.0):
    w, g = _f(w), _f(dw)
    g = g + weight_decay * w
    t = int((state or {}).get("t", 0)) + 1
    m = beta1 * _get(state, "m", w) + (1.0 - beta1) * g
    v = beta2 * _get(state, "v", w) + (1.0 - beta2) * g * g
    c1, c2 = 1.0 - beta1**t, math.sqrt(1.0 - beta2**t)
    # m̂/(√v̂ + ε) = (m/c1)/(√v/c2 + ε) = (c2/c1) · m/(√v + ε c2)
    return w - lr * (c2 / c1) * m / (np.sqrt(v) + eps * c2), {"m": m, "v": v, "t": t}


def adamw(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS, weight_decay=1e-2):
    w = _f(w)
    stepped, new_state = adam(w, dw, state, lr, beta1, beta2, eps)
    return stepped - lr * weight_decay * w, new_state


def step_decay(t, lr0, drop=0.5, every=10):
    return lr0 * drop ** math.floor(t / every)


def exponential_decay(t, lr0, rate=0.96, decay_steps=1):
    return lr0 * math.exp(t / decay_steps * math.log(rate))


def cosine_decay(t, lr0, total_steps, lr_min=0.0):
    if t >= total_steps:
        return float(lr_min)
    return lr_min + (lr0 - lr_min) * math.cos(math.pi * t / (2 * total_steps)) ** 2
