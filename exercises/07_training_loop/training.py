r"""Exercise 07 — the training loop's parts (訓練迴圈): fill in every function; run
`grade exercise 07`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Normalisation is fitted on the training split only: `minmax_fit` / `zscore_fit` return the
statistics as MinMaxStats / ZScoreStats (given below), the `*_transform` functions apply them to
any split, and `normalize_splits` does both for a train/validation pair. Splits and batches are
index arrays; randomness comes only from the `seed` argument (np.random.default_rng(seed)).
`early_stopping` replays Keras' EarlyStopping over a list of validation losses and returns an
EarlyStop (given below). Confusion matrices have rows = true class, columns = predicted class.
Never modify an argument in place. The instructions are in README.md (README.zh-TW.md).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

RANGE_EPS = 1e-12  # a feature whose training range (or std) is below this is constant: it is
# divided by 1 instead, so it maps to 0 rather than to inf or nan
NORMALISERS = ("minmax", "zscore")  # the `method` names of normalize_splits


class MinMaxStats(NamedTuple):
    lo: FloatArray  # (D,) per-feature minimum over the training split
    span: FloatArray  # (D,) max − min, 1 where the feature is constant


class ZScoreStats(NamedTuple):
    mean: FloatArray  # (D,) per-feature mean over the training split
    std: FloatArray  # (D,) population std (ddof = 0), 1 where the feature is constant


class EarlyStop(NamedTuple):
    stop_epoch: int  # 0-based epoch after which training stops (last epoch run)
    best_epoch: int  # 0-based epoch whose weights are kept (restore_best) or the stop epoch


# --- normalisation (正規化) -----------------------------------------------------------------


def minmax_fit(x_train: ArrayLike) -> MinMaxStats:
    """Per-feature min and range of the training split.

    x_train: (N, D) -> MinMaxStats(lo (D,), span (D,)); span = max − min, 1 for a constant feature.
    """
    raise NotImplementedError("exercise 07: implement minmax_fit")


def minmax_transform(x: ArrayLike, stats: MinMaxStats) -> FloatArray:
    """x' = (x − lo) / span with the training statistics: (N, D) -> (N, D).

    Training rows land in [0, 1]; other splits may fall outside it.
    """
    raise NotImplementedError("exercise 07: implement minmax_transform")


def zscore_fit(x_train: ArrayLike) -> ZScoreStats:
    """Per-feature mean and population std (ddof = 0) of the training split.

    x_train: (N, D) -> ZScoreStats(mean (D,), std (D,)); std is 1 for a constant feature.
    """
    raise NotImplementedError("exercise 07: implement zscore_fit")


def zscore_transform(x: ArrayLike, stats: ZScoreStats) -> FloatArray:
    """x' = (x − mean) / std with the training statistics: (N, D) -> (N, D)."""
    raise NotImplementedError("exercise 07: implement zscore_transform")


def normalize_splits(
    x_train: ArrayLike, x_val: ArrayLike, method: str = "minmax"
) -> tuple[FloatArray, FloatArray]:
    """Fit `method` ("minmax" or "zscore") on x_train only, then apply it to both splits.

    x_train: (N, D), x_val: (V, D) -> (x_train' (N, D), x_val' (V, D)), both scaled with the
    training statistics: the validation split never influences them.
    """
    raise NotImplementedError("exercise 07: implement normalize_splits")


# --- splits and batches (資料分割與批次) --------------------------------------------------------


def train_val_split(N: int, val_fraction: float, seed: int) -> tuple[IntArray, IntArray]:
    """Shuffle range(N) with `seed`, hold out round(N · val_fraction) indices for validation.

    -> (train_idx (N − V,), val_idx (V,)); both non-empty, disjoint, covering range(N).
    """
    raise NotImplementedError("exercise 07: implement train_val_split")


def iterations_per_epoch(N: int, batch_size: int) -> int:
    """⌈N / batch_size⌉: the last, smaller batch is still an iteration."""
    raise NotImplementedError("exercise 07: implement iterations_per_epoch")


def minibatch_indices(N: int, batch_size: int, seed: int | None = None) -> list[IntArray]:
    """One epoch's batches of indices: a permutation of range(N) drawn with `seed` (range(N) in
    order when seed is None) cut into ⌈N / batch_size⌉ consecutive pieces, the last holding the
    remainder.  -> list of ⌈N / batch_size⌉ int arrays, all of size batch_size but the last.

    A seed rather than a Generator, so the call can cross a process boundary; pass seed + epoch
    to shuffle every epoch differently.
    """
    raise NotImplementedError("exercise 07: implement minibatch_indices")


def kfold_indices(N: int, K: int) -> list[tuple[IntArray, IntArray]]:
    """K-fold cross-validation over range(N), unshuffled: fold k is the k-th consecutive block.

    The first N mod K folds hold ⌊N/K⌋ + 1 indices, the rest ⌊N/K⌋.
    -> K pairs (train_idx, val_idx); the val_idx partition range(N).
    """
    raise NotImplementedError("exercise 07: implement kfold_indices")


# --- early stopping (提前停止) ---------------------------------------------------------------


def early_stopping(
    val_losses: ArrayLike, patience: int, min_delta: float = 0.0, restore_best: bool = True
) -> EarlyStop:
    """Replay Keras-style early stopping over a validation-loss history (epochs 0, 1, ...).

    An epoch improves when loss < best − min_delta; it then becomes the best epoch. Training stops
    after the epoch at which `patience` consecutive epochs have not improved, or at the last epoch.
    best_epoch is the best epoch with restore_best, otherwise the stop epoch.
    """
    raise NotImplementedError("exercise 07: implement early_stopping")


# --- metrics (評估指標) ----------------------------------------------------------------------


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of the N labels predicted correctly (a mean, in [0, 1])."""
    raise NotImplementedError("exercise 07: implement accuracy")


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, C: int) -> IntArray:
    """(C, C) counts: entry [i, j] = number of examples of true class i predicted as class j."""
    raise NotImplementedError("exercise 07: implement confusion_matrix")


def per_class_accuracy(y_true: ArrayLike, y_pred: ArrayLike, C: int) -> FloatArray:
    """(C,) per true class, the fraction predicted correctly (recall); nan for a class absent
    from y_true."""
    raise NotImplementedError("exercise 07: implement per_class_accuracy")
