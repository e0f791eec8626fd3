"""Exercise 02 — activation functions (激勵函數): fill in every function; run `grade exercise 02`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Each layer is a pair: `xxx_forward(x) -> (out, cache)` and `xxx_backward(dout, cache) -> dx`,
where dx has dout's shape. The cache is yours to choose: your backward receives exactly what
your forward returned. The NamedTuples below (SigmoidCache, ...) are ready-made suggestions,
e.g. `return out, SigmoidCache(out)`; a plain tuple such as `(x, alpha)` works as well.
Never modify x, dout or the cache in place. The instructions are in README.md (README.zh-TW.md).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


class SigmoidCache(NamedTuple):
    out: FloatArray  # (...) sigmoid(x), same shape as x


def sigmoid_forward(x: ArrayLike) -> tuple[FloatArray, SigmoidCache]:
    """Sigmoid layer: out = σ(x).  x: (...)  ->  out: (...), cache for sigmoid_backward"""
    raise NotImplementedError("exercise 02: implement sigmoid_forward")


def sigmoid_backward(dout: ArrayLike, cache: SigmoidCache) -> FloatArray:
    """Gradient of the sigmoid layer: dx = dout · σ(x) (1 - σ(x)).  dout: (...) -> dx: (...)"""
    raise NotImplementedError("exercise 02: implement sigmoid_backward")


class TanhCache(NamedTuple):
    out: FloatArray  # (...) tanh(x), same shape as x


def tanh_forward(x: ArrayLike) -> tuple[FloatArray, TanhCache]:
    """Tanh layer: out = tanh(x).  x: (...)  ->  out: (...), cache for tanh_backward"""
    raise NotImplementedError("exercise 02: implement tanh_forward")


def tanh_backward(dout: ArrayLike, cache: TanhCache) -> FloatArray:
    """Gradient of the tanh layer: dx = dout · (1 - tanh(x)²).  dout: (...) -> dx: (...)"""
    raise NotImplementedError("exercise 02: implement tanh_backward")


class ReluCache(NamedTuple):
    x: FloatArray  # (...) input


def relu_forward(x: ArrayLike) -> tuple[FloatArray, ReluCache]:
    """ReLU layer: out = max(0, x).  x: (...)  ->  out: (...), cache for relu_backward"""
    raise NotImplementedError("exercise 02: implement relu_forward")


def relu_backward(dout: ArrayLike, cache: ReluCache) -> FloatArray:
    """Gradient of the ReLU layer: dx = dout · [x > 0] (the derivative at x = 0 is taken as 0).

    dout: (...)  ->  dx: (...)
    """
    raise NotImplementedError("exercise 02: implement relu_backward")


class LeakyReluCache(NamedTuple):
    x: FloatArray  # (...) input
    alpha: float  # scalar slope for x <= 0


def leaky_relu_forward(x: ArrayLike, alpha: float = 0.01) -> tuple[FloatArray, LeakyReluCache]:
    """Leaky ReLU layer.  x: (...), alpha: scalar  ->  out: (...), cache for leaky_relu_backward"""
    raise NotImplementedError("exercise 02: implement leaky_relu_forward")


def leaky_relu_backward(dout: ArrayLike, cache: LeakyReluCache) -> FloatArray:
    """Gradient of the Leaky ReLU layer: dx = dout for x > 0, α·dout otherwise (α at x = 0).

    dout: (...)  ->  dx: (...)
    """
    raise NotImplementedError("exercise 02: implement leaky_relu_backward")


class EluCache(NamedTuple):
    x: FloatArray  # (...) input
    alpha: float  # scalar: the output tends to -alpha as x -> -inf


def elu_forward(x: ArrayLike, alpha: float = 1.0) -> tuple[FloatArray, EluCache]:
    """ELU layer.  x: (...), alpha: scalar  ->  out: (...), cache for elu_backward"""
    raise NotImplementedError("exercise 02: implement elu_forward")


def elu_backward(dout: ArrayLike, cache: EluCache) -> FloatArray:
    """Gradient of the ELU layer: dx = dout for x > 0, dout · α exp(x) otherwise.

    dout: (...)  ->  dx: (...)
    """
    raise NotImplementedError("exercise 02: implement elu_backward")


class SoftmaxCache(NamedTuple):
    out: FloatArray  # (..., C) softmax(x), each row sums to 1


def softmax_forward(x: ArrayLike) -> tuple[FloatArray, SoftmaxCache]:
    """Softmax layer over the last axis.  x: (..., C)  ->  out: (..., C), cache"""
    raise NotImplementedError("exercise 02: implement softmax_forward")


def softmax_backward(dout: ArrayLike, cache: SoftmaxCache) -> FloatArray:
    """Gradient of the softmax layer: dx = s ⊙ (dout - Σ_c dout_c s_c), the Jacobian-vector product.

    dout: (..., C)  ->  dx: (..., C)
    """
    raise NotImplementedError("exercise 02: implement softmax_backward")
