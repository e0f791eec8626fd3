"""Activation functions (激勵函數): plain values and forward/backward layer pairs.

All functions are elementwise over any shape (...), except the softmax family, which works along
the last axis, the class axis C. Any real dtype is accepted and computed in float64; no argument
is modified. `xxx_backward(dout, cache)` uses only its cache and returns dx with dout's shape.

Where the course notes (seed 004) slip, the mathematics wins: their Leaky ReLU formula divides
the negative branch by α, but their own table, Keras and PyTorch multiply: f(x) = max(αx, x).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def _as_float(x: ArrayLike) -> FloatArray:
    """x as a float64 array; no copy when it already is one, so callers must never write to it."""
    return np.asarray(x, dtype=np.float64)


def _check_dout(name: str, dout: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    """dout as float64, after checking it has the shape of the forward output."""
    dout = _as_float(dout)
    if dout.shape != shape:
        raise ValueError(
            f"{name}: dout has shape {dout.shape} but the forward output had shape {shape}; "
            "they must be equal"
        )
    return dout


def _check_class_axis(name: str, x: FloatArray) -> None:
    """The softmax family needs a non-empty last axis to normalise over."""
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"{name}: x needs a last (class) axis with C >= 1, got shape {x.shape}")


# --- sigmoid ---------------------------------------------------------------------------------


class SigmoidCache(NamedTuple):
    out: FloatArray  # (...) sigmoid(x), same shape as x


def sigmoid(x: ArrayLike) -> FloatArray:
    """Logistic sigmoid σ(x) = 1 / (1 + exp(-x)), without overflow for any finite x.

    Evaluated through z = exp(-|x|) <= 1: σ = 1 / (1 + z) for x >= 0 and z / (1 + z) for x < 0.
    x: (...)  ->  out: (...) in [0, 1]
    """
    x = _as_float(x)
    z = np.exp(-np.abs(x))  # in (0, 1]: exp never sees a large positive argument
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def sigmoid_forward(x: ArrayLike) -> tuple[FloatArray, SigmoidCache]:
    """Sigmoid layer: out = σ(x).  x: (...)  ->  out: (...), cache for sigmoid_backward"""
    out = sigmoid(x)
    return out, SigmoidCache(out)


def sigmoid_backward(dout: ArrayLike, cache: SigmoidCache) -> FloatArray:
    """Gradient of the sigmoid layer: dx = dout · σ(x) (1 - σ(x)).  dout: (...) -> dx: (...)"""
    out = cache.out
    dout = _check_dout("sigmoid_backward", dout, out.shape)
    return dout * out * (1.0 - out)


# --- tanh ------------------------------------------------------------------------------------


class TanhCache(NamedTuple):
    out: FloatArray  # (...) tanh(x), same shape as x


def tanh(x: ArrayLike) -> FloatArray:
    """Hyperbolic tangent tanh(x) = (e^x - e^-x) / (e^x + e^-x), via np.tanh (no overflow).

    x: (...)  ->  out: (...) in [-1, 1]
    """
    return np.tanh(_as_float(x))


def tanh_forward(x: ArrayLike) -> tuple[FloatArray, TanhCache]:
    """Tanh layer: out = tanh(x).  x: (...)  ->  out: (...), cache for tanh_backward"""
    out = tanh(x)
    return out, TanhCache(out)


def tanh_backward(dout: ArrayLike, cache: TanhCache) -> FloatArray:
    """Gradient of the tanh layer: dx = dout · (1 - tanh(x)²).  dout: (...) -> dx: (...)"""
    out = cache.out
    dout = _check_dout("tanh_backward", dout, out.shape)
    return dout * (1.0 - out * out)


# --- ReLU ------------------------------------------------------------------------------------


class ReluCache(NamedTuple):
    x: FloatArray  # (...) input


def relu(x: ArrayLike) -> FloatArray:
    """Rectified linear unit relu(x) = max(0, x).  x: (...)  ->  out: (...)"""
    return np.maximum(_as_float(x), 0.0)


def relu_forward(x: ArrayLike) -> tuple[FloatArray, ReluCache]:
    """ReLU layer: out = max(0, x).  x: (...)  ->  out: (...), cache for relu_backward"""
    x = _as_float(x)
    return relu(x), ReluCache(x)


def relu_backward(dout: ArrayLike, cache: ReluCache) -> FloatArray:
    """Gradient of the ReLU layer: dx = dout · [x > 0] (the derivative at x = 0 is taken as 0).

    dout: (...)  ->  dx: (...)
    """
    x = cache.x
    dout = _check_dout("relu_backward", dout, x.shape)
    return np.where(x > 0, dout, 0.0)


# --- Leaky ReLU ------------------------------------------------------------------------------


class LeakyReluCache(NamedTuple):
    x: FloatArray  # (...) input
    alpha: float  # scalar slope for x <= 0


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> FloatArray:
    """Leaky ReLU f(x) = x for x > 0, α·x otherwise (= max(αx, x) for 0 <= α <= 1).

    x: (...), alpha: scalar  ->  out: (...)
    """
    x = _as_float(x)
    return np.where(x > 0, x, float(alpha) * x)


def leaky_relu_forward(x: ArrayLike, alpha: float = 0.01) -> tuple[FloatArray, LeakyReluCache]:
    """Leaky ReLU layer.  x: (...), alpha: scalar  ->  out: (...), cache for leaky_relu_backward"""
    x = _as_float(x)
    return leaky_relu(x, alpha), LeakyReluCache(x, float(alpha))


def leaky_relu_backward(dout: ArrayLike, cache: LeakyReluCache) -> FloatArray:
    """Gradient of the Leaky ReLU layer: dx = dout for x > 0, α·dout otherwise (α at x = 0).

    dout: (...)  ->  dx: (...)
    """
    x, alpha = cache
    dout = _check_dout("leaky_relu_backward", dout, x.shape)
    return np.where(x > 0, dout, alpha * dout)


# --- ELU -------------------------------------------------------------------------------------


class EluCache(NamedTuple):
    x: FloatArray  # (...) input
    alpha: float  # scalar: the output tends to -alpha as x -> -inf


def elu(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    """Exponential linear unit: f(x) = x for x > 0, α (exp(x) - 1) otherwise.

    expm1 sees only min(x, 0), so a large positive x cannot overflow the unused branch.
    x: (...), alpha: scalar  ->  out: (...)
    """
    x = _as_float(x)
    return np.where(x > 0, x, float(alpha) * np.expm1(np.minimum(x, 0.0)))


def elu_forward(x: ArrayLike, alpha: float = 1.0) -> tuple[FloatArray, EluCache]:
    """ELU layer.  x: (...), alpha: scalar  ->  out: (...), cache for elu_backward"""
    x = _as_float(x)
    return elu(x, alpha), EluCache(x, float(alpha))


def elu_backward(dout: ArrayLike, cache: EluCache) -> FloatArray:
    """Gradient of the ELU layer: dx = dout for x > 0, dout · α exp(x) otherwise.

    dout: (...)  ->  dx: (...)
    """
    x, alpha = cache
    dout = _check_dout("elu_backward", dout, x.shape)
    return np.where(x > 0, dout, dout * alpha * np.exp(np.minimum(x, 0.0)))


# --- softmax (along the last axis) -----------------------------------------------------------


class SoftmaxCache(NamedTuple):
    out: FloatArray  # (..., C) softmax(x), each row sums to 1


def softmax(x: ArrayLike) -> FloatArray:
    """Softmax over the last axis: s_c = exp(x_c - m) / Σ_k exp(x_k - m), m = max_k x_k.

    Subtracting the row maximum m leaves the result unchanged and keeps every exponent <= 0,
    so logits around 1e4 neither overflow nor produce nan.
    x: (..., C)  ->  out: (..., C), each row in [0, 1] summing to 1
    """
    x = _as_float(x)
    _check_class_axis("softmax", x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))  # (..., C), largest entry exactly 1
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(x: ArrayLike) -> FloatArray:
    """Log of the softmax over the last axis: x_c - m - log Σ_k exp(x_k - m), m = max_k x_k.

    Finite even where softmax underflows to 0 (log_softmax([0, -1e4]) = [0, -1e4]).
    x: (..., C)  ->  out: (..., C), each entry <= 0
    """
    x = _as_float(x)
    _check_class_axis("log_softmax", x)
    shifted = x - x.max(axis=-1, keepdims=True)  # (..., C), max entry 0
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # sum >= 1


def softmax_forward(x: ArrayLike) -> tuple[FloatArray, SoftmaxCache]:
    """Softmax layer over the last axis.  x: (..., C)  ->  out: (..., C), cache"""
    out = softmax(x)
    return out, SoftmaxCache(out)


def softmax_backward(dout: ArrayLike, cache: SoftmaxCache) -> FloatArray:
    """Gradient of the softmax layer: dx = s ⊙ (dout - Σ_c dout_c s_c), the Jacobian-vector product.

    dout: (..., C)  ->  dx: (..., C)
    """
    s = cache.out
    dout = _check_dout("softmax_backward", dout, s.shape)
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))  # (..., C) - (..., 1)
