"""The figures of exercise 09, drawn from the student's own functions: `grade exercise 09 --plot`.

Each function takes the student's module as `submission` (calls run in the untrusted worker,
data comes back) and a folder, saves PNG files there and returns their paths. The grader has
selected matplotlib's Agg backend. The scene is drawn here and the digits are read here
(plain NumPy); every filter, every training step and every prediction is the student's, the
reference is never used. Text in the figures is English only: a default matplotlib font has no
CJK glyphs.
"""

import gzip
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

DATA = Path(__file__).resolve().parents[2] / "datasets"
TRAIN = 1500  # the first 1 500 digits train, the last 500 test (datasets/README.md)
KERNELS = (("edge detection", "EDGE_KERNEL"), ("blur", "BLUR_KERNEL"),
           ("sharpen", "SHARPEN_KERNEL"))  # the seed's three filters, constants of the stub


def scene(size: int = 64) -> np.ndarray:
    """A grey scene in [0, 1]: a shaded background, a disc, a square, a triangle, stripes."""
    ys, xs = np.mgrid[0:size, 0:size] / size
    image = 0.25 + 0.2 * xs  # a gentle left-to-right shading
    image = np.where((xs - 0.3) ** 2 + (ys - 0.32) ** 2 < 0.04, 0.9, image)
    image = np.where((abs(xs - 0.72) < 0.14) & (abs(ys - 0.3) < 0.14), 0.05, image)
    image = np.where((ys > 0.55) & (ys < 0.9) & (abs(xs - 0.3) < (ys - 0.55) * 0.6), 0.7, image)
    stripes = (xs > 0.58) & (ys > 0.58) & (ys < 0.92) & (xs < 0.92)
    return np.where(stripes, 0.5 + 0.4 * np.sign(np.sin(xs * 60)), image)


def image_filters(submission, out_dir: Path) -> list[Path]:
    """The seed's filters applied by your filter_image: edges, blur and sharpening

    zh-TW: 用你的 filter_image 套用講義的濾鏡：邊邊探測、模糊化與銳利化
    """
    image = scene()
    fig, axes = plt.subplots(1, 4, figsize=(14, 4))
    axes[0].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0].set_title(f"original {image.shape[0]}×{image.shape[1]}")
    for ax, (label, name) in zip(axes[1:], KERNELS, strict=True):
        kernel = np.array(getattr(submission, name), dtype=float)
        out = np.asarray(submission.filter_image(image, kernel), float)
        shown = np.abs(out) if name == "EDGE_KERNEL" else out  # edges of either sign
        ax.imshow(np.clip(shown, 0, 1), cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"{label} ({name}): {out.shape[0]}×{out.shape[1]}", fontsize="medium")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("filter_image(image, kernel): lay the 3×3 kernel on the image, multiply and add "
                 "('valid': the output is 2 pixels smaller); shown clipped to [0, 1]")
    return save_figure(fig, out_dir, "image_filters")


def read_digits() -> tuple[np.ndarray, np.ndarray]:
    """datasets/digits16-*: x (2000, 1, 16, 16) in [0, 1], y (2000,) int64."""
    arrays = []
    for name in ("digits16-images-idx3-ubyte.gz", "digits16-labels-idx1-ubyte.gz"):
        with gzip.open(DATA / name, "rb") as fh:
            raw = fh.read()
        shape = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(raw[3])]
        arrays.append(np.frombuffer(raw, np.uint8, offset=4 + 4 * raw[3]).reshape(shape))
    return arrays[0][:, None] / 255.0, arrays[1].astype(np.int64)


def trained_cnn(submission, out_dir: Path) -> list[Path]:
    """Your small CNN trained on the course's 16×16 digits: loss, learned kernels, confusion

    zh-TW: 你的小型 CNN 在課程的 16×16 手寫數字上訓練：損失、學到的卷積核、混淆矩陣
    """
    x, y = read_digits()
    params, losses = submission.train_cnn(x[:TRAIN], y[:TRAIN])
    losses = np.asarray(losses, float)
    scores, _ = submission.cnn_forward(params, x[TRAIN:])
    predicted = np.asarray(scores).argmax(axis=1)
    truth = y[TRAIN:]
    accuracy = float(np.mean(predicted == truth))
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (truth, predicted), 1)

    fig = plt.figure(figsize=(15, 4.8))
    grid = fig.add_gridspec(2, 8, width_ratios=[3, 3, 1, 1, 1, 1, 0.2, 4])
    ax = fig.add_subplot(grid[:, :2])
    ax.plot(losses, color="0.7", linewidth=0.8, label="each batch")
    window = 20
    if len(losses) >= window:
        smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(window - 1, len(losses)), smooth, color="tab:blue",
                label=f"mean of {window}")
    ax.set_xlabel("SGD step (batch of 32)")
    ax.set_ylabel("cross-entropy")
    ax.set_title("training loss (train_cnn's defaults)", fontsize="medium")
    ax.legend(fontsize="small")
    kernels = np.asarray(params["W1"], float)[:, 0]  # (F, 3, 3) for the one grey channel
    for k, kernel in enumerate(kernels[:8]):
        kx = fig.add_subplot(grid[k // 4, 2 + k % 4])
        limit = np.abs(kernel).max() or 1.0
        kx.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        kx.set_xticks([])
        kx.set_yticks([])
        kx.set_title(f"W1[{k}]", fontsize="small")
    cx = fig.add_subplot(grid[:, 7])
    cx.imshow(confusion, cmap="Blues")
    for i, j in zip(*np.nonzero(confusion), strict=True):
        cx.text(j, i, str(confusion[i, j]), ha="center", va="center", fontsize=7,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
    cx.set_xticks(range(10))
    cx.set_yticks(range(10))
    cx.set_xlabel("predicted")
    cx.set_ylabel("true digit")
    cx.set_title(f"test set ({len(truth)} digits): accuracy {accuracy:.1%}", fontsize="medium")
    fig.suptitle("Conv(8, 3×3) + ReLU + Maxpool 2×2 + Dense(10), learned kernels in the middle "
                 "(red > 0, blue < 0)")
    return save_figure(fig, out_dir, "trained_cnn")
