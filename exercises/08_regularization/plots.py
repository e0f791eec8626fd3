"""Exercise 08's figure, drawn from the student's gradient_norms_experiment (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

DEPTH = 10  # layers of the experiment: enough for sigmoid's σ' ≤ ¼ to vanish by ~10⁻⁵
SEED = 0
CURVES = (  # (activation, weight_scale, label, colour)
    ("sigmoid", 1.0, "sigmoid, Xavier init", "tab:red"),
    ("relu", 1.0, "ReLU, He init", "tab:blue"),
    ("relu", 2.0, "ReLU, 2 × He's std", "tab:purple"),
)


def gradient_norms(submission, out_dir: Path) -> list[Path]:
    """Per-layer gradient norms of deep networks: vanishing, stable and exploding (log scale)

    zh-TW: 深層 sigmoid 與 ReLU 網路每一層的梯度範數（對數刻度）：消失、穩定與爆炸
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    drawn = {}  # (activation, scale) -> the student's (DEPTH,) norms
    for activation, scale, label, color in CURVES:
        norms = submission.gradient_norms_experiment(activation, depth=DEPTH, seed=SEED,
                                                     weight_scale=scale)
        norms = drawn[activation, scale] = np.asarray(norms, dtype=float).reshape(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if scale == 1.0:
                label += f": first / last layer = {norms[0] / norms[-1]:.2g}"
            else:  # the same draws, scaled: the ratio to the He curve (2^(DEPTH − 1) = 512)
                label += f": {np.median(norms / drawn[activation, 1.0]):.3g} × the He curve"
        ax.plot(np.arange(1, norms.size + 1), norms, "o-", color=color, label=label)
    ax.set_yscale("log")
    ax.set_xticks(np.arange(1, DEPTH + 1))
    ax.grid(True, which="major", alpha=0.3)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel(r"$\|\partial L / \partial W_l\|_F$")
    ax.set_title("gradient norm per layer: vanishing (sigmoid), stable (ReLU + He), exploding",
                 fontsize="medium")
    ax.legend(fontsize="small")
    return save_figure(fig, out_dir, "gradient_norms", dpi=90)
