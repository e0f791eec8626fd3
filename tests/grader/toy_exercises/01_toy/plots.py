"""The toy exercise's figure: the student's `double` on a range (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np


def curve(submission, out_dir: Path) -> list[Path]:
    """double(x) on [-3, 3].

    zh-TW: double(x) 在 [-3, 3] 上的圖形
    """
    x = np.linspace(-3.0, 3.0, 61)
    y = submission.double(x)  # runs in the untrusted worker; an array comes back
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(x, y, label="double(x)")
    ax.set_xlabel("x")
    ax.legend()
    fig.tight_layout()
    path = out_dir / "curve.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return [path]
