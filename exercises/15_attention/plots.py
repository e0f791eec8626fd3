"""Exercise 15's figure, drawn from the student's own attention (grader/plots.py).

The weights come from the student's attention_forward with V = the identity (out = P I = P) and
from the student's causal_mask; this file only builds one-hot letter embeddings and draws. Text in
the figure is English only: a default matplotlib font has no CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from grader.plots import save_figure

WORD = "ATTENTION"
SHARPNESS = 4.0  # embeddings are SHARPNESS · one-hot: a match scores 16 / √D, a mismatch 0


def _embed(text: str, letters: str) -> np.ndarray:
    """(1, len(text), len(letters)): SHARPNESS times the one-hot code of each letter."""
    return SHARPNESS * np.eye(len(letters))[[letters.index(c) for c in text]][None]


def _weights(submission, queries: str, keys: str, letters: str, mask=None) -> np.ndarray:
    """The student's attention weights P (Tq, Tk): attention_forward with V = I gives P I."""
    Q, K = _embed(queries, letters), _embed(keys, letters)
    V = np.eye(len(keys))[None]
    args = (Q, K, V) if mask is None else (Q, K, V, mask)
    out, _ = submission.attention_forward(*args)
    return np.asarray(out, dtype=float)[0]


def _heatmap(ax, P: np.ndarray, queries: str, keys: str, title: str) -> None:
    image = ax.imshow(P, cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(keys)), [f"{c}{j}" for j, c in enumerate(keys)], fontsize="small")
    ax.set_yticks(range(len(queries)), [f"{c}{i}" for i, c in enumerate(queries)],
                  fontsize="small")
    ax.set_xlabel("key j (letter, position)")
    ax.set_ylabel("query i")
    ax.set_title(title, fontsize="medium")
    for (i, j), p in np.ndenumerate(P):
        if p >= 0.005:
            ax.text(j, i, "1" if p > 0.995 else f"{p:.2f}"[1:], ha="center", va="center",
                    fontsize=6.5, color="k" if p > 0.6 else "w")
    plt.colorbar(image, ax=ax, fraction=0.046, pad=0.03)


def attention_weights(submission, out_dir: Path) -> list[Path]:
    """Attention weights of a toy example: matching letters, and the causal mask's effect

    zh-TW: 小例子的注意力權重：字母相同的鍵，以及因果遮罩的效果
    """
    letters = "".join(sorted(set(WORD)))
    reverse = WORD[::-1]
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.4))
    _heatmap(axes[0], _weights(submission, reverse, WORD, letters), reverse, WORD,
             f"queries = reversed word, keys = '{WORD}':\nweight split over the keys "
             "with the query's letter")
    _heatmap(axes[1], _weights(submission, WORD, WORD, letters), WORD, WORD,
             "self-attention, no mask:\na repeated letter attends to all its copies")
    mask = np.asarray(submission.causal_mask(len(WORD)), dtype=bool)
    causal = _weights(submission, WORD, WORD, letters, mask)
    _heatmap(axes[2], causal, WORD, WORD,
             "self-attention with causal_mask: only keys j ≤ i;\n"
             "grey = masked; each row still sums to 1 (renormalised)")
    axes[2].imshow(np.ma.masked_where(mask, np.ones(mask.shape)), cmap=ListedColormap(["0.8"]),
                   vmin=0.0, vmax=1.0)  # masked (query, key) pairs in light grey
    return save_figure(fig, out_dir, "attention_weights", dpi=90)
