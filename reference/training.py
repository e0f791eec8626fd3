r"""The training loop's parts (訓練迴圈): normalisation, splits, batches, early stopping, metrics.

Every function is pure: arguments are never modified, and randomness comes only from an explicit
`rng` (a numpy Generator) or a `seed`.

- Normalisation is fitted on the training split only, then applied to every split with the
  training statistics (seed 003_28445a1ed427b574.txt, the red-wine regression: min–max scaling
  fitted on the 70 % training part; the seeds README lists this under 001, its summaries of 001
  and 003 are swapped). `*_fit` returns the statistics, `*_transform` applies them,
  `normalize_splits` does both for a train/validation pair.
- Vocabulary (seed 002_7539fa50695e6fb9.txt): one epoch visits every one of the N training
  examples once, in iterations of `batch_size` examples; iterations per epoch = ⌈N / batch_size⌉,
  the last batch holding the remainder.
- K-fold cross-validation (seed 000_26ce816d45ad6304.txt): the N indices cut into K folds of
  sizes differing by at most one; fold k validates, the other K − 1 train.
- Early stopping (seed 003_28445a1ed427b574.txt: min_delta, patience, restore best weights) is a
  pure function of the validation-loss history.
- Metrics (seed 002_7539fa50695e6fb9.txt): accuracy, per-class accuracy, and the confusion matrix
  with rows = true class, columns = predicted class.

Dimension names: N examples, D features, C classes, K folds.
"""

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

RANGE_EPS = 1e-12  # a feature whose training range (or std) is below this is constant: it is
# divided by 1 instead, so it maps to 0 rather than to inf or nan


class MinMaxStats(NamedTuple):
    lo: FloatArray  # (D,) per-feature minimum over the training split
    span: FloatArray  # (D,) max − min, 1 where the feature is constant


class ZScoreStats(NamedTuple):
    mean: FloatArray  # (D,) per-feature mean over the training split
    std: FloatArray  # (D,) population std (ddof = 0), 1 where the feature is constant


class EarlyStop(NamedTuple):
    stop_epoch: int  # 0-based epoch after which training stops (last epoch run)
    best_epoch: int  # 0-based epoch whose weights are kept (restore_best) or the stop epoch


# --- helpers -----------------------------------------------------------------------------------


def _matrix(name: str, x: ArrayLike) -> FloatArray:
    """x as a finite float64 (N, D) array."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: x must be real numbers, got {x!r}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name}: x must be 2-D (N, D), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: x must be finite")
    return arr


def _positive_int(name: str, what: str, v: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{name}: {what} must be a positive integer, got {v!r}")
    return int(v)


def _labels(name: str, what: str, y: ArrayLike) -> IntArray:
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: {what} must be a non-empty 1-D integer array, got {y!r}")
    if arr.min() < 0:
        raise ValueError(f"{name}: {what} must be non-negative class indices, got {arr.min()}")
    return arr.astype(np.int64)


def _pair(name: str, y_true: ArrayLike, y_pred: ArrayLike) -> tuple[IntArray, IntArray]:
    t, p = _labels(name, "y_true", y_true), _labels(name, "y_pred", y_pred)
    if t.shape != p.shape:
        raise ValueError(f"{name}: y_true has shape {t.shape} but y_pred has {p.shape}")
    return t, p


# --- normalisation ---------------------------------------------------------------------------


def minmax_fit(x_train: ArrayLike) -> MinMaxStats:
    """Per-feature min and range of the training split.

    x_train: (N, D) -> MinMaxStats(lo (D,), span (D,)); span = max − min, 1 for a constant feature.
    """
    x = _matrix("minmax_fit", x_train)
    if x.shape[0] == 0:
        raise ValueError("minmax_fit: x_train has no rows")
    lo = x.min(axis=0)
    span = x.max(axis=0) - lo
    return MinMaxStats(lo, np.where(span < RANGE_EPS, 1.0, span))


def minmax_transform(x: ArrayLike, stats: MinMaxStats) -> FloatArray:
    """x' = (x − lo) / span with the training statistics: (N, D) -> (N, D).

    Training rows land in [0, 1]; other splits may fall outside it.
    """
    arr = _matrix("minmax_transform", x)
    N, D = arr.shape
    if np.shape(stats.lo) != (D,):
        raise ValueError(f"minmax_transform: x has D={D} features, stats {np.shape(stats.lo)}")
    return (arr - stats.lo) / stats.span


def zscore_fit(x_train: ArrayLike) -> ZScoreStats:
    """Per-feature mean and population std (ddof = 0) of the training split.

    x_train: (N, D) -> ZScoreStats(mean (D,), std (D,)); std is 1 for a constant feature.
    """
    x = _matrix("zscore_fit", x_train)
    if x.shape[0] == 0:
        raise ValueError("zscore_fit: x_train has no rows")
    std = x.std(axis=0)
    return ZScoreStats(x.mean(axis=0), np.where(std < RANGE_EPS, 1.0, std))


def zscore_transform(x: ArrayLike, stats: ZScoreStats) -> FloatArray:
    """x' = (x − mean) / std with the training statistics: (N, D) -> (N, D)."""
    arr = _matrix("zscore_transform", x)
    N, D = arr.shape
    if np.shape(stats.mean) != (D,):
        raise ValueError(f"zscore_transform: x has D={D} features, stats {np.shape(stats.mean)}")
    return (arr - stats.mean) / stats.std


NORMALISERS = ("minmax", "zscore")  # the `method` names of normalize_splits


def normalize_splits(
    x_train: ArrayLike, x_val: ArrayLike, method: str = "minmax"
) -> tuple[FloatArray, FloatArray]:
    """Fit `method` ("minmax" or "zscore") on x_train only, then apply it to both splits.

    x_train: (N, D), x_val: (V, D) -> (x_train' (N, D), x_val' (V, D)), both scaled with the
    training statistics: the validation split never influences them.
    """
    if method == "minmax":
        stats = minmax_fit(x_train)
        return minmax_transform(x_train, stats), minmax_transform(x_val, stats)
    if method == "zscore":
        z_stats = zscore_fit(x_train)
        return zscore_transform(x_train, z_stats), zscore_transform(x_val, z_stats)
    raise ValueError(f"normalize_splits: method must be one of {NORMALISERS}, got {method!r}")


# --- splits and batches ----------------------------------------------------------------------


def train_val_split(N: int, val_fraction: float, seed: int) -> tuple[IntArray, IntArray]:
    """Shuffle range(N) with `seed`, hold out round(N · val_fraction) indices for validation.

    -> (train_idx (N − V,), val_idx (V,)); both non-empty, disjoint, covering range(N).
    """
    N = _positive_int("train_val_split", "N", N)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"train_val_split: val_fraction must be in (0, 1), got {val_fraction}")
    V = int(round(N * val_fraction))
    if V < 1 or V > N - 1:
        raise ValueError(
            f"train_val_split: N={N}, val_fraction={val_fraction} leaves a split empty"
        )
    perm = np.random.default_rng(seed).permutation(N)
    return perm[V:], perm[:V]


def iterations_per_epoch(N: int, batch_size: int) -> int:
    """⌈N / batch_size⌉: the last, smaller batch is still an iteration."""
    N = _positive_int("iterations_per_epoch", "N", N)
    B = _positive_int("iterations_per_epoch", "batch_size", batch_size)
    return -(-N // B)


def minibatch_indices(N: int, batch_size: int, seed: int | None = None) -> list[IntArray]:
    """One epoch's batches of indices: a permutation of range(N) drawn with `seed` (range(N) in
    order when seed is None) cut into ⌈N / batch_size⌉ consecutive pieces, the last holding the
    remainder.  -> list of ⌈N / batch_size⌉ int arrays, all of size batch_size but the last.

    A seed rather than a Generator, so the call can cross a process boundary; pass seed + epoch
    to shuffle every epoch differently.
    """
    n_iter = iterations_per_epoch(N, batch_size)
    order = np.arange(N) if seed is None else np.random.default_rng(seed).permutation(N)
    return [order[i * batch_size : (i + 1) * batch_size] for i in range(n_iter)]


def kfold_indices(N: int, K: int) -> list[tuple[IntArray, IntArray]]:
    """K-fold cross-validation over range(N), unshuffled: fold k is the k-th consecutive block.

    The first N mod K folds hold ⌊N/K⌋ + 1 indices, the rest ⌊N/K⌋.
    -> K pairs (train_idx, val_idx); the val_idx partition range(N).
    """
    N = _positive_int("kfold_indices", "N", N)
    K = _positive_int("kfold_indices", "K", K)
    if K < 2 or K > N:
        raise ValueError(f"kfold_indices: need 2 <= K <= N, got K={K}, N={N}")
    sizes = [N // K + (1 if k < N % K else 0) for k in range(K)]
    bounds = np.cumsum([0, *sizes])
    idx = np.arange(N)
    return [
        (np.concatenate([idx[: bounds[k]], idx[bounds[k + 1] :]]), idx[bounds[k] : bounds[k + 1]])
        for k in range(K)
    ]


# --- early stopping --------------------------------------------------------------------------


def early_stopping(
    val_losses: ArrayLike, patience: int, min_delta: float = 0.0, restore_best: bool = True
) -> EarlyStop:
    """Replay Keras-style early stopping over a validation-loss history (epochs 0, 1, ...).

    An epoch improves when loss < best − min_delta; it then becomes the best epoch. Training stops
    after the epoch at which `patience` consecutive epochs have not improved, or at the last epoch.
    best_epoch is the best epoch with restore_best, otherwise the stop epoch.
    """
    losses = np.asarray(val_losses, dtype=np.float64)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(
            f"early_stopping: val_losses must be a non-empty 1-D sequence, got shape {losses.shape}"
        )
    if np.any(np.isnan(losses)):
        raise ValueError("early_stopping: val_losses contains nan")
    patience = _positive_int("early_stopping", "patience", patience)
    if not min_delta >= 0.0:
        raise ValueError(f"early_stopping: min_delta must be >= 0, got {min_delta}")
    best, best_epoch, wait = math.inf, 0, 0
    for epoch, loss in enumerate(losses.tolist()):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return EarlyStop(epoch, best_epoch if restore_best else epoch)
    last = len(losses) - 1
    return EarlyStop(last, best_epoch if restore_best else last)


# --- metrics ---------------------------------------------------------------------------------


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of the N labels predicted correctly (a mean, in [0, 1])."""
    t, p = _pair("accuracy", y_true, y_pred)
    return float(np.mean(t == p))


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, C: int) -> IntArray:
    """(C, C) counts: entry [i, j] = number of examples of true class i predicted as class j."""
    t, p = _pair("confusion_matrix", y_true, y_pred)
    C = _positive_int("confusion_matrix", "C", C)
    if max(t.max(), p.max()) >= C:
        raise ValueError(f"confusion_matrix: labels must be < C={C}, got {max(t.max(), p.max())}")
    cm = np.zeros((C, C), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def per_class_accuracy(y_true: ArrayLike, y_pred: ArrayLike, C: int) -> FloatArray:
    """(C,) per true class, the fraction predicted correctly (recall); nan for a class absent
    from y_true."""
    cm = confusion_matrix(y_true, y_pred, C)
    support = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, np.diag(cm) / np.maximum(support, 1), np.nan)
