r"""Exercise 12 — GRU: fill in every function that raises NotImplementedError; run
`grade exercise 12`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
You write one GRU step forward and backward, then a whole sequence (backpropagation through
time). Shapes: x (N, D) or (N, T, D), h (N, H), Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,).
The three column blocks of x Wx + bx and of prev_h Wh + bh are, in this order, the reset gate r,
the update gate z and the candidate n. The convention is PyTorch's nn.GRU:
    n = tanh(x Wx_n + bx_n + r ⊙ (prev_h Wh_n + bh_n)),   next_h = (1 − z) ⊙ n + z ⊙ prev_h
(r multiplies AFTER the matmul; z = 1 keeps the old state). The caches are yours to choose:
each backward receives exactly what its forward returned; GRUStepCache and GRUCache below are
ready-made suggestions.

Given in full: sigmoid, the sine-wave task (sine_wave_data, copy_baseline, init_readout,
readout_loss), adam, train_regression, init_gru and train_sine, which trains YOUR gru_forward
and gru_backward to predict the next value of sine waves (`grade exercise 12 --plot` draws it).
Never modify an argument (x, the state, the weights, dh, a cache) in place.
The instructions are in README.md (README.zh-TW.md).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

PARAM_KEYS = ("Wx", "Wh", "bx", "bh")  # the cell's parameters, in the forward's argument order
OMEGA_MIN, OMEGA_MAX = 0.2, 0.5  # sine waves' angular frequencies, radians per step
STEPS = 300  # Adam steps of train_sine
LR = 0.02  # Adam's step size
TRAIN_N, TRAIN_T = 32, 30  # training sequences and their length


def sigmoid(a: ArrayLike) -> FloatArray:
    """σ(a) = 1 / (1 + exp(-a)), without overflow for any finite a.  a: (...)  ->  (...)"""
    a = np.asarray(a, dtype=np.float64)
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


class GRUStepCache(NamedTuple):  # a suggestion
    x: FloatArray  # (N, D) input
    prev_h: FloatArray  # (N, H)
    Wx: FloatArray  # (D, 3H)
    Wh: FloatArray  # (H, 3H)
    r: FloatArray  # (N, H) reset gate
    z: FloatArray  # (N, H) update gate
    n: FloatArray  # (N, H) candidate
    hn: FloatArray  # (N, H) prev_h Wh_n + bh_n, the part r multiplies


class GRUCache(NamedTuple):  # a suggestion
    steps: list  # the GRUStepCache of every step, t = 0 .. T−1


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
    raise NotImplementedError("exercise 12: write gru_step_forward")


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
    raise NotImplementedError("exercise 12: write gru_step_backward")


# --- a whole sequence (backpropagation through time) ----------------------------------------


def gru_forward(x: ArrayLike, h0: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, bx: ArrayLike,
                bh: ArrayLike) -> tuple[FloatArray, GRUCache]:
    r"""A GRU over a whole sequence: gru_step_forward at t = 0, 1, ..., T−1 from h0.

    h_t = step(x_t, h_{t−1}) with h_{−1} = h0, the gates as in gru_step_forward.
    x: (N, T, D), h0: (N, H), Wx: (D, 3H), Wh: (H, 3H), bx: (3H,), bh: (3H,)
    ->  h: (N, T, H) every hidden state, cache for gru_backward
    """
    raise NotImplementedError("exercise 12: write gru_forward")


def gru_backward(dh: ArrayLike, cache: GRUCache) -> tuple[FloatArray, ...]:
    r"""Backpropagation through time of gru_forward, from the upstream ∂L/∂h_t of every step.

    From t = T−1 down to 0: gru_step_backward(dh_t + dh_next, cache_t), where dh_next is the
    dprev_h that step t+1 passed back (zeros at t = T−1); the weights' and biases' gradients
    are the sums over the steps; dh0 is the dprev_h of step 0.
    dh: (N, T, H)
    ->  dx (N, T, D), dh0 (N, H), dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,)
    """
    raise NotImplementedError("exercise 12: write gru_backward")


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
    """Train YOUR GRU (gru_forward, gru_backward) and a linear read-out to predict the next
    value of sine waves.

    Data: sine_wave_data(N, T, seed); parameters: init_gru(1, H, seed + 1) and
    init_readout(H, seed + 2); training: train_regression (full-batch Adam, lr) for `steps`.
    ->  (params {"Wx", "Wh", "bx", "bh", "Wy", "by"}, the loss before each step)
    """
    x, y = sine_wave_data(N, T, seed)
    params = {**init_gru(1, H, seed + 1), **init_readout(H, seed + 2)}
    return train_regression(_cell_forward, _cell_backward, params, x, y, steps, lr)
