r"""Exercise 11 — LSTM (長短期記憶): fill in every function that raises NotImplementedError; run
`grade exercise 11`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
You write one LSTM step forward and backward, then a whole sequence (backpropagation through
time), with CS231n's shapes: x (N, D) or (N, T, D), h and c (N, H), Wx (D, 4H), Wh (H, 4H),
b (4H,). The four column blocks of a = x Wx + prev_h Wh + b are the gates in the order
i, f, o, g (input, forget, output, candidate): a[:, 0:H] is i, a[:, H:2H] is f, and so on.
The caches are yours to choose: each backward receives exactly what its forward returned;
LSTMStepCache and LSTMCache below are ready-made suggestions.

Given in full: sigmoid, the sine-wave task (sine_wave_data, copy_baseline, init_readout,
readout_loss), adam, train_regression, init_lstm and train_sine, which trains YOUR lstm_forward
and lstm_backward to predict the next value of sine waves (`grade exercise 11 --plot` draws it).
Never modify an argument (x, the states, the weights, dh, a cache) in place.
The instructions are in README.md (README.zh-TW.md).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

PARAM_KEYS = ("Wx", "Wh", "b")  # the cell's parameters, in the forward's argument order
FORGET_BIAS = 1.0  # init_lstm starts f ≈ σ(1) = 0.73: the cell remembers from the first step
OMEGA_MIN, OMEGA_MAX = 0.2, 0.5  # sine waves' angular frequencies, radians per step
STEPS = 300  # Adam steps of train_sine
LR = 0.02  # Adam's step size
TRAIN_N, TRAIN_T = 32, 30  # training sequences and their length


def sigmoid(a: ArrayLike) -> FloatArray:
    """σ(a) = 1 / (1 + exp(-a)), without overflow for any finite a.  a: (...)  ->  (...)"""
    a = np.asarray(a, dtype=np.float64)
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


class LSTMStepCache(NamedTuple):  # a suggestion
    x: FloatArray  # (N, D) input
    prev_h: FloatArray  # (N, H)
    prev_c: FloatArray  # (N, H)
    Wx: FloatArray  # (D, 4H)
    Wh: FloatArray  # (H, 4H)
    gates: FloatArray  # (N, 4H) i, f, o, g after their σ / tanh
    next_c: FloatArray  # (N, H)


class LSTMCache(NamedTuple):  # a suggestion
    steps: list  # the LSTMStepCache of every step, t = 0 .. T−1


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
    raise NotImplementedError("exercise 11: write lstm_step_forward")


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
    raise NotImplementedError("exercise 11: write lstm_step_backward")


# --- a whole sequence (backpropagation through time) ----------------------------------------


def lstm_forward(x: ArrayLike, h0: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, b: ArrayLike
                 ) -> tuple[FloatArray, LSTMCache]:
    r"""An LSTM over a whole sequence: lstm_step_forward at t = 0, 1, ..., T−1 from h0 and c0 = 0.

    (h_t, c_t) = step(x_t, h_{t−1}, c_{t−1}) with h_{−1} = h0, c_{−1} = 0; the gates are in the
    order i, f, o, g as in lstm_step_forward. The cell state stays inside; only h is returned.
    x: (N, T, D), h0: (N, H), Wx: (D, 4H), Wh: (H, 4H), b: (4H,)
    ->  h: (N, T, H) every hidden state, cache for lstm_backward
    """
    raise NotImplementedError("exercise 11: write lstm_forward")


def lstm_backward(dh: ArrayLike, cache: LSTMCache) -> tuple[FloatArray, ...]:
    r"""Backpropagation through time of lstm_forward, from the upstream ∂L/∂h_t of every step.

    From t = T−1 down to 0: lstm_step_backward(dh_t + dh_next, dc_next, cache_t), where dh_next
    and dc_next are the dprev_h and dprev_c that step t+1 passed back (zeros at t = T−1): both
    the hidden state and the cell state carry gradient from the future. The weights' gradients
    are the sums over the steps; dh0 is the dprev_h of step 0.
    dh: (N, T, H)
    ->  dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)
    """
    raise NotImplementedError("exercise 11: write lstm_backward")


# --- given: the sine-wave task and its training loop -------------------------------------------


def sine_wave_data(N: int, T: int, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """N sine waves of T + 1 samples: inputs x_t = s_t and next-value targets y_t = s_{t+1}.

    s_t = sin(ω t + φ) with ω ~ U[OMEGA_MIN, OMEGA_MAX] and φ ~ U[0, 2π) per sequence, drawn
    from default_rng(seed) (first the N frequencies, then the N phases).
    ->  x: (N, T, 1), y: (N, T, 1), float64
    """
    rng = np.random.default_rng(seed)
    omega = rng.uniform(OMEGA_MIN, OMEGA_MAX, size=(N, 1))
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(N, 1))
    s = np.sin(omega * np.arange(T + 1) + phase)  # (N, T + 1)
    return s[:, :-1, None], s[:, 1:, None]


def copy_baseline(x: FloatArray, y: FloatArray) -> float:
    """Mean squared error of the memoryless guess ŷ_t = x_t.  x, y: (N, T, 1)  ->  float"""
    return float(np.mean((np.asarray(x, dtype=np.float64) - y) ** 2))


def init_readout(H: int, seed: int = 0) -> dict[str, FloatArray]:
    """Wy ~ N(0, 1/H) from default_rng(seed), by = 0.  ->  {"Wy": (H, 1), "by": (1,)}"""
    rng = np.random.default_rng(seed)
    return {"Wy": rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, 1)), "by": np.zeros(1)}


def readout_loss(h: FloatArray, y: FloatArray, Wy: FloatArray, by: FloatArray
                 ) -> tuple[float, FloatArray, dict[str, FloatArray]]:
    """Mean squared error of ŷ = h Wy + by and its gradients.

    h: (N, T, H), y: (N, T, 1)  ->  (loss, dh (N, T, H), {"Wy": (H, 1), "by": (1,)})
    """
    N, T, H = h.shape
    pred = h @ Wy + by  # (N, T, 1)
    dpred = 2.0 * (pred - y) / (N * T)
    grads = {"Wy": h.reshape(N * T, H).T @ dpred.reshape(N * T, 1), "by": dpred.sum(axis=(0, 1))}
    return float(np.mean((pred - y) ** 2)), dpred @ Wy.T, grads


def adam(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam (exercise 06): -> (next_w, {"m", "v", "t"}); state None on the first call."""
    state = state or {"m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}
    t = state["t"] + 1
    m = beta1 * state["m"] + (1.0 - beta1) * dw
    v = beta2 * state["v"] + (1.0 - beta2) * dw * dw
    m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def train_regression(cell_forward, cell_backward, params: dict, x: FloatArray, y: FloatArray,
                     steps: int, lr: float) -> tuple[dict[str, FloatArray], list[float]]:
    """Full-batch Adam on the read-out loss of a recurrent cell; h0 = 0.

    cell_forward(x, h0, params) -> (h, cache), cell_backward(dh, cache) -> {name: grad}.
    ->  (the trained params as a new dict, the loss before each step)
    """
    params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    h0 = np.zeros((x.shape[0], params["Wy"].shape[0]))
    states = dict.fromkeys(params)
    losses = []
    for _ in range(steps):
        h, cache = cell_forward(x, h0, params)
        loss, dh, grads = readout_loss(h, y, params["Wy"], params["by"])
        grads.update(cell_backward(dh, cache))
        losses.append(loss)
        for key in params:
            params[key], states[key] = adam(params[key], grads[key], states[key], lr=lr)
    return params, losses


def init_lstm(D: int, H: int, seed: int = 0) -> dict[str, FloatArray]:
    """Wx ~ N(0, 1/D), Wh ~ N(0, 1/H) from default_rng(seed), b = 0 but b[H:2H] = FORGET_BIAS.

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
    """Train YOUR LSTM (lstm_forward, lstm_backward) and a linear read-out to predict the next
    value of sine waves.

    Data: sine_wave_data(N, T, seed); parameters: init_lstm(1, H, seed + 1) and
    init_readout(H, seed + 2); training: train_regression (full-batch Adam, lr) for `steps`.
    ->  (params {"Wx", "Wh", "b", "Wy", "by"}, the loss before each step)
    """
    x, y = sine_wave_data(N, T, seed)
    params = {**init_lstm(1, H, seed + 1), **init_readout(H, seed + 2)}
    return train_regression(_cell_forward, _cell_backward, params, x, y, steps, lr)
