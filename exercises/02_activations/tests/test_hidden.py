"""Hidden checks of exercise 02 (activation functions): run only when the instructor grades.

Other shapes and seeds than the visible checks, and what a submission tuned to them can miss:
softmax along the last axis of 1-D and 3-D inputs, alpha values other than the defaults,
float32 inputs, the derivative's convention at exactly x = 0, a single sample and a large
batch, and ELU's precision just below 0 (np.expm1). Backward passes are judged as in the
visible checks: central differences of the student's own forward where that forward agrees
with the reference, the reference's dx otherwise.
"""

import numpy as np

from grader.checks import assert_close, points, tip
from grader.compare import RTOL

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; one activation's few operations stay far below
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax")


def check_backward_against_reference(layers, name: str, x, dout, *, rtol: float = RTOL,
                                     hint=None, **kwargs) -> None:
    """dx from the student's own forward and backward equals the reference's."""
    _, cache = layers.forward(name, x, **kwargs)
    _, want_cache = layers.expected(name, x, **kwargs)
    assert_close(getattr(layers.submission, f"{name}_backward")(dout, cache),
                 getattr(layers.reference, f"{name}_backward")(dout, want_cache), rtol=rtol,
                 hint=hint)


@points(2)
def test_softmax_on_1d_and_3d_inputs(layers, rng):
    """softmax along the last axis of 1-D and 3-D inputs

    zh-TW: softmax 沿一維與三維輸入的最後一個軸
    """
    last_axis = tip("normalise along the last axis: axis=-1 and keepdims=True (axis=1 does not "
                    "exist for 1-D input and is the wrong axis for 3-D input)",
                    "沿最後一個軸正規化：axis=-1 且 keepdims=True（一維輸入沒有 axis=1，"
                    "三維輸入的 axis=1 也是錯的軸）")
    for shape in ((6,), (2, 3, 4)):
        layers.check_forward("softmax", rng.normal(scale=2.0, size=shape), hint=last_axis)
    x, dout = rng.normal(size=(2, 2, 3, 4))
    layers.check_backward("softmax", x, dout)


@points(2)
def test_other_alphas(layers, inputs, rng):
    """leaky_relu and elu with other alpha values

    zh-TW: 其他 alpha 值的 leaky_relu 與 elu
    """
    for name, alphas in (("leaky_relu", (0.05, 0.3)), ("elu", (0.5, 2.0))):
        for alpha in alphas:
            x = inputs(name, (4, 6))
            layers.check_forward(name, x, alpha=alpha)
            layers.check_backward(name, x, rng.normal(size=x.shape), alpha=alpha)


@points(2)
def test_float32_inputs(layers, inputs, rng):
    """float32 x and dout

    zh-TW: float32 的 x 與 dout
    """
    for name in ACTIVATIONS:
        x = inputs(name, (5, 4)).astype(np.float32)
        dout = rng.normal(size=x.shape).astype(np.float32)
        layers.check_forward(name, x, rtol=FLOAT32_RTOL)
        check_backward_against_reference(layers, name, x, dout, rtol=FLOAT32_RTOL)


@points(1)
def test_derivative_at_zero(layers, rng):
    """the derivative at exactly x = 0

    zh-TW: x 剛好為 0 時的導數
    """
    x = np.where(rng.random((3, 6)) < 0.5, 0.0, rng.normal(size=(3, 6)))
    dout = rng.normal(size=x.shape)
    at_zero = tip("x = 0 belongs to the 'x <= 0' branch: test x > 0, not x >= 0",
                  "x = 0 屬於「x <= 0」的分支：條件要寫 x > 0，不是 x >= 0")
    for name, options in (("relu", {}), ("leaky_relu", {}), ("leaky_relu", {"alpha": 0.2}),
                          ("elu", {}), ("elu", {"alpha": 2.0})):
        check_backward_against_reference(layers, name, x, dout, hint=at_zero, **options)


@points(1)
def test_single_sample_and_large_batch(layers, inputs, rng):
    """every activation for one sample and a large batch

    zh-TW: 單一樣本與大批次的每個激勵函數
    """
    for shape in ((1, 5), (128, 40)):
        for name in ACTIVATIONS:
            x = inputs(name, shape)
            layers.check_forward(name, x)
            check_backward_against_reference(layers, name, x, rng.normal(size=shape))
    x, dout = rng.normal(size=(2, 64, 10))  # 640 entries: sampled coordinates
    layers.check_backward("softmax", x, dout)


@points(1)
def test_elu_precision_near_zero(layers):
    """elu keeps full precision just below 0

    zh-TW: elu 在略小於 0 時保持完整精度
    """
    x = -np.array([1e-15, 3e-15, 1e-14, 4e-14])
    for alpha in (1.0, 0.5):
        layers.check_forward("elu", x, alpha=alpha,
                             hint=tip("np.exp(x) - 1 loses almost every digit for x near 0; "
                                      "np.expm1(x) computes exp(x) − 1 exactly",
                                      "x 接近 0 時 np.exp(x) - 1 幾乎失去所有有效位數；"
                                      "np.expm1(x) 可以精確計算 exp(x) − 1"))
