r"""Gradient descent (梯度下降) in one dimension, its learning-rate regimes, and a regression line.

The course's function (seed 003_28445a1ed427b574.txt, the Keras slides' 「梯度算法-微分」) is
f(x) = 5x² − 2x + 4. Its derivative is f'(x) = 10x − 2; the slide prints f'(x) = 10x + 2, a
sign slip (at x = 0 the slope is −2: f(0.1) = 3.85 < f(0) = 4).
f has its minimum at x* = 0.2, f(x*) = 3.8, and curvature f'' = 10 everywhere.

The regression line is the one of seed 001_a7077af58d127f5d.txt (the nine-row IQ table, shipped
as datasets/iq_table.csv, loaded by reference.data.iq_table): y = w x + b fitted by least squares,
in closed form and by gradient descent on the mean squared error. The slide's line
IQ = 3.33x + 50 is not the least-squares line (that is about 1.79x + 65.2).

Arrays are float64; no argument is modified.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.validation import as_finite_float

FloatArray = NDArray[np.float64]

# f(x) = A x² + B x + C, the course's example
A, B, C = 5.0, -2.0, 4.0
F_CURVATURE = 2.0 * A  # f''(x) = 10 for every x
F_ARGMIN = -B / (2.0 * A)  # x* = 0.2, where f'(x*) = 0
F_MIN = C - B * B / (4.0 * A)  # f(x*) = 3.8

H = 1e-5  # central differences: truncation error ~ h² |f'''| / 6, rounding ~ 1e-16 |f| / h;
# for O(1) functions of O(1) x the two meet near h ≈ (1e-16)^(1/3) ≈ 1e-5 (error ≈ 1e-10).
# For a quadratic f''' = 0, so only rounding is left.
MAX_STEPS = 10_000  # iteration cap: the course's examples stop long before it
TOL = 1e-10  # stop once every coordinate of a step x_{k+1} − x_k is at most this in size
DIVERGENCE_LIMIT = 1e100  # |x| beyond this counts as diverged: stop far below float64's 1.8e308,
# so f(x) and f'(x) of a quadratic (≈ x²) stay finite and no overflow warning is raised

MONOTONE = "monotone"  # 0 < η f'' <= 1: the error keeps its sign and shrinks
OSCILLATING = "oscillating"  # 1 < η f'' < 2: the error flips sign each step and shrinks
CYCLING = "cycling"  # η f'' = 2: the error flips sign and keeps its size forever
DIVERGING = "diverging"  # η f'' > 2: the error flips sign and grows


def _scalar_or_array(a: FloatArray) -> float | FloatArray:
    """A Python float for a 0-d result, the array otherwise."""
    return float(a) if a.ndim == 0 else a


def _positive(name: str, a_name: str, value: float) -> float:
    """value as a float, after checking it is finite and > 0."""
    value = float(as_finite_float(name, a_name, value))
    if not value > 0.0:
        raise ValueError(f"{name}: {a_name} must be > 0, got {value}")
    return value


# --- the course's function ---------------------------------------------------------------------


def f(x: ArrayLike) -> float | FloatArray:
    """The course's example f(x) = 5x² − 2x + 4, elementwise.

    x: float or (...)  ->  float or (...)
    """
    x = as_finite_float("f", "x", x)
    return _scalar_or_array(A * x * x + B * x + C)


def df(x: ArrayLike) -> float | FloatArray:
    """Its derivative f'(x) = 10x − 2 (the slide's 10x + 2 has the sign of the 2 wrong).

    x: float or (...)  ->  float or (...)
    """
    x = as_finite_float("df", "x", x)
    return _scalar_or_array(2.0 * A * x + B)


def numerical_derivative(
    fn: Callable[[FloatArray], ArrayLike], x: ArrayLike, h: float = H
) -> float | FloatArray:
    """Central-difference derivative f'(x) ≈ (f(x + h) − f(x − h)) / (2h), error O(h²).

    fn is called twice, with float64 arrays of x's shape, and must work elementwise.
    x: float or (...), h > 0  ->  float or (...)
    """
    x = as_finite_float("numerical_derivative", "x", x)
    h = _positive("numerical_derivative", "h", h)
    f_plus = np.asarray(fn(x + h), dtype=np.float64)
    f_minus = np.asarray(fn(x - h), dtype=np.float64)
    if f_plus.shape != x.shape or f_minus.shape != x.shape:
        raise ValueError(
            f"numerical_derivative: fn returned shape {f_plus.shape} for x of shape {x.shape}; "
            "fn must work elementwise"
        )
    return _scalar_or_array((f_plus - f_minus) / (2.0 * h))


# --- gradient descent --------------------------------------------------------------------------


def gradient_descent(
    grad: Callable[[FloatArray], ArrayLike],
    x0: ArrayLike,
    lr: float,
    max_steps: int = MAX_STEPS,
    tol: float = TOL,
) -> FloatArray:
    """Gradient descent x_{k+1} = x_k − η ∇f(x_k), returning every iterate, x_0 included.

    Stops after the first step with max |x_{k+1} − x_k| <= tol (that iterate is kept), after
    max_steps steps, or at the first iterate that is not finite or has |x| > DIVERGENCE_LIMIT
    (also kept, so a diverging run shows its blow-up). grad receives a copy of x_k.
    x0: float (1-D descent) or (D,), lr = η > 0  ->  path: (K + 1,) or (K + 1, D), K <= max_steps
    """
    name = "gradient_descent"
    x = as_finite_float(name, "x0", x0).copy()  # (), or (D,)
    lr = _positive(name, "lr", lr)
    tol = float(as_finite_float(name, "tol", tol))
    if tol < 0.0:
        raise ValueError(f"{name}: tol must be >= 0, got {tol}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)):
        raise ValueError(f"{name}: max_steps must be an integer, got {max_steps!r}")
    if max_steps < 0:
        raise ValueError(f"{name}: max_steps must be >= 0, got {max_steps}")
    path = [x]
    for _ in range(max_steps):
        g = np.asarray(grad(x.copy()), dtype=np.float64)
        if g.shape != x.shape:
            raise ValueError(f"{name}: grad returned shape {g.shape} for x of shape {x.shape}")
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported by the path
            step = lr * g
            x = x - step
        path.append(x)
        if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > DIVERGENCE_LIMIT:
            break
        if np.max(np.abs(step)) <= tol:
            break
    return np.stack(path)


def lr_regime(lr: float, curvature: float = F_CURVATURE) -> str:
    r"""How gradient descent behaves on a quadratic with f'' = curvature > 0, for learning rate η.

    For q(x) = ½ c (x − x*)² + const, q'(x) = c (x − x*), so the error e_k = x_k − x* obeys
        e_{k+1} = e_k − η c e_k = (1 − η c) e_k,   hence  e_k = (1 − η c)^k e_0.
    With r = 1 − η c (η > 0 makes r < 1):
        0 <= r < 1, i.e. η <= 1/c:        MONOTONE (η = 1/c lands on x* in one step)
        −1 < r < 0, i.e. 1/c < η < 2/c:   OSCILLATING, e_k changes sign and shrinks
        r = −1,     i.e. η = 2/c:         CYCLING between x* ± e_0, never converging
        r < −1,     i.e. η > 2/c:         DIVERGING, |e_k| grows like |r|^k
    For the course's f(x) = 5x² − 2x + 4, c = 10: η <= 0.1 monotone, 0.1 < η < 0.2 oscillates,
    η > 0.2 diverges. The boundaries are exact float comparisons of η c with 1 and 2.
    lr = η > 0, curvature = c > 0  ->  one of MONOTONE, OSCILLATING, CYCLING, DIVERGING
    """
    lr = _positive("lr_regime", "lr", lr)
    curvature = float(as_finite_float("lr_regime", "curvature", curvature))
    if not curvature > 0.0:
        raise ValueError(
            f"lr_regime: curvature must be > 0 (a quadratic with a minimum), got {curvature}"
        )
    q = lr * curvature  # η c = 1 − r
    if q <= 1.0:
        return MONOTONE
    if q < 2.0:
        return OSCILLATING
    if q == 2.0:
        return CYCLING
    return DIVERGING


# --- the regression line y = w x + b -------------------------------------------------------------


def _xy(name: str, x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """x and y as finite float64 arrays of one shape (N,), N >= 2, x not constant."""
    x, y = as_finite_float(name, "x", x), as_finite_float(name, "y", y)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(
            f"{name}: x and y must both have shape (N,), got {x.shape} and {y.shape}"
        )
    if x.shape[0] < 2:
        raise ValueError(f"{name}: a line needs N >= 2 points, got N = {x.shape[0]}")
    if np.all(x == x[0]):
        raise ValueError(f"{name}: every x equals {x[0]}, so the slope is not determined")
    return x, y


def line_mse(x: ArrayLike, y: ArrayLike, w: float, b: float) -> float:
    """Mean squared error of the line, a mean over the N points: (1/N) Σ (w x_n + b − y_n)².

    x, y: (N,), w, b: floats  ->  float
    """
    x, y = _xy("line_mse", x, y)
    return float(np.mean((w * x + b - y) ** 2))


def line_mse_grad(x: ArrayLike, y: ArrayLike, w: float, b: float) -> tuple[float, float]:
    """Gradient of line_mse: ∂/∂w = (2/N) Σ r_n x_n, ∂/∂b = (2/N) Σ r_n, r = w x + b − y.

    x, y: (N,), w, b: floats  ->  (dw, db)
    """
    x, y = _xy("line_mse_grad", x, y)
    r = w * x + b - y  # (N,) residuals
    return float(2.0 * np.mean(r * x)), float(2.0 * np.mean(r))


def fit_line(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    r"""Least-squares line in closed form: the (w, b) that minimise line_mse.

    Setting both partial derivatives to zero gives
        w = Σ (x_n − x̄)(y_n − ȳ) / Σ (x_n − x̄)²,   b = ȳ − w x̄.
    x, y: (N,), N >= 2, x not constant  ->  (w, b)
    """
    x, y = _xy("fit_line", x, y)
    dx, dy = x - x.mean(), y - y.mean()  # (N,) centred: avoids cancellation in Σx² − N x̄²
    w = float(np.sum(dx * dy) / np.sum(dx * dx))
    return w, float(y.mean() - w * x.mean())


def fit_line_gd(
    x: ArrayLike,
    y: ArrayLike,
    lr: float,
    max_steps: int = MAX_STEPS,
    tol: float = TOL,
    w0: float = 0.0,
    b0: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    r"""The line by gradient descent on line_mse from (w0, b0): the parameter path and losses.

    θ = (w, b), θ_{k+1} = θ_k − η ∇line_mse(θ_k), with gradient_descent's stopping rule.
    On raw data the loss's Hessian is 2 [[mean x², mean x], [mean x, 1]]: η must stay below
    2 / its largest eigenvalue (≈ 0.0041 for the IQ table) and progress along the smallest is
    slow (about 9·10⁴ steps at η = 0.004 for the IQ table); centring x makes it fast.
    x, y: (N,), lr = η > 0  ->  params: (K + 1, 2) rows (w_k, b_k), losses: (K + 1,) line_mse
    """
    x, y = _xy("fit_line_gd", x, y)
    theta0 = as_finite_float("fit_line_gd", "(w0, b0)", [w0, b0])

    def grad(theta: FloatArray) -> FloatArray:
        r = theta[0] * x + theta[1] - y  # (N,) residuals
        return np.array([2.0 * np.mean(r * x), 2.0 * np.mean(r)])

    params = gradient_descent(grad, theta0, lr, max_steps, tol)  # (K + 1, 2)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged run has an inf loss
        residuals = params[:, :1] * x + params[:, 1:] - y  # (K + 1, 1) * (N,) -> (K + 1, N)
        losses = np.mean(residuals**2, axis=1)  # (K + 1,)
    return params, losses
