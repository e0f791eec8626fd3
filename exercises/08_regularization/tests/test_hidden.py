"""Hidden checks of exercise 08 (regularisation): run only when the instructor grades.

What a submission tuned to the visible checks can miss: float32 inputs, batch norm with other
momentum and eps, a single feature, two samples and a constant feature, dropout with p = 0, a
large p and other shapes, all-zero gradients and a single tensor for clipping, and the experiment
with other sizes.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a mean, a variance and a division of O(1) values
LAM = 0.05


@points(2)
def test_float32_inputs(dropout, batchnorm, penalties, clipping, rng):
    """float32 inputs give the float64 answers: dropout, batch norm, penalties, clipping

    zh-TW: float32 的輸入也得到 float64 的答案：dropout、批次正規化、懲罰項、梯度修剪
    """
    x = rng.normal(size=(5, 4)).astype(np.float32)
    dropout.check_with_mask(x, 0.3, dropout.random_mask(x.shape, 0.3).astype(np.float32))
    values = batchnorm.inputs(7, 3, scales=np.ones(3), dtype=np.float32)
    batchnorm.check_forward(values, rtol=FLOAT32_RTOL)
    batchnorm.check_running(values, rtol=FLOAT32_RTOL)
    batchnorm.check_backward(values, rtol=FLOAT32_RTOL)
    w = rng.normal(size=(3, 4)).astype(np.float32)
    penalties.check_l1(w, LAM, rtol=FLOAT32_RTOL)
    penalties.check_l2(w, LAM, rtol=FLOAT32_RTOL)
    grads = clipping.gradients(dtype=np.float32)
    clipping.check_value(grads, 1.0, rtol=FLOAT32_RTOL)
    clipping.check_global_norm(grads, rtol=FLOAT32_RTOL)
    clipping.check_norm(grads, 2.0, rtol=FLOAT32_RTOL)


@points(2)
def test_batchnorm_other_settings(batchnorm):
    """batch norm with momentum 0.5 and eps 0.01, with N = 2, D = 1 and a constant feature

    zh-TW: 批次正規化在 momentum 0.5、eps 0.01 下，以及 N = 2、D = 1 與常數特徵
    """
    settings = {"momentum": 0.5, "eps": 1e-2}
    for N, D in ((2, 3), (12, 1), (5, 4)):
        values = batchnorm.inputs(N, D)
        if D == 4:
            values["x"][:, 2] = 1.7  # a constant feature: σ² = 0, only eps keeps 1/σ finite
        batchnorm.check_forward(values, **settings)
        batchnorm.check_running(values, **settings)
        batchnorm.check_backward(values, **settings)
        batchnorm.check_forward(values, train=False, **settings)
    batchnorm.check_running(batchnorm.inputs(6, 2), momentum=0.2)


@points(1)
def test_dropout_other_p_and_shapes(dropout, rng):
    """dropout with p = 0 and p = 0.9, on 1-D and 3-D inputs

    zh-TW: p = 0 與 p = 0.9 的 dropout，輸入為一維與三維
    """
    dropout.check_mask((40, 30), 0.0, int(rng.integers(1000)))
    dropout.check_mask((50_000,), 0.9, int(rng.integers(1000)))
    for shape, p in (((7,), 0.9), ((2, 3, 4), 0.1)):
        x = rng.normal(size=shape)
        dropout.check_with_mask(x, p, dropout.random_mask(shape, p))
        dropout.check_backward(x, p, dropout.random_mask(shape, p), rng.normal(size=shape))


@points(2)
def test_clipping_edge_cases(clipping, rng):
    """clipping all-zero gradients, a single tensor, and a clip no entry reaches

    zh-TW: 修剪全為零的梯度、單一張量，以及沒有元素超過門檻的情況
    """
    zeros = [np.zeros((2, 3)), np.zeros(4)]
    clipping.check_global_norm(zeros)
    clipping.check_norm(zeros, 1.0)
    single = [5.0 * rng.normal(size=(4, 4))]
    clipping.check_norm(single, 1.0)
    clipping.check_global_norm(single)
    clipping.check_value(clipping.gradients(scale=0.1), 10.0)
    clipping.check_value([-np.abs(rng.normal(size=6)) * 4.0], 0.5)


@points(1)
def test_gradient_norms_other_settings(experiment, rng):
    """the experiment with other depths, widths, batch sizes, seeds and weight scales

    zh-TW: 實驗在其他深度、寬度、批次大小、seed 與權重倍率下
    """
    seed = int(rng.integers(1000))
    experiment.check_values("sigmoid", seed, depth=3, width=5, N=7)
    experiment.check_values("relu", seed + 1, depth=4, width=9, N=3)
    experiment.check_values("relu", seed + 2, depth=1, width=4, N=2)
    experiment.check_values("sigmoid", seed + 3, depth=5, width=6, N=4, weight_scale=3.0)
