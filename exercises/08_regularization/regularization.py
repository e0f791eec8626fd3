r"""Exercise 08: regularisation (正則化) and stable training.

Fill in every function below; README.md (README.zh-TW.md) explains each one with its maths:
inverted dropout, batch normalisation (forward, backward, running statistics), L1/L2 penalties
and their gradients, Xavier/He initialisation, gradient clipping by value and by global norm,
and an experiment that measures vanishing gradients (梯度消失) layer by layer.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments. The
caches (DropoutCache, BatchNormCache) are suggestions: a forward may return any cache its own
backward understands. Randomness comes only from the `seed` argument, drawn exactly as each
docstring says. Never modify an argument in place; return float64 arrays (convert float32 input).
Run `grade exercise 08` to check your work, `grade exercise 08 --plot` for the figure.
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
    raise NotImplementedError("exercise 08: write dropout_mask")


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
    raise NotImplementedError("exercise 08: write dropout_forward")


def dropout_backward(dout: ArrayLike, cache: DropoutCache) -> FloatArray:
    """dx = dout ⊙ mask (the same scaled mask as the forward).  dout: (...) -> dx: (...)"""
    raise NotImplementedError("exercise 08: write dropout_backward")


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
    raise NotImplementedError("exercise 08: write batchnorm_forward")


def batchnorm_backward(
    dout: ArrayLike, cache: BatchNormCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of batch norm: dx, dγ = Σ_n dout ⊙ x̂, dβ = Σ_n dout.

    Training (μ, σ² depend on x): with g = dout ⊙ γ,
    dx = inv_std / N · (N g − Σ_n g − x̂ Σ_n (g ⊙ x̂)). Eval (constants): dx = g · inv_std.

    dout: (N, D)  ->  dx: (N, D), dgamma: (D,), dbeta: (D,)
    """
    raise NotImplementedError("exercise 08: write batchnorm_backward")


# --- L1 / L2 penalties ---------------------------------------------------------------------------


def l1_penalty(w: ArrayLike, lam: float) -> float:
    """L1 penalty λ Σ|w| (a sum over every entry).  w: (...) -> float"""
    raise NotImplementedError("exercise 08: write l1_penalty")


def l1_grad(w: ArrayLike, lam: float) -> FloatArray:
    """∂(λ Σ|w|)/∂w = λ sign(w), taking 0 at w = 0.  w: (...) -> (...)"""
    raise NotImplementedError("exercise 08: write l1_grad")


def l2_penalty(w: ArrayLike, lam: float) -> float:
    """L2 penalty λ Σ w² (Keras `regularizers.L2`, no ½).  w: (...) -> float"""
    raise NotImplementedError("exercise 08: write l2_penalty")


def l2_grad(w: ArrayLike, lam: float) -> FloatArray:
    """∂(λ Σ w²)/∂w = 2 λ w.  w: (...) -> (...)"""
    raise NotImplementedError("exercise 08: write l2_grad")


# --- initialisation ------------------------------------------------------------------------------


def _check_fan(name: str, n_in: int, n_out: int) -> None:
    if n_in < 1 or n_out < 1:
        raise ValueError(f"{name}: n_in = {n_in} and n_out = {n_out} must both be >= 1")


def xavier_init(n_in: int, n_out: int, seed: int) -> FloatArray:
    r"""Xavier/Glorot normal: w ~ N(0, 2 / (n_in + n_out)), for sigmoid and tanh layers.

    The draw: np.random.default_rng(seed).normal(0.0, sqrt(2 / (n_in + n_out)), (n_in, n_out)).
    ->  w: (n_in, n_out)
    """
    raise NotImplementedError("exercise 08: write xavier_init")


def he_init(n_in: int, n_out: int, seed: int) -> FloatArray:
    r"""He/Kaiming normal: w ~ N(0, 2 / n_in), for ReLU layers (ReLU zeroes half the signal).

    The draw: np.random.default_rng(seed).normal(0.0, sqrt(2 / n_in), (n_in, n_out)).
    ->  w: (n_in, n_out)
    """
    raise NotImplementedError("exercise 08: write he_init")


# --- gradient clipping ---------------------------------------------------------------------------


def clip_by_value(grads: Sequence[ArrayLike], clip: float) -> list[FloatArray]:
    """Each entry of each gradient clipped to [−clip, clip].  grads: list of (...) -> same"""
    raise NotImplementedError("exercise 08: write clip_by_value")


def global_norm(grads: Sequence[ArrayLike]) -> float:
    """sqrt(Σ over every tensor and entry of g²): the norm of all gradients as one vector."""
    raise NotImplementedError("exercise 08: write global_norm")


def clip_by_norm(grads: Sequence[ArrayLike], max_norm: float) -> list[FloatArray]:
    r"""Global-norm clipping: every gradient scaled by min(1, max_norm / ‖g‖), ‖g‖ = global_norm.

    One factor for all tensors, so the direction of the whole update is kept.
    grads: list of (...)  ->  list of the same shapes
    """
    raise NotImplementedError("exercise 08: write clip_by_norm")


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
    raise NotImplementedError("exercise 08: write gradient_norms_experiment")
