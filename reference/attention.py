r"""Scaled dot-product attention (注意力機制) and multi-head attention, forward and backward.

Seed 004 (004_f6c14785bb244351.txt), the course outline 深度學習主要演算法, lists 注意力機制
(the attention mechanism) under NLP 自然語言處理 after RNN, LSTM and GRU, and gives Transformer
(原理介紹, LLM語言模型, 轉移學習, ChatGPT) a part of its own (第四篇：Transformer). The outline has
no formulas; this module follows "Attention Is All You Need" (Vaswani et al., 2017).

Shapes (N batch, Tq queries, Tk keys, D key width, M value width):

    S = Q Kᵀ / √D           Q (N, Tq, D), K (N, Tk, D)  ->  S (N, Tq, Tk)
    P = softmax(S) by row    each query's weights over the keys sum to 1 (the last axis)
    out = P V                V (N, Tk, M)  ->  out (N, Tq, M)

A boolean mask, broadcastable to (N, Tq, Tk), says which keys each query may attend to
(True = may attend). Masked scores are set to −inf before the softmax, so their weights are
exactly 0 and the others are renormalised. A query whose every key is masked has no weights at
all: its row of P is all zeros and its output row is zero (a stated convention: PyTorch gives
NaN there), and no gradient flows through it.

Backward, with dout (N, Tq, M):

    dV = Pᵀ dout,  dP = dout Vᵀ,  dS = P ⊙ (dP − Σ_k dP ⊙ P)  (the row softmax's backward),
    dQ = dS K / √D,  dK = dSᵀ Q / √D

Multi-head self-attention on x (N, T, D) with h heads of width Dh = D / h and weights
Wq, Wk, Wv, Wo (D, D): Q = x Wq, K = x Wk, V = x Wv are each split into h heads
(N, T, D) -> (N·h, T, Dh), every head attends with scale 1/√Dh, the heads are concatenated back
to (N, T, D) and out = concat Wo.

Any real dtype is computed in float64; no argument is modified.
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
    s = np.asarray(scores, dtype=np.float64)
    if mask is not None:
        s = np.where(np.broadcast_to(np.asarray(mask, dtype=bool), s.shape), s, -np.inf)
    top = s.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)  # a fully masked row: every exp below is 0
    e = np.exp(s - top)  # exp(−inf) = 0 for the masked entries
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1.0)


def masked_softmax_backward(dP: ArrayLike, P: ArrayLike) -> FloatArray:
    r"""Backward of the row softmax: dS = P ⊙ (dP − Σ_k dP_ik P_ik) along the last axis.

    Masked entries (P = 0) and fully masked rows get a zero gradient by the same formula.

    dP: (..., Tk) upstream gradient, P: (..., Tk) the softmax's output  ->  dS: (..., Tk)
    """
    dP, P = np.asarray(dP, dtype=np.float64), np.asarray(P, dtype=np.float64)
    return P * (dP - np.sum(dP * P, axis=-1, keepdims=True))


def causal_mask(T: int) -> BoolArray:
    """The causal mask of T steps: query i may attend to keys j ≤ i (itself and the past).

    T: int  ->  (T, T) bool, True on and below the diagonal
    """
    return np.tril(np.ones((T, T), dtype=bool))


def attention_forward(Q: ArrayLike, K: ArrayLike, V: ArrayLike, mask: ArrayLike | None = None
                      ) -> tuple[FloatArray, AttentionCache]:
    r"""Scaled dot-product attention: out = softmax(Q Kᵀ / √D, masked) V.

    Q: (N, Tq, D), K: (N, Tk, D), V: (N, Tk, M), mask: bool broadcastable to (N, Tq, Tk)
    (True = may attend) or None  ->  out: (N, Tq, M), cache for attention_backward.
    A query with every key masked gets a zero output row.
    """
    name = "attention_forward"
    Q, K, V = (_f64(name, n, a, 3) for n, a in (("Q", Q), ("K", K), ("V", V)))
    N, Tq, D = Q.shape
    if K.shape[0] != N or K.shape[2] != D:
        raise ValueError(f"{name}: K has shape {K.shape}; it must be (N={N}, Tk, D={D})")
    if V.shape[:2] != K.shape[:2]:
        raise ValueError(f"{name}: V has shape {V.shape}; it must be (N={N}, Tk={K.shape[1]}, M)")
    scores = Q @ K.transpose(0, 2, 1) / np.sqrt(D)  # (N, Tq, D) @ (N, D, Tk) -> (N, Tq, Tk)
    P = masked_softmax(scores, mask)
    return P @ V, AttentionCache(Q, K, V, P)  # (N, Tq, Tk) @ (N, Tk, M) -> (N, Tq, M)


def attention_backward(dout: ArrayLike, cache: AttentionCache
                       ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of scaled dot-product attention.

    dV = Pᵀ dout, dP = dout Vᵀ, dS = P ⊙ (dP − Σ_k dP ⊙ P), dQ = dS K / √D, dK = dSᵀ Q / √D.

    dout: (N, Tq, M), cache from attention_forward  ->  dQ (N, Tq, D), dK (N, Tk, D),
    dV (N, Tk, M)
    """
    Q, K, V, P = cache
    dout = np.asarray(dout, dtype=np.float64)
    scale = 1.0 / np.sqrt(Q.shape[2])
    dV = P.transpose(0, 2, 1) @ dout  # (N, Tk, Tq) @ (N, Tq, M) -> (N, Tk, M)
    dS = masked_softmax_backward(dout @ V.transpose(0, 2, 1), P)  # (N, Tq, Tk)
    dQ = dS @ K * scale  # (N, Tq, Tk) @ (N, Tk, D)
    dK = dS.transpose(0, 2, 1) @ Q * scale  # (N, Tk, Tq) @ (N, Tq, D)
    return dQ, dK, dV


def multihead_attention_forward(x: ArrayLike, params: dict, num_heads: int,
                                mask: ArrayLike | None = None
                                ) -> tuple[FloatArray, MultiHeadCache]:
    r"""Multi-head self-attention: out = concat_j(attention(x Wq_j, x Wk_j, x Wv_j)) Wo.

    Q = x Wq, K = x Wk, V = x Wv, each split into h heads of width Dh = D / h (split_heads);
    every head attends with scale 1/√Dh; merge_heads puts them side by side; out = that Wo.

    x: (N, T, D), params {"Wq", "Wk", "Wv", "Wo": (D, D)}, num_heads: h dividing D,
    mask: bool broadcastable to (N, T, T) or None  ->  out: (N, T, D), cache
    """
    x = _f64("multihead_attention_forward", "x", x, 3)
    N, T, D = x.shape
    p = {k: np.asarray(params[k], dtype=np.float64) for k in MHA_KEYS}
    heads = [split_heads(x @ p[k], num_heads) for k in ("Wq", "Wk", "Wv")]  # (N·h, T, Dh)
    if mask is not None:  # (N, T, T) -> (N·h, T, T): sample n's mask for each of its heads
        mask = np.repeat(np.broadcast_to(np.asarray(mask, dtype=bool), (N, T, T)), num_heads,
                         axis=0)
    out, attn = attention_forward(*heads, mask)
    concat = merge_heads(out, num_heads)  # (N, T, D)
    return concat @ p["Wo"], MultiHeadCache(x, p, num_heads, concat, attn)


def multihead_attention_backward(dout: ArrayLike, cache: MultiHeadCache
                                 ) -> tuple[FloatArray, dict]:
    r"""Gradients of multi-head self-attention, by the chain rule through each step.

    dWo = Σ concatᵀ dout, dconcat = dout Woᵀ, split into heads, attention_backward, merged back;
    dWq = Σ xᵀ dQ (likewise Wk, Wv), dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ.

    dout: (N, T, D), cache  ->  dx (N, T, D), grads {"Wq", "Wk", "Wv", "Wo": (D, D)}
    """
    x, p, h, concat, attn = cache
    dout = np.asarray(dout, dtype=np.float64)
    N, T, D = x.shape
    grads = {"Wo": concat.reshape(N * T, D).T @ dout.reshape(N * T, D)}
    dheads = attention_backward(split_heads(dout @ p["Wo"].T, h), attn)
    dx = np.zeros_like(x)
    for key, dh in zip(("Wq", "Wk", "Wv"), dheads, strict=True):
        d = merge_heads(dh, h)  # (N, T, D): the gradient of x @ p[key]
        grads[key] = x.reshape(N * T, D).T @ d.reshape(N * T, D)
        dx += d @ p[key].T
    return dx, {k: grads[k] for k in MHA_KEYS}
