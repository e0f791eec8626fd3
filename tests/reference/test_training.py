"""Tests of reference.training: normalisation, splits, batches, K-fold, early stopping, metrics.

Oracles are numbers worked out by hand and Python-loop re-implementations written here (not calls
into the reference); every test also checks that no argument is modified.
"""

import math

import numpy as np
import pytest

from reference import training as tr

EXACT_RTOL = 1e-12  # float64 vectorised vs Python-float loops of the same formula: a few ulps

X_TRAIN = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])  # feature 1 is constant
X_VAL = np.array([[7.0, 12.0], [0.0, 10.0]])


# --- normalisation ---------------------------------------------------------------------------


def test_minmax_by_hand_and_fitted_on_train_only():
    xt, xv = X_TRAIN.copy(), X_VAL.copy()
    stats = tr.minmax_fit(xt)
    np.testing.assert_array_equal(stats.lo, [1.0, 10.0])
    np.testing.assert_array_equal(stats.span, [4.0, 1.0])  # constant feature divides by 1
    np.testing.assert_allclose(tr.minmax_transform(xt, stats), [[0, 0], [0.5, 0], [1, 0]])
    # validation rows use the training statistics, so they may leave [0, 1]
    np.testing.assert_allclose(tr.minmax_transform(xv, stats), [[1.5, 2.0], [-0.25, 0.0]])
    np.testing.assert_array_equal(xt, X_TRAIN)
    np.testing.assert_array_equal(xv, X_VAL)


def test_zscore_by_hand():
    stats = tr.zscore_fit(X_TRAIN)
    np.testing.assert_allclose(stats.mean, [3.0, 10.0])
    np.testing.assert_allclose(stats.std, [math.sqrt(8 / 3), 1.0])  # ddof = 0
    z = tr.zscore_transform(X_VAL, stats)
    np.testing.assert_allclose(z, [[4 / math.sqrt(8 / 3), 2.0], [-3 / math.sqrt(8 / 3), 0.0]])


def test_zscore_against_loop(rng):
    x = rng.normal(3.0, 2.0, size=(7, 3))
    stats = tr.zscore_fit(x)
    for d in range(3):
        col = [float(v) for v in x[:, d]]
        m = sum(col) / len(col)
        s = math.sqrt(sum((v - m) ** 2 for v in col) / len(col))
        np.testing.assert_allclose(stats.mean[d], m, rtol=EXACT_RTOL)
        np.testing.assert_allclose(stats.std[d], s, rtol=EXACT_RTOL)
    z = tr.zscore_transform(x, stats)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("method", ["minmax", "zscore"])
def test_normalize_splits_uses_training_statistics_only(method):
    xt, xv = X_TRAIN.copy(), X_VAL.copy()
    fit, transform = {"minmax": (tr.minmax_fit, tr.minmax_transform),
                      "zscore": (tr.zscore_fit, tr.zscore_transform)}[method]
    stats = fit(X_TRAIN)
    train_n, val_n = tr.normalize_splits(xt, xv, method)
    np.testing.assert_array_equal(train_n, transform(X_TRAIN, stats))
    np.testing.assert_array_equal(val_n, transform(X_VAL, stats))
    # a different validation split changes nothing on the training side
    np.testing.assert_array_equal(tr.normalize_splits(xt, 100 * xv, method)[0], train_n)
    np.testing.assert_array_equal(xt, X_TRAIN)
    np.testing.assert_array_equal(xv, X_VAL)


def test_normalize_splits_rejects_unknown_method():
    with pytest.raises(ValueError, match="minmax"):
        tr.normalize_splits(X_TRAIN, X_VAL, "robust")


@pytest.mark.parametrize("bad", [[1.0, 2.0], [[np.nan, 1.0]], np.zeros((0, 2)), [["a", "b"]]])
def test_fit_rejects_bad_input(bad):
    for fit in (tr.minmax_fit, tr.zscore_fit):
        with pytest.raises(ValueError):
            fit(bad)


def test_transform_rejects_feature_mismatch():
    with pytest.raises(ValueError, match="D=3"):
        tr.minmax_transform(np.ones((2, 3)), tr.minmax_fit(X_TRAIN))
    with pytest.raises(ValueError, match="D=3"):
        tr.zscore_transform(np.ones((2, 3)), tr.zscore_fit(X_TRAIN))


# --- splits and batches ----------------------------------------------------------------------


@pytest.mark.parametrize("N, frac, V", [(20, 0.15, 3), (100, 0.3, 30), (7, 0.5, 4)])
def test_train_val_split_partitions_and_is_seeded(N, frac, V):
    tr_idx, val_idx = tr.train_val_split(N, frac, seed=5)
    assert len(val_idx) == V and len(tr_idx) == N - V
    assert sorted(np.concatenate([tr_idx, val_idx]).tolist()) == list(range(N))
    again = tr.train_val_split(N, frac, seed=5)
    np.testing.assert_array_equal(again[1], val_idx)


@pytest.mark.parametrize("args", [(0, 0.2), (10, 0.0), (10, 1.0), (2, 0.1), (3.5, 0.2)])
def test_train_val_split_rejects(args):
    with pytest.raises(ValueError):
        tr.train_val_split(*args, seed=0)


@pytest.mark.parametrize("N, B, n", [(10, 3, 4), (9, 3, 3), (1, 5, 1), (2000, 32, 63)])
def test_iterations_per_epoch_is_ceil(N, B, n):
    assert tr.iterations_per_epoch(N, B) == n == math.ceil(N / B)


@pytest.mark.parametrize("N, B", [(10, 3), (9, 3), (4, 10)])
def test_minibatch_indices_cover_epoch(N, B):
    batches = tr.minibatch_indices(N, B, seed=3)
    assert len(batches) == math.ceil(N / B)
    assert [len(b) for b in batches[:-1]] == [B] * (len(batches) - 1)
    assert len(batches[-1]) == N - B * (len(batches) - 1)
    assert sorted(np.concatenate(batches).tolist()) == list(range(N))
    ordered = tr.minibatch_indices(N, B)
    np.testing.assert_array_equal(np.concatenate(ordered), np.arange(N))
    again = tr.minibatch_indices(N, B, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(again, batches, strict=True))


def test_minibatch_indices_shuffle_with_the_seed():
    first = np.concatenate(tr.minibatch_indices(50, 8, seed=0))
    second = np.concatenate(tr.minibatch_indices(50, 8, seed=1))
    assert not np.array_equal(first, np.arange(50)) and not np.array_equal(first, second)


@pytest.mark.parametrize("args", [(0, 3), (5, 0), (5, -1), (5, True)])
def test_batches_reject(args):
    with pytest.raises(ValueError):
        tr.iterations_per_epoch(*args)


def test_kfold_by_hand():
    folds = tr.kfold_indices(7, 3)  # sizes 3, 2, 2
    assert [v.tolist() for _, v in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert folds[1][0].tolist() == [0, 1, 2, 5, 6]


@pytest.mark.parametrize("N, K", [(10, 5), (11, 3), (5, 5), (12, 2)])
def test_kfold_partitions(N, K):
    folds = tr.kfold_indices(N, K)
    assert len(folds) == K
    vals = np.concatenate([v for _, v in folds])
    assert sorted(vals.tolist()) == list(range(N))
    for train, val in folds:
        assert set(train.tolist()).isdisjoint(val.tolist())
        assert len(train) + len(val) == N
    sizes = [len(v) for _, v in folds]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("N, K", [(5, 1), (3, 4), (0, 2)])
def test_kfold_rejects(N, K):
    with pytest.raises(ValueError):
        tr.kfold_indices(N, K)


# --- early stopping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "losses, patience, min_delta, stop, best",
    [
        # best at epoch 2; epochs 3, 4 do not improve -> stop after epoch 4 with patience 2
        ([1.0, 0.8, 0.6, 0.7, 0.65, 0.5], 2, 0.0, 4, 2),
        # patience 3 lets epoch 5 improve; the history then ends
        ([1.0, 0.8, 0.6, 0.7, 0.65, 0.5], 3, 0.0, 5, 5),
        # improvements of 0.05 are below min_delta 0.1, so only epoch 1 counts
        ([1.0, 0.8, 0.75, 0.72, 0.65], 2, 0.1, 3, 1),
        # never improves after epoch 0
        ([1.0, 1.0, 1.0], 1, 0.0, 1, 0),
        ([0.3], 1, 0.0, 0, 0),
    ],
)
def test_early_stopping_by_hand(losses, patience, min_delta, stop, best):
    hist = list(losses)
    out = tr.early_stopping(hist, patience, min_delta)
    assert (out.stop_epoch, out.best_epoch) == (stop, best)
    assert hist == losses
    no_restore = tr.early_stopping(hist, patience, min_delta, restore_best=False)
    assert no_restore == (stop, stop)


@pytest.mark.parametrize("args", [([], 1), ([1.0], 0), ([1.0, np.nan], 1), ([[1.0]], 1)])
def test_early_stopping_rejects(args):
    with pytest.raises(ValueError):
        tr.early_stopping(*args)


def test_early_stopping_rejects_negative_min_delta():
    with pytest.raises(ValueError, match="min_delta"):
        tr.early_stopping([1.0, 0.5], 1, min_delta=-0.1)


# --- metrics ---------------------------------------------------------------------------------

Y_TRUE = np.array([0, 0, 1, 1, 1, 2])
Y_PRED = np.array([0, 1, 1, 1, 2, 2])


def test_metrics_by_hand():
    t, p = Y_TRUE.copy(), Y_PRED.copy()
    assert tr.accuracy(t, p) == pytest.approx(4 / 6)
    cm = tr.confusion_matrix(t, p, 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 1], [0, 0, 1]])  # rows = true class
    np.testing.assert_allclose(tr.per_class_accuracy(t, p, 3), [0.5, 2 / 3, 1.0])
    np.testing.assert_array_equal(t, Y_TRUE)
    np.testing.assert_array_equal(p, Y_PRED)


def test_confusion_matrix_against_loop(rng):
    t, p = rng.integers(0, 4, size=50), rng.integers(0, 4, size=50)
    expected = [[0] * 4 for _ in range(4)]
    for a, b in zip(t.tolist(), p.tolist(), strict=True):
        expected[a][b] += 1
    cm = tr.confusion_matrix(t, p, 4)
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 50
    assert tr.accuracy(t, p) == pytest.approx(np.trace(cm) / 50)


def test_per_class_accuracy_absent_class_is_nan():
    out = tr.per_class_accuracy([0, 0, 1], [0, 1, 1], 3)
    np.testing.assert_allclose(out[:2], [0.5, 1.0])
    assert np.isnan(out[2])


@pytest.mark.parametrize(
    "t, p, C",
    [([0, 1], [0], 2), ([0, 2], [0, 1], 2), ([-1, 0], [0, 0], 2), ([0.5], [0], 2), ([], [], 2)],
)
def test_metrics_reject(t, p, C):
    with pytest.raises(ValueError):
        tr.confusion_matrix(t, p, C)
