"""Visible checks of exercise 11 (LSTM): what `grade exercise 11` runs.

One step: next_h and next_c against the reference, then the six gradients by central
differences of the student's own step. The sequence: h of every step against the reference,
then the five gradients of backpropagation through time the same way. Known mistakes are named
(see the conftest). Then the sine-wave task: train_sine (given) on the student's cell must
follow the reference's first losses and end below a stated loss; and a backward must leave
its cache as it found it.
"""

from grader.checks import points

TRAIN_H, TRAIN_STEPS = 8, 60  # 16 sequences of 20 steps: about 0.05 s in the worker
TARGET_LOSS = 0.02  # the reference ends at 0.0087; predicting x_t itself scores 0.065


@points(2)
def test_lstm_step_forward(lstm):
    """lstm_step_forward: next_c = f ⊙ prev_c + i ⊙ g and next_h = o ⊙ tanh(next_c)

    zh-TW: lstm_step_forward：next_c = f ⊙ prev_c + i ⊙ g 與 next_h = o ⊙ tanh(next_c)
    """
    for N, D, H in ((3, 4, 5), (1, 2, 3)):
        lstm.check_step_forward(lstm.step_inputs(N, D, H))


@points(3)
def test_lstm_step_backward(lstm):
    """lstm_step_backward: dx, dprev_h, dprev_c, dWx, dWh and db agree with central differences

    zh-TW: lstm_step_backward：dx、dprev_h、dprev_c、dWx、dWh 與 db 與中央差分一致
    """
    lstm.check_step_backward(lstm.step_inputs(3, 4, 5))  # N ≠ D ≠ H: a wrong axis shows


@points(2)
def test_lstm_forward(lstm):
    """lstm_forward: every hidden state of a sequence, from h0 and c0 = 0

    zh-TW: lstm_forward：序列每一步的隱藏狀態，從 h0 與 c0 = 0 開始
    """
    for N, T, D, H in ((2, 5, 3, 4), (3, 2, 1, 2)):
        lstm.check_forward(lstm.seq_inputs(N, T, D, H))


@points(3)
def test_lstm_backward(lstm):
    """lstm_backward: dx, dh0, dWx, dWh and db through time agree with central differences

    zh-TW: lstm_backward：隨時間反向傳播的 dx、dh0、dWx、dWh 與 db 與中央差分一致
    """
    lstm.check_backward(lstm.seq_inputs(2, 4, 3, 5))


@points(2)
def test_learns_sine_waves(training):
    """your LSTM learns to predict sine waves: the first losses, then the loss below 0.02

    zh-TW: 你的 LSTM 學會預測正弦波：前幾步的損失，以及損失低於 0.02
    """
    training.check(TRAIN_H, TRAIN_STEPS, seed=0, target=TARGET_LOSS)


@points(1)
def test_backward_leaves_the_cache_alone(lstm):
    """each backward gives the same gradients when called twice with the same cache

    zh-TW: 用同一個 cache 呼叫兩次，反向傳播給出相同的梯度
    """
    lstm.check_cache_kept(lstm.step_inputs(2, 3, 4), lstm.seq_inputs(2, 3, 2, 3))
