"""Layers (密集層 and friends) as forward/backward pairs, and parameter counting.

`xxx_forward(x, ...) -> (out, cache)` and `xxx_backward(dout, cache) -> grads`, the gradients
in the order of the forward's inputs. Any real dtype is computed in float64; no argument is
modified.

Parameter counts follow seed 004 (004_f6c14785bb244351.txt, the Keras `model.summary()` of the
MLP 784→300→200→100→10): a dense layer from n_in to n_out units has (n_in + 1) · n_out
parameters, the +1 being the bias, so (784 + 1) · 300 = 235 500 and 316 810 in all.
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


# --- dense (affine) layer ----------------------------------------------------------------------


class DenseCache(NamedTuple):
    x: FloatArray  # (N, D) input
    w: FloatArray  # (D, M) weights


def dense_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> tuple[FloatArray, DenseCache]:
    """Dense (fully connected, affine) layer: out = x w + b, the bias added to every row.

    x: (N, D), w: (D, M), b: (M,)  ->  out: (N, M), cache for dense_backward
    """
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    if x.ndim != 2:
        raise ValueError(f"dense_forward: x must have shape (N, D), got {x.shape}")
    N, D = x.shape
    if w.ndim != 2 or w.shape[0] != D:
        raise ValueError(
            f"dense_forward: w has shape {w.shape} but must be (D, M) with D = {D} rows, "
            f"one per feature of x {x.shape}"
        )
    M = w.shape[1]
    if b.shape != (M,):
        raise ValueError(f"dense_forward: b must have shape (M,) = ({M},), got {b.shape}")
    return x @ w + b, DenseCache(x, w)  # (N, D) @ (D, M) + (M,) -> (N, M)


def dense_backward(
    dout: ArrayLike, cache: DenseCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradients of the dense layer: dx = dout wᵀ, dw = xᵀ dout, db = Σ_n dout[n].

    dout: (N, M)  ->  dx: (N, D), dw: (D, M), db: (M,)
    """
    x, w = cache
    dout = np.asarray(dout, dtype=np.float64)
    N, M = x.shape[0], w.shape[1]
    if dout.shape != (N, M):
        raise ValueError(
            f"dense_backward: dout has shape {dout.shape} but the forward output had shape "
            f"{(N, M)}; they must be equal"
        )
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)  # (N, D), (D, M), (M,)


# --- parameter counting --------------------------------------------------------------------------


def _layer_sizes(name: str, sizes: Sequence[int]) -> list[int]:
    """sizes as Python ints, after checking there are at least two, each a positive integer."""
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"{name}: sizes must list the input size and at least one layer, got {sizes}"
        )
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name}: sizes[{i}] = {n!r}; every size must be an integer >= 1")
    return [int(n) for n in sizes]


def dense_parameter_counts(sizes: Sequence[int], use_bias: bool = True) -> list[int]:
    """Parameters of each dense layer of an MLP: (n_in + 1) · n_out, or n_in · n_out without bias.

    sizes = [D, M_1, ..., M_L] (the input size, then each layer's units), L >= 1  ->  L counts.
    For the seeds' MLP [784, 300, 200, 100, 10]: [235500, 60200, 20100, 1010].
    """
    sizes = _layer_sizes("dense_parameter_counts", sizes)
    extra = 1 if use_bias else 0
    return [(n_in + extra) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]


def count_parameters(sizes: Sequence[int], use_bias: bool = True) -> int:
    """Total parameters of an MLP of dense layers: Σ_l (n_{l−1} + 1) · n_l.

    sizes = [D, M_1, ..., M_L]  ->  int; the seeds' [784, 300, 200, 100, 10] has 316 810.
    """
    sizes = _layer_sizes("count_parameters", sizes)
    return sum(dense_parameter_counts(sizes, use_bias))
