"""Exercise 03 — gradient descent (梯度下降): fill in every function; run `grade exercise 03`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Part 1 is the course's function f(x) = 5x² − 2x + 4, its derivative and a numerical derivative;
part 2 is gradient descent, which returns the whole path, and its learning-rate regimes; part 3
fits the regression line y = w x + b to the course's IQ table, in closed form and by gradient
descent. The constants below are part of the exercise: use them. Convert inputs with
np.asarray(..., dtype=np.float64) and never modify an argument. The instructions, with the
maths and the slides' examples, are in README.md (README.zh-TW.md); `grade exercise 03 --plot`
draws the learning-rate regimes and the regression line from your functions.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# f(x) = A x² + B x + C, the course's example
A, B, C = 5.0, -2.0, 4.0
F_CURVATURE = 2.0 * A  # f''(x) = 10 for every x
F_ARGMIN = -B / (2.0 * A)  # x* = 0.2, where f'(x*) = 0
F_MIN = C - B * B / (4.0 * A)  # f(x*) = 3.8

H = 1e-5  # step of the central difference: its error is about 1e-10 for O(1) functions
MAX_STEPS = 10_000  # iteration cap of gradient descent
TOL = 1e-10  # stop once every coordinate of a step x_{k+1} − x_k is at most this in size
DIVERGENCE_LIMIT = 1e100  # |x| beyond this counts as diverged (far below float64's 1.8e308,
# so f(x) and f'(x) of a quadratic stay finite and no overflow warning is raised)

# what lr_regime returns
MONOTONE = "monotone"  # 0 < η f'' <= 1: the error keeps its sign and shrinks
OSCILLATING = "oscillating"  # 1 < η f'' < 2: the error flips sign each step and shrinks
CYCLING = "cycling"  # η f'' = 2: the error flips sign and keeps its size forever
DIVERGING = "diverging"  # η f'' > 2: the error flips sign and grows

# --- part 1: the course's function ------------------------------------------------------------


def f(x: ArrayLike) -> float | FloatArray:
    """The course's example f(x) = 5x² − 2x + 4, elementwise.

    x: float or (...)  ->  float or (...)
    """
    raise NotImplementedError("exercise 03: implement f")


def df(x: ArrayLike) -> float | FloatArray:
    """Its derivative f'(x) = 10x − 2 (the slide's 10x + 2 has the sign of the 2 wrong).

    x: float or (...)  ->  float or (...)
    """
    raise NotImplementedError("exercise 03: implement df")


def numerical_derivative(
    fn: Callable[[FloatArray], ArrayLike], x: ArrayLike, h: float = H
) -> float | FloatArray:
    """Central-difference derivative f'(x) ≈ (f(x + h) − f(x − h)) / (2h), error O(h²).

    fn is called twice, with float64 arrays of x's shape, and must work elementwise.
    x: float or (...), h > 0  ->  float or (...)
    """
    raise NotImplementedError("exercise 03: implement numerical_derivative")


# --- part 2: gradient descent -----------------------------------------------------------------


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
    raise NotImplementedError("exercise 03: implement gradient_descent")


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
    raise NotImplementedError("exercise 03: implement lr_regime")


# --- part 3: the regression line y = w x + b --------------------------------------------------


def line_mse(x: ArrayLike, y: ArrayLike, w: float, b: float) -> float:
    """Mean squared error of the line, a mean over the N points: (1/N) Σ (w x_n + b − y_n)².

    x, y: (N,), w, b: floats  ->  float
    """
    raise NotImplementedError("exercise 03: implement line_mse")


def line_mse_grad(x: ArrayLike, y: ArrayLike, w: float, b: float) -> tuple[float, float]:
    """Gradient of line_mse: ∂/∂w = (2/N) Σ r_n x_n, ∂/∂b = (2/N) Σ r_n, r = w x + b − y.

    x, y: (N,), w, b: floats  ->  (dw, db)
    """
    raise NotImplementedError("exercise 03: implement line_mse_grad")


def fit_line(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    r"""Least-squares line in closed form: the (w, b) that minimise line_mse.

    Setting both partial derivatives to zero gives
        w = Σ (x_n − x̄)(y_n − ȳ) / Σ (x_n − x̄)²,   b = ȳ − w x̄.
    x, y: (N,), N >= 2, x not constant  ->  (w, b)
    """
    raise NotImplementedError("exercise 03: implement fit_line")


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
    raise NotImplementedError("exercise 03: implement fit_line_gd")
