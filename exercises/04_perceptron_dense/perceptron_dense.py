r"""Exercise 04 — perceptron and dense layers (感知器與密集層): fill in every function;
run `grade exercise 04`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Labels are −1 and +1; the perceptron's weights w have the bias first, w = (w_0, w_1, ..., w_D),
to go with a column of ones in front of the data. The dense layer is a pair:
`dense_forward(x, w, b) -> (out, cache)` and `dense_backward(dout, cache) -> (dx, dw, db)`.
The cache is yours to choose: your backward receives exactly what your forward returned;
DenseCache below is a ready-made suggestion, e.g. `return out, DenseCache(x, w)`.
Never modify an argument (x, y, w0, dout, the cache) in place.
The instructions are in README.md (README.zh-TW.md).
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

LR = 0.1  # the learning rate η; with w0 = 0 it only scales w, the mistakes are the same
MAX_EPOCHS = 1000
RULES = ("batch", "online")


# --- the perceptron (感知器) ---------------------------------------------------------------------


def add_bias_column(x: ArrayLike) -> FloatArray:
    """The data with a column of ones in front, x_0 = 1, as in the seeds' X.

    x: (N, D)  ->  (N, D + 1), column 0 all ones
    """
    raise NotImplementedError("exercise 04: implement add_bias_column")


def perceptron_predict(x: ArrayLike, w: ArrayLike) -> FloatArray:
    """Perceptron output ŷ = sign(w_0 + Σ_d w_d x_d) per sample: −1, +1, or 0 on the boundary.

    x: (N, D), w: (D + 1,) bias first  ->  ŷ: (N,)
    """
    raise NotImplementedError("exercise 04: implement perceptron_predict")


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
    raise NotImplementedError("exercise 04: implement perceptron_train")


# --- the dense layer (密集層) --------------------------------------------------------------------


class DenseCache(NamedTuple):
    x: FloatArray  # (N, D) input
    w: FloatArray  # (D, M) weights


def dense_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> tuple[FloatArray, DenseCache]:
    """Dense (fully connected, affine) layer: out = x w + b, the bias added to every row.

    x: (N, D), w: (D, M), b: (M,)  ->  out: (N, M), cache for dense_backward
    """
    raise NotImplementedError("exercise 04: implement dense_forward")


def dense_backward(
    dout: ArrayLike, cache: DenseCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradients of the dense layer: dx = dout wᵀ, dw = xᵀ dout, db = Σ_n dout[n].

    dout: (N, M)  ->  dx: (N, D), dw: (D, M), db: (M,)
    """
    raise NotImplementedError("exercise 04: implement dense_backward")


# --- parameter counting (參數數量) ---------------------------------------------------------------


def dense_parameter_counts(sizes: Sequence[int], use_bias: bool = True) -> list[int]:
    """Parameters of each dense layer of an MLP: (n_in + 1) · n_out, or n_in · n_out without bias.

    sizes = [D, M_1, ..., M_L] (the input size, then each layer's units), L >= 1  ->  L counts.
    For the seeds' MLP [784, 300, 200, 100, 10]: [235500, 60200, 20100, 1010].
    """
    raise NotImplementedError("exercise 04: implement dense_parameter_counts")


def count_parameters(sizes: Sequence[int], use_bias: bool = True) -> int:
    """Total parameters of an MLP of dense layers: Σ_l (n_{l−1} + 1) · n_l.

    sizes = [D, M_1, ..., M_L]  ->  int; the seeds' [784, 300, 200, 100, 10] has 316 810.
    """
    raise NotImplementedError("exercise 04: implement count_parameters")
