"""Loss functions (損失函數) and their gradients, for regression and classification.

Predictions come first, targets second. Element-wise losses (mse, half_sse, mae, binary cross-
entropy, hinge) take two arrays of one shape (...) and, except half_sse, average over every
element; class losses take (N, C) probabilities or logits, sum over the C classes and average
over the batch N. Each gradient is the exact derivative of its loss, 1/size or 1/N included.
Any real dtype is computed in float64; no argument is modified.

Where the course notes slip, the mathematics wins: seed 004 prints -ln 0.21 as 0.156 (it is
1.5606) and writes cross-entropy as a sum over samples, where these are batch means (as in
Keras); seed 000's `mean_square_error` is ½·Σ, which is `half_sse` here, not a mean.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.activations import log_softmax

FloatArray = NDArray[np.float64]

EPS = 1e-7  # clip constant for logs, as in the course notes: log(0) = -inf, so p >= EPS first


def _at(a_name: str, idx: tuple[int, ...]) -> str:
    """How an element is named in a message: p[3, 1], or p for a 0-d array."""
    return f"{a_name}[{', '.join(map(str, idx))}]" if idx else a_name


def _pair(
    name: str, a_name: str, a: ArrayLike, b_name: str, b: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Both arguments as float64 arrays of one, non-empty shape (no broadcasting)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"{name}: {a_name} has shape {a.shape} but {b_name} has shape {b.shape}; "
            "they must be equal (broadcasting would hide a bug)"
        )
    if a.size == 0:
        raise ValueError(f"{name}: {a_name} is empty (shape {a.shape}); a mean needs an element")
    return a, b


def _check_range(name: str, a_name: str, a: FloatArray, hint: str = "") -> None:
    """Probabilities and soft targets must lie in [0, 1]."""
    bad = (a < 0.0) | (a > 1.0)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = _at(a_name, idx)
        raise ValueError(f"{name}: {a_name} must lie in [0, 1] but {where} = {a[idx]}{hint}")


def _shape_nc(name: str, a_name: str, a: ArrayLike) -> tuple[int, int]:
    """(N, C) of a batch of class scores, N, C >= 1."""
    shape = np.shape(a)
    if len(shape) != 2 or 0 in shape:
        raise ValueError(f"{name}: {a_name} must have shape (N, C) with N, C >= 1, got {shape}")
    return shape


def _labels(name: str, labels: ArrayLike, N: int, C: int) -> NDArray[np.integer]:
    """Class labels as an integer array of shape (N,) with values in [0, C)."""
    labels = np.asarray(labels)
    if labels.shape != (N,):
        raise ValueError(f"{name}: labels must have shape (N,) = ({N},), got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{name}: labels must be integers, got dtype {labels.dtype}")
    bad = (labels < 0) | (labels >= C)
    if bad.any():
        n = int(np.argmax(bad))
        raise ValueError(
            f"{name}: labels must lie in [0, C) = [0, {C}) but labels[{n}] = {labels[n]}"
        )
    return labels


_NOT_LOGITS = " (pass probabilities, e.g. sigmoid or softmax outputs, not logits)"


# --- regression ------------------------------------------------------------------------------


def mse(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Mean squared error, a mean over all elements: (1/size) Σ (y_pred - y_true)².

    y_pred, y_true: (...) of one shape  ->  float
    """
    y_pred, y_true = _pair("mse", "y_pred", y_pred, "y_true", y_true)
    return float(np.mean((y_pred - y_true) ** 2))


def mse_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of mse with respect to y_pred: 2 (y_pred - y_true) / size.

    y_pred, y_true: (...)  ->  (...)
    """
    y_pred, y_true = _pair("mse_grad", "y_pred", y_pred, "y_true", y_true)
    return 2.0 * (y_pred - y_true) / y_pred.size


def half_sse(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Half the sum of squared errors, a sum (not a mean): ½ Σ (y_pred - y_true)².

    The notes' variant (seed 000 `mean_square_error`, seed 004's worked example): the ½
    cancels the 2 of the derivative.  y_pred, y_true: (...) of one shape  ->  float
    """
    y_pred, y_true = _pair("half_sse", "y_pred", y_pred, "y_true", y_true)
    return float(0.5 * np.sum((y_pred - y_true) ** 2))


def half_sse_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of half_sse with respect to y_pred: y_pred - y_true.  (...)  ->  (...)"""
    y_pred, y_true = _pair("half_sse_grad", "y_pred", y_pred, "y_true", y_true)
    return y_pred - y_true


def mae(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Mean absolute error, a mean over all elements: (1/size) Σ |y_pred - y_true|.

    y_pred, y_true: (...) of one shape  ->  float
    """
    y_pred, y_true = _pair("mae", "y_pred", y_pred, "y_true", y_true)
    return float(np.mean(np.abs(y_pred - y_true)))


def mae_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of mae with respect to y_pred: sign(y_pred - y_true) / size (0 where equal).

    y_pred, y_true: (...)  ->  (...)
    """
    y_pred, y_true = _pair("mae_grad", "y_pred", y_pred, "y_true", y_true)
    return np.sign(y_pred - y_true) / y_pred.size


# --- binary classification -------------------------------------------------------------------


def _bce_inputs(name: str, p: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """p clipped to [EPS, 1 - EPS] and y, after checking shapes and ranges."""
    p, y = _pair(name, "p", p, "y", y)
    _check_range(name, "p", p, _NOT_LOGITS)
    _check_range(name, "y", y)
    return np.clip(p, EPS, 1.0 - EPS), y


def binary_cross_entropy(p: ArrayLike, y: ArrayLike) -> float:
    """Binary cross-entropy, a mean over all elements: -mean(y log p + (1 - y) log(1 - p)).

    p is clipped to [EPS, 1 - EPS] first, so p = 0 or 1 gives a large finite loss, not inf.
    p: (...) probabilities in [0, 1], y: (...) targets in [0, 1]  ->  float
    """
    p, y = _bce_inputs("binary_cross_entropy", p, y)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(p: ArrayLike, y: ArrayLike) -> FloatArray:
    """Gradient of binary_cross_entropy with respect to p: (-y / p + (1 - y) / (1 - p)) / size.

    Evaluated at the clipped p.  p, y: (...)  ->  (...)
    """
    p, y = _bce_inputs("binary_cross_entropy_grad", p, y)
    return (-y / p + (1.0 - y) / (1.0 - p)) / p.size


def _hinge_inputs(name: str, scores: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """scores and y after checking shapes and that y is -1 or +1."""
    scores, y = _pair(name, "scores", scores, "y", y)
    bad = (y != 1.0) & (y != -1.0)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name}: y must be -1 or +1 but {_at('y', idx)} = {y[idx]} "
            "(map 0/1 labels with 2 * y - 1)"
        )
    return scores, y


def hinge(scores: ArrayLike, y: ArrayLike) -> float:
    """Binary hinge loss (合頁損失), a mean over all elements: mean(max(0, 1 - y · scores)).

    scores: (...) real, y: (...) in {-1, +1}  ->  float
    """
    scores, y = _hinge_inputs("hinge", scores, y)
    return float(np.mean(np.maximum(0.0, 1.0 - y * scores)))


def hinge_grad(scores: ArrayLike, y: ArrayLike) -> FloatArray:
    """Gradient of hinge with respect to scores: -y · [1 - y · scores > 0] / size.

    scores, y: (...)  ->  (...)
    """
    scores, y = _hinge_inputs("hinge_grad", scores, y)
    return np.where(1.0 - y * scores > 0.0, -y, 0.0) / y.size


# --- multi-class classification --------------------------------------------------------------


def _cce_inputs(name: str, p: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """p clipped to [EPS, 1] and the targets, after checking shapes and ranges."""
    p, y = _pair(name, "p", p, "y_onehot", y)
    _check_range(name, "p", p, _NOT_LOGITS)
    _check_range(name, "y_onehot", y)
    return np.clip(p, EPS, 1.0), y


def categorical_cross_entropy(p: ArrayLike, y_onehot: ArrayLike) -> float:
    """Categorical cross-entropy, a mean over N of a sum over C: -(1/N) Σ_n Σ_c y log(p).

    p is clipped to [EPS, 1] first, so a zero probability gives -log(EPS), not inf.
    p: (N, C) probabilities, y_onehot: (N, C) one-hot (or soft) targets in [0, 1]  ->  float
    """
    N, C = _shape_nc("categorical_cross_entropy", "p", p)
    p, y = _cce_inputs("categorical_cross_entropy", p, y_onehot)
    return float(-np.sum(y * np.log(p)) / N)


def categorical_cross_entropy_grad(p: ArrayLike, y_onehot: ArrayLike) -> FloatArray:
    """Gradient of categorical_cross_entropy with respect to p: -y / clip(p, EPS, 1) / N.

    p, y_onehot: (N, C)  ->  (N, C)
    """
    N, C = _shape_nc("categorical_cross_entropy_grad", "p", p)
    p, y = _cce_inputs("categorical_cross_entropy_grad", p, y_onehot)
    return -y / p / N


def _true_class_p(
    name: str, p: ArrayLike, labels: ArrayLike
) -> tuple[int, int, NDArray[np.intp], NDArray[np.integer], FloatArray]:
    """(N, C, rows, labels, clipped probability of each true class (N,)) after the checks."""
    N, C = _shape_nc(name, "p", p)
    p = np.asarray(p, dtype=np.float64)
    _check_range(name, "p", p, _NOT_LOGITS)
    labels = _labels(name, labels, N, C)
    rows = np.arange(N)
    return N, C, rows, labels, np.clip(p[rows, labels], EPS, 1.0)  # (N,)


def sparse_categorical_cross_entropy(p: ArrayLike, labels: ArrayLike) -> float:
    """Cross-entropy with integer labels, a mean over N: -(1/N) Σ_n log p[n, labels[n]].

    Equal to categorical_cross_entropy with one-hot targets; p is clipped to [EPS, 1] first.
    p: (N, C) probabilities, labels: (N,) integers in [0, C)  ->  float
    """
    N, C, rows, labels, p_true = _true_class_p("sparse_categorical_cross_entropy", p, labels)
    return float(-np.mean(np.log(p_true)))


def sparse_categorical_cross_entropy_grad(p: ArrayLike, labels: ArrayLike) -> FloatArray:
    """Gradient of sparse_categorical_cross_entropy with respect to p.

    dp[n, labels[n]] = -1 / (N · clip(p[n, labels[n]], EPS, 1)), and 0 everywhere else.
    p: (N, C), labels: (N,)  ->  (N, C)
    """
    name = "sparse_categorical_cross_entropy_grad"
    N, C, rows, labels, p_true = _true_class_p(name, p, labels)
    dp = np.zeros((N, C))
    dp[rows, labels] = -1.0 / (N * p_true)
    return dp


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, FloatArray]:
    """Softmax followed by cross-entropy, fused and stable: loss and its gradient in one pass.

    loss = -(1/N) Σ_n log softmax(logits)[n, labels[n]], a mean over N, with log-softmax taken
    as z - max(z) - log Σ exp(z - max(z)), finite for logits of magnitude 1e4 and more;
    dlogits = (softmax(logits) - onehot(labels)) / N, no clipping needed.
    logits: (N, C), labels: (N,) integers in [0, C)  ->  (loss: float, dlogits: (N, C))
    """
    N, C = _shape_nc("softmax_cross_entropy", "logits", logits)
    labels = _labels("softmax_cross_entropy", labels, N, C)
    rows = np.arange(N)
    log_p = log_softmax(logits)  # (N, C)
    dlogits = np.exp(log_p)  # (N, C) softmax, a fresh array
    dlogits[rows, labels] -= 1.0
    return float(-np.mean(log_p[rows, labels])), dlogits / N
