"""Hidden checks of exercise 10 (recurrent networks): run only when the instructor grades.

What a submission tuned to the visible checks can miss: float32 inputs through every layer and
loss, the smallest shapes (one sample, one step, one unit), a mask that counts no step of a
sequence, clipping all-zero gradients and a single tensor, and the experiment and the training
with other settings.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a few steps of products and tanh stay far below


@points(2)
def test_float32_inputs(cell, output, shapes):
    """float32 inputs give the float64 answers: the step, the sequence, the output layer, losses

    zh-TW: float32 的輸入也得到 float64 的答案：單步、整個序列、輸出層與損失
    """
    step = cell.step_values(3, 2, 4, dtype=np.float32)
    cell.check_step_forward(step, rtol=FLOAT32_RTOL)
    cell.check_step_backward(step, rtol=FLOAT32_RTOL)
    values = cell.values(2, 5, 3, 4, dtype=np.float32)
    cell.check_forward(values, rtol=FLOAT32_RTOL)
    cell.check_backward(values, rtol=FLOAT32_RTOL)
    output.check_affine(2, 3, 2, 3, dtype=np.float32, rtol=FLOAT32_RTOL)
    output.check_softmax(2, 3, 4, dtype=np.float32, rtol=FLOAT32_RTOL)
    for kind in ("many_to_one_loss", "one_to_many_loss", "many_to_many_loss"):
        shapes.check(kind, *shapes.data(kind, 3, 4, 2, 3, 3, dtype=np.float32)[:3],
                     rtol=FLOAT32_RTOL)


@points(2)
def test_smallest_shapes(cell, shapes):
    """one sample, one time step, one hidden unit, one input feature

    zh-TW: 一個樣本、一個時間步、一個隱藏單元、一個輸入特徵
    """
    for N, T, D, H in ((1, 1, 1, 1), (1, 3, 2, 1), (4, 1, 1, 3)):
        values = cell.values(N, T, D, H)
        cell.check_forward(values)
        cell.check_backward(values)
    shapes.check("many_to_one_loss", *shapes.data("many_to_one_loss", 1, 1, 2, 3, 2)[:3])
    shapes.check("one_to_many_loss", *shapes.data("one_to_many_loss", 1, 3, 1, 2, 2)[:3])


@points(1)
def test_masks_and_clipping_edge_cases(shapes, clipping):
    """a sequence whose mask counts no step, no mask at all, and clipping zeros or one tensor

    zh-TW: 某個序列的 mask 全為 0、完全沒有 mask，以及修剪全為零的梯度或單一張量
    """
    params, x, y, mask = shapes.data("many_to_many_loss", 3, 4, 2, 3, 3, mask=True)
    mask[1] = False  # the second sequence is all padding
    shapes.check("many_to_many_loss", params, x, y, mask)
    shapes.check("many_to_many_loss", params, x, y)
    clipping.check({k: np.zeros_like(g) for k, g in clipping.gradients().items()}, 1.0)
    clipping.check(clipping.gradients(keys=("Wh",)), 0.5)
    clipping.check(clipping.gradients(keys=("Wx", "Wh", "b", "Wy", "by"), dtype=np.float32), 3.0,
                   rtol=FLOAT32_RTOL)


@points(2)
def test_experiment_and_training_other_settings(experiment, training, rng):
    """the experiment with other sizes, radii and input scales; training with other settings

    zh-TW: 實驗在其他大小、譜半徑與輸入倍率下；訓練在其他設定下
    """
    seed = int(rng.integers(1000))
    experiment.check_values(0.9, seed, T=8, N=2, D=1, H=3)
    experiment.check_values(2.5, seed + 1, T=6, N=5, D=2, H=7, input_scale=1.0)
    experiment.check_values(1.0, seed + 2, T=1, N=1, D=1, H=1)
    x, y = training.sequences(60, 5, seed=seed)
    training.check_history(x, y, steps=6, H=5, lr=0.3, max_norm=0.2, seed=3)
