"""Visible checks of exercise 12 (GRU): what `grade exercise 12` runs.

One step: next_h against the reference, then the six gradients by central differences of the
student's own step. The sequence: h of every step against the reference, then the six
gradients of backpropagation through time the same way. Known mistakes are named (see the
conftest). Then the sine-wave task: train_sine (given) on the student's cell must follow the
reference's first losses and end below a stated loss; and a backward must leave its cache as
it found it.
"""

from grader.checks import points

TRAIN_H, TRAIN_STEPS = 8, 60  # 16 sequences of 20 steps: about 0.05 s in the worker
TARGET_LOSS = 0.02  # the reference ends at 0.0093; predicting x_t itself scores 0.065


@points(2)
def test_gru_step_forward(gru):
    """gru_step_forward: the gates r and z, n = tanh(ax_n + r ⊙ ah_n), next_h

    zh-TW: gru_step_forward：閘 r 與 z、n = tanh(ax_n + r ⊙ ah_n)、next_h
    """
    for N, D, H in ((3, 4, 5), (1, 2, 3)):
        gru.check_step_forward(gru.step_inputs(N, D, H))


@points(3)
def test_gru_step_backward(gru):
    """gru_step_backward: dx, dprev_h, dWx, dWh, dbx and dbh agree with central differences

    zh-TW: gru_step_backward：dx、dprev_h、dWx、dWh、dbx 與 dbh 與中央差分一致
    """
    gru.check_step_backward(gru.step_inputs(3, 4, 5))  # N ≠ D ≠ H: a wrong axis shows


@points(2)
def test_gru_forward(gru):
    """gru_forward: every hidden state of a sequence, from h0

    zh-TW: gru_forward：序列每一步的隱藏狀態，從 h0 開始
    """
    for N, T, D, H in ((2, 5, 3, 4), (3, 2, 1, 2)):
        gru.check_forward(gru.seq_inputs(N, T, D, H))


@points(3)
def test_gru_backward(gru):
    """gru_backward: dx, dh0, dWx, dWh, dbx and dbh through time agree with central differences

    zh-TW: gru_backward：隨時間反向傳播的 dx、dh0、dWx、dWh、dbx 與 dbh 與中央差分一致
    """
    gru.check_backward(gru.seq_inputs(2, 4, 3, 5))


@points(2)
def test_learns_sine_waves(training):
    """your GRU learns to predict sine waves: the first losses, then the loss below 0.02

    zh-TW: 你的 GRU 學會預測正弦波：前幾步的損失，以及損失低於 0.02
    """
    training.check(TRAIN_H, TRAIN_STEPS, seed=0, target=TARGET_LOSS)


@points(1)
def test_backward_leaves_the_cache_alone(gru):
    """each backward gives the same gradients when called twice with the same cache

    zh-TW: 用同一個 cache 呼叫兩次，反向傳播給出相同的梯度
    """
    gru.check_cache_kept(gru.step_inputs(2, 3, 4), gru.seq_inputs(2, 3, 2, 3))
