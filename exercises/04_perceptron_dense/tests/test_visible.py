"""Visible checks of exercise 04 (perceptron and dense layers): what `grade exercise 04` runs.

The perceptron: the bias column, predictions with exactly 0 on the boundary, one epoch of each
update rule from a random start (so a missing 1/N shows), training to zero mistakes on a
separable set, and the epoch limit on XOR, each compared with the reference: the same count of
mistakes in every epoch and the same weights. The dense layer: its output against the
reference, its three gradients by central differences of the student's own forward, each judged
alone. Parameter counts: the seeds' MLP, other layer lists, with and without bias.
"""

import numpy as np

from grader.checks import assert_close, fail, points, tip

PREDICT_HINT = tip("w[0] is the bias: ŷ = sign(w[0] + x @ w[1:]), or add_bias_column(x) @ w; "
                   "np.sign gives 0 for a point on the boundary (z = 0), keep it",
                   "w[0] 是偏差值（bias）：ŷ = sign(w[0] + x @ w[1:])，或 add_bias_column(x) @ w；"
                   "落在邊界上（z = 0）的點 np.sign 會給 0，請保留")
BIAS_COLUMN_HINT = tip("put the ones in front: np.hstack([np.ones((N, 1)), x]), so column 0 "
                       "goes with the bias w[0]",
                       "把 1 放在最前面：np.hstack([np.ones((N, 1)), x])，第 0 行對應偏差值 w[0]")
COUNT_HINT = tip("a dense layer from n_in to n_out units has n_in · n_out weights and n_out "
                 "biases: (n_in + 1) · n_out; one count per consecutive pair of sizes",
                 "從 n_in 到 n_out 個神經元的密集層有 n_in · n_out 個權重與 n_out 個偏差值："
                 "(n_in + 1) · n_out；每一對相鄰的大小算一個")
NO_BIAS_HINT = tip("with use_bias=False a layer has only its n_in · n_out weights",
                   "use_bias=False 時，每一層只有 n_in · n_out 個權重")
SEED_MLP = [784, 300, 200, 100, 10]  # the seeds' MNIST MLP: 316 810 parameters
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1.0, 1.0, 1.0, -1.0])  # no line separates these

BATCH_HINT = tip("one batch epoch: ŷ = sign(X w) for all samples with X = [1 | x], then, if "
                 "there were mistakes, w ← w + η Xᵀ (y − ŷ) / N: divide by the number of "
                 "samples N",
                 "一個批次 epoch：先對所有樣本算 ŷ = sign(X w)，X = [1 | x]；若有分類錯誤，"
                 "再 w ← w + η Xᵀ (y − ŷ) / N：要除以樣本數 N")
ONLINE_HINT = tip("online: visit the samples in order; on each mistake update "
                  "w ← w + η (y_n − ŷ_n) x_n at once, so the next sample already sees the new w; "
                  "count the updates of the epoch",
                  "逐筆（online）：依序處理每個樣本；每次分錯就立刻更新 "
                  "w ← w + η (y_n − ŷ_n) x_n，下一個樣本就用新的 w；計算這個 epoch 更新的次數")


# --- the perceptron ------------------------------------------------------------------------


@points(1)
def test_add_bias_column(submission, reference, rng):
    """add_bias_column puts a column of ones in front

    zh-TW: add_bias_column 在最前面加上一行 1
    """
    for shape in ((4, 2), (1, 5)):
        x = rng.normal(size=shape)
        assert_close(submission.add_bias_column(x), reference.add_bias_column(x),
                     hint=BIAS_COLUMN_HINT)


@points(2)
def test_perceptron_predict(submission, reference, rng):
    """perceptron_predict is sign(w₀ + x·w), 0 on the boundary

    zh-TW: perceptron_predict 是 sign(w₀ + x·w)，在邊界上是 0
    """
    w_int = np.array([rng.integers(-3, 4), 1.0, rng.integers(1, 3)], dtype=float)
    t = rng.integers(-3, 4, size=(12,)).astype(float)
    x_int = np.column_stack([rng.integers(-3, 4, size=12), t]).astype(float)
    x_int[::3, 0] = -(w_int[0] + w_int[2] * t[::3])  # every third point exactly on z = 0
    for x, w in ((x_int, w_int), (rng.normal(size=(8, 3)), rng.normal(size=4))):
        assert_close(submission.perceptron_predict(x, w), reference.perceptron_predict(x, w),
                     hint=PREDICT_HINT)


@points(2)
def test_one_batch_epoch(perceptron, rng):
    """one and three epochs of the batch rule from a random w₀

    zh-TW: 從隨機 w₀ 開始，批次規則的一個與三個 epoch
    """
    x, w0 = rng.normal(size=(10, 3)), rng.normal(size=4)
    y = rng.choice([-1.0, 1.0], size=10)
    for epochs in (1, 3):
        perceptron.check_train(x, y, lr=0.5, max_epochs=epochs, w0=w0, rule="batch",
                               hint=BATCH_HINT)


@points(2)
def test_one_online_epoch(perceptron, rng):
    """one and three epochs of the online rule from a random w₀

    zh-TW: 從隨機 w₀ 開始，逐筆規則的一個與三個 epoch
    """
    x, w0 = rng.normal(size=(10, 3)), rng.normal(size=4)
    y = rng.choice([-1.0, 1.0], size=10)
    for epochs in (1, 3):
        perceptron.check_train(x, y, lr=0.5, max_epochs=epochs, w0=w0, rule="online",
                               hint=ONLINE_HINT)


@points(2)
def test_training_separates(perceptron, separable):
    """both rules train to zero mistakes on a separable 2-D set

    zh-TW: 兩種規則都能在可線性分割的二維資料上訓練到零錯誤
    """
    # From w = 0 the mistakes per epoch do not depend on a constant factor in the update, so
    # they must equal the reference's; the weights only have to separate the set (a missing
    # 1/N is the batch-epoch check's business).
    x, y = separable(30, 2)
    for rule in ("batch", "online"):
        w, mistakes = perceptron.check_train(x, y, rule=rule, same_w=False)  # w judged below
        wrong = int(np.sum(np.sign(w[0] + x @ w[1:]) != y))
        if mistakes[-1] != 0 or wrong:
            fail(f"perceptron_train(x (30, 2), y (30,), rule={rule!r}) returned weights that "
                 f"misclassify {wrong} of 30 points",
                 f"perceptron_train(x (30, 2), y (30,), rule={rule!r}) 回傳的權重把 30 個點中的 "
                 f"{wrong} 個分錯")


@points(1)
def test_epoch_limit_on_xor(perceptron):
    """on XOR, which no line separates, training stops at max_epochs

    zh-TW: XOR 無法用一條直線分開，訓練在 max_epochs 停止
    """
    for rule in ("batch", "online"):
        for epochs in (5, 12):
            perceptron.check_train(XOR_X, XOR_Y, max_epochs=epochs, rule=rule)


# --- the dense layer -----------------------------------------------------------------------


@points(2)
def test_dense_forward(dense, rng):
    """dense_forward is x w + b for (N, D) @ (D, M) + (M,)

    zh-TW: dense_forward 是 x w + b，(N, D) @ (D, M) + (M,)
    """
    for N, D, M in ((4, 5, 3), (1, 3, 2), (6, 2, 7)):
        dense.check_forward(rng.normal(size=(N, D)), rng.normal(size=(D, M)),
                            rng.normal(size=M))


@points(3)
def test_dense_backward(dense, rng):
    """dense_backward: dx, dw and db agree with central differences

    zh-TW: dense_backward：dx、dw 與 db 與中央差分一致
    """
    N, D, M = 3, 4, 2  # 22 coordinates, all checked; N ≠ D ≠ M, so a wrong axis shows
    x, w, b, dout = (rng.normal(size=shape) for shape in ((N, D), (D, M), (M,), (N, M)))
    dense.check_backward(x, w, b, dout)


# --- parameter counting --------------------------------------------------------------------


@points(2)
def test_parameter_counts_seed_mlp(counts):
    """the seeds' MLP 784→300→200→100→10 has 316 810 parameters; 784→10 has 7 850

    zh-TW: 講義的 MLP 784→300→200→100→10 有 316 810 個參數；784→10 有 7 850 個
    """
    counts(SEED_MLP, hint=COUNT_HINT)
    counts([784, 10], hint=COUNT_HINT)


@points(1)
def test_parameter_counts_any_layers(counts):
    """parameter counts of other layer lists

    zh-TW: 其他層列表的參數數量
    """
    for sizes in ([2, 3, 1], [5, 5], [10, 64, 64, 64, 3]):
        counts(sizes, hint=COUNT_HINT)


@points(1)
def test_parameter_counts_without_bias(counts):
    """parameter counts with use_bias=False

    zh-TW: use_bias=False 時的參數數量
    """
    for sizes in (SEED_MLP, [2, 3, 1]):
        counts(sizes, use_bias=False, hint=NO_BIAS_HINT)


@points(1)
def test_inputs_not_modified(submission, dense, rng):
    """no function changes x, y, w0, dout or the cache in place

    zh-TW: 沒有函式會原地修改 x、y、w0、dout 或 cache
    """
    x, w0 = rng.normal(size=(6, 2)), rng.normal(size=3)
    y = rng.choice([-1.0, 1.0], size=6)
    submission.add_bias_column(x)  # the grader reports a changed argument
    submission.perceptron_predict(x, w0)
    for rule in ("batch", "online"):
        submission.perceptron_train(x, y, max_epochs=3, w0=w0, rule=rule)
    w, b, dout = rng.normal(size=(2, 4)), rng.normal(size=4), rng.normal(size=(6, 4))
    _, cache = dense.forward(x, w, b)
    first = submission.dense_backward(dout, cache)
    second = submission.dense_backward(dout, cache)
    if isinstance(first, tuple) and isinstance(second, tuple) and len(first) == len(second) and \
            not all(np.array_equal(a, c) for a, c in zip(first, second, strict=True)):
        fail("dense_backward gave different gradients when called again with the same dout "
             "and cache: it changes its cache in place",
             "用相同的 dout 與 cache 再呼叫一次 dense_backward，得到的梯度不同：它原地修改了 cache")
