"""Exercise 04's figure, drawn from the student's own perceptron_train (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from grader.plots import save_figure

SEED = 4  # the same data set on every run
N = 40  # points, half on each side of a true line
MARGIN = 0.3  # each point at least this far from the true line
RULES = {"batch": "tab:blue", "online": "tab:orange"}


def separable_set() -> tuple[np.ndarray, np.ndarray]:
    """A seeded linearly separable 2-D set: x (N, 2), y (N,) in {−1, +1}."""
    rng = np.random.default_rng(SEED)
    u = np.array([1.0, 2.0]) / np.sqrt(5.0)  # the true line: x · u = 0.5
    x = rng.uniform(-3.0, 3.0, size=(N, 2))
    distance = x @ u - 0.5
    y = np.where(distance >= 0, 1.0, -1.0)
    x += ((y * (MARGIN + np.abs(distance))) - distance)[:, None] * u  # push off the line
    return x, y


def _line(ax, w: np.ndarray, xlim: tuple[float, float], ylim, color: str, label: str) -> None:
    """Draw w0 + w1 x1 + w2 x2 = 0 inside the axes' limits."""
    w0, w1, w2 = w
    if w2 != 0:
        x1 = np.linspace(*xlim, 2)
        ax.plot(x1, -(w0 + w1 * x1) / w2, color=color, label=label)
    elif w1 != 0:  # a vertical line
        ax.axvline(-w0 / w1, color=color, label=label)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)


def perceptron_boundary(submission, out_dir: Path) -> list[Path]:
    """Your perceptron's decision line and its mistakes per epoch

    zh-TW: 你的感知器的決策邊界與每個 epoch 的錯誤數
    """
    x, y = separable_set()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    for label, marker, color in ((1.0, "o", "tab:green"), (-1.0, "x", "tab:red")):
        left.scatter(*x[y == label].T, marker=marker, color=color, label=f"y = {label:+.0f}")
    xlim = (x[:, 0].min() - 0.5, x[:, 0].max() + 0.5)
    ylim = (x[:, 1].min() - 0.5, x[:, 1].max() + 0.5)
    for rule, color in RULES.items():
        w, mistakes = submission.perceptron_train(x, y, rule=rule)  # the student's code
        w = np.asarray(w, dtype=float).reshape(-1)
        mistakes = np.asarray(mistakes, dtype=float).reshape(-1)
        _line(left, w, xlim, ylim, color, f"{rule}: w = ({', '.join(f'{v:.3g}' for v in w)})")
        right.plot(np.arange(1, len(mistakes) + 1), mistakes, marker=".", color=color,
                   label=f"{rule}: {len(mistakes)} epochs")
    left.set_xlabel("$x_1$")
    left.set_ylabel("$x_2$")
    left.set_title("decision line $w_0 + w_1 x_1 + w_2 x_2 = 0$")
    left.legend(fontsize="small", framealpha=0.9)
    right.set_xlabel("epoch")
    right.set_ylabel("mistakes")
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_title("mistakes per epoch (0 = separated)")
    right.legend(fontsize="small")
    return save_figure(fig, out_dir, "perceptron_boundary", dpi=90)
