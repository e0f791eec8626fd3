"""A second correct solution of exercise 12 (GRU), written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`), the way a student
writes it from the formulas: σ through exp of a clipped argument, the gates from named slices
of x Wx + bx and prev_h Wh + bh, plain tuples as caches, a sequence forward that calls the step
forward at every time step and a backward that calls the step backward (no batched matmuls), no
input validation. The given helpers of the stub (the sine-wave task, adam, train_sine) follow
unchanged. Its source text is graded as an alternative correct submission (full marks
expected), and tests append a wrong function to it to build a wrong submission.
"""

import numpy as np

PARAM_KEYS = ("Wx", "Wh", "bx", "bh")
OMEGA_MIN, OMEGA_MAX = 0.2, 0.5
STEPS = 300
LR = 0.02
TRAIN_N, TRAIN_T = 32, 30
FloatArray = np.ndarray


def _sig(a):
    return 1.0 / (1.0 + np.exp(-np.clip(a, -500.0, 500.0)))


def _f(a):
    return np.asarray(a, dtype=np.float64)


def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
    x, prev_h, Wx, Wh, bx, bh = map(_f, (x, prev_h, Wx, Wh, bx, bh))
    H = prev_h.shape[1]
    ax = x @ Wx + bx
    ah = prev_h @ Wh + bh
    r = _sig(ax[:, :H] + ah[:, :H])
    z = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
    hn = ah[:, 2 * H:]
    n = np.tanh(ax[:, 2 * H:] + r * hn)
    next_h = (1.0 - z) * n + z * prev_h
    return next_h, (x, prev_h, Wx, Wh, r, z, n, hn)


def gru_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, r, z, n, hn = cache
    dnext_h = _f(dnext_h)
    dn = dnext_h * (1.0 - z) * (1.0 - n**2)
    dr = dn * hn * r * (1.0 - r)
    dz = dnext_h * (prev_h - n) * z * (1.0 - z)
    dax = np.hstack([dr, dz, dn])
    dah = np.hstack([dr, dz, dn * r])
    dprev_h = dah @ Wh.T + dnext_h * z
    return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(axis=0), dah.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, bx, bh):
    x, h = _f(x), _f(h0)
    hs, caches = [], []
    for t in range(x.shape[1]):
        h, cache = gru_step_forward(x[:, t, :], h, Wx, Wh, bx, bh)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def gru_backward(dh, cache):
    dh = _f(dh)
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh = np.zeros((D, 3 * H)), np.zeros((H, 3 * H))
    dbx, dbh = np.zeros(3 * H), np.zeros(3 * H)
    dh_prev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dh_prev, dWx_t, dWh_t, dbx_t, dbh_t = gru_step_backward(dh[:, t, :] + dh_prev,
                                                                      cache[t])
        dx[:, t, :] = dx_t
        dWx, dWh, dbx, dbh = dWx + dWx_t, dWh + dWh_t, dbx + dbx_t, dbh + dbh_t
    return dx, dh_prev, dWx, dWh, dbx, dbh


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
