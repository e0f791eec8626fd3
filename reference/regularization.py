r"""Regularisation (正則化) and stable training: dropout, batch norm, penalties, init, clipping.

Seed 004 (004_f6c14785bb244351.txt) lists the remedies for vanishing/exploding gradients (梯度消失
與梯度爆炸): 權重初始化 (weight initialisation), non-saturating activations, 批次正規化 (batch
normalization) and 梯度修剪 (gradient clipping); against overfitting, 正則化 (L1/L2, Keras
`regularizers.L1L2`) and Dropout. The Keras slides (003_28445a1ed427b574.txt, which the seeds'
README lists as 001) show dropout and batch norm as Keras layers. Conventions follow Keras where
the seeds use it:

- dropout is *inverted*: kept units are scaled by 1/(1 − p) in training, eval is the identity;
- batch norm normalises with the biased batch variance (divide by N) and updates the running
  statistics as running ← momentum · running + (1 − momentum) · batch, momentum = 0.9;
- L1 penalty λ Σ|w|, L2 penalty λ Σ w² (Keras, no ½), so ∂/∂w = λ sign(w) and 2 λ w.

Randomness is only ever drawn from an explicit `seed` (or passed in as a mask), so a call is
reproducible across the process boundary of grading. Any real dtype is computed in float64; no
argument is modified.
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

BN_EPS = 1e-5  # PyTorch's default (Keras: 1e-3): keeps 1/sqrt(var + eps) finite, constant x
BN_MOMENTUM = 0.9  # weight of the old running statistic, as Keras counts it (PyTorch: 0.1)
NORM_EPS = 1e-12  # clip_by_norm: avoids 0/0 when every gradient is zero


def _as_float(x: ArrayLike) -> FloatArray:
    return np.array(x, dtype=np.float64)  # a copy: nothing the caller owns is aliased


# --- inverted dropout ----------------------------------------------------------------------------


class DropoutCache(NamedTuple):
    mask: FloatArray  # (...) same shape as x: 1/(1 − p) for kept units, 0 for dropped; 1 in eval


def dropout_mask(shape: Sequence[int], p: float, seed: int) -> FloatArray:
    """Inverted-dropout mask: each unit kept with probability 1 − p, kept units = 1/(1 − p).

    The draw: u = np.random.default_rng(seed).random(shape), a unit is kept where u >= p.
    shape: the shape of x  ->  mask: (shape) float64, entries in {0, 1/(1 − p)}
    """
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout_mask: p = {p} must satisfy 0 <= p < 1")
    keep = np.random.default_rng(seed).random(tuple(shape)) >= p  # P(keep) = 1 − p
    return keep / (1.0 - p)


def dropout_forward(
    x: ArrayLike,
    p: float,
    train: bool = True,
    seed: int | None = None,
    mask: ArrayLike | None = None,
) -> tuple[FloatArray, DropoutCache]:
    r"""Inverted dropout: out = x ⊙ mask in training, out = x in eval (E[out] = x either way).

    x: (...), p: drop probability in [0, 1); in training give either seed (mask =
    dropout_mask(x.shape, p, seed)) or mask (same shape as x, already scaled by 1/(1 − p)).
    ->  out: (...) same shape as x, cache for dropout_backward
    """
    x = _as_float(x)
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout_forward: p = {p} must satisfy 0 <= p < 1")
    if not train:
        return x, DropoutCache(np.ones_like(x))
    if mask is None:
        if seed is None:
            raise ValueError("dropout_forward: in training give a seed or a mask, got neither")
        mask = dropout_mask(x.shape, p, seed)
    mask = _as_float(mask)
    if mask.shape != x.shape:
        raise ValueError(f"dropout_forward: mask has shape {mask.shape} but x has {x.shape}")
    return x * mask, DropoutCache(mask)


def dropout_backward(dout: ArrayLike, cache: DropoutCache) -> FloatArray:
    """dx = dout ⊙ mask (the same scaled mask as the forward).  dout: (...) -> dx: (...)"""
    dout = _as_float(dout)
    if dout.shape != cache.mask.shape:
        raise ValueError(
            f"dropout_backward: dout has shape {dout.shape} but x had {cache.mask.shape}"
        )
    return dout * cache.mask


# --- batch normalisation -------------------------------------------------------------------------


class BatchNormCache(NamedTuple):
    x_hat: FloatArray  # (N, D) normalised input
    gamma: FloatArray  # (D,) scale
    inv_std: FloatArray  # (D,) 1 / sqrt(var + eps), batch var in training, running var in eval
    train: bool  # whether the statistics depended on x (training) or were constants (eval)


def batchnorm_forward(
    x: ArrayLike,
    gamma: ArrayLike,
    beta: ArrayLike,
    running_mean: ArrayLike,
    running_var: ArrayLike,
    train: bool = True,
    momentum: float = BN_MOMENTUM,
    eps: float = BN_EPS,
) -> tuple[FloatArray, BatchNormCache, FloatArray, FloatArray]:
    r"""Batch normalisation: out = γ (x − μ) / sqrt(σ² + eps) + β, per feature.

    Training: μ, σ² are the batch mean and biased variance (Σ_n (x_n − μ)² / N), and the running
    statistics become momentum · running + (1 − momentum) · batch. Eval: μ, σ² are the running
    statistics, which are returned unchanged (as copies).

    x: (N, D), gamma, beta, running_mean, running_var: (D,)
    ->  out: (N, D), cache for batchnorm_backward, new_running_mean: (D,), new_running_var: (D,)
    """
    x, gamma, beta = _as_float(x), _as_float(gamma), _as_float(beta)
    running_mean, running_var = _as_float(running_mean), _as_float(running_var)
    if x.ndim != 2:
        raise ValueError(f"batchnorm_forward: x must have shape (N, D), got {x.shape}")
    N, D = x.shape
    for name, a in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if a.shape != (D,):
            raise ValueError(f"batchnorm_forward: {name} must have shape (D,) = ({D},), "
                             f"got {a.shape}")
    if train:
        mu = x.mean(axis=0)  # (D,)
        var = x.var(axis=0)  # (D,) biased: divide by N, as the normalisation uses
        new_mean = momentum * running_mean + (1.0 - momentum) * mu
        new_var = momentum * running_var + (1.0 - momentum) * var
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)  # (D,)
    x_hat = (x - mu) * inv_std  # (N, D)
    return gamma * x_hat + beta, BatchNormCache(x_hat, gamma, inv_std, train), new_mean, new_var


def batchnorm_backward(
    dout: ArrayLike, cache: BatchNormCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of batch norm: dx, dγ = Σ_n dout ⊙ x̂, dβ = Σ_n dout.

    Training (μ, σ² depend on x): with g = dout ⊙ γ,
    dx = inv_std / N · (N g − Σ_n g − x̂ Σ_n (g ⊙ x̂)). Eval (constants): dx = g · inv_std.

    dout: (N, D)  ->  dx: (N, D), dgamma: (D,), dbeta: (D,)
    """
    x_hat, gamma, inv_std, train = cache
    dout = _as_float(dout)
    if dout.shape != x_hat.shape:
        raise ValueError(
            f"batchnorm_backward: dout has shape {dout.shape} but x had {x_hat.shape}"
        )
    N = x_hat.shape[0]
    dgamma = (dout * x_hat).sum(axis=0)  # (D,)
    dbeta = dout.sum(axis=0)  # (D,)
    g = dout * gamma  # (N, D) gradient w.r.t. x_hat
    if not train:
        return g * inv_std, dgamma, dbeta
    dx = inv_std / N * (N * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))  # (N, D)
    return dx, dgamma, dbeta


# --- L1 / L2 penalties ---------------------------------------------------------------------------


def l1_penalty(w: ArrayLike, lam: float) -> float:
    """L1 penalty λ Σ|w| (a sum over every entry).  w: (...) -> float"""
    return float(lam * np.abs(_as_float(w)).sum())


def l1_grad(w: ArrayLike, lam: float) -> FloatArray:
    """∂(λ Σ|w|)/∂w = λ sign(w), taking 0 at w = 0.  w: (...) -> (...)"""
    return lam * np.sign(_as_float(w))


def l2_penalty(w: ArrayLike, lam: float) -> float:
    """L2 penalty λ Σ w² (Keras `regularizers.L2`, no ½).  w: (...) -> float"""
    return float(lam * np.square(_as_float(w)).sum())


def l2_grad(w: ArrayLike, lam: float) -> FloatArray:
    """∂(λ Σ w²)/∂w = 2 λ w.  w: (...) -> (...)"""
    return 2.0 * lam * _as_float(w)


# --- initialisation ------------------------------------------------------------------------------


def _check_fan(name: str, n_in: int, n_out: int) -> None:
    if n_in < 1 or n_out < 1:
        raise ValueError(f"{name}: n_in = {n_in} and n_out = {n_out} must both be >= 1")


def xavier_init(n_in: int, n_out: int, seed: int) -> FloatArray:
    r"""Xavier/Glorot normal: w ~ N(0, 2 / (n_in + n_out)), for sigmoid and tanh layers.

    The draw: np.random.default_rng(seed).normal(0.0, sqrt(2 / (n_in + n_out)), (n_in, n_out)).
    ->  w: (n_in, n_out)
    """
    _check_fan("xavier_init", n_in, n_out)
    std = np.sqrt(2.0 / (n_in + n_out))
    return np.random.default_rng(seed).normal(0.0, std, size=(n_in, n_out))


def he_init(n_in: int, n_out: int, seed: int) -> FloatArray:
    r"""He/Kaiming normal: w ~ N(0, 2 / n_in), for ReLU layers (ReLU zeroes half the signal).

    The draw: np.random.default_rng(seed).normal(0.0, sqrt(2 / n_in), (n_in, n_out)).
    ->  w: (n_in, n_out)
    """
    _check_fan("he_init", n_in, n_out)
    std = np.sqrt(2.0 / n_in)
    return np.random.default_rng(seed).normal(0.0, std, size=(n_in, n_out))


# --- gradient clipping ---------------------------------------------------------------------------


def clip_by_value(grads: Sequence[ArrayLike], clip: float) -> list[FloatArray]:
    """Each entry of each gradient clipped to [−clip, clip].  grads: list of (...) -> same"""
    if clip <= 0:
        raise ValueError(f"clip_by_value: clip = {clip} must be > 0")
    return [np.clip(_as_float(g), -clip, clip) for g in grads]


def global_norm(grads: Sequence[ArrayLike]) -> float:
    """sqrt(Σ over every tensor and entry of g²): the norm of all gradients as one vector."""
    return float(np.sqrt(sum(np.square(_as_float(g)).sum() for g in grads)))


def clip_by_norm(grads: Sequence[ArrayLike], max_norm: float) -> list[FloatArray]:
    r"""Global-norm clipping: every gradient scaled by min(1, max_norm / ‖g‖), ‖g‖ = global_norm.

    One factor for all tensors, so the direction of the whole update is kept.
    grads: list of (...)  ->  list of the same shapes
    """
    if max_norm <= 0:
        raise ValueError(f"clip_by_norm: max_norm = {max_norm} must be > 0")
    scale = min(1.0, max_norm / (global_norm(grads) + NORM_EPS))
    return [_as_float(g) * scale for g in grads]


# --- vanishing / exploding gradients -------------------------------------------------------------


def gradient_norms_experiment(
    activation: str, depth: int = 10, width: int = 32, N: int = 64, seed: int = 0,
    weight_scale: float = 1.0,
) -> FloatArray:
    r"""Per-layer ‖∂L/∂W_l‖ of a deep MLP, to show vanishing and exploding gradients (梯度消失與
    梯度爆炸).

    depth dense layers of width units (no bias), h_l = act(z_l), z_l = h_{l−1} W_l, h_0 = x,
    with "sigmoid" (Xavier's std sqrt(2 / (width + width))) or "relu" (He's std sqrt(2 / width)),
    that std multiplied by weight_scale; L = Σ h_depth ⊙ G. Backward: dz_l = dh_l ⊙ act'(z_l),
    ∂L/∂W_l = h_{l−1}ᵀ dz_l, dh_{l−1} = dz_l W_lᵀ. The draws, in this order, from
    rng = np.random.default_rng(seed): W_1 … W_depth, each rng.normal(0.0, std,
    size=(width, width)); then x = rng.normal(size=(N, width)); then
    G = rng.normal(size=(N, width)) / N.

    ->  norms: (depth,), norms[l − 1] = ‖∂L/∂W_l‖_F: norms[0] next to the input, norms[-1] next
    to the output
    """
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"gradient_norms_experiment: activation = {activation!r}, "
                         "must be 'sigmoid' or 'relu'")
    if depth < 1 or width < 1 or N < 1:
        raise ValueError(f"gradient_norms_experiment: depth = {depth}, width = {width}, "
                         f"N = {N} must all be >= 1")
    if not weight_scale > 0:
        raise ValueError(f"gradient_norms_experiment: weight_scale = {weight_scale!r} must be > 0")
    rng = np.random.default_rng(seed)
    std = np.sqrt(2.0 / (2 * width) if activation == "sigmoid" else 2.0 / width)  # Xavier, He
    std *= weight_scale  # > 1 with ReLU: every norm × weight_scale^(depth − 1) (exploding)
    ws = [rng.normal(0.0, std, size=(width, width)) for _ in range(depth)]  # (D, D) each
    h = rng.normal(size=(N, width))  # (N, D)
    layer_inputs, layer_outputs = [], []
    for w in ws:
        layer_inputs.append(h)
        z = h @ w  # (N, D) @ (D, D) -> (N, D)
        h = 1.0 / (1.0 + np.exp(-z)) if activation == "sigmoid" else np.maximum(z, 0.0)
        layer_outputs.append((z, h))
    dh = rng.normal(size=(N, width)) / N  # (N, D) ∂L/∂out
    norms = np.empty(depth)
    for layer in reversed(range(depth)):
        z, out = layer_outputs[layer]
        dz = dh * out * (1.0 - out) if activation == "sigmoid" else dh * (z > 0)  # (N, D)
        norms[layer] = np.linalg.norm(layer_inputs[layer].T @ dz)  # ‖∂L/∂W_l‖ (Frobenius)
        dh = dz @ ws[layer].T  # (N, D)
    return norms
