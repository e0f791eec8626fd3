"""Visible checks of exercise 03 (gradient descent): what `grade exercise 03` runs.

f and df are compared with the reference, and df is judged by central differences of the
student's own f as well. numerical_derivative and gradient_descent take a function: the checks
pass the student's own f and df, and judge the result against what that same function gives
(central differences of it, and the path its values dictate step by step), so a wrong df costs
only the df check. The regression line is fitted to the course's IQ table (read from
datasets/iq_table.csv) and to random data, in closed form and by gradient descent.
"""

import numpy as np

from grader.checks import agrees, assert_close, gradient_check, points, tip

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a normal-equation fit loses ~30x more on the table
GD_RTOL = 1e-6  # fit_line_gd stops once a step is <= 1e-10: about 1e-9 from the minimum here
LANDING_RATES = (0.05, 0.1, 0.15)  # monotone, one step onto x* = 0.2, oscillating

F_HINT = tip("f(x) = 5x² − 2x + 4 elementwise: 5 * x**2 - 2 * x + 4 on np.asarray(x, float)",
             "f(x) = 5x² − 2x + 4，逐元素計算：對 np.asarray(x, float) 算 5 * x**2 - 2 * x + 4")
DF_HINT = tip("the derivative of 5x² − 2x + 4 is 10x − 2; the slide prints 10x + 2, a slip: "
              "at x = 0 the slope is −2 (f(0.1) = 3.85 < f(0) = 4)",
              "5x² − 2x + 4 的導數是 10x − 2；投影片印成 10x + 2 是筆誤：在 x = 0 斜率是 −2"
              "（f(0.1) = 3.85 < f(0) = 4）")
CENTRAL_HINT = tip("use the central difference (fn(x + h) − fn(x − h)) / (2h), error O(h²); the "
                   "forward difference (fn(x + h) − fn(x)) / h has an error O(h), 5h for this f",
                   "請用中央差分 (fn(x + h) − fn(x − h)) / (2h)，誤差 O(h²)；前向差分 "
                   "(fn(x + h) − fn(x)) / h 的誤差是 O(h)，對這個 f 是 5h")
VECTOR_HINT = tip("with x0 of shape (D,) the path has shape (K + 1, D): copy x0 "
                  "(np.array(x0, dtype=float)) and write x = x - lr * g, never x -= ..., or every "
                  "row of the path is the same array",
                  "x0 的形狀是 (D,) 時，路徑的形狀是 (K + 1, D)：先複製 x0"
                  "（np.array(x0, dtype=float)），並寫 x = x - lr * g，不要寫 x -= ...，"
                  "否則路徑的每一列都是同一個陣列")


# --- part 1: f, df and the numerical derivative -------------------------------------------


@points(1)
def test_f(submission, reference, rng):
    """f(x) = 5x² − 2x + 4 matches the reference

    zh-TW: f(x) = 5x² − 2x + 4 與參考答案一致
    """
    for x in (0.0, 0.2, 1.0, rng.normal(scale=2.0, size=7), rng.normal(size=(3, 4))):
        assert_close(submission.f(x), reference.f(x), hint=F_HINT)


@points(2)
def test_df(submission, reference, rng):
    """df is 10x − 2 (the slide's 10x + 2 is a slip)

    zh-TW: df 是 10x − 2（投影片的 10x + 2 是筆誤）
    """
    for x in (1.0, 0.0, 0.2):  # the slope at 0 is −2, and 0 at the minimum x* = 0.2
        assert_close(submission.df(x), reference.df(x), hint=DF_HINT)
    x = rng.normal(scale=2.0, size=7)
    gradient_check(lambda p: submission.f(p), submission.df(x), x, dout=np.ones_like(x),
                   name="df", hint=DF_HINT,
                   forward_is_right=agrees(lambda: submission.f(x), reference.f(x)),
                   expected=reference.df(x))


def central_difference(fn, x, h: float):
    """(fn(x + h) − fn(x − h)) / 2h from the values of fn (the student's, in the worker)."""
    x = np.asarray(x, dtype=np.float64)
    value = (np.asarray(fn(x + h), dtype=np.float64) - np.asarray(fn(x - h), dtype=np.float64))
    return value / (2.0 * h)


@points(2)
def test_numerical_derivative(submission, reference, rng):
    """numerical_derivative is the central difference

    zh-TW: numerical_derivative 是中央差分
    """
    f = submission.f
    cases = [(1.0, None), (rng.normal(size=7), None), (1.0, 1e-3), (rng.normal(size=5), 0.1)]
    for x, h in cases:  # for a quadratic the central difference is exact for every h
        got = submission.numerical_derivative(f, x) if h is None else \
            submission.numerical_derivative(f, x, h)
        want = central_difference(f, x, reference.H if h is None else h)
        assert_close(got, want if want.ndim else float(want), hint=CENTRAL_HINT)


# --- part 2: gradient descent and its regimes ---------------------------------------------


@points(3)
def test_gradient_descent_path(submission, descent):
    """gradient_descent on f: the path from x_0 = x0

    zh-TW: 在 f 上的 gradient_descent：從 x_0 = x0 開始的路徑
    """
    for lr in LANDING_RATES:
        descent.check(submission.df, 1.0, lr)
    descent.check(submission.df, -3.5, 0.01)  # a slow run of a few hundred steps


@points(1)
def test_gradient_descent_vector_start(submission, descent, rng):
    """gradient_descent from x0 of shape (D,)

    zh-TW: 從形狀 (D,) 的 x0 出發的 gradient_descent
    """
    descent.check(submission.df, rng.normal(size=3), 0.05, hint=VECTOR_HINT)


@points(2)
def test_gradient_descent_stopping(submission, descent):
    """gradient_descent stops at max_steps, tol, divergence

    zh-TW: gradient_descent 在 max_steps、tol、發散時停止
    """
    df = submission.df
    descent.check(df, 1.0, 0.05, max_steps=5)
    descent.check(df, 1.0, 0.05, max_steps=5, tol=0.0)
    descent.check(df, 1.0, 0.05, tol=1e-3)
    descent.check(df, 1.0, 0.2, max_steps=12)  # cycles between 1 and −0.6: never converges
    descent.check(df, 1.0, 0.25)  # diverges: stops at the first |x| > DIVERGENCE_LIMIT


@points(2)
def test_lr_regime(regimes):
    """lr_regime names the regime, boundaries too

    zh-TW: lr_regime 判斷正確的區間，邊界也正確
    """
    for lr in (0.01, 0.05, 0.0999, 0.1, 0.1001, 0.15, 0.1999, 0.2, 0.2001, 0.25, 1.0):
        regimes(lr)  # the course's f: curvature 10, so 0.1 and 0.2 are the boundaries
    for lr, curvature in ((0.3, 2.0), (0.75, 2.0), (1.0, 2.0), (1.5, 2.0)):
        regimes(lr, curvature)


# --- part 3: the regression line ------------------------------------------------------------


@points(1)
def test_line_mse(lines, iq, rng):
    """line_mse matches the reference on the IQ table

    zh-TW: line_mse 在 IQ 資料表上與參考答案一致
    """
    x, y = iq
    lines.mse(x, y, 3.33, 50.0)  # the slide's line
    lines.mse(x, y, 0.0, 0.0)
    x = rng.normal(size=12)
    lines.mse(x, 2.0 * x + 1.0 + rng.normal(size=12), rng.normal(), rng.normal())


@points(2)
def test_line_mse_grad(lines, iq, rng):
    """line_mse_grad agrees with central differences of your line_mse

    zh-TW: line_mse_grad 與你的 line_mse 的中央差分一致
    """
    x, y = iq
    lines.grad(x, y, 3.33, 50.0)
    x = rng.normal(size=12)
    lines.grad(x, -1.5 * x + 0.5 + rng.normal(size=12), rng.normal(), rng.normal())


@points(2)
def test_fit_line(lines, iq, rng):
    """fit_line: least squares (IQ table: ≈ 1.79x + 65.2)

    zh-TW: fit_line：最小平方直線（IQ 資料表：≈ 1.79x + 65.2）
    """
    lines.fit(*iq)
    x = rng.uniform(-3.0, 5.0, size=20)
    lines.fit(x, 0.7 * x - 2.0 + 0.3 * rng.normal(size=20))


@points(2)
def test_fit_line_gd(lines, iq):
    """fit_line_gd: the path of (w, b) and the losses

    zh-TW: fit_line_gd：(w, b) 的路徑與損失
    """
    x, y = iq
    lines.fit_gd_path(x, y, 0.004, max_steps=30, tol=0.0)  # raw x: η must stay below 0.0041
    lines.fit_gd_path(x - x.mean(), y, 0.05)  # centred x: converges in a few hundred steps


@points(2)
def test_gradient_descent_reaches_the_closed_form(lines, reference, iq, rng):
    """gradient descent on the MSE ends at the closed form

    zh-TW: 對 MSE 做梯度下降，最後到達閉合解
    """
    x_iq, y_iq = iq
    N = 30
    x_random = rng.normal(size=N)
    cases = ((x_iq - x_iq.mean(), y_iq, 0.05),  # centred: a few hundred steps
             (x_random, 2.5 * x_random - 1.0 + rng.normal(size=N), 0.2))
    for x, y, lr in cases:
        params, _, call = lines.fit_gd(x, y, lr)
        w, b = reference.fit_line(x, y)
        hint = tip("gradient descent on line_mse must end where its gradient is 0, at the "
                   "closed-form (w, b); check the gradient and that you keep iterating until a "
                   "step is <= tol",
                   "對 line_mse 做梯度下降，最後應停在梯度為 0 的地方，也就是閉合解 (w, b)；"
                   "請檢查梯度，以及是否一直迭代到步長 <= tol")
        assert_close(params[-1, 0], w, rtol=GD_RTOL, what=f"the last w of {call}", hint=hint)
        assert_close(params[-1, 1], b, rtol=GD_RTOL, what=f"the last b of {call}", hint=hint)


# --- every function: float32 and arguments ----------------------------------------------


@points(1)
def test_float32_inputs(submission, lines, iq, rng):
    """float32 inputs give what float64 inputs give

    zh-TW: float32 輸入與 float64 輸入的結果相同
    """
    x32 = rng.normal(size=6).astype(np.float32)
    for name in ("f", "df"):
        function = getattr(submission, name)
        assert_close(function(x32), function(x32.astype(np.float64)), rtol=FLOAT32_RTOL)
    x, y = (a.astype(np.float32) for a in iq)
    x64, y64 = iq
    assert_close(submission.line_mse(x, y, 1.5, 70.0), submission.line_mse(x64, y64, 1.5, 70.0),
                 rtol=FLOAT32_RTOL)
    for name, args32, args64 in (("line_mse_grad", (x, y, 1.5, 70.0), (x64, y64, 1.5, 70.0)),
                                 ("fit_line", (x, y), (x64, y64))):
        got, want = lines.pair(name, *args32), lines.pair(name, *args64)
        for yours, expected, part in zip(got, want, ("first", "second"), strict=True):
            assert_close(yours, expected, rtol=FLOAT32_RTOL,
                         what=f"the {part} value of {name}(x float32 (9,), y float32 (9,) ...)")


@points(1)
def test_inputs_not_modified(submission, rng):
    """no function changes its input arrays

    zh-TW: 沒有函式會修改輸入的陣列
    """
    x, y = rng.normal(size=(2, 8))
    submission.f(x)
    submission.df(x)
    submission.numerical_derivative(submission.f, x)  # the grader reports a changed argument
    submission.gradient_descent(submission.df, x[:3], 0.05, max_steps=20)
    submission.line_mse(x, y, 1.0, 0.5)
    submission.line_mse_grad(x, y, 1.0, 0.5)
    submission.fit_line(x, y)
    submission.fit_line_gd(x, y, 0.1, max_steps=20)
