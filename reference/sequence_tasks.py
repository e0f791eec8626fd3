r"""A sequence task for the recurrent cells (exercises 11 LSTM and 12 GRU), and its training loop.

Sine-wave next-value prediction, many-to-many (多對多, seed 000_26ce816d45ad6304.txt): every
sequence is a sine wave with its own frequency and phase,

    s_t = sin(ω t + φ),  t = 0, 1, ..., T,   ω ~ U[OMEGA_MIN, OMEGA_MAX],  φ ~ U[0, 2π),

the input is x_t = s_t for t < T and the target is the next value y_t = s_{t+1}. One value alone
says neither whether the wave is rising or falling nor how fast it turns: a cell has to remember
the previous values, which is what its hidden state (and the LSTM's cell state) is for.

The model is a recurrent cell followed by a linear read-out at every time step,

    h = cell(x, h0 = 0)  (N, T, H),   ŷ = h Wy + by  (N, T, 1),   loss = mean_{n,t} (ŷ − y)²,

trained by full-batch Adam (reference.optimizers.adam) on the cell's and the read-out's
parameters. The cell enters as two functions, so one loop drives the LSTM and the GRU alike:

    cell_forward(x, h0, params) -> (h, cache)      cell_backward(dh, cache) -> {name: grad}

A model that predicts the current value (ŷ_t = x_t) has the mean squared error
E[(s_{t+1} − s_t)²] = 1 − E[cos ω], about 0.06 here: that is the bar to clear, and a trained
cell goes far below it. Any real dtype is computed in float64; no argument is modified.
"""

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.optimizers import adam

FloatArray = NDArray[np.float64]

OMEGA_MIN, OMEGA_MAX = 0.2, 0.5  # radians per step: 13 to 31 steps per period
READOUT_KEYS = ("Wy", "by")  # the read-out's parameters, next to the cell's in one dict


def sine_wave_data(N: int, T: int, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """N sine waves of T + 1 samples: inputs x_t = s_t and next-value targets y_t = s_{t+1}.

    s_t = sin(ω t + φ) with ω ~ U[OMEGA_MIN, OMEGA_MAX] and φ ~ U[0, 2π) per sequence, drawn
    from default_rng(seed) (first the N frequencies, then the N phases).
    ->  x: (N, T, 1), y: (N, T, 1), float64
    """
    for name, n in (("N", N), ("T", T)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"sine_wave_data: {name} = {n!r}; need an integer >= 1")
    rng = np.random.default_rng(seed)
    omega = rng.uniform(OMEGA_MIN, OMEGA_MAX, size=(N, 1))  # (N, 1)
    phase = rng.uniform(0.0, 2.0 * np.pi, size=(N, 1))
    s = np.sin(omega * np.arange(T + 1) + phase)  # (N, T + 1)
    return s[:, :-1, None], s[:, 1:, None]  # (N, T, 1) each


def copy_baseline(x: FloatArray, y: FloatArray) -> float:
    """Mean squared error of the memoryless guess ŷ_t = x_t (the wave stands still).

    x, y: (N, T, 1)  ->  float
    """
    return float(np.mean((np.asarray(x, dtype=np.float64) - y) ** 2))


def init_readout(H: int, seed: int = 0) -> dict[str, FloatArray]:
    """The read-out's parameters: Wy ~ N(0, 1/H) from default_rng(seed), by = 0.

    ->  {"Wy": (H, 1), "by": (1,)}
    """
    rng = np.random.default_rng(seed)
    return {"Wy": rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, 1)), "by": np.zeros(1)}


def readout_loss(h: FloatArray, y: FloatArray, Wy: FloatArray, by: FloatArray
                 ) -> tuple[float, FloatArray, dict[str, FloatArray]]:
    r"""Mean squared error of the read-out ŷ = h Wy + by, and its gradients.

    loss = (1/(N T)) Σ_{n,t} (ŷ − y)², dŷ = 2 (ŷ − y) / (N T), dh = dŷ Wyᵀ,
    dWy = Σ_{n,t} h_{n,t}ᵀ dŷ_{n,t}, dby = Σ_{n,t} dŷ_{n,t}.
    h: (N, T, H), y: (N, T, 1), Wy: (H, 1), by: (1,)  ->  (loss, dh (N, T, H), {"Wy", "by"})
    """
    N, T, H = h.shape
    pred = h @ Wy + by  # (N, T, H) @ (H, 1) -> (N, T, 1)
    dpred = 2.0 * (pred - y) / (N * T)  # (N, T, 1)
    grads = {"Wy": h.reshape(N * T, H).T @ dpred.reshape(N * T, 1), "by": dpred.sum(axis=(0, 1))}
    return float(np.mean((pred - y) ** 2)), dpred @ Wy.T, grads


# --- argument checks shared by reference.lstm and reference.gru ---------------------------------


def as_inputs(name: str, x: ArrayLike, ndim: int) -> FloatArray:
    """x as float64, after checking it is (N, D) (ndim 2) or (N, T, D) (ndim 3) with N >= 1."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != ndim or x.shape[0] == 0:
        shape = "(N, D)" if ndim == 2 else "(N, T, D)"
        raise ValueError(f"{name}: x must have shape {shape} with N >= 1, got {x.shape}")
    return x


def as_state(name: str, what: str, v: ArrayLike, N: int, H: int) -> FloatArray:
    """A hidden or cell state (or its gradient) as float64, after checking it is (N, H)."""
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (N, H):
        raise ValueError(f"{name}: {what} has shape {v.shape} but must be (N, H) = {(N, H)}")
    return v


def as_gate_weights(name: str, D: int, gates: int, Wx: ArrayLike, Wh: ArrayLike,
                    **biases: ArrayLike) -> tuple[FloatArray, ...]:
    """Wx (D, kH), Wh (H, kH) and each bias (kH,) as float64, k = `gates` column blocks,
    after checking the shapes against D; returned in the order Wx, Wh, *biases."""
    Wx, Wh = np.asarray(Wx, dtype=np.float64), np.asarray(Wh, dtype=np.float64)
    k = gates
    if Wh.ndim != 2 or Wh.shape[1] != k * Wh.shape[0] or Wh.shape[0] == 0:
        raise ValueError(f"{name}: Wh must have shape (H, {k}H) with H >= 1, got {Wh.shape}")
    H = Wh.shape[0]
    if Wx.shape != (D, k * H):
        raise ValueError(f"{name}: Wx has shape {Wx.shape} but must be (D, {k}H) = "
                         f"{(D, k * H)}")
    out = [Wx, Wh]
    for label, bias in biases.items():
        bias = np.asarray(bias, dtype=np.float64)
        if bias.shape != (k * H,):
            raise ValueError(f"{name}: {label} has shape {bias.shape} but must be ({k}H,) = "
                             f"({k * H},)")
        out.append(bias)
    return tuple(out)


# --- training ------------------------------------------------------------------------------------


CellForward = Callable[[FloatArray, FloatArray, dict], tuple[FloatArray, object]]
CellBackward = Callable[[FloatArray, object], dict]


def train_regression(cell_forward: CellForward, cell_backward: CellBackward, params: dict,
                     x: FloatArray, y: FloatArray, steps: int, lr: float
                     ) -> tuple[dict[str, FloatArray], list[float]]:
    """Full-batch Adam on the read-out loss of a recurrent cell; h0 = 0.

    Each step: h, cache = cell_forward(x, h0, params); loss, dh, read-out grads from
    readout_loss; the cell's grads from cell_backward(dh, cache); then every parameter p
    (the cell's and "Wy", "by") takes an Adam step with its own state and learning rate lr.
    params: the cell's parameters and "Wy" (H, 1), "by" (1,); x: (N, T, D), y: (N, T, 1)
    ->  (the trained params as a new dict, the loss before each step: `steps` floats)
    """
    if steps < 0 or lr <= 0:
        raise ValueError(f"train_regression: need steps >= 0 and lr > 0, got {steps}, {lr}")
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    h0 = np.zeros((x.shape[0], params["Wy"].shape[0]))  # (N, H)
    states: dict = dict.fromkeys(params)
    losses = []
    for _ in range(steps):
        h, cache = cell_forward(x, h0, params)
        loss, dh, grads = readout_loss(h, y, params["Wy"], params["by"])
        grads.update(cell_backward(dh, cache))
        losses.append(loss)
        for key in params:
            params[key], states[key] = adam(params[key], grads[key], states[key], lr=lr)
    return params, losses
