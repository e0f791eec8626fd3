"""Exercise 10's figures, drawn from the student's own functions (grader/plots.py)."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

T = 30  # time steps of the experiment
SEED = 0
RADII = (  # (spectral radius of Wh, colour)
    (0.5, "tab:blue"), (0.9, "tab:cyan"), (1.5, "tab:orange"), (3.0, "tab:red"),
)
LENGTHS = np.arange(2, 41, 2)  # sequence lengths of the clipping panel
PANEL_CLIP = 100.0  # the clipping panel: above radius 0.5's norms (~30), below radius 3's
N_TRAIN, N_TEST = 200, 500  # the many-to-one task: make_sequences(N, LONG, seed)
LONG = 20  # time steps: long enough that training without clipping blows up at LR
LR = 1.0
RUNS = ((1.0, "tab:purple", "clipped at global norm 1"),  # (max_norm, colour, label)
        (1e12, "tab:gray", "no clipping"))


def vanishing_exploding(submission, out_dir: Path) -> list[Path]:
    """Gradient norms through time: vanishing and exploding, and clipping keeping them bounded

    zh-TW: 梯度範數隨時間步的變化：梯度消失與梯度爆炸，以及梯度修剪讓更新保持有界
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    steps = np.arange(1, T + 1)
    for radius, color in RADII:
        norms, _ = submission.gradient_through_time(radius, T=T, seed=SEED)
        norms = np.asarray(norms, dtype=float).reshape(-1)
        left.plot(steps, norms / norms[-1], "o-", ms=3, color=color,
                  label=f"radius {radius:g}: first / last = {norms[0] / norms[-1]:.2g}")
    left.set_yscale("log")
    left.grid(True, which="major", alpha=0.3)
    left.set_xlabel(f"time step t (the loss is on h_T, T = {T})")
    left.set_ylabel(r"$\|\partial L/\partial h_t\| \;/\; \|\partial L/\partial h_T\|$")
    left.set_title("BPTT: gradient reaching each step, by spectral radius of Wh",
                   fontsize="medium")
    left.legend(fontsize="small")

    for radius, color in (RADII[0], RADII[-1]):
        before, after = [], []
        for length in LENGTHS:
            _, grads = submission.gradient_through_time(radius, T=int(length), seed=SEED)
            clipped, norm = submission.clip_gradients(grads, PANEL_CLIP)
            before.append(float(norm))
            after.append(float(np.sqrt(sum(np.sum(np.asarray(g, dtype=float) ** 2)
                                           for g in clipped.values()))))
        right.plot(LENGTHS, before, "o-", ms=3, color=color,
                   label=f"radius {radius:g}, no clipping")
        right.plot(LENGTHS, after, "s--", ms=3, color=color, alpha=0.7,
                   label=f"radius {radius:g}, clipped at {PANEL_CLIP:g}")
    right.axhline(PANEL_CLIP, color="k", lw=0.8, ls=":")
    right.set_yscale("log")
    right.grid(True, which="major", alpha=0.3)
    right.set_xlabel("sequence length T")
    right.set_ylabel("global norm of (dWx, dWh, db)")
    right.set_title("clip_gradients keeps the update bounded", fontsize="medium")
    right.legend(fontsize="small")
    return save_figure(fig, out_dir, "vanishing_exploding", dpi=90)


def _sequences(N: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """make_sequences(N, LONG, seed) of the stub, repeated here: x (N, LONG, 1), y = [Σ x > 0]."""
    x = np.random.default_rng(seed).normal(size=(N, LONG, 1))
    return x, (x.sum(axis=(1, 2)) > 0).astype(np.int64)


def _p_positive(submission, params, x) -> np.ndarray:
    """P(class 1) of the trained many-to-one RNN: softmax of h_T Wy + by, h from rnn_forward."""
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    h, _ = submission.rnn_forward(x, np.zeros((x.shape[0], p["Wh"].shape[0])), p["Wx"],
                                  p["Wh"], p["b"])
    scores = np.asarray(h, dtype=float)[:, -1] @ p["Wy"] + p["by"]  # (N, 2)
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e[:, 1] / e.sum(axis=1)


def many_to_one_task(submission, out_dir: Path) -> list[Path]:
    """A many-to-one task learned (is the sum of a sequence positive?), with and without clipping

    zh-TW: 學會一個多對一的任務（序列的總和是否為正？），有與沒有梯度修剪
    """
    x, y = _sequences(N_TRAIN, 0)
    x_test, y_test = _sequences(N_TEST, 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for max_norm, color, label in RUNS:
        params, history = submission.train_many_to_one(x, y, lr=LR, max_norm=max_norm)
        history = np.asarray(history, dtype=float).reshape(-1)
        p_train = _p_positive(submission, params, x)
        acc_train = float(np.mean((p_train > 0.5) == y))
        acc_test = float(np.mean((_p_positive(submission, params, x_test) > 0.5) == y_test))
        left.plot(np.arange(1, history.size + 1), history, color=color,
                  label=f"{label}: {acc_train:.0%} training, {acc_test:.0%} test right")
        right.scatter(x.sum(axis=(1, 2)), p_train, s=9, color=color, alpha=0.6, label=label)
    left.set_yscale("log")
    left.grid(True, which="major", alpha=0.3)
    left.set_xlabel(f"gradient step (full batch, lr = {LR:g})")
    left.set_ylabel("mean cross-entropy")
    left.set_title(f"training, H = 16, {N_TRAIN} sequences of {LONG} steps", fontsize="medium")
    left.legend(fontsize="small")
    right.axvline(0.0, color="k", lw=0.8, ls=":")
    right.axhline(0.5, color="k", lw=0.8, ls=":")
    right.set_xlabel(r"$\sum_t x_t$ (the answer is 1 where it is positive)")
    right.set_ylabel("P(class 1) from the last hidden state")
    right.set_title(f"many-to-one: one output per training sequence, after all {LONG} steps",
                    fontsize="medium")
    right.legend(fontsize="small", loc="upper left")
    return save_figure(fig, out_dir, "many_to_one_task", dpi=90)
