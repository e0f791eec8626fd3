"""The figure of exercise 06, drawn from the student's own optimizers: `grade exercise 06 --plot`.

Each function takes the student's module as `submission` (calls run in the untrusted worker,
data comes back) and a folder, saves PNG files there and returns their paths. The grader has
selected matplotlib's Agg backend. The gradients of the two test functions are computed here
(plain NumPy); every update is the student's, the reference is never used. Text in the figures
is English only: a default matplotlib font has no CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

START = np.array([-1.5, 2.0])  # on the far side of Rosenbrock's banana valley
BOWL_CURVATURES = np.array([1.0, 10.0])  # ½(w₁² + 10 w₂²): condition number 10
BOWL_STEPS, ROSEN_STEPS = 60, 400
RUNS = (  # (optimizer, hyper-parameters on the bowl, on Rosenbrock, colour)
    ("sgd", {"lr": 0.15}, {"lr": 1e-3}, "tab:gray"),
    ("momentum", {"lr": 0.1, "gamma": 0.9}, {"lr": 1e-2, "gamma": 0.9}, "tab:blue"),
    ("heavy_ball", {"lr": 0.02, "gamma": 0.9}, {"lr": 1e-3, "gamma": 0.9}, "tab:cyan"),
    ("nesterov", {"lr": 0.02, "gamma": 0.9}, {"lr": 1e-3, "gamma": 0.9}, "tab:purple"),
    ("rmsprop", {"lr": 0.05}, {"lr": 1e-2}, "tab:green"),
    ("adam", {"lr": 0.1}, {"lr": 0.03}, "tab:red"),
)


def bowl_grad(w):
    return BOWL_CURVATURES * w


def rosenbrock_grad(w):
    x, y = w
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def _path(submission, name, grad, steps, hyper):
    """Iterates of the student's optimizer `name`, state passed back in; stops if it blows up."""
    update = getattr(submission, name)
    w, state, path = START.copy(), None, [START.copy()]
    for _ in range(steps):
        w, state = update(w, grad(w), state, **hyper)
        w = np.asarray(w, dtype=np.float64).reshape(2)
        path.append(w)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e3:
            break
    return np.array(path)


def optimizer_paths(submission, out_dir: Path) -> list[Path]:
    """The paths of your optimizers on a quadratic bowl and on Rosenbrock's function

    zh-TW: 你的最佳化演算法在二次碗形函數與 Rosenbrock 函數上的路徑
    """
    xs, ys = np.meshgrid(np.linspace(-2.0, 2.0, 300), np.linspace(-1.0, 3.0, 300))
    bowl = 0.5 * (BOWL_CURVATURES[0] * xs**2 + BOWL_CURVATURES[1] * ys**2)
    rosen = (1.0 - xs) ** 2 + 100.0 * (ys - xs**2) ** 2
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
    panels = ((axes[0], bowl, bowl_grad, BOWL_STEPS, 1, (0.0, 0.0), "½(w₁² + 10 w₂²)"),
              (axes[1], rosen, rosenbrock_grad, ROSEN_STEPS, 2, (1.0, 1.0),
               "Rosenbrock (1 − x)² + 100(y − x²)²"))
    for ax, z, grad, steps, which, minimum, title in panels:
        ax.contour(xs, ys, z, levels=np.logspace(-2, 3.5, 25), colors="0.75", linewidths=0.6)
        for name, bowl_hyper, rosen_hyper, color in RUNS:
            hyper = bowl_hyper if which == 1 else rosen_hyper
            path = _path(submission, name, grad, steps, hyper)
            label = f"{name} ({', '.join(f'{k}={v:g}' for k, v in hyper.items())})"
            ax.plot(path[:, 0], path[:, 1], "-", color=color, linewidth=1.2, label=label)
            ax.plot(path[-1, 0], path[-1, 1], "o", color=color, markersize=4)
        ax.plot(*minimum, "*", color="gold", markersize=14, markeredgecolor="black")
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-1.0, 3.0)
        ax.set_xlabel("w₁ (x)")
        ax.set_ylabel("w₂ (y)")
        ax.set_title(f"{title}: {steps} steps from ({START[0]:g}, {START[1]:g})", fontsize="medium")
        ax.legend(fontsize="x-small", loc="lower right")
    return save_figure(fig, out_dir, "optimizer_paths")
