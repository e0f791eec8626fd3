"""Visible checks of exercise 02 (activation functions): what `grade exercise 02` runs.

Every forward output is compared with the reference on random inputs of several shapes. Every
backward is judged by central differences of the student's own forward, L = Σ out ⊙ dout
(`gradcheck` with dout), with the cache the student's forward returned; where the forward does
not agree with the reference, dx is compared with the reference's instead, so a wrong forward
never costs its correct backward a second time. Inputs of ReLU, Leaky ReLU and ELU stay away
from the kink at 0, where a central difference does not measure the derivative.
"""

import numpy as np
import pytest

from grader.checks import fail, points, tip, warnings_during

SHAPES = ((7,), (4, 5))  # a 1-D vector and an (N, D) batch
CLASS_SHAPES = ((4, 5), (1, 3))  # softmax works along the last axis of (N, C)
GRAD_SHAPE = (4, 6)  # 24 coordinates, all checked: two calls to the worker each
HUGE = 1000.0  # exp(1000) overflows float64 (largest exponent about 709)
EXTREME_LOGIT = 1e4

FORWARD_HINT = {
    "sigmoid": tip("σ(x) = 1 / (1 + exp(−x))", "σ(x) = 1 / (1 + exp(−x))"),
    "tanh": tip("use np.tanh(x)", "使用 np.tanh(x)"),
    "relu": tip("max(0, x) element by element: np.maximum(x, 0)",
                "逐元素取 max(0, x)：np.maximum(x, 0)"),
    "leaky_relu": tip("x where x > 0, alpha · x elsewhere: np.where(x > 0, x, alpha * x)",
                      "x > 0 時是 x，其他是 alpha · x：np.where(x > 0, x, alpha * x)"),
    "elu": tip("x where x > 0, alpha · (exp(x) − 1) elsewhere, with np.expm1",
               "x > 0 時是 x，其他是 alpha · (exp(x) − 1)，用 np.expm1 計算"),
    "softmax": tip("exp(x − max) divided by its sum along the last axis: axis=-1, keepdims=True",
                   "exp(x − max) 除以最後一個軸上的總和：axis=-1, keepdims=True"),
}
BACKWARD_HINT = {
    "sigmoid": tip("dx = dout · σ(x)(1 − σ(x)) with σ(x) the output you cached; do not pass it "
                   "through the sigmoid again",
                   "dx = dout · σ(x)(1 − σ(x))，σ(x) 是你存在 cache 的輸出；"
                   "不要再把它代入 sigmoid"),
    "tanh": tip("dx = dout · (1 − tanh(x)²)", "dx = dout · (1 − tanh(x)²)"),
    "relu": tip("dx = dout where x > 0 and 0 elsewhere: multiply dout by the mask (x > 0)",
                "x > 0 的地方 dx = dout，其他地方是 0：把 dout 乘上遮罩 (x > 0)"),
    "leaky_relu": tip("dx = dout where x > 0 and alpha · dout elsewhere (keep alpha in the "
                      "cache)",
                      "x > 0 的地方 dx = dout，其他地方是 alpha · dout（把 alpha 存在 cache）"),
    "elu": tip("dx = dout where x > 0 and dout · alpha · exp(x) elsewhere",
               "x > 0 的地方 dx = dout，其他地方是 dout · alpha · exp(x)"),
    "softmax": tip("softmax is not element-wise: dx = s ⊙ (dout − Σ_c dout_c s_c), the sum "
                   "along the last axis with keepdims=True",
                   "softmax 不是逐元素的：dx = s ⊙ (dout − Σ_c dout_c s_c)，沿最後一個軸加總，"
                   "keepdims=True"),
}
STABLE_HINT = {
    "sigmoid": tip("z = np.exp(-np.abs(x)) is at most 1: σ = 1/(1 + z) where x >= 0 and "
                   "z/(1 + z) elsewhere. np.where evaluates both branches, so neither may overflow",
                   "z = np.exp(-np.abs(x)) 不會超過 1：x >= 0 時 σ = 1/(1 + z)，"
                   "否則 σ = z/(1 + z)。np.where 會計算兩個分支，所以兩邊都不能溢位"),
    "softmax": tip("subtract the row maximum before exp: x - x.max(axis=-1, keepdims=True)",
                   "exp 之前先減去每一列的最大值：x - x.max(axis=-1, keepdims=True)"),
    "tanh": tip("use np.tanh: (e^x − e^−x)/(e^x + e^−x) is inf/inf at x = 1000",
                "使用 np.tanh：(e^x − e^−x)/(e^x + e^−x) 在 x = 1000 時是 inf/inf"),
    "elu": tip("np.where evaluates both branches: use np.expm1(np.minimum(x, 0)) and "
               "np.exp(np.minimum(x, 0)), so exp never sees 1000",
               "np.where 會計算兩個分支：用 np.expm1(np.minimum(x, 0)) 與 "
               "np.exp(np.minimum(x, 0))，exp 就不會遇到 1000"),
}


# --- judging -------------------------------------------------------------------------------


@pytest.fixture
def check_random_forward(layers, inputs):
    """check_random_forward(name, shapes=SHAPES, **kwargs): `name`_forward matches the
    reference on random x of each shape."""
    def check(name: str, shapes=SHAPES, **kwargs) -> None:
        for shape in shapes:
            x = inputs(name, shape)
            x.flat[::5] = 0.0  # exact zeros: every activation's value there is the same
            layers.check_forward(name, x, hint=FORWARD_HINT[name], **kwargs)
    return check


@pytest.fixture
def check_random_backward(layers, inputs, rng):
    """check_random_backward(name): `name`_backward at a random x and dout of GRAD_SHAPE."""
    def check(name: str) -> None:
        x = inputs(name, GRAD_SHAPE)
        layers.check_backward(name, x, rng.normal(size=GRAD_SHAPE), hint=BACKWARD_HINT[name])
    return check


def check_no_warnings(call: str, warned: list, name: str) -> None:
    if warned:
        fail(f"{call} warned: {warned[0]}. An inf or nan appeared on the way, even if the "
              f"result looks right.\n{STABLE_HINT[name].render('en')}",
              f"{call} 發出警告：{warned[0]}。計算途中出現了 inf 或 nan，即使結果看起來是對的。\n"
              f"{STABLE_HINT[name].render('zh-TW')}")


def check_stable_forward(layers, name: str, x) -> tuple:
    """`name`_forward at x matches the reference without a warning; the student's (out, cache)."""
    result, warned = warnings_during(
        lambda: layers.check_forward(name, x, hint=STABLE_HINT[name]))
    check_no_warnings(layers.described(name, x), warned, name)
    return result


# --- sigmoid and tanh ----------------------------------------------------------------------


@points(1)
def test_sigmoid_forward(check_random_forward):
    """sigmoid_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: sigmoid_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_random_forward("sigmoid")


@points(2)
def test_sigmoid_backward(check_random_backward):
    """sigmoid_backward agrees with central differences

    zh-TW: sigmoid_backward 與中央差分一致
    """
    check_random_backward("sigmoid")


@points(1)
def test_tanh_forward(check_random_forward):
    """tanh_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: tanh_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_random_forward("tanh")


@points(2)
def test_tanh_backward(check_random_backward):
    """tanh_backward agrees with central differences

    zh-TW: tanh_backward 與中央差分一致
    """
    check_random_backward("tanh")


# --- the ReLU family -----------------------------------------------------------------------


@points(1)
def test_relu_forward(check_random_forward):
    """relu_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: relu_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_random_forward("relu")


@points(2)
def test_relu_backward(check_random_backward):
    """relu_backward agrees with central differences

    zh-TW: relu_backward 與中央差分一致
    """
    check_random_backward("relu")


@points(1)
def test_leaky_relu_forward(check_random_forward):
    """leaky_relu_forward matches, alpha = 0.01 and 0.2

    zh-TW: leaky_relu_forward 在 alpha = 0.01 與 0.2 時一致
    """
    check_random_forward("leaky_relu")
    check_random_forward("leaky_relu", alpha=0.2)


@points(2)
def test_leaky_relu_backward(check_random_backward):
    """leaky_relu_backward agrees with central differences

    zh-TW: leaky_relu_backward 與中央差分一致
    """
    check_random_backward("leaky_relu")


@points(1)
def test_elu_forward(check_random_forward):
    """elu_forward matches, alpha = 1 and 0.5

    zh-TW: elu_forward 在 alpha = 1 與 0.5 時一致
    """
    check_random_forward("elu")
    check_random_forward("elu", alpha=0.5)


@points(2)
def test_elu_backward(check_random_backward):
    """elu_backward agrees with central differences

    zh-TW: elu_backward 與中央差分一致
    """
    check_random_backward("elu")


# --- softmax -------------------------------------------------------------------------------


@points(1)
def test_softmax_forward(check_random_forward):
    """softmax_forward matches the reference on (N, C) rows

    zh-TW: softmax_forward 在 (N, C) 的每一列與參考答案一致
    """
    check_random_forward("softmax", shapes=CLASS_SHAPES)


@points(2)
def test_softmax_backward(check_random_backward):
    """softmax_backward agrees with central differences

    zh-TW: softmax_backward 與中央差分一致
    """
    check_random_backward("softmax")


@points(1)
def test_softmax_worked_example(layers):
    """the example softmax([1, 2, 3]) ≈ (0.0900, 0.2447, 0.6652)

    zh-TW: 範例 softmax([1, 2, 3]) ≈ (0.0900, 0.2447, 0.6652)
    """
    x = np.array([[1.0, 2.0, 3.0]])
    layers.check_forward("softmax", x, hint=FORWARD_HINT["softmax"])


# --- stability, arguments ------------------------------------------------------------------


@points(2)
def test_sigmoid_stable(layers):
    """sigmoid is 0 and 1 at ∓1000, without overflow warnings

    zh-TW: sigmoid 在 ∓1000 時是 0 與 1，沒有溢位警告
    """
    x = np.array([-HUGE, -50.0, -1.0, 0.0, 1.0, 50.0, HUGE])
    check_stable_forward(layers, "sigmoid", x)


@points(2)
def test_softmax_stable(layers, rng):
    """softmax is exact for logits ~1e4, without overflow warnings

    zh-TW: logits 約 1e4 時 softmax 仍精確，沒有溢位警告
    """
    for x in (np.array([[1.0, 2.0, 3.0]]) + HUGE, np.array([[HUGE, 0.0]]),
              rng.normal(size=(3, 4)) * EXTREME_LOGIT,
              np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]]) + EXTREME_LOGIT):
        check_stable_forward(layers, "softmax", x)


@points(1)
def test_tanh_and_elu_at_large_inputs(submission, layers):
    """tanh and elu at ±1000, without overflow warnings

    zh-TW: tanh 與 elu 在 ±1000 時沒有溢位警告
    """
    x = np.array([-HUGE, -20.0, -0.5, 0.5, 20.0, HUGE])
    for name in ("tanh", "elu"):
        _, cache = check_stable_forward(layers, name, x)
        _, warned = warnings_during(lambda name=name, cache=cache:
            getattr(submission, f"{name}_backward")(np.ones_like(x), cache))
        check_no_warnings(f"{name}_backward(dout (6,), cache)", warned, name)


@points(1)
def test_inputs_not_modified(submission, layers, rng):
    """no function changes x, dout or the cache in place

    zh-TW: 沒有函式會原地修改 x、dout 或 cache
    """
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax"):
        x, dout = rng.normal(size=(2, *GRAD_SHAPE))
        _, cache = layers.forward(name, x)  # the grader reports a changed argument
        first = getattr(submission, f"{name}_backward")(dout, cache)
        second = getattr(submission, f"{name}_backward")(dout, cache)
        if isinstance(first, np.ndarray) and not np.array_equal(first, second):
            fail(f"{name}_backward gave a different dx when called again with the same dout "
                  "and cache: it changes its cache in place",
                  f"用相同的 dout 與 cache 再呼叫一次 {name}_backward，得到的 dx 不同："
                  "它原地修改了 cache")
