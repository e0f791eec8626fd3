r"""The perceptron (感知器): one neuron with a bias column, a sign activation and its update rule.

Seed 004 (004_f6c14785bb244351.txt, 「感知器(Perceptron)」, perceptron.ipynb) writes
z = b + w_1 x_1 + ... + w_n x_n = wᵀx with x_0 = 1 (a column of ones in front of the data),
ŷ = sign(z), labels y in {−1, +1}, and the update of all weights at once
    w ← w + η Xᵀ (y − ŷ) / N                                     (rule="batch", the seeds' form)
of which the classic one-sample-at-a-time rule is the N = 1 case
    w ← w + η (y_n − ŷ_n) x_n,  for n = 1 ... N in turn            (rule="online").
A correctly classified sample contributes y − ŷ = 0; a wrong one 2y (or y where z = 0 and
np.sign gives 0, which counts as a mistake: the point lies on the boundary).

Both rules stop after the first epoch without a mistake on linearly separable data (the
perceptron convergence theorem; the batch proof is the same with the sum of the wrong samples);
otherwise they stop at max_epochs. Arrays are float64; no argument is modified.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

LR = 0.1  # the learning rate η; with w0 = 0 it only scales w, the mistakes are the same
MAX_EPOCHS = 1000
RULES = ("batch", "online")


def add_bias_column(x: ArrayLike) -> FloatArray:
    """The data with a column of ones in front, x_0 = 1, as in the seeds' X.

    x: (N, D)  ->  (N, D + 1), column 0 all ones
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"add_bias_column: x must have shape (N, D), got {x.shape}")
    N, D = x.shape
    return np.hstack([np.ones((N, 1)), x])  # (N, 1 + D)


def _weights(name: str, w: ArrayLike, D: int) -> FloatArray:
    """w as a float64 array of shape (D + 1,), bias first."""
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (D + 1,):
        raise ValueError(
            f"{name}: w must have shape (D + 1,) = ({D + 1},), the bias then one weight per "
            f"feature of x, got {w.shape}"
        )
    return w


def perceptron_predict(x: ArrayLike, w: ArrayLike) -> FloatArray:
    """Perceptron output ŷ = sign(w_0 + Σ_d w_d x_d) per sample: −1, +1, or 0 on the boundary.

    x: (N, D), w: (D + 1,) bias first  ->  ŷ: (N,)
    """
    xb = add_bias_column(x)  # (N, D + 1)
    w = _weights("perceptron_predict", w, xb.shape[1] - 1)
    return np.sign(xb @ w)  # (N, D + 1) @ (D + 1,) -> (N,)


def perceptron_train(
    x: ArrayLike,
    y: ArrayLike,
    lr: float = LR,
    max_epochs: int = MAX_EPOCHS,
    w0: ArrayLike | None = None,
    rule: str = "batch",
) -> tuple[FloatArray, NDArray[np.int64]]:
    r"""Train a perceptron until an epoch makes no mistake, or for max_epochs epochs.

    rule="batch" (the seeds'): each epoch predicts ŷ = sign(X w) for all N samples, counts
    the mistakes ŷ ≠ y, and, if there are any, updates w ← w + η Xᵀ (y − ŷ) / N.
    rule="online": each epoch visits the samples in order, and on each mistake updates
    w ← w + η (y_n − ŷ_n) x_n at once; the count is the number of updates in the epoch.
    X is x with a column of ones in front; w0 defaults to zeros.
    x: (N, D), y: (N,) in {−1, +1}, lr = η > 0, w0: (D + 1,)
    ->  w: (D + 1,) bias first, mistakes: (E,) int per epoch, E <= max_epochs;
        mistakes[-1] == 0 exactly when the data were separated
    """
    name = "perceptron_train"
    xb = add_bias_column(x)  # (N, D + 1)
    N, D1 = xb.shape
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (N,):
        raise ValueError(f"{name}: y must have shape (N,) = ({N},), got {y.shape}")
    bad = (y != 1.0) & (y != -1.0)
    if bad.any():
        n = int(np.argmax(bad))
        raise ValueError(f"{name}: y must be -1 or +1 but y[{n}] = {y[n]} (map 0/1 with 2y - 1)")
    if not (isinstance(lr, (int, float, np.integer, np.floating)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"{name}: lr must be a finite number > 0, got {lr!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, (int, np.integer)):
        raise ValueError(f"{name}: max_epochs must be an integer, got {max_epochs!r}")
    if max_epochs < 1:
        raise ValueError(f"{name}: max_epochs must be >= 1, got {max_epochs}")
    if rule not in RULES:
        raise ValueError(f"{name}: rule must be one of {RULES}, got {rule!r}")
    w = np.zeros(D1) if w0 is None else _weights(name, w0, D1 - 1).copy()  # (D + 1,) private

    mistakes = []
    for _ in range(max_epochs):
        if rule == "batch":
            y_hat = np.sign(xb @ w)  # (N,)
            mistakes.append(int(np.sum(y_hat != y)))
            if mistakes[-1]:
                w = w + lr * xb.T @ (y - y_hat) / N  # (D + 1, N) @ (N,) -> (D + 1,)
        else:
            count = 0
            for xn, yn in zip(xb, y, strict=True):  # xn: (D + 1,)
                y_hat_n = np.sign(xn @ w)
                if y_hat_n != yn:
                    w = w + lr * (yn - y_hat_n) * xn
                    count += 1
            mistakes.append(count)
        if mistakes[-1] == 0:
            break
    return w, np.array(mistakes, dtype=np.int64)
