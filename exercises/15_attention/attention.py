r"""Exercise 15: scaled dot-product attention (注意力機制) in NumPy.

Fill in every function that raises NotImplementedError; README.md (README.zh-TW.md) explains each
one with its maths: a numerically stable row softmax with a mask and its backward pass, the
causal mask, scaled dot-product attention softmax(Q Kᵀ / √D) V forward and backward, and
multi-head self-attention (split into heads, attend, concatenate, output projection) forward and
backward.

Shapes: N batch, Tq queries, Tk keys, D key width, M value width. A mask is boolean, True where
a query may attend to a key; a query whose every key is masked gets all-zero weights and a zero
output row. Replace each `raise NotImplementedError(...)` with your code; keep the names and
arguments. The caches (AttentionCache, MultiHeadCache) are suggestions: a forward may return any
cache its own backward understands. Given in full: split_heads and merge_heads.
Never modify an argument in place; float32 input must give the float64 answer (convert with
np.asarray(x, dtype=np.float64)).
Run `grade exercise 15` to check your work, `grade exercise 15 --plot` for the figures.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
MHA_KEYS = ("Wq", "Wk", "Wv", "Wo")  # the keys of multi-head attention's params and grads


class AttentionCache(NamedTuple):
    q: FloatArray  # (N, Tq, D) queries
    k: FloatArray  # (N, Tk, D) keys
    v: FloatArray  # (N, Tk, M) values
    p: FloatArray  # (N, Tq, Tk) attention weights (zero where masked)


class MultiHeadCache(NamedTuple):
    x: FloatArray  # (N, T, D) input
    params: dict  # {"Wq", "Wk", "Wv", "Wo": (D, D)}
    num_heads: int  # h
    concat: FloatArray  # (N, T, D) the heads' outputs side by side
    attn: AttentionCache  # the heads' attention, batch axis N·h


def _f64(name: str, a_name: str, a: ArrayLike, ndim: int) -> FloatArray:
    """a as float64 with `ndim` dimensions, or a ValueError naming the function and argument."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name}: {a_name} must have {ndim} dimensions, got shape {arr.shape}")
    return arr


# --- given: splitting and merging heads ----------------------------------------------------------


def split_heads(x: ArrayLike, num_heads: int) -> FloatArray:
    """(N, T, D) -> (N·h, T, D/h): head j of sample n is row n·h + j, columns j·Dh … (j+1)·Dh − 1.

    x: (N, T, D), num_heads: h dividing D  ->  (N·h, T, D/h)
    """
    x = np.asarray(x, dtype=np.float64)
    N, T, D = x.shape
    if D % num_heads:
        raise ValueError(f"split_heads: D={D} is not divisible by num_heads={num_heads}")
    Dh = D // num_heads
    heads = x.reshape(N, T, num_heads, Dh).transpose(0, 2, 1, 3)  # (N, h, T, Dh)
    return heads.reshape(N * num_heads, T, Dh)


def merge_heads(x: ArrayLike, num_heads: int) -> FloatArray:
    """The inverse of split_heads: (N·h, T, Dh) -> (N, T, h·Dh), the heads side by side.

    x: (N·h, T, Dh), num_heads: h  ->  (N, T, h·Dh)
    """
    x = np.asarray(x, dtype=np.float64)
    NH, T, Dh = x.shape
    N = NH // num_heads
    heads = x.reshape(N, num_heads, T, Dh).transpose(0, 2, 1, 3)  # (N, T, h, Dh)
    return heads.reshape(N, T, num_heads * Dh)


# --- the student's functions ---------------------------------------------------------------------


def masked_softmax(scores: ArrayLike, mask: ArrayLike | None = None) -> FloatArray:
    r"""Row softmax along the last axis, stable for large scores, with an optional mask.

    P_ij = exp(s_ij − m_i) / Σ_{k allowed} exp(s_ik − m_i) for allowed j, 0 for masked j, where
    m_i = max_{k allowed} s_ik (subtracting it keeps exp from overflowing). A row whose every
    entry is masked is all zeros.

    scores: (..., Tk), mask: bool broadcastable to scores' shape (True = may attend) or None
    ->  P: scores' shape
    """
    raise NotImplementedError("exercise 15: write masked_softmax")


def masked_softmax_backward(dP: ArrayLike, P: ArrayLike) -> FloatArray:
    r"""Backward of the row softmax: dS = P ⊙ (dP − Σ_k dP_ik P_ik) along the last axis.

    Masked entries (P = 0) and fully masked rows get a zero gradient by the same formula.

    dP: (..., Tk) upstream gradient, P: (..., Tk) the softmax's output  ->  dS: (..., Tk)
    """
    raise NotImplementedError("exercise 15: write masked_softmax_backward")


def causal_mask(T: int) -> BoolArray:
    """The causal mask of T steps: query i may attend to keys j ≤ i (itself and the past).

    T: int  ->  (T, T) bool, True on and below the diagonal
    """
    raise NotImplementedError("exercise 15: write causal_mask")


def attention_forward(Q: ArrayLike, K: ArrayLike, V: ArrayLike, mask: ArrayLike | None = None
                      ) -> tuple[FloatArray, AttentionCache]:
    r"""Scaled dot-product attention: out = softmax(Q Kᵀ / √D, masked) V.

    Q: (N, Tq, D), K: (N, Tk, D), V: (N, Tk, M), mask: bool broadcastable to (N, Tq, Tk)
    (True = may attend) or None  ->  out: (N, Tq, M), cache for attention_backward.
    A query with every key masked gets a zero output row.
    """
    raise NotImplementedError("exercise 15: write attention_forward")


def attention_backward(dout: ArrayLike, cache: AttentionCache
                       ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of scaled dot-product attention.

    dV = Pᵀ dout, dP = dout Vᵀ, dS = P ⊙ (dP − Σ_k dP ⊙ P), dQ = dS K / √D, dK = dSᵀ Q / √D.

    dout: (N, Tq, M), cache from attention_forward  ->  dQ (N, Tq, D), dK (N, Tk, D),
    dV (N, Tk, M)
    """
    raise NotImplementedError("exercise 15: write attention_backward")


def multihead_attention_forward(x: ArrayLike, params: dict, num_heads: int,
                                mask: ArrayLike | None = None
                                ) -> tuple[FloatArray, MultiHeadCache]:
    r"""Multi-head self-attention: out = concat_j(attention(x Wq_j, x Wk_j, x Wv_j)) Wo.

    Q = x Wq, K = x Wk, V = x Wv, each split into h heads of width Dh = D / h (split_heads);
    every head attends with scale 1/√Dh; merge_heads puts them side by side; out = that Wo.

    x: (N, T, D), params {"Wq", "Wk", "Wv", "Wo": (D, D)}, num_heads: h dividing D,
    mask: bool broadcastable to (N, T, T) or None  ->  out: (N, T, D), cache
    """
    raise NotImplementedError("exercise 15: write multihead_attention_forward")


def multihead_attention_backward(dout: ArrayLike, cache: MultiHeadCache
                                 ) -> tuple[FloatArray, dict]:
    r"""Gradients of multi-head self-attention, by the chain rule through each step.

    dWo = Σ concatᵀ dout, dconcat = dout Woᵀ, split into heads, attention_backward, merged back;
    dWq = Σ xᵀ dQ (likewise Wk, Wv), dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ.

    dout: (N, T, D), cache  ->  dx (N, T, D), grads {"Wq", "Wk", "Wv", "Wo": (D, D)}
    """
    raise NotImplementedError("exercise 15: write multihead_attention_backward")
