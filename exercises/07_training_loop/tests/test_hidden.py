"""Hidden checks of exercise 07 (the training loop): run only when the instructor grades.

What a submission tuned to the visible checks can miss: a constant feature (range and std 0),
float32 features and int32 labels, a class absent from y_true (nan accuracy) or never seen at
all (an empty row and column), early stopping on ties and at a loss exactly best − min_delta,
and other sizes: leave-one-out K-fold, batches larger than N, other validation fractions.
"""

import numpy as np

from grader.checks import assert_close, points, tip

FLOAT32_RTOL = 1e-5  # float32 features round at 6e-8 relative; a mean and a division stay below
CONSTANT_HINT = tip("a constant feature has range and std 0: divide by 1 instead (RANGE_EPS), so "
                    "it maps to 0, not to nan or inf",
                    "常數特徵的範圍與標準差都是 0：改成除以 1（RANGE_EPS），讓它變成 0，而不是 "
                    "nan 或 inf")


@points(2)
def test_constant_feature(submission, reference, rng):
    """a constant feature scales to 0, not nan, in both normalisations

    zh-TW: 兩種正規化都把常數特徵縮放成 0，而不是 nan
    """
    x_train = np.column_stack([rng.normal(size=8), np.full(8, 3.5), rng.normal(size=8)])
    x_val = np.column_stack([rng.normal(size=4), np.full(4, 3.5), rng.normal(size=4)])
    for method in ("minmax", "zscore"):
        fit, transform = f"{method}_fit", f"{method}_transform"
        stats = getattr(submission, fit)(x_train)
        want_stats = getattr(reference, fit)(x_train)
        for x, name in ((x_train, "x_train"), (x_val, "x_val")):
            assert_close(getattr(submission, transform)(x, stats),
                         getattr(reference, transform)(x, want_stats),
                         what=f"{transform}({name} {x.shape}, {fit}(x_train)) with a constant "
                              f"feature 1", hint=CONSTANT_HINT)


@points(1)
def test_float32_features_and_int32_labels(scaling, metrics, rng):
    """float32 features and int32 labels give the float64 / int64 answers

    zh-TW: float32 的特徵與 int32 的標籤也得到 float64 / int64 的答案
    """
    x_train = rng.normal(2.0, 3.0, size=(10, 4)).astype(np.float32)
    scaling.fit("minmax", x_train, rtol=FLOAT32_RTOL)
    scaling.fit("zscore", x_train, rtol=FLOAT32_RTOL)
    y_true = rng.permutation(np.arange(30) % 3).astype(np.int32)
    y_pred = rng.integers(0, 3, size=30).astype(np.int32)
    metrics.accuracy(y_true, y_pred)
    metrics.confusion(y_true, y_pred, 3)
    metrics.per_class(y_true, y_pred, 3)


@points(2)
def test_metric_edge_cases(metrics):
    """metrics with a class absent from y_true, or never seen at all

    zh-TW: y_true 中沒有、或完全沒出現的類別的評估指標
    """
    y_true, y_pred = np.array([0, 0, 1, 1, 1, 0]), np.array([0, 2, 1, 1, 0, 0])  # class 2 only
    metrics.per_class(y_true, y_pred, 3)  # predicted, never true: nan
    metrics.confusion(y_true, y_pred, 4)  # class 3 never appears
    metrics.per_class(y_true, y_pred, 4)
    metrics.accuracy(np.array([0, 1, 2]), np.array([1, 2, 0]))  # all wrong: 0


@points(2)
def test_early_stopping_edges(stopping):
    """early stopping on ties: a plateau, a loss of exactly best − min_delta

    zh-TW: 提前停止遇到平手：持平的損失、剛好等於 best − min_delta 的損失
    """
    plateau = [1.0, 0.5, 0.5, 0.5, 0.4, 0.3]  # equal losses are no improvement
    stopping(plateau, patience=2)
    stopping(plateau, patience=1, restore_best=False)
    exact = [1.0, 0.5, 0.25, 0.2, 0.1]  # 0.5 = 1.0 − 0.5 and 0.25 = 0.5 − 0.25 exactly
    stopping(exact, patience=2, min_delta=0.5)
    stopping(exact, patience=3, min_delta=0.25)
    stopping([0.3], patience=1)


@points(1)
def test_other_sizes(batches):
    """other sizes: leave-one-out, batches larger than N or of one

    zh-TW: 其他大小：留一法、比 N 大或大小為一的批次
    """
    batches.kfold(6, 6)
    batches.kfold(9, 2)
    batches.iterations([(9, 100), (7, 1), (64, 64), (65, 64)])
    batches.minibatches(9, 100, seeds=(11, 12))
    batches.minibatches(8, 1, seeds=(11, 12))
    batches.split(30, 0.2, seeds=(3, 4))
    batches.split(1000, 0.05, seeds=(5, 6))
