"""Exercise 08's figure, drawn from the student's gradient_norms_experiment (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

DEPTH = 10  # layers of the experiment: enough for sigmoid's σ' ≤ ¼ to vanish by ~10⁻⁵
SEED = 0
CURVES = (("sigmoid", "sigmoid, Xavier init", "tab:red"), ("relu", "ReLU, He init", "tab:blue"))


def gradient_norms(submission, out_dir: Path) -> list[Path]:
    """Per-layer gradient norms of a deep sigmoid and a deep ReLU network, on a log scale

    zh-TW: 深層 sigmoid 與 ReLU 網路每一層的梯度範數（對數刻度）
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for activation, label, color in CURVES:
        norms = submission.gradient_norms_experiment(activation, depth=DEPTH, seed=SEED)
        norms = np.asarray(norms, dtype=float).reshape(-1)  # the student's (DEPTH,) norms
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = norms[0] / norms[-1] if norms.size else np.nan
        ax.plot(np.arange(1, norms.size + 1), norms, "o-", color=color,
                label=f"{label}: first / last layer = {ratio:.2g}")
    ax.set_yscale("log")
    ax.set_xticks(np.arange(1, DEPTH + 1))
    ax.grid(True, which="major", alpha=0.3)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel(r"$\|\partial L / \partial W_l\|_F$")
    ax.set_title("gradient norm per layer: sigmoid's vanish, ReLU's do not")
    ax.legend(fontsize="small")
    fig.tight_layout()
    path = out_dir / "gradient_norms.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return [path]
