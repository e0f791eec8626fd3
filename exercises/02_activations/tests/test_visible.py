"""Visible checks of exercise 02 (activation functions): what `grade exercise 02` runs.

Every forward output is compared with the reference on random inputs of several shapes. Every
backward is judged by central differences of the student's own forward, L = Σ out ⊙ dout
(`gradcheck` with dout), with the cache the student's forward returned; where the forward does
not agree with the reference, dx is compared with the reference's instead, so a wrong forward
never costs its correct backward a second time. Inputs of ReLU, Leaky ReLU and ELU stay away
from the kink at 0, where a central difference does not measure the derivative.
"""

import numpy as np

from grader.checks import assert_close, fail, gradcheck, points, tip, warnings_during

SHAPES = ((7,), (4, 5))  # a 1-D vector and an (N, D) batch
CLASS_SHAPES = ((4, 5), (1, 3))  # softmax works along the last axis of (N, C)
GRAD_SHAPE = (4, 6)  # 24 coordinates, all checked: two calls to the worker each
KINK_GAP = 0.1  # |x| >= this at the kinks, far beyond the step h = 1e-5 of gradcheck
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


# --- inputs --------------------------------------------------------------------------------


def _inputs(rng, name: str, shape) -> np.ndarray:
    """x for an activation: |x| >= KINK_GAP where the derivative has a kink at 0."""
    if name in ("relu", "leaky_relu", "elu"):
        return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(KINK_GAP, 3.0, size=shape)
    return rng.normal(scale=2.0, size=shape)


# --- judging -------------------------------------------------------------------------------




def described(name: str, x: np.ndarray, **kwargs) -> str:
    """How a forward call is named in a message: relu_forward(x (4, 5), alpha=0.2)."""
    shape = str(x.shape) if x.dtype == np.float64 else f"{x.dtype} {x.shape}"
    arguments = [f"x {shape}"] + [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}_forward({', '.join(arguments)})"


def forward(module, name: str, x, **kwargs) -> tuple:
    """(out, cache) of `name`_forward, or a failure when it does not return a pair."""
    result = getattr(module, f"{name}_forward")(x, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{name}_forward returned a {type(result).__name__}; expected a pair (out, cache)",
              f"{name}_forward 回傳了 {type(result).__name__}；應該回傳一對 (out, cache)")
    return tuple(result)




def _agrees(value, expected) -> bool:
    try:
        assert_close(value, expected)
    except AssertionError:
        return False
    return True


def check_forward(submission, reference, rng, name: str, shapes=SHAPES, **kwargs) -> None:
    for shape in shapes:
        x = _inputs(rng, name, shape)
        x.flat[::5] = 0.0  # exact zeros: every activation's value there is the same
        out, _ = forward(submission, name, x, **kwargs)
        assert_close(out, forward(reference, name, x, **kwargs)[0],
                     what=described(name, x, **kwargs), hint=FORWARD_HINT[name])


def check_backward(submission, reference, name: str, x, dout, **kwargs) -> None:
    """dx from the student's cache: gradcheck of Σ forward(x) ⊙ dout if the forward is right."""
    out, cache = forward(submission, name, x, **kwargs)
    dx = getattr(submission, f"{name}_backward")(dout, cache)
    want_out, want_cache = forward(reference, name, x, **kwargs)
    if _agrees(out, want_out):
        gradcheck(lambda p: forward(submission, name, p, **kwargs)[0], dx, x, dout=dout,
                  name=f"{name}_backward", hint=BACKWARD_HINT[name])
    else:
        assert_close(dx, getattr(reference, f"{name}_backward")(dout, want_cache),
                     hint=BACKWARD_HINT[name])


def check_random_backward(submission, reference, rng, name: str, shape=GRAD_SHAPE) -> None:
    x = _inputs(rng, name, shape)
    check_backward(submission, reference, name, x, rng.normal(size=shape))


def check_no_warnings(call: str, warned: list, name: str) -> None:
    if warned:
        fail(f"{call} warned: {warned[0]}. An inf or nan appeared on the way, even if the "
              f"result looks right.\n{STABLE_HINT[name].render('en')}",
              f"{call} 發出警告：{warned[0]}。計算途中出現了 inf 或 nan，即使結果看起來是對的。\n"
              f"{STABLE_HINT[name].render('zh-TW')}")


# --- sigmoid and tanh ----------------------------------------------------------------------


@points(1)
def test_sigmoid_forward(submission, reference, rng):
    """sigmoid_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: sigmoid_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_forward(submission, reference, rng, "sigmoid")


@points(2)
def test_sigmoid_backward(submission, reference, rng):
    """sigmoid_backward agrees with central differences

    zh-TW: sigmoid_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "sigmoid")


@points(1)
def test_tanh_forward(submission, reference, rng):
    """tanh_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: tanh_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_forward(submission, reference, rng, "tanh")


@points(2)
def test_tanh_backward(submission, reference, rng):
    """tanh_backward agrees with central differences

    zh-TW: tanh_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "tanh")


# --- the ReLU family -----------------------------------------------------------------------


@points(1)
def test_relu_forward(submission, reference, rng):
    """relu_forward matches the reference on 1-D and (N, D) inputs

    zh-TW: relu_forward 在一維與 (N, D) 輸入上與參考答案一致
    """
    check_forward(submission, reference, rng, "relu")


@points(2)
def test_relu_backward(submission, reference, rng):
    """relu_backward agrees with central differences

    zh-TW: relu_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "relu")


@points(1)
def test_leaky_relu_forward(submission, reference, rng):
    """leaky_relu_forward matches, alpha = 0.01 and 0.2

    zh-TW: leaky_relu_forward 在 alpha = 0.01 與 0.2 時一致
    """
    check_forward(submission, reference, rng, "leaky_relu")
    check_forward(submission, reference, rng, "leaky_relu", alpha=0.2)


@points(2)
def test_leaky_relu_backward(submission, reference, rng):
    """leaky_relu_backward agrees with central differences

    zh-TW: leaky_relu_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "leaky_relu")


@points(1)
def test_elu_forward(submission, reference, rng):
    """elu_forward matches, alpha = 1 and 0.5

    zh-TW: elu_forward 在 alpha = 1 與 0.5 時一致
    """
    check_forward(submission, reference, rng, "elu")
    check_forward(submission, reference, rng, "elu", alpha=0.5)


@points(2)
def test_elu_backward(submission, reference, rng):
    """elu_backward agrees with central differences

    zh-TW: elu_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "elu")


# --- softmax -------------------------------------------------------------------------------


@points(1)
def test_softmax_forward(submission, reference, rng):
    """softmax_forward matches the reference on (N, C) rows

    zh-TW: softmax_forward 在 (N, C) 的每一列與參考答案一致
    """
    check_forward(submission, reference, rng, "softmax", shapes=CLASS_SHAPES)


@points(2)
def test_softmax_backward(submission, reference, rng):
    """softmax_backward agrees with central differences

    zh-TW: softmax_backward 與中央差分一致
    """
    check_random_backward(submission, reference, rng, "softmax")


@points(1)
def test_softmax_worked_example(submission, reference):
    """the example softmax([1, 2, 3]) ≈ (0.0900, 0.2447, 0.6652)

    zh-TW: 範例 softmax([1, 2, 3]) ≈ (0.0900, 0.2447, 0.6652)
    """
    x = np.array([[1.0, 2.0, 3.0]])
    out, _ = forward(submission, "softmax", x)
    assert_close(out, forward(reference, "softmax", x)[0], what=described("softmax", x),
                 hint=FORWARD_HINT["softmax"])


# --- stability, arguments ------------------------------------------------------------------


@points(2)
def test_sigmoid_stable(submission, reference):
    """sigmoid is 0 and 1 at ∓1000, without overflow warnings

    zh-TW: sigmoid 在 ∓1000 時是 0 與 1，沒有溢位警告
    """
    x = np.array([-HUGE, -50.0, -1.0, 0.0, 1.0, 50.0, HUGE])
    (out, _), warned = warnings_during(lambda: forward(submission, "sigmoid", x))
    assert_close(out, forward(reference, "sigmoid", x)[0], what=described("sigmoid", x),
                 hint=STABLE_HINT["sigmoid"])
    check_no_warnings(described("sigmoid", x), warned, "sigmoid")


@points(2)
def test_softmax_stable(submission, reference, rng):
    """softmax is exact for logits ~1e4, without overflow warnings

    zh-TW: logits 約 1e4 時 softmax 仍精確，沒有溢位警告
    """
    for x in (np.array([[1.0, 2.0, 3.0]]) + HUGE, np.array([[HUGE, 0.0]]),
              rng.normal(size=(3, 4)) * EXTREME_LOGIT,
              np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]]) + EXTREME_LOGIT):
        (out, _), warned = warnings_during(lambda x=x: forward(submission, "softmax", x))
        assert_close(out, forward(reference, "softmax", x)[0], what=described("softmax", x),
                     hint=STABLE_HINT["softmax"])
        check_no_warnings(described("softmax", x), warned, "softmax")


@points(1)
def test_tanh_and_elu_at_large_inputs(submission, reference):
    """tanh and elu at ±1000, without overflow warnings

    zh-TW: tanh 與 elu 在 ±1000 時沒有溢位警告
    """
    x = np.array([-HUGE, -20.0, -0.5, 0.5, 20.0, HUGE])
    for name in ("tanh", "elu"):
        (out, cache), warned = warnings_during(lambda name=name: forward(submission, name, x))
        assert_close(out, forward(reference, name, x)[0], what=described(name, x),
                     hint=STABLE_HINT[name])
        check_no_warnings(described(name, x), warned, name)
        _, warned = warnings_during(lambda name=name, cache=cache:
            getattr(submission, f"{name}_backward")(np.ones_like(x), cache))
        check_no_warnings(f"{name}_backward(dout (6,), cache)", warned, name)


@points(1)
def test_inputs_not_modified(submission, rng):
    """no function changes x, dout or the cache in place

    zh-TW: 沒有函式會原地修改 x、dout 或 cache
    """
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax"):
        x, dout = rng.normal(size=(2, *GRAD_SHAPE))
        _, cache = forward(submission, name, x)  # the grader reports a changed argument
        first = getattr(submission, f"{name}_backward")(dout, cache)
        second = getattr(submission, f"{name}_backward")(dout, cache)
        if isinstance(first, np.ndarray) and not np.array_equal(first, second):
            fail(f"{name}_backward gave a different dx when called again with the same dout "
                  "and cache: it changes its cache in place",
                  f"用相同的 dout 與 cache 再呼叫一次 {name}_backward，得到的 dx 不同："
                  "它原地修改了 cache")
