r"""Gated recurrent unit (GRU): a step and a whole sequence, forward and backward.

Seed 000 (000_26ce816d45ad6304.txt, 「GRU(Gate Recurrent Unit)」; the usual name is *Gated*
Recurrent Unit) follows the LSTM with the GRU: no separate cell state, two gates instead of three.
The update gate z decides how much of the old state to keep, the reset gate r how much of it the
candidate may see. This module follows PyTorch's nn.GRU (also cuDNN's and Keras' default,
reset_after=True):

    a_x = x Wx + bx,   a_h = prev_h Wh + bh                      (N, 3H) each, blocks r, z, n
    r = σ(a_x[:, 0:H]  + a_h[:, 0:H])          reset gate
    z = σ(a_x[:, H:2H] + a_h[:, H:2H])         update gate
    n = tanh(a_x[:, 2H:3H] + r ⊙ a_h[:, 2H:3H])   candidate: r scales prev_h Wh_n + bh_n,
                                                  AFTER the matmul
    next_h = (1 − z) ⊙ n + z ⊙ prev_h          z = 1 keeps the old state

Known differences elsewhere: the GRU paper (Cho et al. 2014) and Keras' `reset_after=False`
apply the reset BEFORE the matmul, n = tanh(x Wx_n + (r ⊙ prev_h) Wh_n + b_n), a different model;
Chung et al. 2014 and Wikipedia write next_h = z ⊙ n + (1 − z) ⊙ prev_h, which only renames z as
1 − z. Two biases are needed here because bh_n sits inside the product with r; in the r and z
blocks only bx + bh matters.

Shapes: x (N, D), prev_h (N, H), Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,); PyTorch's
weight_ih_l0 is Wxᵀ and its blocks are in the same order r, z, n. A sequence is x (N, T, D)
with h0 (N, H) and gives h (N, T, H). Any real dtype is computed in float64; no argument is
modified.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.sequence_tasks import (
    as_gate_weights,
    as_inputs,
    as_state,
    init_readout,
    sine_wave_data,
    train_regression,
)

FloatArray = NDArray[np.float64]

PARAM_KEYS = ("Wx", "Wh", "bx", "bh")  # the cell's parameters, in the forward's argument order


class GRUStepCache(NamedTuple):
    x: FloatArray  # (N, D) input
    prev_h: FloatArray  # (N, H)
    Wx: FloatArray  # (D, 3H)
    Wh: FloatArray  # (H, 3H)
    gates: FloatArray  # (N, 3H) r, z, n after their σ / tanh
    hn: FloatArray  # (N, H) prev_h Wh_n + bh_n, the part r multiplies


class GRUCache(NamedTuple):  # time-major: step t is [t]
    xs: FloatArray  # (T, N, D) inputs
    prev_h: FloatArray  # (T, N, H) h_{t−1} at each step: h0 first
    Wx: FloatArray  # (D, 3H)
    Wh: FloatArray  # (H, 3H)
    gates: FloatArray  # (T, N, 3H) r, z, n of every step
    hn: FloatArray  # (T, N, H) h_{t−1} Wh_n + bh_n of every step


# --- one step: the shared arithmetic -------------------------------------------------------------


def _step(ax: FloatArray, prev_h: FloatArray, Wh: FloatArray, bh: FloatArray,
          next_h: FloatArray) -> tuple[FloatArray, FloatArray]:
    """One step from ax = x Wx + bx (N, 3H), a fresh array that becomes the gates r, z, n;
    writes next_h (N, H) and returns (gates, hn = prev_h Wh_n + bh_n)."""
    H = prev_h.shape[1]
    ah = prev_h @ Wh + bh  # (N, H) @ (H, 3H) + (3H,)
    gates = ax
    gates[:, :2 * H] += ah[:, :2 * H]
    gates[:, :2 * H] *= 0.5
    np.tanh(gates[:, :2 * H], out=gates[:, :2 * H])  # σ(a) = (1 + tanh(a/2)) / 2
    gates[:, :2 * H] *= 0.5
    gates[:, :2 * H] += 0.5
    hn = ah[:, 2 * H:]
    gates[:, 2 * H:] += gates[:, :H] * hn  # + r ⊙ (prev_h Wh_n + bh_n)
    np.tanh(gates[:, 2 * H:], out=gates[:, 2 * H:])
    z, n = gates[:, H:2 * H], gates[:, 2 * H:]
    np.subtract(prev_h, n, out=next_h)
    next_h *= z
    next_h += n  # (1 − z) ⊙ n + z ⊙ prev_h = n + z ⊙ (prev_h − n)
    return gates, hn


def _step_backward(dnext_h: FloatArray, prev_h: FloatArray, gates: FloatArray, hn: FloatArray,
                   dax: FloatArray, dah: FloatArray) -> None:
    """Gradients of one step at its pre-activations: writes dax = ∂L/∂(x Wx + bx) and
    dah = ∂L/∂(prev_h Wh + bh), both (N, 3H).

    dn = dnext_h ⊙ (1 − z), dz = dnext_h ⊙ (prev_h − n), then through tanh' and σ':
    dn_a = dn (1 − n²), dr = dn_a ⊙ hn, dax = [dr r(1−r), dz z(1−z), dn_a],
    dah = [dr r(1−r), dz z(1−z), dn_a ⊙ r]. (prev_h's direct path dnext_h ⊙ z is the caller's.)
    """
    H = prev_h.shape[1]
    r, z, n = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    dn_a = dnext_h * (1.0 - z) * (1.0 - n * n)  # through next_h = ... + (1 − z) n, then tanh
    np.multiply(dn_a, hn, out=dax[:, :H])  # ∂/∂r
    np.multiply(dnext_h, prev_h - n, out=dax[:, H:2 * H])  # ∂/∂z
    rz = gates[:, :2 * H]
    dax[:, :2 * H] *= rz * (1.0 - rz)  # through σ
    dax[:, 2 * H:] = dn_a
    dah[:, :2 * H] = dax[:, :2 * H]  # r and z see x Wx + bx and prev_h Wh + bh alike
    np.multiply(dn_a, r, out=dah[:, 2 * H:])  # r scales prev_h Wh_n + bh_n


# --- one step ------------------------------------------------------------------------------------


def gru_step_forward(x: ArrayLike, prev_h: ArrayLike, Wx: ArrayLike, Wh: ArrayLike,
                     bx: ArrayLike, bh: ArrayLike) -> tuple[FloatArray, GRUStepCache]:
    r"""One GRU step (PyTorch's convention): the reset and update gates, then the new state.

    a_x = x Wx + bx, a_h = prev_h Wh + bh, each split in three column blocks of H: r, z, n.
    r = σ(a_x,r + a_h,r) (reset gate), z = σ(a_x,z + a_h,z) (update gate),
    n = tanh(a_x,n + r ⊙ a_h,n) (r multiplies prev_h Wh_n + bh_n, after the matmul),
    next_h = (1 − z) ⊙ n + z ⊙ prev_h.
    x: (N, D), prev_h: (N, H), Wx: (D, 3H), Wh: (H, 3H), bx: (3H,), bh: (3H,)
    ->  next_h: (N, H), cache for gru_step_backward
    """
    name = "gru_step_forward"
    x = as_inputs(name, x, 2)
    Wx, Wh, bx, bh = as_gate_weights(name, x.shape[1], 3, Wx, Wh, bx=bx, bh=bh)
    N, H = x.shape[0], Wh.shape[0]
    prev_h = as_state(name, "prev_h", prev_h, N, H)
    next_h = np.empty((N, H))
    gates, hn = _step(x @ Wx + bx, prev_h, Wh, bh, next_h)
    return next_h, GRUStepCache(x, prev_h, Wx, Wh, gates, hn)


def gru_step_backward(dnext_h: ArrayLike, cache: GRUStepCache) -> tuple[FloatArray, ...]:
    r"""Gradients of one GRU step from the upstream ∂L/∂next_h.

    dn = dnext_h ⊙ (1 − z), dz = dnext_h ⊙ (prev_h − n), dn_a = dn ⊙ (1 − n²),
    dr = dn_a ⊙ (prev_h Wh_n + bh_n);
    dax = [dr ⊙ r(1−r), dz ⊙ z(1−z), dn_a], dah = [dr ⊙ r(1−r), dz ⊙ z(1−z), dn_a ⊙ r]  (N, 3H);
    dx = dax Wxᵀ, dWx = xᵀ dax, dbx = Σ_n dax[n], dWh = prev_hᵀ dah, dbh = Σ_n dah[n],
    dprev_h = dah Whᵀ + dnext_h ⊙ z   (the last term: prev_h reaches next_h directly through z).
    dnext_h: (N, H)
    ->  dx (N, D), dprev_h (N, H), dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,)
    """
    x, prev_h, Wx, Wh, gates, hn = cache
    N, H = prev_h.shape
    dnext_h = as_state("gru_step_backward", "dnext_h", dnext_h, N, H)
    dax, dah = np.empty_like(gates), np.empty_like(gates)
    _step_backward(dnext_h, prev_h, gates, hn, dax, dah)
    dprev_h = dah @ Wh.T + dnext_h * gates[:, H:2 * H]
    return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(axis=0), dah.sum(axis=0)


# --- a whole sequence ----------------------------------------------------------------------------


def gru_forward(x: ArrayLike, h0: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, bx: ArrayLike,
                bh: ArrayLike) -> tuple[FloatArray, GRUCache]:
    r"""A GRU over a whole sequence: gru_step_forward at t = 0, 1, ..., T−1 from h0.

    h_t = step(x_t, h_{t−1}) with h_{−1} = h0, the gates as in gru_step_forward.
    x: (N, T, D), h0: (N, H), Wx: (D, 3H), Wh: (H, 3H), bx: (3H,), bh: (3H,)
    ->  h: (N, T, H) every hidden state, cache for gru_backward
    """
    name = "gru_forward"
    x = as_inputs(name, x, 3)
    N, T, D = x.shape
    Wx, Wh, bx, bh = as_gate_weights(name, D, 3, Wx, Wh, bx=bx, bh=bh)
    H = Wh.shape[0]
    h0 = as_state(name, "h0", h0, N, H)
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, N, D)
    gates = (xs.reshape(T * N, D) @ Wx + bx).reshape(T, N, 3 * H)  # every x_t Wx + bx at once
    hs, hn = np.empty((T + 1, N, H)), np.empty((T, N, H))  # h_{t−1} at hs[t]
    hs[0] = h0
    for t in range(T):
        _, hn[t] = _step(gates[t], hs[t], Wh, bh, hs[t + 1])  # gates[t] becomes r, z, n
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H), not a view of the cache
    return h, GRUCache(xs, hs[:-1], Wx, Wh, gates, hn)


def gru_backward(dh: ArrayLike, cache: GRUCache) -> tuple[FloatArray, ...]:
    r"""Backpropagation through time of gru_forward, from the upstream ∂L/∂h_t of every step.

    From t = T−1 down to 0: gru_step_backward(dh_t + dh_next, cache_t), where dh_next is the
    dprev_h that step t+1 passed back (zeros at t = T−1); the weights' and biases' gradients
    are the sums over the steps; dh0 is the dprev_h of step 0.
    dh: (N, T, H)
    ->  dx (N, T, D), dh0 (N, H), dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,)
    """
    xs, prev_h, Wx, Wh, gates, hn = cache
    T, N, H = prev_h.shape
    dh = np.asarray(dh, dtype=np.float64)
    if dh.shape != (N, T, H):
        raise ValueError(f"gru_backward: dh has shape {dh.shape} but h had {(N, T, H)}")
    dax, dah = np.empty_like(gates), np.empty_like(gates)  # (T, N, 3H) each
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dnext_h = dh[:, t] + dh_next
        _step_backward(dnext_h, prev_h[t], gates[t], hn[t], dax[t], dah[t])
        dh_next = dah[t] @ Wh.T + dnext_h * gates[t, :, H:2 * H]  # matmul path + z path
    D = xs.shape[2]
    dax_flat, dah_flat = dax.reshape(T * N, 3 * H), dah.reshape(T * N, 3 * H)
    dx = (dax_flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D)
    dWx = xs.reshape(T * N, D).T @ dax_flat  # Σ_t x_tᵀ dax_t in one matmul
    dWh = prev_h.reshape(T * N, H).T @ dah_flat  # Σ_t h_{t−1}ᵀ dah_t
    return (np.ascontiguousarray(dx), dh_next, dWx, dWh, dax_flat.sum(axis=0),
            dah_flat.sum(axis=0))


# --- the sine-wave task --------------------------------------------------------------------------

STEPS = 300  # Adam steps of train_sine: under a second; the loss ends near 1/25 of the baseline
LR = 0.02  # Adam's step size for H = 16 on sine_wave_data
TRAIN_N, TRAIN_T = 32, 30  # training sequences and their length


def init_gru(D: int, H: int, seed: int = 0) -> dict[str, FloatArray]:
    """GRU parameters: Wx ~ N(0, 1/D), Wh ~ N(0, 1/H) from default_rng(seed), biases 0.

    ->  {"Wx": (D, 3H), "Wh": (H, 3H), "bx": (3H,), "bh": (3H,)}
    """
    rng = np.random.default_rng(seed)
    return {"Wx": rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, 3 * H)),
            "Wh": rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, 3 * H)),
            "bx": np.zeros(3 * H), "bh": np.zeros(3 * H)}


def _cell_forward(x: FloatArray, h0: FloatArray, params: dict) -> tuple[FloatArray, object]:
    return gru_forward(x, h0, *(params[k] for k in PARAM_KEYS))


def _cell_backward(dh: FloatArray, cache: object) -> dict[str, FloatArray]:
    return dict(zip(PARAM_KEYS, gru_backward(dh, cache)[2:], strict=True))


def train_sine(H: int = 16, steps: int = STEPS, lr: float = LR, seed: int = 0,
               N: int = TRAIN_N, T: int = TRAIN_T) -> tuple[dict[str, FloatArray], list[float]]:
    """Train a GRU and a linear read-out to predict the next value of sine waves.

    Data: sine_wave_data(N, T, seed); parameters: init_gru(1, H, seed + 1) and
    init_readout(H, seed + 2); training: train_regression (full-batch Adam, lr) for `steps`.
    ->  (params {"Wx", "Wh", "bx", "bh", "Wy", "by"}, the loss before each step)
    """
    x, y = sine_wave_data(N, T, seed)
    params = {**init_gru(1, H, seed + 1), **init_readout(H, seed + 2)}
    return train_regression(_cell_forward, _cell_backward, params, x, y, steps, lr)
