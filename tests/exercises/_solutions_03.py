"""A second correct solution of exercise 03, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): Horner's rule for f,
the central difference as (upper − lower) · (0.5 / h), gradient descent as a while loop over a
Python list with the step measured as x_{k+1} − x_k, the regime from r = 1 − ηc, the line's MSE
as a dot product, the closed form from the normal equations (np.linalg.solve), and fit_line_gd
as its own loop on a design matrix [x, 1] (it calls neither gradient_descent nor line_mse_grad,
so a mistake appended to either stays in its own checks). No input validation. Its source text
is graded as an alternative correct submission (full marks expected), and tests append a wrong
function to it to build a wrong submission.
"""

import numpy as np

A, B, C = 5.0, -2.0, 4.0
F_CURVATURE = 10.0
H = 1e-5
MAX_STEPS = 10_000
TOL = 1e-10
DIVERGENCE_LIMIT = 1e100
MONOTONE, OSCILLATING, CYCLING, DIVERGING = "monotone", "oscillating", "cycling", "diverging"


def _out(a):
    a = np.asarray(a, dtype=np.float64)
    return float(a) if a.ndim == 0 else a


def f(x):
    x = np.asarray(x, dtype=np.float64)
    return _out((A * x + B) * x + C)


def df(x):
    return _out(np.multiply(2 * A, x, dtype=np.float64) + B)


def numerical_derivative(fn, x, h=H):
    x = np.asarray(x, dtype=np.float64)
    upper, lower = (np.asarray(fn(x + s * h), dtype=np.float64) for s in (1.0, -1.0))
    return _out((upper - lower) * (0.5 / h))


def _diverged(x):
    return not np.isfinite(x).all() or np.abs(x).max() > DIVERGENCE_LIMIT


def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
    path = [np.array(x0, dtype=np.float64)]
    while len(path) <= max_steps:
        x = path[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            x_next = x - lr * np.asarray(grad(x.copy()), dtype=np.float64)
        path.append(x_next)
        if _diverged(x_next):
            break
        if np.abs(x_next - x).max() <= tol:
            break
    return np.array(path)


def lr_regime(lr, curvature=F_CURVATURE):
    r = 1.0 - lr * curvature
    if r >= 0.0:
        return MONOTONE
    if r > -1.0:
        return OSCILLATING
    return CYCLING if r == -1.0 else DIVERGING


def line_mse(x, y, w, b):
    r = w * np.asarray(x, dtype=np.float64) + b - np.asarray(y, dtype=np.float64)
    return float(r @ r / r.size)


def line_mse_grad(x, y, w, b):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    r = w * x + b - y
    return np.array([2.0 * (r @ x), 2.0 * r.sum()]) / x.size


def fit_line(x, y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    X = np.column_stack([x, np.ones_like(x)])  # (N, 2) design matrix
    w, b = np.linalg.solve(X.T @ X, X.T @ y)
    return float(w), float(b)


def fit_line_gd(x, y, lr, max_steps=MAX_STEPS, tol=TOL, w0=0.0, b0=0.0):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    X = np.column_stack([x, np.ones_like(x)])  # (N, 2)
    N = len(x)
    thetas = [np.array([w0, b0], dtype=np.float64)]
    for _ in range(max_steps):
        theta = thetas[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            step = lr * (2.0 / N) * (X.T @ (X @ theta - y))
        thetas.append(theta - step)
        if _diverged(thetas[-1]) or np.abs(step).max() <= tol:
            break
    params = np.array(thetas)  # (K + 1, 2)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = np.array([np.mean((X @ theta - y) ** 2) for theta in params])
    return params, losses
