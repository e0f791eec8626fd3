r"""Long short-term memory (LSTM, 長短期記憶): a step and a whole sequence, forward and backward.

Seed 000 (000_26ce816d45ad6304.txt, 「LSTM (Long short-term memory)」) introduces the LSTM as the
cure for the RNN that 「只能記住短期記憶。長期會忘」: its key is the cell state (細胞狀態), read and
written through three gates, the forget gate, the input gate and the output gate. With σ the
sigmoid and ⊙ the elementwise product, one step is

    a = x Wx + prev_h Wh + b                                  (N, 4H), then by column block:
    i = σ(a[:, 0:H])       input gate    (how much of the candidate to write)
    f = σ(a[:, H:2H])      forget gate   (how much of the old cell state to keep)
    o = σ(a[:, 2H:3H])     output gate   (how much of the cell to show as h)
    g = tanh(a[:, 3H:4H])  candidate cell values
    next_c = f ⊙ prev_c + i ⊙ g
    next_h = o ⊙ tanh(next_c)

Gate order i, f, o, g is CS231n's. PyTorch's nn.LSTM and Keras stack the blocks as i, f, g, o
and keep two biases (b_ih + b_hh) where one b is enough; a weight copied from them must have its
third and fourth blocks swapped.

Shapes (CS231n): x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,); a
sequence is x (N, T, D) with h0 (N, H) and c0 = 0, and gives h (N, T, H). The cell state carries
the gradient backwards almost unchanged where f ≈ 1 (∂next_c/∂prev_c = f), which is why the
LSTM remembers over more steps than a plain RNN.

Speed: the sequence forward multiplies all inputs by Wx in one matmul up front, does one
(N, H) @ (H, 4H) per step, and the backward gathers dWx, dWh and dx in one matmul each after its
loop. Any real dtype is computed in float64; no argument is modified.
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

PARAM_KEYS = ("Wx", "Wh", "b")  # the cell's parameters, in the forward's argument order
FORGET_BIAS = 1.0  # init_lstm starts f ≈ σ(1) = 0.73: the cell remembers from the first step


class LSTMStepCache(NamedTuple):
    x: FloatArray  # (N, D) input
    prev_h: FloatArray  # (N, H)
    prev_c: FloatArray  # (N, H)
    Wx: FloatArray  # (D, 4H)
    Wh: FloatArray  # (H, 4H)
    gates: FloatArray  # (N, 4H) i, f, o, g after their σ / tanh
    tanh_c: FloatArray  # (N, H) tanh(next_c)


class LSTMCache(NamedTuple):  # time-major: step t is [t]
    xs: FloatArray  # (T, N, D) inputs
    prev_h: FloatArray  # (T, N, H) h_{t−1} at each step: h0 first
    prev_c: FloatArray  # (T, N, H) c_{t−1} at each step: zeros first
    Wx: FloatArray  # (D, 4H)
    Wh: FloatArray  # (H, 4H)
    gates: FloatArray  # (T, N, 4H) i, f, o, g of every step
    tanh_c: FloatArray  # (T, N, H) tanh(c_t)


# --- one step: the shared arithmetic -------------------------------------------------------------


def _activate(a: FloatArray, H: int) -> FloatArray:
    """Pre-activations (N, 4H) -> gates i, f, o, g (N, 4H), in place in `a` (a fresh array).

    One tanh for all four blocks: σ(a) = (1 + tanh(a/2)) / 2 on the first 3H columns (no
    overflow for any finite a), tanh(a) on the last H.
    """
    a[:, :3 * H] *= 0.5
    np.tanh(a, out=a)
    a[:, :3 * H] *= 0.5
    a[:, :3 * H] += 0.5
    return a


def _step_backward(dnext_h: FloatArray, dnext_c: FloatArray, prev_c: FloatArray,
                   gates: FloatArray, tanh_c: FloatArray, da: FloatArray) -> FloatArray:
    """Gradients of one step up to the pre-activations, written into da (N, 4H); returns
    dprev_c (N, H).

    dc = dnext_c + dnext_h ⊙ o ⊙ (1 − tanh²(c)), do = dnext_h ⊙ tanh(c), di = dc ⊙ g,
    df = dc ⊙ prev_c, dg = dc ⊙ i, dprev_c = dc ⊙ f; then through σ' = σ(1 − σ) and
    tanh' = 1 − tanh²: da = [di i(1−i), df f(1−f), do o(1−o), dg (1−g²)].
    """
    H = tanh_c.shape[1]
    i, f, o, g = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    dc = dnext_c + dnext_h * o * (1.0 - tanh_c * tanh_c)  # both paths into next_c
    np.multiply(dc, g, out=da[:, :H])  # ∂/∂i
    np.multiply(dc, prev_c, out=da[:, H:2 * H])  # ∂/∂f
    np.multiply(dnext_h, tanh_c, out=da[:, 2 * H:3 * H])  # ∂/∂o
    sigma = gates[:, :3 * H]
    da[:, :3 * H] *= sigma * (1.0 - sigma)  # through σ
    np.multiply(dc * i, 1.0 - g * g, out=da[:, 3 * H:])  # ∂/∂g through tanh
    dc *= f  # the cell state passes its gradient back through f alone
    return dc


# --- one step ------------------------------------------------------------------------------------


def lstm_step_forward(x: ArrayLike, prev_h: ArrayLike, prev_c: ArrayLike, Wx: ArrayLike,
                      Wh: ArrayLike, b: ArrayLike
                      ) -> tuple[FloatArray, FloatArray, LSTMStepCache]:
    r"""One LSTM step: the gates, the new cell state and the new hidden state.

    a = x Wx + prev_h Wh + b, split in four column blocks of H in the order i, f, o, g:
    i = σ(a_i), f = σ(a_f), o = σ(a_o) (input, forget, output gates), g = tanh(a_g);
    next_c = f ⊙ prev_c + i ⊙ g,  next_h = o ⊙ tanh(next_c).
    x: (N, D), prev_h: (N, H), prev_c: (N, H), Wx: (D, 4H), Wh: (H, 4H), b: (4H,)
    ->  next_h: (N, H), next_c: (N, H), cache for lstm_step_backward
    """
    name = "lstm_step_forward"
    x = as_inputs(name, x, 2)
    Wx, Wh, b = as_gate_weights(name, x.shape[1], 4, Wx, Wh, b=b)
    N, H = x.shape[0], Wh.shape[0]
    prev_h, prev_c = as_state(name, "prev_h", prev_h, N, H), as_state(name, "prev_c", prev_c, N, H)
    gates = _activate(x @ Wx + prev_h @ Wh + b, H)  # (N, 4H)
    next_c = gates[:, H:2 * H] * prev_c + gates[:, :H] * gates[:, 3 * H:]
    tanh_c = np.tanh(next_c)
    next_h = gates[:, 2 * H:3 * H] * tanh_c
    return next_h, next_c, LSTMStepCache(x, prev_h, prev_c, Wx, Wh, gates, tanh_c)


def lstm_step_backward(dnext_h: ArrayLike, dnext_c: ArrayLike, cache: LSTMStepCache
                       ) -> tuple[FloatArray, ...]:
    r"""Gradients of one LSTM step from the upstream ∂L/∂next_h and ∂L/∂next_c.

    dc = dnext_c + dnext_h ⊙ o ⊙ (1 − tanh²(next_c))   (next_c reaches L directly and through h)
    do = dnext_h ⊙ tanh(next_c), di = dc ⊙ g, df = dc ⊙ prev_c, dg = dc ⊙ i, dprev_c = dc ⊙ f;
    da = [di ⊙ i(1−i), df ⊙ f(1−f), do ⊙ o(1−o), dg ⊙ (1−g²)]  (N, 4H), order i, f, o, g;
    dx = da Wxᵀ, dprev_h = da Whᵀ, dWx = xᵀ da, dWh = prev_hᵀ da, db = Σ_n da[n].
    dnext_h: (N, H), dnext_c: (N, H)
    ->  dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)
    """
    x, prev_h, prev_c, Wx, Wh, gates, tanh_c = cache
    N, H = prev_h.shape
    dnext_h = as_state("lstm_step_backward", "dnext_h", dnext_h, N, H)
    dnext_c = as_state("lstm_step_backward", "dnext_c", dnext_c, N, H)
    da = np.empty_like(gates)  # (N, 4H)
    dprev_c = _step_backward(dnext_h, dnext_c, prev_c, gates, tanh_c, da)
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)


# --- a whole sequence ----------------------------------------------------------------------------
# The cache is time-major, (T, N, ...), so every step reads and writes contiguous (N, ...) blocks.


def lstm_forward(x: ArrayLike, h0: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, b: ArrayLike
                 ) -> tuple[FloatArray, LSTMCache]:
    r"""An LSTM over a whole sequence: lstm_step_forward at t = 0, 1, ..., T−1 from h0 and c0 = 0.

    (h_t, c_t) = step(x_t, h_{t−1}, c_{t−1}) with h_{−1} = h0, c_{−1} = 0; the gates are in the
    order i, f, o, g as in lstm_step_forward. The cell state stays inside; only h is returned.
    x: (N, T, D), h0: (N, H), Wx: (D, 4H), Wh: (H, 4H), b: (4H,)
    ->  h: (N, T, H) every hidden state, cache for lstm_backward
    """
    name = "lstm_forward"
    x = as_inputs(name, x, 3)
    N, T, D = x.shape
    Wx, Wh, b = as_gate_weights(name, D, 4, Wx, Wh, b=b)
    H = Wh.shape[0]
    h0 = as_state(name, "h0", h0, N, H)
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, N, D)
    gates = (xs.reshape(T * N, D) @ Wx + b).reshape(T, N, 4 * H)  # every x_t Wx + b at once
    hs, cs = np.empty((T + 1, N, H)), np.empty((T + 1, N, H))  # h_{t−1} and c_{t−1} at [t]
    hs[0], cs[0] = h0, 0.0
    tanh_c = np.empty((T, N, H))
    for t in range(T):
        g_t = gates[t]  # (N, 4H), a view: the gates overwrite their pre-activations
        g_t += hs[t] @ Wh  # (N, H) @ (H, 4H)
        _activate(g_t, H)
        np.multiply(g_t[:, H:2 * H], cs[t], out=cs[t + 1])  # f ⊙ c_{t−1}
        cs[t + 1] += g_t[:, :H] * g_t[:, 3 * H:]  # + i ⊙ g
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(g_t[:, 2 * H:3 * H], tanh_c[t], out=hs[t + 1])  # o ⊙ tanh(c_t)
    h = np.ascontiguousarray(hs[1:].transpose(1, 0, 2))  # (N, T, H), not a view of the cache
    return h, LSTMCache(xs, hs[:-1], cs[:-1], Wx, Wh, gates, tanh_c)


def lstm_backward(dh: ArrayLike, cache: LSTMCache) -> tuple[FloatArray, ...]:
    r"""Backpropagation through time of lstm_forward, from the upstream ∂L/∂h_t of every step.

    From t = T−1 down to 0: lstm_step_backward(dh_t + dh_next, dc_next, cache_t), where dh_next
    and dc_next are the dprev_h and dprev_c that step t+1 passed back (zeros at t = T−1): both
    the hidden state and the cell state carry gradient from the future. The weights' gradients
    are the sums over the steps; dh0 is the dprev_h of step 0.
    dh: (N, T, H)
    ->  dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)
    """
    xs, prev_h, prev_c, Wx, Wh, gates, tanh_c = cache
    T, N, H = prev_h.shape
    dh = np.asarray(dh, dtype=np.float64)
    if dh.shape != (N, T, H):
        raise ValueError(f"lstm_backward: dh has shape {dh.shape} but h had {(N, T, H)}")
    da = np.empty_like(gates)  # (T, N, 4H): the pre-activation gradient of every step
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dc_next = _step_backward(dh[:, t] + dh_next, dc_next, prev_c[t], gates[t], tanh_c[t],
                                 da[t])
        dh_next = da[t] @ Wh.T  # (N, 4H) @ (4H, H): what step t passes back to step t − 1
    D = xs.shape[2]
    da_flat = da.reshape(T * N, 4 * H)
    dx = (da_flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)  # (N, T, D)
    dWx = xs.reshape(T * N, D).T @ da_flat  # Σ_t x_tᵀ da_t in one matmul
    dWh = prev_h.reshape(T * N, H).T @ da_flat  # Σ_t h_{t−1}ᵀ da_t
    return np.ascontiguousarray(dx), dh_next, dWx, dWh, da_flat.sum(axis=0)


# --- the sine-wave task --------------------------------------------------------------------------

STEPS = 300  # Adam steps of train_sine: about 0.6 s; the loss ends near 1/25 of the baseline
LR = 0.02  # Adam's step size for H = 16 on sine_wave_data
TRAIN_N, TRAIN_T = 32, 30  # training sequences and their length


def init_lstm(D: int, H: int, seed: int = 0) -> dict[str, FloatArray]:
    """LSTM parameters: Wx ~ N(0, 1/D), Wh ~ N(0, 1/H) from default_rng(seed), b = 0 except the
    forget gate's block b[H:2H] = FORGET_BIAS.

    ->  {"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}
    """
    rng = np.random.default_rng(seed)
    b = np.zeros(4 * H)
    b[H:2 * H] = FORGET_BIAS
    return {"Wx": rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, 4 * H)),
            "Wh": rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, 4 * H)), "b": b}


def _cell_forward(x: FloatArray, h0: FloatArray, params: dict) -> tuple[FloatArray, object]:
    return lstm_forward(x, h0, params["Wx"], params["Wh"], params["b"])


def _cell_backward(dh: FloatArray, cache: object) -> dict[str, FloatArray]:
    _, _, dWx, dWh, db = lstm_backward(dh, cache)
    return {"Wx": dWx, "Wh": dWh, "b": db}


def train_sine(H: int = 16, steps: int = STEPS, lr: float = LR, seed: int = 0,
               N: int = TRAIN_N, T: int = TRAIN_T) -> tuple[dict[str, FloatArray], list[float]]:
    """Train an LSTM and a linear read-out to predict the next value of sine waves.

    Data: sine_wave_data(N, T, seed); parameters: init_lstm(1, H, seed + 1) and
    init_readout(H, seed + 2); training: train_regression (full-batch Adam, lr) for `steps`.
    ->  (params {"Wx", "Wh", "b", "Wy", "by"}, the loss before each step)
    """
    x, y = sine_wave_data(N, T, seed)
    params = {**init_lstm(1, H, seed + 1), **init_readout(H, seed + 2)}
    return train_regression(_cell_forward, _cell_backward, params, x, y, steps, lr)
