"""Visible checks of exercise 01 (loss functions): what `grade exercise 01` runs.

Every loss is compared with the reference on random batches of several shapes. Every gradient
is judged by central differences of the student's own loss (`gradcheck`) when that loss agrees
with the reference at the point, and against the reference gradient otherwise, so a wrong (or
not yet written) loss never costs its correct gradient a second time. Gradient inputs stay
away from the kinks (mae at equality, hinge at the margin) and from the clipped region of the
cross-entropies, where a central difference does not measure the derivative.
"""

import numpy as np
import pytest

from grader.checks import fail, gradcheck, points, tip, warnings_during

ELEMENTWISE_SHAPES = ((7,), (16, 3))  # a 1-D vector and an (N, D) batch
CLASS_SHAPES = ((8, 5), (1, 10))  # (N, C): a batch and a single sample of ten classes
GRAD_SHAPE = (6, 4)  # 24 coordinates, all checked: two calls to the worker each
EXTREME_LOGIT = 1e4  # exp(1e4) overflows float64 (largest exponent about 709)
CLASS_LOSSES = ("categorical_cross_entropy", "sparse_categorical_cross_entropy")

LOSS_HINT = {
    "mse": tip("mse is a mean over all elements: np.mean((y_pred - y_true) ** 2)",
               "mse 是對所有元素取平均：np.mean((y_pred - y_true) ** 2)"),
    "half_sse": tip("half_sse is a sum, not a mean: ½ Σ (ŷ − y)², no division by the size",
                    "half_sse 是總和，不是平均：½ Σ (ŷ − y)²，不要除以元素個數"),
    "mae": tip("mae is a mean of absolute values: np.mean(np.abs(y_pred - y_true))",
               "mae 是絕對值的平均：np.mean(np.abs(y_pred - y_true))"),
    "binary_cross_entropy": tip(
        "BCE = −mean(y log p̃ + (1 − y) log(1 − p̃)), p̃ = np.clip(p, EPS, 1 − EPS), natural log",
        "BCE = −mean(y log p̃ + (1 − y) log(1 − p̃))，p̃ = np.clip(p, EPS, 1 − EPS)，用自然對數"),
    "hinge": tip("the labels are −1 or +1: mean(max(0, 1 − y · s))",
                 "標籤是 −1 或 +1：mean(max(0, 1 − y · s))"),
    "categorical_cross_entropy": tip(
        "sum over the classes, mean over the batch: divide by N = p.shape[0], not by p.size",
        "對類別加總、對批次取平均：除以 N = p.shape[0]，不是 p.size"),
    "sparse_categorical_cross_entropy": tip(
        "labels are integers: p[np.arange(N), labels] picks each row's true class",
        "labels 是整數：p[np.arange(N), labels] 會取出每一列正確類別的機率"),
}
GRADIENT_HINT = {
    "mse": tip("the derivative of mean((ŷ − y)²) is 2(ŷ − y)/M with M = y_pred.size: "
               "check the constant and the division",
               "mean((ŷ − y)²) 的導數是 2(ŷ − y)/M，M = y_pred.size：檢查常數與除數"),
    "half_sse": tip("the ½ cancels the 2 of the derivative: the gradient is simply ŷ − y",
                    "½ 會和微分產生的 2 相消：梯度就是 ŷ − y"),
    "mae": tip("the derivative of |d| is sign(d); divide by M = y_pred.size",
               "|d| 的導數是 sign(d)；再除以 M = y_pred.size"),
    "binary_cross_entropy": tip(
        "(−y/p̃ + (1 − y)/(1 − p̃)) / M, with the clipped p̃ and M = p.size",
        "(−y/p̃ + (1 − y)/(1 − p̃)) / M，用裁切後的 p̃，M = p.size"),
    "hinge": tip("−y/M where 1 − y·s > 0, and 0 elsewhere (M = scores.size)",
                 "在 1 − y·s > 0 的地方是 −y/M，其他地方是 0（M = scores.size）"),
    "categorical_cross_entropy": tip("−y / (N · p̃), with N = p.shape[0] rows",
                                     "−y / (N · p̃)，N = p.shape[0] 是列數"),
    "sparse_categorical_cross_entropy": tip(
        "zeros of shape (N, C), and −1/(N · p̃) at each row's true class",
        "形狀 (N, C) 的零矩陣，只有每一列的正確類別是 −1/(N · p̃)"),
}
FUSED_HINT = tip("loss = mean(logsumexp(z) − z[n, label]); dlogits = (softmax(z) − onehot) / N",
                 "loss = mean(logsumexp(z) − z[n, label])；dlogits = (softmax(z) − onehot) / N")
CLIP_HINT = tip("clip with np.clip(p, EPS, 1 - EPS) before the log, and use the clipped p in "
                "the gradient too",
                "取 log 之前先用 np.clip(p, EPS, 1 - EPS) 裁切，梯度也要用裁切後的 p")
LOGSUMEXP_HINT = tip("subtract each row's maximum m before exp: logsumexp(z) = m + log Σ "
                     "exp(z − m); never take the log of a softmax",
                     "在 exp 之前先減去每一列的最大值 m：logsumexp(z) = m + log Σ exp(z − m)；"
                     "不要對 softmax 的結果取 log")


# --- judging -------------------------------------------------------------------------------


def _random_batch(inputs, name: str, shape) -> tuple[np.ndarray, np.ndarray, int]:
    """(x, target, batch) for the loss `name`: a class loss takes (N, C) probabilities and is a
    mean over the N rows, an element-wise loss is judged per element (batch = x.size)."""
    if name in CLASS_LOSSES:
        p, target = inputs.class_loss(name, *shape)
        return p, target, len(p)
    x, target = inputs.elementwise(name, shape)
    return x, target, x.size


@pytest.fixture
def check_loss(inputs, check_against_reference):
    """check_loss(name): the loss `name` matches the reference on random batches of each shape."""
    def check(name: str) -> None:
        for shape in CLASS_SHAPES if name in CLASS_LOSSES else ELEMENTWISE_SHAPES:
            x, target, batch = _random_batch(inputs, name, shape)
            check_against_reference(name, x, target, batch=batch, hint=LOSS_HINT[name])
    return check


@pytest.fixture
def check_loss_gradient(inputs, check_gradient):
    """check_loss_gradient(name): `name`_grad on a random batch of GRAD_SHAPE."""
    def check(name: str) -> None:
        x, target, batch = _random_batch(inputs, name, GRAD_SHAPE)
        check_gradient(name, x, target, batch=batch, hint=GRADIENT_HINT[name])
    return check


# --- regression ----------------------------------------------------------------------------


@points(1)
def test_mse(check_loss):
    """mse matches the reference on 1-D and (N, D) batches

    zh-TW: mse 在一維與 (N, D) 批次上與參考答案一致
    """
    check_loss("mse")


@points(2)
def test_mse_grad(check_loss_gradient):
    """mse_grad agrees with central differences of your mse

    zh-TW: mse_grad 與你的 mse 的中央差分一致
    """
    check_loss_gradient("mse")


@points(1)
def test_half_sse(check_loss):
    """half_sse is half the sum of squared errors, not a mean

    zh-TW: half_sse 是平方誤差總和的一半，不是平均
    """
    check_loss("half_sse")


@points(1)
def test_half_sse_grad(check_loss_gradient):
    """half_sse_grad agrees with central differences of half_sse

    zh-TW: half_sse_grad 與你的 half_sse 的中央差分一致
    """
    check_loss_gradient("half_sse")


@points(1)
def test_mae(check_loss):
    """mae matches the reference on 1-D and (N, D) batches

    zh-TW: mae 在一維與 (N, D) 批次上與參考答案一致
    """
    check_loss("mae")


@points(1)
def test_mae_grad(check_loss_gradient):
    """mae_grad agrees with central differences of your mae

    zh-TW: mae_grad 與你的 mae 的中央差分一致
    """
    check_loss_gradient("mae")


# --- binary classification -----------------------------------------------------------------


@points(1)
def test_binary_cross_entropy(check_loss):
    """binary_cross_entropy matches the reference

    zh-TW: binary_cross_entropy 與參考答案一致
    """
    check_loss("binary_cross_entropy")


@points(2)
def test_binary_cross_entropy_grad(check_loss_gradient):
    """binary_cross_entropy_grad agrees with central differences

    zh-TW: binary_cross_entropy_grad 與中央差分一致
    """
    check_loss_gradient("binary_cross_entropy")


@points(1)
def test_hinge(check_loss):
    """hinge matches the reference (labels ±1)

    zh-TW: hinge 與參考答案一致（標籤為 ±1）
    """
    check_loss("hinge")


@points(1)
def test_hinge_grad(check_loss_gradient):
    """hinge_grad agrees with central differences of your hinge

    zh-TW: hinge_grad 與你的 hinge 的中央差分一致
    """
    check_loss_gradient("hinge")


# --- multi-class classification ------------------------------------------------------------


@points(1)
def test_categorical_cross_entropy(check_loss):
    """categorical_cross_entropy matches the reference on (N, C)

    zh-TW: categorical_cross_entropy 在 (N, C) 上與參考答案一致
    """
    check_loss("categorical_cross_entropy")


@points(2)
def test_categorical_cross_entropy_grad(check_loss_gradient):
    """categorical_cross_entropy_grad agrees with central differences

    zh-TW: categorical_cross_entropy_grad 與中央差分一致
    """
    check_loss_gradient("categorical_cross_entropy")


@points(1)
def test_sparse_categorical_cross_entropy(check_loss):
    """sparse_categorical_cross_entropy matches, integer labels

    zh-TW: sparse_categorical_cross_entropy 與參考答案一致（整數標籤）
    """
    check_loss("sparse_categorical_cross_entropy")


@points(2)
def test_sparse_categorical_cross_entropy_grad(check_loss_gradient):
    """sparse_categorical_cross_entropy_grad agrees with central differences

    zh-TW: sparse_categorical_cross_entropy_grad 與中央差分一致
    """
    check_loss_gradient("sparse_categorical_cross_entropy")


@points(3)
def test_softmax_cross_entropy(fused, rng):
    """softmax_cross_entropy: the right loss and its gradient

    zh-TW: softmax_cross_entropy：正確的損失與它的梯度
    """
    N, C = CLASS_SHAPES[0]
    logits, labels = rng.normal(scale=2.0, size=(N, C)), rng.integers(0, C, size=N)
    loss, dlogits = fused(logits, labels)
    fused.check_loss(loss, logits, labels, batch=N, hint=FUSED_HINT)
    gradcheck(lambda z: fused(z, labels)[0], dlogits, logits, batch=N, name="dlogits",
              hint=FUSED_HINT)


# --- the notes' example, stability, return values, arguments --------------------------------


@points(1)
def test_notes_digit_example(check_against_reference):
    """the notes' digit example: −ln 0.21 ≈ 1.5606

    zh-TW: 講義的數字辨識範例：−ln 0.21 ≈ 1.5606
    """
    row = [0.09, 0.07, 0.08, 0.08, 0.09, 0.10, 0.10, 0.21, 0.10, 0.09]
    confident = [0.01] * 7 + [0.91, 0.01, 0.01]  # a second, confident sample of class 7
    example = tip("use the natural log np.log: −ln 0.21 = 1.5606 (the notes' 0.156 is a slip), "
                  "and the batch loss is the mean over the rows",
                  "用自然對數 np.log：−ln 0.21 = 1.5606（講義上的 0.156 是筆誤），"
                  "批次的損失是各列的平均")
    for rows in ([row], [row, confident]):
        p = np.array(rows)
        labels = np.full(len(rows), 7)
        y = np.eye(10)[labels]
        check_against_reference("categorical_cross_entropy", p, y, batch=len(rows),
                                hint=example)
        check_against_reference("sparse_categorical_cross_entropy", p, labels,
                                batch=len(rows), hint=example)


@points(2)
def test_cross_entropies_finite_at_0_and_1(check_against_reference):
    """cross-entropies are finite where p is exactly 0 or 1

    zh-TW: p 剛好是 0 或 1 時，交叉熵仍是有限值
    """
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.3, 0.8])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    for name in ("binary_cross_entropy", "binary_cross_entropy_grad"):
        check_against_reference(name, p, y, hint=CLIP_HINT)
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    labels = np.array([0, 0, 2])  # row 0 is sure and right, row 1 sure and wrong
    targets = {"categorical_cross_entropy": np.eye(3)[labels],
               "sparse_categorical_cross_entropy": labels}
    for name, target in targets.items():
        for function in (name, f"{name}_grad"):
            check_against_reference(function, p, target, hint=CLIP_HINT)


@points(2)
def test_softmax_cross_entropy_stable(fused, rng):
    """softmax_cross_entropy is exact for logits ~1e4, no warnings

    zh-TW: logits 約 1e4 時 softmax_cross_entropy 仍精確、無警告
    """
    cases = [(np.array([[1000.0, 0.0]]), np.array([1])),  # the instructions' example: 1000
             (rng.normal(size=(4, 5)) * EXTREME_LOGIT, rng.integers(0, 5, size=4)),
             (np.array([[1.0, 2.0, 3.0]]) + EXTREME_LOGIT, np.array([0]))]
    call = "softmax_cross_entropy"
    for logits, labels in cases:
        (loss, dlogits), warned = warnings_during(lambda logits=logits, labels=labels:
                                                  fused(logits, labels))
        fused.check_loss(loss, logits, labels, hint=LOGSUMEXP_HINT)
        fused.check_dlogits(dlogits, logits, labels, batch=len(logits), hint=LOGSUMEXP_HINT)
        if warned:
            fail(f"{call} on logits of shape {logits.shape} warned: {warned[0]}. An inf or "
                  f"nan appeared on the way, even if the result looks right.\n"
                  f"{LOGSUMEXP_HINT.render('en')}",
                  f"{call} 在形狀 {logits.shape} 的 logits 上發出警告：{warned[0]}。"
                  f"計算途中出現了 inf 或 nan，即使結果看起來是對的。\n"
                  f"{LOGSUMEXP_HINT.render('zh-TW')}")


def _mutation_cases(rng) -> dict:
    """Inputs for every loss and its gradient; p with exact 0 and 1 tempts p[p < EPS] = EPS."""
    y_pred, y_true = rng.normal(size=(2, 4, 3))
    signs = rng.choice([-1.0, 1.0], size=(4, 3))
    p, labels = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]), np.array([0, 0, 1])
    return {"mse": (y_pred, y_true), "half_sse": (y_pred, y_true), "mae": (y_pred, y_true),
            "hinge": (y_pred, signs),
            "binary_cross_entropy": (p[:, 0], np.array([1.0, 0.0, 1.0])),
            "categorical_cross_entropy": (p, np.eye(2)[labels]),
            "sparse_categorical_cross_entropy": (p, labels)}


@points(1)
def test_losses_return_one_number(submission, inputs):
    """every loss returns one number, not an array

    zh-TW: 每個損失函數都回傳一個數字，不是陣列
    """
    p, y, labels = inputs.classes(4, 3)
    cases = {name: inputs.elementwise(name, (5, 1))  # axis=0 would leave shape (1,)
             for name in ("mse", "half_sse", "mae", "binary_cross_entropy", "hinge")}
    cases.update(categorical_cross_entropy=(p, y), sparse_categorical_cross_entropy=(p, labels))
    for name, (x, target) in cases.items():
        value = getattr(submission, name)(x, target)
        if isinstance(value, np.ndarray) and value.ndim == 0:
            continue
        if isinstance(value, (int, float, np.integer, np.floating)) \
                and not isinstance(value, (bool, np.bool_)):
            continue
        got = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) \
            else f"a {type(value).__name__}"
        fail(f"{name} on inputs of shape {x.shape} returned {got}, not one number.\n"
              "hint: a loss is one number: return float(...) of the mean (or of the sum)",
              f"{name} 在形狀 {x.shape} 的輸入上回傳了{got}，而不是一個數字。\n"
              "提示：損失函數是一個數字：回傳平均（或總和）的 float(...)")


@points(1)
def test_inputs_not_modified(submission, rng):
    """no function changes its input arrays

    zh-TW: 沒有函式會修改輸入的陣列
    """
    for name, (x, target) in _mutation_cases(rng).items():
        getattr(submission, name)(x, target)  # the grader reports a changed argument
        getattr(submission, f"{name}_grad")(x, target)
    submission.softmax_cross_entropy(rng.normal(size=(4, 3)), rng.integers(0, 3, size=4))
