"""Visible checks of exercise 10 (recurrent networks): what `grade exercise 10` runs.

One RNN step forward and backward; the whole sequence and backpropagation through time, every
gradient by central differences of the student's own forward; the output layer and the masked
loss over time; the seeds' three sequence shapes (many-to-one, one-to-many, many-to-many) with
their gradients; clipping by global norm; a many-to-one task learned; the vanishing/exploding
experiment by its shape (whatever the draws) and by its values. Known mistakes are named
(tests/conftest.py computes them).
"""

import numpy as np

from grader.checks import fail, points


def _seed(rng) -> int:
    return int(rng.integers(1000))


@points(2)
def test_rnn_step_forward(cell):
    """rnn_step_forward: h_t = tanh(x_t Wx + h_{t−1} Wh + b)

    zh-TW: rnn_step_forward：h_t = tanh(x_t Wx + h_{t−1} Wh + b)
    """
    for N, D, H in ((3, 4, 5), (1, 2, 3), (6, 5, 2)):
        cell.check_step_forward(cell.step_values(N, D, H))


@points(3)
def test_rnn_step_backward(cell):
    """rnn_step_backward: dx, dprev_h, dWx, dWh and db agree with central differences

    zh-TW: rnn_step_backward：dx、dprev_h、dWx、dWh 與 db 與中央差分一致
    """
    cell.check_step_backward(cell.step_values(2, 3, 4))  # N ≠ D ≠ H


@points(2)
def test_rnn_forward(cell):
    """rnn_forward: every hidden state h_1 … h_T, the same weights at every step

    zh-TW: rnn_forward：每一個隱藏狀態 h_1 … h_T，每一步共用同一組權重
    """
    for N, T, D, H in ((3, 4, 3, 5), (2, 7, 1, 4), (1, 2, 4, 3)):
        cell.check_forward(cell.values(N, T, D, H))


@points(4)
def test_rnn_backward(cell):
    """rnn_backward (BPTT): dx, dh0, dWx, dWh and db agree with central differences

    zh-TW: rnn_backward（BPTT）：dx、dh0、dWx、dWh 與 db 與中央差分一致
    """
    cell.check_backward(cell.values(2, 3, 2, 3))  # T = 3: a carry over two steps


@points(2)
def test_temporal_affine(output):
    """temporal_affine_forward / backward: out_t = h_t W + b at every step, and its gradients

    zh-TW: temporal_affine_forward / backward：每一步 out_t = h_t W + b，以及它的梯度
    """
    output.check_affine(2, 3, 3, 2)


@points(2)
def test_temporal_softmax_loss(output):
    """temporal_softmax_loss: cross-entropy summed over the counted steps, divided by N

    zh-TW: temporal_softmax_loss：對計入的時間步加總交叉熵，再除以 N
    """
    output.check_softmax(2, 3, 4, mask=True)
    output.check_softmax(2, 2, 3, mask=False)


@points(2)
def test_many_to_one_loss(shapes):
    """many-to-one (多對一): one output from the last hidden state, the loss and its gradients

    zh-TW: 多對一：只有最後一個隱藏狀態的一個輸出，損失與它的梯度
    """
    shapes.check("many_to_one_loss", *shapes.data("many_to_one_loss", 3, 4, 2, 3, 2)[:3])


@points(2)
def test_one_to_many_loss(shapes):
    """one-to-many (一對多): one input fed at every step, an output at every step

    zh-TW: 一對多：同一個輸入在每一步輸入，每一步都有輸出
    """
    shapes.check("one_to_many_loss", *shapes.data("one_to_many_loss", 2, 4, 2, 3, 2)[:3])


@points(2)
def test_many_to_many_loss(shapes):
    """many-to-many (多對多): an output at every step, the loss over the masked steps

    zh-TW: 多對多：每一步都有輸出，損失只算 mask 選中的步
    """
    shapes.check("many_to_many_loss", *shapes.data("many_to_many_loss", 3, 4, 2, 3, 2,
                                                   mask=True))


@points(2)
def test_clip_gradients(clipping):
    """clip_gradients: one factor min(1, max_norm / global norm) for every gradient

    zh-TW: clip_gradients：所有梯度共用一個係數 min(1, max_norm / 全域範數)
    """
    clipping.check(clipping.gradients(), 2.0)  # global norm ≈ 16: clipped
    clipping.check(clipping.gradients(scale=0.05), 2.0)  # global norm ≈ 0.3: unchanged


@points(2)
def test_train_many_to_one(training):
    """training the many-to-one task: the first losses, then ≥ 95 % of the sequences right

    zh-TW: 訓練多對一的任務：前幾步的損失，以及 ≥ 95 % 的序列分類正確
    """
    x, y = training.sequences(100, 8, seed=0)  # make_sequences(100, 8, 0) of the stub
    training.check_history(x, y)
    training.check_accuracy(x, y)


@points(2)
def test_vanishing_and_exploding_gradients(experiment, rng):
    """the experiment: ‖∂L/∂h_t‖ vanishes with spectral radius 0.5 and explodes with 3

    zh-TW: 實驗：譜半徑 0.5 時 ‖∂L/∂h_t‖ 消失，譜半徑 3 時爆炸
    """
    experiment.check_shape(_seed(rng))


@points(2)
def test_gradient_through_time_values(experiment, rng):
    """the experiment's norms and weight gradients equal the reference's for the documented draws

    zh-TW: 實驗的範數與權重梯度在文件規定的抽樣下與參考答案相同
    """
    seed = _seed(rng)
    experiment.check_values(1.5, seed, T=12, N=4, D=3, H=6)
    experiment.check_values(0.8, seed + 1, T=5)


@points(1)
def test_inputs_not_modified(submission, cell, shapes, clipping):
    """no function changes its arguments in place (x, h0, weights, dh, caches, params, grads)

    zh-TW: 沒有函式會原地修改參數（x、h0、權重、dh、cache、params、梯度）
    """
    v = cell.values(2, 3, 2, 3)
    _, cache = cell.forward(v)
    first = submission.rnn_backward(v["dh"], cache)  # the grader reports a changed argument
    second = submission.rnn_backward(v["dh"], cache)
    if isinstance(first, tuple) and isinstance(second, tuple) and len(first) == len(second) and \
            not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)):
        fail("rnn_backward gave different gradients when called again with the same dh and "
             "cache: it changes its cache in place",
             "用相同的 dh 與 cache 再呼叫一次 rnn_backward，得到的梯度不同：它原地修改了 cache")
    params, x, y, mask = shapes.data("many_to_many_loss", 2, 3, 2, 3, 2, mask=True)
    submission.many_to_many_loss(params, x, y, mask)
    submission.many_to_one_loss(params, x, y[:, 0])
    submission.clip_gradients(clipping.gradients(), 1.0)
