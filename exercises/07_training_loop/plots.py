"""The figure of exercise 07, drawn from the student's own training-loop parts:
`grade exercise 07 --plot`.

A small network (10 → 64 tanh → 3 softmax, written here in plain NumPy) is trained with
mini-batch SGD on a reproducible, deliberately small and noisy three-class data set, so it
overfits. Every step of the loop that the exercise teaches is the student's: the seeded
train/validation split, the z-score fitted on the training split, the number of iterations and
the shuffled mini-batches of each epoch, early stopping over the validation losses, and the
metrics of the restored epoch. The reference is never used. Text in the figures is English only:
a default matplotlib font has no CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

N, C, H = 120, 3, 64  # examples, classes, hidden units
CENTRES = np.array([[0.0, 0.0], [1.2, 0.6], [0.3, 1.3]])  # class means in the 2 useful features
NOISE = 0.5  # the classes overlap
NOISE_FEATURES = 8  # pure noise: with them, 64 units can memorise the 84 training examples
SCALES = np.geomspace(1.0, 1000.0, 2 + NOISE_FEATURES)  # features of very different sizes:
# without normalisation one learning rate cannot suit them all
VAL_FRACTION, SPLIT_SEED = 0.3, 0
EPOCHS, BATCH, LR = 150, 16, 0.05
PATIENCE, MIN_DELTA = 20, 1e-3  # the seeds' Keras call uses min_delta=0.001, patience=20


def blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three overlapping Gaussian classes in 2 features, plus noise features, each feature on
    its own scale: x (N, 2 + NOISE_FEATURES), y (N,) in [0, C)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, C, size=N)
    useful = CENTRES[y] + rng.normal(0.0, NOISE, size=(N, 2))
    x = np.column_stack([useful, rng.normal(0.0, 1.0, size=(N, NOISE_FEATURES))])
    return x * SCALES + 10.0 * SCALES, y


def _loss(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, np.ndarray]:
    """Mean softmax cross-entropy of the network, its gradients, and the predictions."""
    h = np.tanh(x @ params["W1"] + params["b1"])  # (n, H)
    scores = h @ params["W2"] + params["b2"]  # (n, C)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    dscores = np.exp(log_p)
    dscores[np.arange(n), y] -= 1.0
    dscores /= n
    dh = dscores @ params["W2"].T * (1.0 - h * h)
    grads = {"W1": x.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ dscores, "b2": dscores.sum(axis=0)}
    return float(-log_p[np.arange(n), y].mean()), grads, scores.argmax(axis=1)


def _train(submission, x_train, y_train, x_val, y_val) -> tuple[list, list, list, int]:
    """Mini-batch SGD for EPOCHS epochs with the student's batches; per epoch the training and
    validation losses and a copy of the parameters."""
    rng = np.random.default_rng(1)
    D = x_train.shape[1]
    params = {"W1": rng.normal(0.0, 1.0 / np.sqrt(D), (D, H)), "b1": np.zeros(H),
              "W2": rng.normal(0.0, 1.0 / np.sqrt(H), (H, C)), "b2": np.zeros(C)}
    n_iter = int(submission.iterations_per_epoch(len(y_train), BATCH))
    train_losses, val_losses, snapshots = [], [], []
    for epoch in range(EPOCHS):
        for batch in submission.minibatch_indices(len(y_train), BATCH, epoch):
            batch = np.asarray(batch, dtype=np.int64)
            _, grads, _ = _loss(params, x_train[batch], y_train[batch])
            params = {k: v - LR * grads[k] for k, v in params.items()}
        train_losses.append(_loss(params, x_train, y_train)[0])
        val_losses.append(_loss(params, x_val, y_val)[0])
        snapshots.append(params)
    return train_losses, val_losses, snapshots, n_iter


def _curves(ax, train_losses, val_losses, stop: int, best: int, n_iter: int, n_train: int):
    epochs = np.arange(len(val_losses))
    ax.plot(epochs, train_losses, color="tab:blue", label="training loss")
    ax.plot(epochs, val_losses, color="tab:orange", label="validation loss")
    ax.axvspan(stop + 0.5, epochs[-1], color="0.9",
               label="after the stop (trained only to show it)")
    ax.axvline(stop, color="tab:red", linestyle="--", linewidth=1,
               label=f"early stop after epoch {stop} (patience {PATIENCE})")
    ax.plot(best, val_losses[best], "*", color="gold", markersize=16, markeredgecolor="black",
            label=f"restored best epoch {best}: val loss {val_losses[best]:.3f}")
    ax.set_xlabel(f"epoch ({n_iter} iterations of batch size {BATCH} over {n_train} examples)")
    ax.set_ylabel("mean cross-entropy")
    ax.set_title(f"learning curves, early stopping with min_delta={MIN_DELTA:g}",
                 fontsize="medium")
    ax.legend(fontsize="small", loc="upper right")


def _confusion(ax, cm: np.ndarray, per_class: np.ndarray, acc: float, best: int):
    ax.imshow(cm, cmap="Blues")
    for (i, j), count in np.ndenumerate(cm):
        ax.text(j, i, str(int(count)), ha="center", va="center",
                color="white" if count > cm.max() / 2 else "black")
    ax.set_xticks(range(C), [f"{c}" for c in range(C)])
    ax.set_yticks(range(C), [f"{c}: {a:.0%}" for c, a in enumerate(per_class)])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class: per-class accuracy")
    ax.set_title(f"validation at epoch {best}: accuracy {acc:.1%}", fontsize="medium")


def learning_curves(submission, out_dir: Path) -> list[Path]:
    """Learning curves of a small network trained with your training-loop parts

    zh-TW: 用你寫的訓練迴圈元件（資料分割、正規化、批次、提前停止）訓練小網路的學習曲線
    """
    x, y = blobs()
    train_idx, val_idx = (np.asarray(i, dtype=np.int64)
                          for i in submission.train_val_split(N, VAL_FRACTION, SPLIT_SEED))
    stats = submission.zscore_fit(x[train_idx])  # fitted on the training split only
    x_train = np.asarray(submission.zscore_transform(x[train_idx], stats), dtype=float)
    x_val = np.asarray(submission.zscore_transform(x[val_idx], stats), dtype=float)
    y_train, y_val = y[train_idx], y[val_idx]
    train_losses, val_losses, snapshots, n_iter = _train(submission, x_train, y_train, x_val,
                                                         y_val)
    result = submission.early_stopping(val_losses, PATIENCE, MIN_DELTA, True)
    stop, best = (int(v) for v in result) if isinstance(result, (tuple, list)) \
        else (int(result.stop_epoch), int(result.best_epoch))  # a plain tuple, or a NamedTuple
    if not 0 <= best <= stop < EPOCHS:
        raise ValueError(f"early_stopping returned stop_epoch={stop}, best_epoch={best} for "
                         f"{EPOCHS} epochs: expected 0 <= best_epoch <= stop_epoch < {EPOCHS}")
    _, _, predicted = _loss(snapshots[best], x_val, y_val)
    cm = np.asarray(submission.confusion_matrix(y_val, predicted, C))
    per_class = np.asarray(submission.per_class_accuracy(y_val, predicted, C), dtype=float)
    acc = float(submission.accuracy(y_val, predicted))

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), width_ratios=(2.2, 1))
    _curves(left, train_losses, val_losses, stop, best, n_iter, len(y_train))
    _confusion(right, cm, per_class, acc, best)
    return save_figure(fig, out_dir, "learning_curves")
