"""Exercise 11's figure, drawn from the student's own LSTM through train_sine (grader/plots.py).

Only the student's functions are called (train_sine, sine_wave_data, lstm_forward and
lstm_step_forward, all running in the worker), plus the read-out ŷ = h Wy + by in NumPy.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

TEST_N, TEST_T, TEST_SEED = 2, 60, 11  # unseen waves, twice the training length of 30 steps
TRAIN_N, TRAIN_T = 32, 30  # train_sine's default training set: sequences, length
UNITS = 4  # cell-state units drawn
COLORS = ("tab:blue", "tab:orange")


def sine_prediction(submission, out_dir: Path) -> list[Path]:
    """Your LSTM predicting unseen sine waves, its training loss, and its cell state

    zh-TW: 你的 LSTM 預測沒看過的正弦波、訓練損失，以及它的細胞狀態
    """
    params, losses = submission.train_sine()  # your lstm_forward / lstm_backward, trained
    p = {k: np.asarray(params[k], dtype=float) for k in ("Wx", "Wh", "b", "Wy", "by")}
    losses = np.asarray(losses, dtype=float).reshape(-1)
    x, y = (np.asarray(a, dtype=float) for a in submission.sine_wave_data(TEST_N, TEST_T,
                                                                           TEST_SEED))
    H = p["Wh"].shape[0]
    h, _ = submission.lstm_forward(x, np.zeros((TEST_N, H)), p["Wx"], p["Wh"], p["b"])
    pred = np.asarray(h, dtype=float) @ p["Wy"] + p["by"]  # (N, T, 1)
    cells, hidden = cell_states(submission, x[:1], p)

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(8, 9))
    t = np.arange(1, TEST_T + 1)  # y_t is the wave at time t + 1: drawn where it belongs
    for n, color in zip(range(TEST_N), COLORS, strict=True):
        top.plot(t, y[n, :, 0], color=color, lw=2, alpha=0.35, label=f"wave {n + 1}: target")
        top.plot(t, pred[n, :, 0], color=color, ls="--", label=f"wave {n + 1}: your LSTM")
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

    steps = np.arange(1, TEST_T + 1)
    for u in range(min(UNITS, H)):
        line, = bottom.plot(steps, cells[:, u], label=f"c, unit {u + 1}")
        bottom.plot(steps, hidden[:, u], color=line.get_color(), ls=":", lw=1)
    bottom.plot(steps, x[0, :, 0], color="k", lw=1, alpha=0.4, label="input x_t (wave 1)")
    bottom.set_xlabel("time step")
    bottom.set_ylim(-1.5, 2.0)  # room for the legend
    bottom.set_title("cell state c_t (solid) and hidden state h_t (dotted) along wave 1")
    bottom.legend(fontsize="small", ncol=3, loc="upper right")
    return save_figure(fig, out_dir, "sine_prediction", dpi=90)


def cell_states(submission, x: np.ndarray, p: dict) -> tuple[np.ndarray, np.ndarray]:
    """c_t and h_t of one sequence, (T, H) each, from the student's lstm_step_forward."""
    H = p["Wh"].shape[0]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    cells, hidden = [], []
    for t in range(x.shape[1]):
        h, c, _ = submission.lstm_step_forward(x[:, t], h, c, p["Wx"], p["Wh"], p["b"])
        cells.append(np.asarray(c, dtype=float)[0])
        hidden.append(np.asarray(h, dtype=float)[0])
    return np.array(cells), np.array(hidden)
