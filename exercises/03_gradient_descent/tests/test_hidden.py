"""Hidden checks of exercise 03 (gradient descent): run only when the instructor grades.

What a submission tuned to the visible checks can miss: other functions than the course's f
(NumPy's sin, cos and square, reached through the student's module, so the function lives in
the worker) and other starts, a zero step budget and a large tolerance, a blow-up that must
stop at DIVERGENCE_LIMIT before it overflows, the regimes of other curvatures and their exact
boundaries, lines through two points, exact lines, negative slopes and large data sets,
fit_line_gd from another start and with a learning rate that diverges, and a numerical
derivative that must convert float32 input to float64 before it steps by h = 1e-5.
"""

import numpy as np

from grader.checks import assert_close, fail, points, tip, warnings_during

BLOWUP_HINT = tip("stop at the first iterate with |x| > DIVERGENCE_LIMIT (keep it): testing only "
                  "np.isfinite lets the run go on to inf, with an overflow on the way",
                  "在第一個 |x| > DIVERGENCE_LIMIT 的迭代點停止（並保留它）：只檢查 np.isfinite "
                  "會讓它一路跑到 inf，途中還會溢位")
FLOAT64_HINT = tip("convert x with np.asarray(x, dtype=np.float64) first: in float32, x + 1e-5 "
                   "is rounded to a few digits and the difference quotient is mostly rounding",
                   "先用 np.asarray(x, dtype=np.float64) 轉換 x：在 float32 中 x + 1e-5 只剩幾位"
                   "有效數字，差商幾乎全是捨入誤差")
CURVATURE_HINT = tip("use the curvature argument: the boundaries are η = 1/c and η = 2/c, "
                     "not 0.1 and 0.2 (those hold for the course's f, c = 10, only)",
                     "要用 curvature 參數：邊界是 η = 1/c 與 η = 2/c，不是 0.1 與 0.2"
                     "（那只適用於課程的 f，c = 10）")


def central_difference(fn, x, h: float):
    """(fn(x + h) − fn(x − h)) / 2h in float64, from fn's values in the worker."""
    x = np.asarray(x, dtype=np.float64)
    value = (np.asarray(fn(x + h), dtype=np.float64) - np.asarray(fn(x - h), dtype=np.float64))
    return value / (2.0 * h)


@points(2)
def test_other_functions_and_starts(submission, descent, numpy_fn, rng):
    """gradient descent on other functions and starts

    zh-TW: 其他函數與其他起點的梯度下降
    """
    cos, sin = numpy_fn("cos"), numpy_fn("sin")
    for x0 in (0.0, 1.0, -3.0):  # grad = cos: the minima of sin at −π/2 + 2πk
        descent.check(cos, x0, 0.5)
    descent.check(sin, rng.uniform(-2.0, 2.0, size=4), 0.3)  # the minimum of −cos at 0
    descent.check(submission.df, np.array([1.0, -2.0, 0.5]), 0.18)
    descent.check(submission.df, 7.5, 0.001, max_steps=50)


@points(2)
def test_path_edge_cases(submission, descent, numpy_fn):
    """max_steps = 0, a large tol, a blow-up

    zh-TW: max_steps = 0、很大的 tol、急速發散
    """
    df = submission.df
    descent.check(df, 1.0, 0.05, max_steps=0)  # the path is [x0]
    descent.check(df, np.array([1.0, -1.0]), 0.05, max_steps=0)  # shape (1, 2)
    descent.check(df, 1.0, 0.05, tol=10.0)  # the first step is already small enough
    descent.check(df, 0.2, 0.05)  # starts at the minimum: one step of size 0
    square = numpy_fn("square")  # grad = x²: x_{k+1} ≈ −x_k², past 1e100 in a few steps
    _, warned = warnings_during(lambda: descent.check(square, 2.0, 1.0, hint=BLOWUP_HINT))
    if warned:
        fail(f"gradient_descent warned on a diverging run: {warned[0]}",
             f"gradient_descent 在發散的執行中發出警告：{warned[0]}", BLOWUP_HINT)


@points(2)
def test_regimes_of_other_curvatures(regimes):
    """lr_regime for other curvatures c, at 1/c and 2/c

    zh-TW: 其他曲率 c 的 lr_regime，含 1/c 與 2/c
    """
    for c in (1.0, 4.0, 0.5, 3.0, 250.0):
        for q in (0.5, 1.0, 1.5, 2.0, 2.5):
            regimes(q / c, c, hint=CURVATURE_HINT)


@points(2)
def test_lines_on_other_data(lines, rng):
    """lines: two points, exact fits, 2000 points

    zh-TW: 直線：兩個點、完全共線、2000 個點
    """
    x2, y2 = np.array([1.0, 3.0]), np.array([2.0, -4.0])  # the line y = −3x + 5 exactly
    x = rng.uniform(-5.0, 5.0, size=15)
    big = rng.normal(loc=50.0, scale=3.0, size=2000)
    data = [(x2, y2), (x, -0.5 * x + 4.0), (big, 1.2 * big + 7.0 + rng.normal(size=2000))]
    for xs, ys in data:
        lines.fit(xs, ys)
        w, b = rng.normal(), rng.normal()
        lines.mse(xs, ys, w, b)
        lines.grad(xs, ys, w, b)


@points(1)
def test_fit_line_gd_start_and_divergence(lines, iq, rng):
    """fit_line_gd from (w0, b0), and diverging

    zh-TW: fit_line_gd 從 (w0, b0) 出發，以及發散時
    """
    x, y = iq
    lines.fit_gd_path(x - x.mean(), y, 0.1, w0=3.33, b0=50.0)  # from the slide's line
    lines.fit_gd_path(x, y, 0.01)  # η > 2/492: the path stops at |θ| > DIVERGENCE_LIMIT
    xs = rng.normal(size=10)
    lines.fit_gd_path(xs, 3.0 * xs + rng.normal(size=10), 0.3, max_steps=15, tol=0.0,
                      w0=-1.0, b0=2.0)


@points(1)
def test_numerical_derivative_other_functions(submission, numpy_fn, rng):
    """numerical_derivative of sin, and of float32 x

    zh-TW: sin 的數值微分，以及 float32 的 x
    """
    sin = numpy_fn("sin")
    x = rng.uniform(-3.0, 3.0, size=6)
    for h in (1e-5, 1e-3, 0.1):  # not exact for sin: the O(h²) error shows at h = 0.1
        assert_close(submission.numerical_derivative(sin, x, h), central_difference(sin, x, h))
    x32 = x.astype(np.float32)
    assert_close(submission.numerical_derivative(sin, x32), central_difference(sin, x32, 1e-5),
                 hint=FLOAT64_HINT)
