"""Hidden checks of exercise 01 (loss functions): run only when the instructor grades.

Other shapes and seeds than the visible checks, and the edge cases a submission tuned to the
visible checks can miss: a single sample and a large batch, float32 inputs, probabilities
within a few EPS of 0 and 1 (clipping, not adding EPS), logits of magnitude 1e4 whose true
class has a vanishing probability, 3-D arrays, and the conventions at the kinks. Gradients are
judged as in the visible checks: central differences of the student's own loss where that
loss agrees with the reference, the reference gradient otherwise.
"""

import numpy as np

from grader.checks import assert_close, gradcheck, hint, points, tip

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; the few operations of a loss stay far below 1e-5
KINK_GAP = 0.1  # |distance to a kink| >= this, far beyond the step h = 1e-5 of gradcheck
ELEMENTWISE = ("mse", "half_sse", "mae", "binary_cross_entropy", "hinge")
CLASS_LOSSES = ("categorical_cross_entropy", "sparse_categorical_cross_entropy")




CLIP_HINT = tip("clip with np.clip(p, EPS, 1 - EPS); adding EPS (log(p + EPS)) is not the same "
                "for p close to 0 or 1",
                "用 np.clip(p, EPS, 1 - EPS) 裁切；加上 EPS（log(p + EPS)）在 p 接近 0 或 1 時"
                "結果並不相同")
LOGSUMEXP_HINT = tip("compute log softmax as z − m − log Σ exp(z − m): log(softmax(z)) is −inf "
                     "(or a clipped 16.1) where softmax underflows to 0",
                     "用 z − m − log Σ exp(z − m) 計算 log softmax：softmax 下溢成 0 時，"
                     "log(softmax(z)) 會是 −inf（或裁切後的 16.1）")

FUSED_LOSS = hint("the loss of softmax_cross_entropy", "softmax_cross_entropy 的損失")
FUSED_DLOGITS = hint("dlogits of softmax_cross_entropy", "softmax_cross_entropy 的 dlogits")


def _elementwise_inputs(rng, name: str, shape) -> tuple[np.ndarray, np.ndarray]:
    """(prediction, target) for an element-wise loss, away from its kinks and clipped region."""
    gap = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(KINK_GAP, 1.5, size=shape)
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, size=shape), rng.integers(0, 2, size=shape) * 1.0
    if name == "hinge":
        y = rng.choice([-1.0, 1.0], size=shape)
        return y * (1.0 - gap), y
    y_true = rng.normal(size=shape)
    return y_true + gap, y_true


def _class_inputs(rng, N: int, C: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(p, targets) for a class loss: one-hot rows, or integer labels for the sparse one."""
    z = rng.normal(scale=0.5, size=(N, C))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    labels = rng.integers(0, C, size=N)
    return e / e.sum(axis=1, keepdims=True), labels if name.startswith("sparse") \
        else np.eye(C)[labels]


def _loss_agrees(submission, reference, name: str, *args) -> bool:
    try:
        assert_close(getattr(submission, name)(*args), getattr(reference, name)(*args))
    except AssertionError:  # a wrong value, an error, not implemented yet ...
        return False
    return True


def check_gradient(submission, reference, name: str, x, target, *, batch: int) -> None:
    """As in the visible checks: gradcheck against the student's loss if it is right here."""
    grad = getattr(submission, f"{name}_grad")(x, target)
    if _loss_agrees(submission, reference, name, x, target):
        gradcheck(lambda p: getattr(submission, name)(p, target), grad, x, batch=batch,
                  name=f"{name}_grad")
    else:
        assert_close(grad, getattr(reference, f"{name}_grad")(x, target), batch=batch)


def check_against_reference(submission, reference, name: str, *args, **options) -> None:
    """The student's function and the reference agree on args (loss or gradient)."""
    assert_close(getattr(submission, name)(*args), getattr(reference, name)(*args), **options)


def check_fused(submission, reference, logits, labels, **options) -> None:
    result = submission.softmax_cross_entropy(logits, labels)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise AssertionError(hint("softmax_cross_entropy must return a pair (loss, dlogits)",
                                  "softmax_cross_entropy 必須回傳一對 (loss, dlogits)").render())
    want_loss, want_dlogits = reference.softmax_cross_entropy(logits, labels)
    assert_close(result[0], want_loss, what=FUSED_LOSS.render(), **options)
    assert_close(result[1], want_dlogits, what=FUSED_DLOGITS.render(), **options)


@points(2)
def test_single_sample_and_large_batch(submission, reference, rng):
    """losses and gradients for one sample and a large batch

    zh-TW: 單一樣本與大批次的損失與梯度
    """
    for size in (1, 1000):
        for name in ELEMENTWISE:
            x, target = _elementwise_inputs(rng, name, (size,))
            check_against_reference(submission, reference, name, x, target, batch=size)
            check_against_reference(submission, reference, f"{name}_grad", x, target,
                                    batch=size)
    for N, C in ((1, 10), (256, 10)):
        for name in CLASS_LOSSES:
            p, target = _class_inputs(rng, N, C, name)
            check_against_reference(submission, reference, name, p, target, batch=N)
            check_against_reference(submission, reference, f"{name}_grad", p, target, batch=N)
        logits, labels = rng.normal(scale=3.0, size=(N, C)), rng.integers(0, C, size=N)
        check_fused(submission, reference, logits, labels, batch=N)
    p, labels = _class_inputs(rng, 64, 10, "sparse")  # 640 entries: sampled coordinates
    check_gradient(submission, reference, "sparse_categorical_cross_entropy", p, labels,
                   batch=64)


@points(2)
def test_float32_inputs(submission, reference, rng):
    """float32 inputs and int32 labels

    zh-TW: float32 輸入與 int32 標籤
    """
    for name in ELEMENTWISE:
        x, target = (a.astype(np.float32) for a in _elementwise_inputs(rng, name, (6, 5)))
        for function in (name, f"{name}_grad"):
            check_against_reference(submission, reference, function, x, target,
                                    rtol=FLOAT32_RTOL)
    for name in CLASS_LOSSES:
        p, target = _class_inputs(rng, 6, 4, name)
        p, target = p.astype(np.float32), target.astype(np.int32 if target.ndim == 1 else
                                                        np.float32)
        for function in (name, f"{name}_grad"):
            check_against_reference(submission, reference, function, p, target,
                                    rtol=FLOAT32_RTOL)
    logits = rng.normal(scale=2.0, size=(6, 4)).astype(np.float32)
    check_fused(submission, reference, logits, rng.integers(0, 4, size=6).astype(np.int32),
                rtol=FLOAT32_RTOL)


@points(2)
def test_probabilities_near_eps(submission, reference):
    """probabilities a few EPS from 0 and 1 are clipped

    zh-TW: 距離 0 或 1 只有幾個 EPS 的機率會被裁切
    """
    p = np.array([1e-12, 5e-8, 2e-7, 1 - 5e-8, 1 - 1e-12, 5e-8, 1 - 5e-8, 0.4])
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    for name in ("binary_cross_entropy", "binary_cross_entropy_grad"):
        check_against_reference(submission, reference, name, p, y, hint=CLIP_HINT)
    p = np.array([[1e-12, 1 - 1e-12], [5e-8, 1 - 5e-8], [3e-7, 1 - 3e-7], [0.3, 0.7]])
    labels = np.array([0, 0, 0, 1])
    for name in CLASS_LOSSES:
        target = labels if name.startswith("sparse") else np.eye(2)[labels]
        for function in (name, f"{name}_grad"):
            check_against_reference(submission, reference, function, p, target, batch=4,
                                    hint=CLIP_HINT)


@points(2)
def test_softmax_cross_entropy_extreme_logits(submission, reference, rng):
    """softmax_cross_entropy when the true class is hopeless

    zh-TW: 正確類別的機率幾乎為 0 時的 softmax_cross_entropy
    """
    cases = [(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [3e4, 3e4, -3e4]]),
              np.array([1, 0, 2])),  # losses 2e4, 2e4 and 6e4 + ln 2
             (np.array([[1e4, 0.0]]), np.array([0])),  # a sure, right answer: loss 0
             (rng.normal(scale=1e3, size=(50, 7)), rng.integers(0, 7, size=50))]
    for logits, labels in cases:
        check_fused(submission, reference, logits, labels, batch=len(logits),
                    hint=LOGSUMEXP_HINT)


@points(1)
def test_three_dimensional_arrays(submission, reference, rng):
    """element-wise losses and gradients on 3-D arrays

    zh-TW: 逐元素損失與梯度用於三維陣列
    """
    for name in ELEMENTWISE:
        x, target = _elementwise_inputs(rng, name, (2, 3, 4))
        check_against_reference(submission, reference, name, x, target, batch=x.size)
        check_gradient(submission, reference, name, x, target, batch=x.size)


@points(1)
def test_gradients_at_the_kinks(submission, reference, rng):
    """gradients at the kinks: mae at ŷ = y, hinge at y·s = 1

    zh-TW: 不可微點的梯度：ŷ = y 的 mae、y·s = 1 的 hinge
    """
    y_true = rng.normal(size=(4, 5))
    y_pred = np.where(rng.random((4, 5)) < 0.5, y_true, y_true + 1.0)
    check_against_reference(submission, reference, "mae_grad", y_pred, y_true, batch=20,
                            hint=tip("sign(0) = 0: np.sign gives it",
                                     "sign(0) = 0：np.sign 就是這樣定義的"))
    y = rng.choice([-1.0, 1.0], size=(4, 5))
    scores = np.where(rng.random((4, 5)) < 0.5, y, y * rng.normal(size=(4, 5)))  # y·s = 1
    check_against_reference(submission, reference, "hinge_grad", scores, y, batch=20,
                            hint=tip("where 1 − y·s = 0 exactly the gradient is 0: "
                                     "test 1 − y·s > 0, not >= 0",
                                     "1 − y·s 剛好等於 0 的地方梯度是 0：條件要寫 1 − y·s > 0，"
                                     "不是 >= 0"))
