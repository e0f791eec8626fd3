"""Exercise 05's figure, drawn from the student's own train and forward (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

N = 200  # points of make_moons, seed 0: the data the visible training check uses
H = 16  # hidden units
GRID = 150  # grid points per axis for the decision regions
NOISE = 0.1


def moons() -> tuple[np.ndarray, np.ndarray]:
    """make_moons(N, NOISE, seed=0) of the stub, repeated here so the figure needs only train."""
    rng = np.random.default_rng(0)
    n0 = N // 2
    t = rng.uniform(0.0, np.pi, size=N)
    X = np.stack([np.cos(t), np.sin(t)], axis=1)  # (N, 2) upper moon
    X[n0:] = [1.0, 0.5] - X[n0:]  # lower moon
    X += rng.normal(0.0, NOISE, size=X.shape)
    y = np.repeat([0, 1], [n0, N - n0])
    order = rng.permutation(N)
    return X[order], y[order]


def decision_boundary(submission, out_dir: Path) -> list[Path]:
    """Your trained network's decision regions on the two moons, and its loss curve

    zh-TW: 你訓練好的網路在雙月資料上的決策區域，以及損失曲線
    """
    X, y = moons()
    params, history = submission.train(X, y, H=H)  # the student's code
    history = np.asarray(history, dtype=float).reshape(-1)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (GRID², 2)
    scores, _ = submission.two_layer_forward(grid, params)
    regions = np.argmax(np.asarray(scores, dtype=float), axis=1).reshape(g1.shape)
    train_scores, _ = submission.two_layer_forward(X, params)
    acc = float(np.mean(np.argmax(np.asarray(train_scores, dtype=float), axis=1) == y))

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    left.contourf(g1, g2, regions, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    left.contour(g1, g2, regions, levels=[0.5], colors="k", linewidths=1)
    for label, marker, color in ((0, "o", "tab:blue"), (1, "x", "tab:orange")):
        left.scatter(*X[y == label].T, marker=marker, color=color, s=14, label=f"class {label}")
    left.set_xlabel("$x_1$")
    left.set_ylabel("$x_2$")
    left.set_title(f"decision regions, H = {H}: {acc:.1%} of the points correct")
    left.legend(fontsize="small", framealpha=0.9)
    right.plot(np.arange(len(history)), history, color="tab:purple")
    right.set_yscale("log")
    right.set_xlabel("step")
    right.set_ylabel("mean cross-entropy")
    right.set_title("loss before each gradient step")
    return save_figure(fig, out_dir, "decision_boundary", dpi=90)
