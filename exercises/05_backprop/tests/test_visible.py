"""Visible checks of exercise 05 (backpropagation): what `grade exercise 05` runs.

The seeds' hand example: its nine forward values, then its eight weight gradients, each key
against the reference. The vectorised network: scores against the reference; the four gradients
by central differences of the student's own forward, each parameter judged alone so a message
names the wrong ones; the loss and its gradients; accuracy; training (the first steps' losses
against the reference from the same start, then the stated accuracy on the two moons).
"""

import numpy as np

from grader.checks import assert_close, fail, points, tip

FORWARD = ("h1_in", "h2_in", "h1_out", "h2_out", "o1_in", "o2_in", "o1_out", "o2_out", "error")
GRADIENTS = tuple(f"dw{i}" for i in range(1, 9))
TARGET_ACCURACY = 0.95  # the reference reaches 0.99 on make_moons(200) with H = 16, 2000 steps
TRAIN_HINT = tip("start from init_params(D, H, C, seed) with C = y.max() + 1; record the loss "
                 "before each step; then params[k] - lr * grads[k] for every k, as new arrays",
                 "從 init_params(D, H, C, seed) 開始，C = y.max() + 1；每一步先記錄損失，"
                 "再對每個 k 做 params[k] - lr * grads[k]（產生新的陣列）")
ACCURACY_HINT = tip("accuracy = np.mean(predict(params, X) == y)",
                    "accuracy = np.mean(predict(params, X) == y)")


@points(2)
def test_hand_forward(hand):
    """the seeds' example: every forward value (net and out of H1, H2, O1, O2) and the Error

    zh-TW: 講義的例子：每個正向傳播的值（H1、H2、O1、O2 的 net 與 out）與 Error
    """
    hand(FORWARD)


@points(3)
def test_hand_gradients(hand, rng):
    """the seeds' example: all eight weight gradients, by the chain rule

    zh-TW: 講義的例子：八個權重的梯度，依連鎖律計算
    """
    hand(GRADIENTS)  # the fixture's hint explains the chain rule and the slide's slip
    hand(GRADIENTS, x=rng.normal(size=2), weights=rng.normal(size=8), y=rng.uniform(size=2))


@points(2)
def test_two_layer_forward(network, random_net):
    """two_layer_forward: scores = σ(X W1 + b1) W2 + b2

    zh-TW: two_layer_forward：scores = σ(X W1 + b1) W2 + b2
    """
    for N, D, H, C in ((5, 3, 4, 3), (1, 2, 6, 2), (8, 4, 3, 5)):
        params, X, _ = random_net(N, D, H, C)
        network.check_forward(X, params)


@points(3)
def test_two_layer_backward(network, random_net, rng):
    """two_layer_backward: dW1, db1, dW2 and db2 agree with central differences

    zh-TW: two_layer_backward：dW1、db1、dW2 與 db2 與中央差分一致
    """
    params, X, _ = random_net(5, 3, 4, 2)  # N ≠ D ≠ H ≠ C: a wrong axis or transpose shows
    network.check_backward(X, params, rng.normal(size=(5, 2)))


@points(2)
def test_two_layer_loss(network, random_net):
    """two_layer_loss: the mean softmax cross-entropy and its gradients

    zh-TW: two_layer_loss：平均 softmax 交叉熵與它的梯度
    """
    params, X, y = random_net(6, 3, 4, 3)
    network.check_loss(params, X, y)


@points(1)
def test_accuracy(submission, reference, random_net):
    """accuracy: the fraction of correct predictions

    zh-TW: accuracy：預測正確的比例
    """
    params, X, y = random_net(20, 2, 5, 3)
    assert_close(submission.accuracy(params, X, y), reference.accuracy(params, X, y),
                 what="accuracy(params, X (20, 2), y (20,))", hint=ACCURACY_HINT)


@points(3)
def test_train_on_two_moons(reference, training):
    """training on the two moons: the first losses, then ≥ 95 % accuracy

    zh-TW: 在雙月資料上訓練：前幾步的損失，以及 ≥ 95 % 的準確率
    """
    X, y = reference.make_moons(200)
    training.check(X, y, TARGET_ACCURACY, TRAIN_HINT)


@points(1)
def test_inputs_not_modified(submission, network, random_net, rng):
    """no function changes X, y, params, dscores or the cache in place

    zh-TW: 沒有函式會原地修改 X、y、params、dscores 或 cache
    """
    params, X, y = random_net(6, 2, 4, 2)
    submission.hand_example()
    submission.two_layer_loss(params, X, y)  # the grader reports a changed argument
    submission.accuracy(params, X, y)
    submission.train(X, y, H=3, steps=3)
    _, cache = network.forward(X, params)
    dscores = rng.normal(size=(6, 2))
    first = submission.two_layer_backward(dscores, cache)
    second = submission.two_layer_backward(dscores, cache)
    if isinstance(first, dict) and isinstance(second, dict) and set(first) == set(second) and \
            not all(np.array_equal(first[k], second[k]) for k in first):
        fail("two_layer_backward gave different gradients when called again with the same "
             "dscores and cache: it changes its cache in place",
             "用相同的 dscores 與 cache 再呼叫一次 two_layer_backward，得到的梯度不同："
             "它原地修改了 cache")
