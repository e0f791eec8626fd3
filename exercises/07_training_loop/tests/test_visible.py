"""Visible checks of exercise 07 (the training loop): what `grade exercise 07` runs.

Normalisation statistics and transforms are compared with the reference, and normalize_splits
must fit on the training split only. Seeded shuffles are judged by their contract (sizes, a
partition of range(N), reproducible, chosen by the seed), the unshuffled batches and K folds
index by index. Early stopping is replayed over hand-made loss histories; the metrics use the
seeds' cat/dog example and random labels. Known mistakes are named (conftest.py).
"""

import numpy as np

from grader.checks import points

SCALES = np.array([1.0, 10.0, 100.0])  # features of very different sizes, as in the wine data


def _features(rng, N: int, shift: float = 0.0) -> np.ndarray:
    """(N, 3) features with different scales; `shift` moves a split away from the others."""
    return (rng.normal(5.0 + shift, 2.0, size=(N, 3)) * SCALES).round(3)


@points(2)
def test_minmax(scaling, rng):
    """min–max scaling with the training split's per-feature min and range

    zh-TW: 用訓練集每個特徵的最小值與範圍做最小–最大縮放
    """
    x_train, x_val = _features(rng, 12), _features(rng, 5, shift=1.0)
    scaling.fit("minmax", x_train)
    scaling.transform("minmax", x_train, x_train)
    scaling.transform("minmax", x_val, x_train)


@points(2)
def test_zscore(scaling, rng):
    """z-score with the training split's per-feature mean and std (ddof 0)

    zh-TW: 用訓練集每個特徵的平均與標準差（ddof 0）計算 z 分數
    """
    x_train, x_val = _features(rng, 12), _features(rng, 5, shift=1.0)
    scaling.fit("zscore", x_train)
    scaling.transform("zscore", x_train, x_train)
    scaling.transform("zscore", x_val, x_train)


@points(2)
def test_normalize_splits(scaling, rng):
    """normalize_splits fits on the training split only

    zh-TW: normalize_splits 只用訓練集擬合
    """
    x_train, x_val = _features(rng, 15), _features(rng, 6, shift=2.0)
    for method in ("minmax", "zscore"):
        scaling.splits(method, x_train, x_val)


@points(2)
def test_train_val_split(batches):
    """train_val_split: the seeds' 85 % / 15 % of 400, seeded and shuffled

    zh-TW: train_val_split：講義中 400 張的 85 % / 15 %，由 seed 決定且有打亂
    """
    batches.split(400, 0.15)
    batches.split(60, 0.33, seeds=(7, 8))


@points(1)
def test_iterations_per_epoch(batches):
    """iterations per epoch = ⌈N / batch size⌉

    zh-TW: 每個 epoch 的迭代次數 = ⌈N / 批量大小⌉
    """
    batches.iterations([(340, 32), (400, 32), (10, 3), (9, 3), (5, 8), (1000, 1), (1, 1)])


@points(2)
def test_minibatch_indices(batches):
    """mini-batches: in order without a seed, shuffled by the seed

    zh-TW: 小批次：沒有 seed 時依序，有 seed 時依 seed 打亂
    """
    batches.minibatches(10, 3)
    batches.minibatches(340, 32, seeds=(0, 1))


@points(2)
def test_kfold_indices(batches):
    """K-fold cross-validation: K consecutive folds of nearly equal size

    zh-TW: K 折交叉驗證：K 段大小幾乎相同的連續折
    """
    for N, K in ((10, 5), (11, 4), (7, 3), (20, 10)):
        batches.kfold(N, K)


@points(3)
def test_early_stopping(stopping):
    """early stopping: patience, min_delta and restore_best

    zh-TW: 提前停止：patience、min_delta 與 restore_best
    """
    rising = [1.0, 0.8, 0.6, 0.62, 0.61, 0.65, 0.5, 0.55, 0.7]  # best at 2, then 2 worse
    stopping(rising, patience=2)
    stopping(rising, patience=2, restore_best=False)
    stopping(rising, patience=4)
    small_gains = [1.0, 0.9, 0.86, 0.83, 0.82, 0.8, 0.79, 0.7, 0.69]  # gains < 0.05 don't count
    stopping(small_gains, patience=3, min_delta=0.05)
    stopping(small_gains, patience=2, min_delta=0.025)
    never = [1.0, 0.7, 0.8, 0.75, 0.72]  # patience is never used up: the history ends
    stopping(never, patience=5)
    stopping(never, patience=1)


@points(1)
def test_accuracy(metrics, rng):
    """accuracy: the fraction of correct predictions

    zh-TW: 準確率：預測正確的比例
    """
    metrics.accuracy(np.repeat([0, 1], 30), np.repeat([0, 1, 0, 1], [27, 3, 1, 29]))
    y_true = rng.integers(0, 4, size=40)
    metrics.accuracy(y_true, np.where(rng.random(40) < 0.6, y_true, rng.integers(0, 4, size=40)))


def _labels(rng, C: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """y_true with every class present, y_pred right about 60 % of the time."""
    y_true = rng.permutation(np.arange(N) % C)
    y_pred = np.where(rng.random(N) < 0.6, y_true, rng.integers(0, C, size=N))
    return y_true, y_pred


@points(2)
def test_confusion_matrix(metrics, rng):
    """confusion matrix: rows = true class, columns = predicted class

    zh-TW: 混淆矩陣：列 = 真實類別，行 = 預測類別
    """
    metrics.confusion(np.repeat([0, 1], 30), np.repeat([0, 1, 0, 1], [27, 3, 1, 29]), 2)
    metrics.confusion(*_labels(rng, 4, 40), 4)


@points(2)
def test_per_class_accuracy(metrics, rng):
    """per-class accuracy: the seeds' cat 0.90 and dog 0.97, random labels

    zh-TW: 各類別準確率：講義中的貓 0.90 與狗 0.97，以及隨機標籤
    """
    metrics.per_class(np.repeat([0, 1], 30), np.repeat([0, 1, 0, 1], [27, 3, 1, 29]), 2)
    metrics.per_class(*_labels(rng, 4, 40), 4)
