"""A second correct solution of exercises 01 and 02, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): loops where the
reference vectorises, other stable formulations (σ(x) = ½(1 + tanh(x/2)), log-sum-exp by hand,
BCE's gradient as (p − y) / (p (1 − p)), softmax's full Jacobian), plain tuples as caches, and
the upper clip 1 − EPS for every cross-entropy, as the instructions' stability section writes
it. Its source text is graded as an alternative correct submission (full marks expected), and
tests append a wrong function to it to build a wrong submission.
"""

import math

import numpy as np

EPS = 1e-7


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


# --- exercise 01: losses ------------------------------------------------------------------------


def mse(y_pred, y_true):
    d = np.subtract(*_f64(y_pred, y_true)).ravel()
    return float(d @ d / d.size)


def mse_grad(y_pred, y_true):
    y_pred, y_true = _f64(y_pred, y_true)
    return (y_pred - y_true) * (2.0 / y_pred.size)


def half_sse(y_pred, y_true):
    d = np.subtract(*_f64(y_pred, y_true)).ravel()
    return float(0.5 * (d @ d))


def half_sse_grad(y_pred, y_true):
    y_pred, y_true = _f64(y_pred, y_true)
    return y_pred - y_true


def mae(y_pred, y_true):
    d = np.subtract(*_f64(y_pred, y_true))
    return float(np.abs(d).sum() / d.size)


def mae_grad(y_pred, y_true):
    d = np.subtract(*_f64(y_pred, y_true))
    return np.sign(d) / d.size


def binary_cross_entropy(p, y):
    p, y = _f64(p, y)
    p = np.clip(p, EPS, 1 - EPS)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum() / p.size)


def binary_cross_entropy_grad(p, y):
    p, y = _f64(p, y)
    p = np.clip(p, EPS, 1 - EPS)
    return (p - y) / (p * (1 - p)) / p.size  # = -y/p + (1 - y)/(1 - p), over M


def categorical_cross_entropy(p, y_onehot):
    p, y = _f64(p, y_onehot)
    log_p = np.log(np.clip(p, EPS, 1 - EPS))
    return float(-np.einsum("nc,nc->", y, log_p) / p.shape[0])


def categorical_cross_entropy_grad(p, y_onehot):
    p, y = _f64(p, y_onehot)
    return -y / np.clip(p, EPS, 1 - EPS) / p.shape[0]


def sparse_categorical_cross_entropy(p, labels):
    p = np.asarray(p, dtype=np.float64)
    total = 0.0
    for n, c in enumerate(np.asarray(labels)):
        total -= math.log(min(max(p[n, c], EPS), 1 - EPS))
    return total / p.shape[0]


def sparse_categorical_cross_entropy_grad(p, labels):
    p = np.asarray(p, dtype=np.float64)
    N = p.shape[0]
    grad = np.zeros(p.shape)
    for n, c in enumerate(np.asarray(labels)):
        grad[n, c] = -1.0 / (N * min(max(p[n, c], EPS), 1 - EPS))
    return grad


def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    N = z.shape[0]
    rows = np.arange(N)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))  # (N,) log Σ exp, stable
    dlogits = np.exp(z - lse[:, None])  # softmax
    dlogits[rows, labels] -= 1.0
    return float(np.mean(lse - z[rows, labels])), dlogits / N


def hinge(scores, y):
    scores, y = _f64(scores, y)
    return float(np.clip(1.0 - y * scores, 0.0, None).mean())


def hinge_grad(scores, y):
    scores, y = _f64(scores, y)
    active = (1.0 - y * scores) > 0
    return -y * active / y.size


# --- exercise 02: activations ---------------------------------------------------------------


def sigmoid_forward(x):
    out = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))  # never overflows
    return out, (out,)


def sigmoid_backward(dout, cache):
    (out,) = cache
    return dout * out * (1.0 - out)


def tanh_forward(x):
    out = np.tanh(np.asarray(x, dtype=np.float64))
    return out, (out,)


def tanh_backward(dout, cache):
    (out,) = cache
    return dout * (1.0 - out**2)


def relu_forward(x):
    x = np.asarray(x, dtype=np.float64)
    mask = x > 0
    return x * mask, (mask,)


def relu_backward(dout, cache):
    (mask,) = cache
    return dout * mask


def leaky_relu_forward(x, alpha=0.01):
    x = np.asarray(x, dtype=np.float64)
    slope = np.where(x > 0, 1.0, alpha)
    return slope * x, (slope,)


def leaky_relu_backward(dout, cache):
    (slope,) = cache
    return dout * slope


def elu_forward(x, alpha=1.0):
    x = np.asarray(x, dtype=np.float64)
    out = x.copy()
    negative = x <= 0
    out[negative] = alpha * np.expm1(x[negative])
    return out, (x, out, alpha)


def elu_backward(dout, cache):
    x, out, alpha = cache
    return np.where(x > 0, dout, dout * (out + alpha))  # ELU'(x) = ELU(x) + α for x <= 0


def softmax_forward(x):
    x = np.asarray(x, dtype=np.float64)
    m = x.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    out = np.exp(x - lse)
    return out, (out,)


def softmax_backward(dout, cache):
    (s,) = cache
    jacobian = -s[..., :, None] * s[..., None, :]  # (..., C, C): ∂s_j/∂x_i = s_j (δ_ij − s_i)
    C = s.shape[-1]
    jacobian[..., np.arange(C), np.arange(C)] += s
    return np.einsum("...ij,...j->...i", jacobian, dout)


def solution_source() -> str:
    """This module's text: one file that solves exercises 01 and 02 (graded as either)."""
    from pathlib import Path

    return Path(__file__).read_text(encoding="utf-8")
