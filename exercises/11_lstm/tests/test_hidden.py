"""Hidden checks of exercise 11 (LSTM): run only when the instructor grades.

Other shapes and seeds than the visible checks, and what a submission tuned to them can miss:
float32 inputs, a single sample, one time step and a single unit, a long sequence whose
gradient must travel back through many steps, and training from another seed.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a few steps of products and sums stay far below
LONG_T = 25  # time steps the gradient of x_0 must travel back through
TARGET_LOSS = 0.03  # train_sine(H=6, steps=50, seed=3): the reference ends at 0.0088


@points(2)
def test_float32_inputs(lstm):
    """float32 inputs and weights through every function

    zh-TW: float32 的輸入與權重通過每個函式
    """
    step = lstm.step_inputs(3, 4, 5, dtype=np.float32)
    lstm.check_step_forward(step, rtol=FLOAT32_RTOL)
    lstm.check_step_backward(step, rtol=FLOAT32_RTOL)
    seq = lstm.seq_inputs(2, 4, 3, 5, dtype=np.float32)
    lstm.check_forward(seq, rtol=FLOAT32_RTOL)
    lstm.check_backward(seq, rtol=FLOAT32_RTOL)


@points(2)
def test_edge_shapes(lstm):
    """N = 1, T = 1, D = 1 and H = 1, and a wider layer with D > H

    zh-TW: N = 1、T = 1、D = 1 與 H = 1，以及 D > H 的較寬的層
    """
    for N, T, D, H in ((1, 1, 1, 1), (1, 3, 2, 1), (4, 2, 7, 3)):
        seq = lstm.seq_inputs(N, T, D, H)
        lstm.check_forward(seq)
        lstm.check_backward(seq)
    lstm.check_step_backward(lstm.step_inputs(1, 1, 1))


@points(2)
def test_long_sequence(lstm):
    """a 25-step sequence: the gradient reaches x_0 through the cell state

    zh-TW: 25 步的序列：梯度經由細胞狀態傳回 x_0
    """
    seq = lstm.seq_inputs(2, LONG_T, 2, 3)
    seq["b"] = seq["b"].copy()
    seq["b"][3:6] += 3.0  # forget gates near 1: the cell state carries the gradient far back
    lstm.check_forward(seq)
    lstm.check_backward(seq, numerical=False)  # against the reference: T forward calls less


@points(1)
def test_training_from_another_seed(training):
    """training with H = 6 from seed 3: the first losses, then the loss below 0.03

    zh-TW: 以 H = 6、seed 3 訓練：前幾步的損失，以及損失低於 0.03
    """
    training.check(6, 50, seed=3, target=TARGET_LOSS)
