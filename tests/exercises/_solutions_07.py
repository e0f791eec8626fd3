"""A second correct solution of exercise 07, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): min–max through
np.ptp, the z-score's std as the root of the mean squared deviation, the validation split
drawn with Generator.choice (another shuffle than the reference's permutation: the checks
accept any shuffle chosen by the seed), mini-batches cut by a while loop over a shuffled
order, K folds from np.array_split, early stopping counted as epochs since the best one, the
confusion matrix from np.bincount and per-class accuracy from two bincounts. No input
validation. Its source text is graded as an alternative correct submission (full marks
expected), and tests append a wrong function to it to build a wrong submission.
"""

import math
from typing import NamedTuple

import numpy as np


class MinMaxStats(NamedTuple):
    lo: np.ndarray
    span: np.ndarray


class ZScoreStats(NamedTuple):
    mean: np.ndarray
    std: np.ndarray


class EarlyStop(NamedTuple):
    stop_epoch: int
    best_epoch: int


def _f(x):
    return np.asarray(x, dtype=np.float64)


def _nonzero(scale):
    return np.where(scale < 1e-12, 1.0, scale)


def minmax_fit(x_train):
    x = _f(x_train)
    return MinMaxStats(x.min(axis=0), _nonzero(np.ptp(x, axis=0)))


def minmax_transform(x, stats):
    return (_f(x) - stats.lo) / stats.span


def zscore_fit(x_train):
    x = _f(x_train)
    mean = x.sum(axis=0) / x.shape[0]
    return ZScoreStats(mean, _nonzero(np.sqrt(np.mean((x - mean) ** 2, axis=0))))


def zscore_transform(x, stats):
    return (_f(x) - stats.mean) / stats.std


def normalize_splits(x_train, x_val, method="minmax"):
    fit, transform = {"minmax": (minmax_fit, minmax_transform),
                      "zscore": (zscore_fit, zscore_transform)}[method]
    stats = fit(x_train)
    return transform(x_train, stats), transform(x_val, stats)


def train_val_split(N, val_fraction, seed):
    V = int(round(N * val_fraction))
    val = np.random.default_rng(seed).choice(N, size=V, replace=False)
    train = np.setdiff1d(np.arange(N), val)
    return train, val


def iterations_per_epoch(N, batch_size):
    return math.ceil(N / batch_size)


def minibatch_indices(N, batch_size, seed=None):
    order = np.arange(N)
    if seed is not None:
        np.random.default_rng(seed).shuffle(order)
    batches, start = [], 0
    while start < N:
        batches.append(order[start:start + batch_size])
        start += batch_size
    return batches


def kfold_indices(N, K):
    folds = np.array_split(np.arange(N), K)
    return [(np.setdiff1d(np.arange(N), val), val) for val in folds]


def early_stopping(val_losses, patience, min_delta=0.0, restore_best=True):
    losses = [float(v) for v in val_losses]
    best_epoch = 0
    for epoch, loss in enumerate(losses):
        if epoch == 0 or loss < losses[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:
            return EarlyStop(epoch, best_epoch if restore_best else epoch)
    last = len(losses) - 1
    return EarlyStop(last, best_epoch if restore_best else last)


def accuracy(y_true, y_pred):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return np.count_nonzero(t == p) / t.size


def confusion_matrix(y_true, y_pred, C):
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    return np.bincount(t * C + p, minlength=C * C).reshape(C, C)


def per_class_accuracy(y_true, y_pred, C):
    t, p = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    support = np.bincount(t, minlength=C).astype(np.float64)
    correct = np.bincount(t[t == p], minlength=C).astype(np.float64)
    out = np.full(C, np.nan)
    np.divide(correct, support, out=out, where=support > 0)
    return out
