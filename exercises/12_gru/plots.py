"""Exercise 12's figure, drawn from the student's own GRU through train_sine (grader/plots.py).

Only the student's functions are called (train_sine, sine_wave_data and gru_forward, all running
in the worker), plus NumPy for the read-out ŷ = h Wy + by and for the update gate
z_t = σ(x_t Wx_z + bx_z + h_{t−1} Wh_z + bh_z) recomputed from the student's trained weights and
hidden states.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

TEST_N, TEST_T, TEST_SEED = 2, 60, 11  # unseen waves, twice the training length of 30 steps
TRAIN_N, TRAIN_T = 32, 30  # train_sine's default training set: sequences, length
UNITS = 4  # units whose update gate is drawn
COLORS = ("tab:blue", "tab:orange")


def sine_prediction(submission, out_dir: Path) -> list[Path]:
    """Your GRU predicting unseen sine waves, its training loss, and its update gate

    zh-TW: 你的 GRU 預測沒看過的正弦波、訓練損失，以及它的更新閘
    """
    params, losses = submission.train_sine()  # your gru_forward / gru_backward, trained
    p = {k: np.asarray(params[k], dtype=float) for k in ("Wx", "Wh", "bx", "bh", "Wy", "by")}
    losses = np.asarray(losses, dtype=float).reshape(-1)
    x, y = (np.asarray(a, dtype=float) for a in submission.sine_wave_data(TEST_N, TEST_T,
                                                                           TEST_SEED))
    H = p["Wh"].shape[0]
    h, _ = submission.gru_forward(x, np.zeros((TEST_N, H)), p["Wx"], p["Wh"], p["bx"], p["bh"])
    h = np.asarray(h, dtype=float)
    pred = h @ p["Wy"] + p["by"]  # (N, T, 1)

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(8, 9))
    t = np.arange(1, TEST_T + 1)  # y_t is the wave at time t + 1: drawn where it belongs
    for n, color in zip(range(TEST_N), COLORS, strict=True):
        top.plot(t, y[n, :, 0], color=color, lw=2, alpha=0.35, label=f"wave {n + 1}: target")
        top.plot(t, pred[n, :, 0], color=color, ls="--", label=f"wave {n + 1}: your GRU")
    top.axvline(TRAIN_T, color="gray", ls=":", lw=1)
    top.text(TRAIN_T + 0.5, -1.15, "training length", color="gray", fontsize="small")
    mse = float(np.mean((pred - y) ** 2))
    top.set_title(f"next-value prediction on unseen waves: mean squared error {mse:.2g}")
    top.set_xlabel("time step")
    top.set_ylim(-1.3, 1.3)
    top.legend(fontsize="small", ncol=2, loc="upper right")

    middle.plot(np.arange(losses.size), losses, color="tab:purple", label="training loss")
    x_train, y_train = submission.sine_wave_data(TRAIN_N, TRAIN_T, 0)  # train_sine's data
    baseline = float(np.mean((np.asarray(x_train, dtype=float) - y_train) ** 2))
    middle.axhline(baseline, color="gray", ls="--", label=f"predict x_t itself: {baseline:.2g}")
    middle.set_yscale("log")
    middle.set_xlabel("Adam step")
    middle.set_ylabel("mean squared error")
    middle.set_title("loss before each step of train_sine")
    middle.legend(fontsize="small")

    z = update_gate(x[0], h[0], p)  # (T, H) along wave 1
    for u in range(min(UNITS, H)):
        bottom.plot(t, z[:, u], label=f"z, unit {u + 1}")
    bottom.plot(t, x[0, :, 0], color="k", lw=1, alpha=0.4, label="input x_t (wave 1)")
    bottom.set_xlabel("time step")
    bottom.set_ylim(-1.1, 1.6)  # room for the legend
    bottom.set_title("update gate z_t along wave 1 (z near 1: keep the old state)")
    bottom.legend(fontsize="small", ncol=3, loc="upper right")
    return save_figure(fig, out_dir, "sine_prediction", dpi=90)


def update_gate(x: np.ndarray, h: np.ndarray, p: dict) -> np.ndarray:
    """z_t = σ(x_t Wx_z + bx_z + h_{t−1} Wh_z + bh_z) of one sequence from the student's trained
    weights and hidden states (h_{−1} = 0): x (T, D), h (T, H)  ->  (T, H)."""
    H = h.shape[1]
    z_block = slice(H, 2 * H)  # the blocks are r, z, n
    prev = np.vstack([np.zeros((1, H)), h[:-1]])  # (T, H) h_{t−1}
    a = x @ p["Wx"][:, z_block] + p["bx"][z_block] + prev @ p["Wh"][:, z_block] + p["bh"][z_block]
    return 0.5 * (1.0 + np.tanh(0.5 * a))
