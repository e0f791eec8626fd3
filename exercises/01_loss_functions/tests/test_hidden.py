"""Hidden checks of exercise 01 (loss functions): run only when the instructor grades.

Other shapes and seeds than the visible checks, and the edge cases a submission tuned to the
visible checks can miss: a single sample and a large batch, float32 inputs, probabilities
within a few EPS of 0 and 1 (clipping, not adding EPS), logits of magnitude 1e4 whose true
class has a vanishing probability, 3-D arrays, and the conventions at the kinks. Gradients are
judged as in the visible checks: central differences of the student's own loss where that
loss agrees with the reference, the reference gradient otherwise.
"""

import numpy as np

from grader.checks import points, tip

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; the few operations of a loss stay far below 1e-5
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


def check_fused(fused, logits, labels, **options) -> None:
    """Both values of the student's softmax_cross_entropy equal the reference's."""
    loss, dlogits = fused(logits, labels)
    fused.check_loss(loss, logits, labels, **options)
    fused.check_dlogits(dlogits, logits, labels, **options)


@points(2)
def test_single_sample_and_large_batch(inputs, check_against_reference, check_gradient, fused,
                                       rng):
    """losses and gradients for one sample and a large batch

    zh-TW: 單一樣本與大批次的損失與梯度
    """
    for size in (1, 1000):
        for name in ELEMENTWISE:
            x, target = inputs.elementwise(name, (size,))
            for function in (name, f"{name}_grad"):
                check_against_reference(function, x, target, batch=size)
    for N, C in ((1, 10), (256, 10)):
        for name in CLASS_LOSSES:
            p, target = inputs.class_loss(name, N, C)
            for function in (name, f"{name}_grad"):
                check_against_reference(function, p, target, batch=N)
        logits, labels = rng.normal(scale=3.0, size=(N, C)), rng.integers(0, C, size=N)
        check_fused(fused, logits, labels, batch=N)
    name = "sparse_categorical_cross_entropy"
    p, labels = inputs.class_loss(name, 64, 10)  # 640 entries: sampled coordinates
    check_gradient(name, p, labels, batch=64)


@points(2)
def test_float32_inputs(inputs, check_against_reference, fused, rng):
    """float32 inputs and int32 labels

    zh-TW: float32 輸入與 int32 標籤
    """
    for name in ELEMENTWISE:
        x, target = (a.astype(np.float32) for a in inputs.elementwise(name, (6, 5)))
        for function in (name, f"{name}_grad"):
            check_against_reference(function, x, target, rtol=FLOAT32_RTOL)
    for name in CLASS_LOSSES:
        p, target = inputs.class_loss(name, 6, 4)
        p, target = p.astype(np.float32), target.astype(np.int32 if target.ndim == 1 else
                                                        np.float32)
        for function in (name, f"{name}_grad"):
            check_against_reference(function, p, target, rtol=FLOAT32_RTOL)
    logits = rng.normal(scale=2.0, size=(6, 4)).astype(np.float32)
    check_fused(fused, logits, rng.integers(0, 4, size=6).astype(np.int32), rtol=FLOAT32_RTOL)


@points(2)
def test_probabilities_near_eps(check_against_reference):
    """probabilities a few EPS from 0 and 1 are clipped

    zh-TW: 距離 0 或 1 只有幾個 EPS 的機率會被裁切
    """
    p = np.array([1e-12, 5e-8, 2e-7, 1 - 5e-8, 1 - 1e-12, 5e-8, 1 - 5e-8, 0.4])
    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    for name in ("binary_cross_entropy", "binary_cross_entropy_grad"):
        check_against_reference(name, p, y, hint=CLIP_HINT)
    p = np.array([[1e-12, 1 - 1e-12], [5e-8, 1 - 5e-8], [3e-7, 1 - 3e-7], [0.3, 0.7]])
    labels = np.array([0, 0, 0, 1])
    for name in CLASS_LOSSES:
        target = labels if name.startswith("sparse") else np.eye(2)[labels]
        for function in (name, f"{name}_grad"):
            check_against_reference(function, p, target, batch=4, hint=CLIP_HINT)


@points(2)
def test_softmax_cross_entropy_extreme_logits(fused, rng):
    """softmax_cross_entropy when the true class is hopeless

    zh-TW: 正確類別的機率幾乎為 0 時的 softmax_cross_entropy
    """
    cases = [(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [3e4, 3e4, -3e4]]),
              np.array([1, 0, 2])),  # losses 2e4, 2e4 and 6e4 + ln 2
             (np.array([[1e4, 0.0]]), np.array([0])),  # a sure, right answer: loss 0
             (rng.normal(scale=1e3, size=(50, 7)), rng.integers(0, 7, size=50))]
    for logits, labels in cases:
        check_fused(fused, logits, labels, batch=len(logits), hint=LOGSUMEXP_HINT)


@points(1)
def test_three_dimensional_arrays(inputs, check_against_reference, check_gradient):
    """element-wise losses and gradients on 3-D arrays

    zh-TW: 逐元素損失與梯度用於三維陣列
    """
    for name in ELEMENTWISE:
        x, target = inputs.elementwise(name, (2, 3, 4))
        check_against_reference(name, x, target, batch=x.size)
        check_gradient(name, x, target, batch=x.size)


@points(1)
def test_gradients_at_the_kinks(check_against_reference, rng):
    """gradients at the kinks: mae at ŷ = y, hinge at y·s = 1

    zh-TW: 不可微點的梯度：ŷ = y 的 mae、y·s = 1 的 hinge
    """
    y_true = rng.normal(size=(4, 5))
    y_pred = np.where(rng.random((4, 5)) < 0.5, y_true, y_true + 1.0)
    check_against_reference("mae_grad", y_pred, y_true, batch=20,
                            hint=tip("sign(0) = 0: np.sign gives it",
                                     "sign(0) = 0：np.sign 就是這樣定義的"))
    y = rng.choice([-1.0, 1.0], size=(4, 5))
    scores = np.where(rng.random((4, 5)) < 0.5, y, y * rng.normal(size=(4, 5)))  # y·s = 1
    check_against_reference("hinge_grad", scores, y, batch=20,
                            hint=tip("where 1 − y·s = 0 exactly the gradient is 0: "
                                     "test 1 − y·s > 0, not >= 0",
                                     "1 − y·s 剛好等於 0 的地方梯度是 0：條件要寫 1 − y·s > 0，"
                                     "不是 >= 0"))
