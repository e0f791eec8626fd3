"""Exercise 01 — loss functions (損失函數): fill in every function; run `grade exercise 01`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Predictions come first, targets second. A loss returns one Python float; a gradient returns
an np.ndarray of floats with the shape of the first argument. Never modify an argument.
The instructions, with the formulas and worked examples, are in README.md (README.zh-TW.md).
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

EPS = 1e-7  # clip constant for logs, as in the course notes: log(0) = -inf, so p >= EPS first


def mse(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Mean squared error, a mean over all elements: (1/size) Σ (y_pred - y_true)².

    y_pred, y_true: (...) of one shape  ->  float
    """
    raise NotImplementedError("exercise 01: implement mse")


def mse_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of mse with respect to y_pred: 2 (y_pred - y_true) / size.

    y_pred, y_true: (...)  ->  (...)
    """
    raise NotImplementedError("exercise 01: implement mse_grad")


def half_sse(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Half the sum of squared errors, a sum (not a mean): ½ Σ (y_pred - y_true)².

    The notes' variant (seed 000 `mean_square_error`, seed 004's worked example): the ½
    cancels the 2 of the derivative.  y_pred, y_true: (...) of one shape  ->  float
    """
    raise NotImplementedError("exercise 01: implement half_sse")


def half_sse_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of half_sse with respect to y_pred: y_pred - y_true.  (...)  ->  (...)"""
    raise NotImplementedError("exercise 01: implement half_sse_grad")


def mae(y_pred: ArrayLike, y_true: ArrayLike) -> float:
    """Mean absolute error, a mean over all elements: (1/size) Σ |y_pred - y_true|.

    y_pred, y_true: (...) of one shape  ->  float
    """
    raise NotImplementedError("exercise 01: implement mae")


def mae_grad(y_pred: ArrayLike, y_true: ArrayLike) -> FloatArray:
    """Gradient of mae with respect to y_pred: sign(y_pred - y_true) / size (0 where equal).

    y_pred, y_true: (...)  ->  (...)
    """
    raise NotImplementedError("exercise 01: implement mae_grad")


def binary_cross_entropy(p: ArrayLike, y: ArrayLike) -> float:
    """Binary cross-entropy, a mean over all elements: -mean(y log p + (1 - y) log(1 - p)).

    p is clipped to [EPS, 1 - EPS] first, so p = 0 or 1 gives a large finite loss, not inf.
    p: (...) probabilities in [0, 1], y: (...) targets in [0, 1]  ->  float
    """
    raise NotImplementedError("exercise 01: implement binary_cross_entropy")


def binary_cross_entropy_grad(p: ArrayLike, y: ArrayLike) -> FloatArray:
    """Gradient of binary_cross_entropy with respect to p: (-y / p + (1 - y) / (1 - p)) / size.

    Evaluated at the clipped p.  p, y: (...)  ->  (...)
    """
    raise NotImplementedError("exercise 01: implement binary_cross_entropy_grad")


def hinge(scores: ArrayLike, y: ArrayLike) -> float:
    """Binary hinge loss (合頁損失), a mean over all elements: mean(max(0, 1 - y · scores)).

    scores: (...) real, y: (...) in {-1, +1}  ->  float
    """
    raise NotImplementedError("exercise 01: implement hinge")


def hinge_grad(scores: ArrayLike, y: ArrayLike) -> FloatArray:
    """Gradient of hinge with respect to scores: -y · [1 - y · scores > 0] / size.

    scores, y: (...)  ->  (...)
    """
    raise NotImplementedError("exercise 01: implement hinge_grad")


def categorical_cross_entropy(p: ArrayLike, y_onehot: ArrayLike) -> float:
    """Categorical cross-entropy, a mean over N of a sum over C: -(1/N) Σ_n Σ_c y log(p).

    p is clipped to [EPS, 1] first, so a zero probability gives -log(EPS), not inf.
    p: (N, C) probabilities, y_onehot: (N, C) one-hot (or soft) targets in [0, 1]  ->  float
    """
    raise NotImplementedError("exercise 01: implement categorical_cross_entropy")


def categorical_cross_entropy_grad(p: ArrayLike, y_onehot: ArrayLike) -> FloatArray:
    """Gradient of categorical_cross_entropy with respect to p: -y / clip(p, EPS, 1) / N.

    p, y_onehot: (N, C)  ->  (N, C)
    """
    raise NotImplementedError("exercise 01: implement categorical_cross_entropy_grad")


def sparse_categorical_cross_entropy(p: ArrayLike, labels: ArrayLike) -> float:
    """Cross-entropy with integer labels, a mean over N: -(1/N) Σ_n log p[n, labels[n]].

    Equal to categorical_cross_entropy with one-hot targets; p is clipped to [EPS, 1] first.
    p: (N, C) probabilities, labels: (N,) integers in [0, C)  ->  float
    """
    raise NotImplementedError("exercise 01: implement sparse_categorical_cross_entropy")


def sparse_categorical_cross_entropy_grad(p: ArrayLike, labels: ArrayLike) -> FloatArray:
    """Gradient of sparse_categorical_cross_entropy with respect to p.

    dp[n, labels[n]] = -1 / (N · clip(p[n, labels[n]], EPS, 1)), and 0 everywhere else.
    p: (N, C), labels: (N,)  ->  (N, C)
    """
    raise NotImplementedError("exercise 01: implement sparse_categorical_cross_entropy_grad")


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, FloatArray]:
    """Softmax followed by cross-entropy, fused and stable: loss and its gradient in one pass.

    loss = -(1/N) Σ_n log softmax(logits)[n, labels[n]], a mean over N, with log-softmax taken
    as z - max(z) - log Σ exp(z - max(z)), finite for logits of magnitude 1e4 and more;
    dlogits = (softmax(logits) - onehot(labels)) / N, no clipping needed.
    logits: (N, C), labels: (N,) integers in [0, C)  ->  (loss: float, dlogits: (N, C))
    """
    raise NotImplementedError("exercise 01: implement softmax_cross_entropy")
