"""The figures of exercise 03, drawn from the student's own functions: `grade exercise 03 --plot`.

Each function takes the student's module as `submission` (calls run in the untrusted worker,
data comes back) and a folder, saves PNG files there and returns their paths. The grader has
selected matplotlib's Agg backend. Only the student's functions and the data file are used,
never the reference. Text in the figures is English only: a default matplotlib font has no
CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

IQ_CSV = Path(__file__).resolve().parents[2] / "datasets" / "iq_table.csv"
X0 = 1.0  # the start of the three runs
X_STAR = 0.2  # the minimum of f(x) = 5x² − 2x + 4, where f'(x) = 10x − 2 = 0
CURVATURE = 10.0  # f''(x), which decides the regime through η · f''
RATES = (0.05, 0.15, 0.25)  # monotone, oscillating, diverging
STEPS = 10  # enough to tell the regimes apart: x_10 − x* is 0.8 · 1.5^10 ≈ 46 at η = 0.25
SLIDE_LINE = (3.33, 50.0)  # the slide's IQ = 3.33 x + 50
GD_RATE = 0.05  # fit_line_gd on centred x: a few hundred steps (raw x needs ~10^5)
COLORS = ("tab:blue", "tab:orange", "tab:red")


def learning_rate_regimes(submission, out_dir: Path) -> list[Path]:
    """Gradient descent on f with three learning rates

    zh-TW: 三種學習率下 f 的梯度下降
    """
    paths = [np.asarray(submission.gradient_descent(submission.df, X0, lr, max_steps=STEPS),
                        dtype=np.float64) for lr in RATES]
    grid = np.linspace(-1.2, 1.6, 200)
    curve = np.asarray(submission.f(grid), dtype=np.float64)

    fig, (on_curve, over_k) = plt.subplots(1, 2, figsize=(12, 4.8))
    on_curve.plot(grid, curve, color="0.6", linewidth=2, label="f(x) = 5x² − 2x + 4")
    for lr, path, color in zip(RATES, paths, COLORS, strict=True):
        label = f"η = {lr:g} (η·f'' = {lr * CURVATURE:g})"
        heights = np.asarray(submission.f(path), dtype=np.float64)
        on_curve.plot(path, heights, "o-", color=color, markersize=4, linewidth=1, label=label)
        over_k.plot(np.arange(len(path)), path - X_STAR, "o-", color=color, markersize=4,
                    label=label)
    on_curve.set_xlim(grid[0], grid[-1])
    on_curve.set_ylim(curve.min() - 0.5, curve.max() + 0.5)  # a diverging run leaves the frame
    on_curve.set_xlabel("x")
    on_curve.set_ylabel("f(x)")
    on_curve.set_title(f"x_0 = {X0:g}: the iterates on the curve")
    on_curve.legend(loc="upper center", fontsize="small")
    over_k.axhline(0.0, color="0.6", linewidth=1)
    over_k.set_yscale("symlog", linthresh=1e-2)
    over_k.set_xlabel("step k")
    over_k.set_ylabel("x_k − x*  (symmetric log scale)")
    over_k.set_title("e_k = (1 − η·f'')^k e_0: monotone, oscillating, diverging")
    over_k.legend(fontsize="small")
    fig.suptitle("Gradient descent x ← x − η f'(x) on f(x) = 5x² − 2x + 4")
    return save_figure(fig, out_dir, "learning_rate_regimes")


def regression_line(submission, out_dir: Path) -> list[Path]:
    """The IQ table's regression line: closed form, gradient descent, the slide's line

    zh-TW: IQ 資料表的迴歸直線：閉合解、梯度下降與投影片的直線
    """
    table = np.loadtxt(IQ_CSV, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)  # (9, 2)
    x, y = table[:, 0].copy(), table[:, 1].copy()
    w, b = (float(v) for v in submission.fit_line(x, y))
    mean_x = float(x.mean())
    params, losses = submission.fit_line_gd(x - mean_x, y, GD_RATE)  # on centred x
    params, losses = np.asarray(params, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    w_gd, b_gd = float(params[-1, 0]), float(params[-1, 1] - params[-1, 0] * mean_x)
    lines = [(w, b, "-", "tab:blue", "least squares (fit_line)"),
             (w_gd, b_gd, "--", "tab:orange", f"gradient descent, {len(params) - 1} steps"),
             (*SLIDE_LINE, ":", "tab:red", "the slide's line")]

    fig, (data, loss) = plt.subplots(1, 2, figsize=(12, 4.8))
    data.scatter(x, y, color="black", zorder=3, label="IQ table (9 points)")
    xs = np.linspace(x.min() - 1.0, x.max() + 1.0, 50)
    for slope, intercept, style, color, name in lines:
        mse = float(submission.line_mse(x, y, slope, intercept))
        data.plot(xs, slope * xs + intercept, style, color=color, linewidth=2,
                  label=f"{name}: {slope:.2f}x + {intercept:.1f}, MSE {mse:.1f}")
    data.set_xlabel("swear factor")
    data.set_ylabel("IQ")
    data.set_title("y = w x + b fitted to the IQ table")
    data.legend(fontsize="small")
    excess = losses - float(submission.line_mse(x, y, w, b))  # above the closed-form line's
    steps = np.arange(len(losses))
    shown = excess > 0  # the last few can round to 0 or below: a log scale cannot show them
    loss.semilogy(steps[shown], excess[shown], color="tab:orange",
                  label="line_mse(w_k, b_k) − line_mse(closed form)")
    loss.set_xlabel("step k")
    loss.set_ylabel("excess MSE (log scale)")
    loss.set_title(f"fit_line_gd on centred x, η = {GD_RATE:g}: linear convergence")
    loss.legend(fontsize="small")
    return save_figure(fig, out_dir, "regression_line")
