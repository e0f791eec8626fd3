"""A second correct solution of exercise 10, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): the sequence forward
keeps a list of per-step caches (dicts) and its backward calls the step backward on them; the
output layer by einsum; the loss by one-hot products; the three sequence shapes written out one
by one; clipping by an explicit loop over the tensors; no validation.
"""

import numpy as np

NORM_EPS = 1e-12
PARAM_KEYS = ("Wx", "Wh", "b", "Wy", "by")


def _f(a):
    return np.asarray(a, dtype=np.float64)


# --- given in the stub ---------------------------------------------------------------------------


def global_norm(grads):
    return float(np.sqrt(sum(float(np.sum(_f(g) ** 2)) for g in grads)))


def clip_by_norm(grads, max_norm):
    scale = min(1.0, max_norm / (global_norm(grads) + NORM_EPS))
    return [_f(g) * scale for g in grads]


def orthogonal(a):
    q, r = np.linalg.qr(np.asarray(a, dtype=np.float64))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def init_rnn_params(D, H, C, seed=0):
    rng = np.random.default_rng(seed)
    Wx = rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, H))
    Wh = 0.5 * orthogonal(rng.normal(size=(H, H)))
    Wy = rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, C))
    return {"Wx": Wx, "Wh": Wh, "b": np.zeros(H), "Wy": Wy, "by": np.zeros(C)}


def make_sequences(N=200, T=8, seed=0):
    x = np.random.default_rng(seed).normal(size=(N, T, 1))
    return x, (x.sum(axis=(1, 2)) > 0).astype(np.int64)


# --- the cell ------------------------------------------------------------------------------------


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    x, prev_h, Wx, Wh, b = map(_f, (x, prev_h, Wx, Wh, b))
    h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    return h, {"x": x, "prev": prev_h, "Wx": Wx, "Wh": Wh, "h": h}


def rnn_step_backward(dnext_h, cache):
    da = _f(dnext_h) * (1.0 - np.square(cache["h"]))
    return (np.dot(da, cache["Wx"].T), np.dot(da, cache["Wh"].T), np.dot(cache["x"].T, da),
            np.dot(cache["prev"].T, da), np.sum(da, axis=0))


def rnn_forward(x, h0, Wx, Wh, b):
    x = _f(x)
    h = _f(h0)
    states, caches = [], []
    for t in range(x.shape[1]):
        h, c = rnn_step_forward(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
        caches.append(c)
    return np.stack(states, axis=1), caches


def rnn_backward(dh, cache):
    dh = _f(dh)
    dxs = []
    dprev = np.zeros_like(cache[0]["prev"])
    total = None
    for t in range(len(cache) - 1, -1, -1):
        dx_t, dprev, *dw = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
        dxs.append(dx_t)
        total = dw if total is None else [a + g for a, g in zip(total, dw, strict=True)]
    return (np.stack(dxs[::-1], axis=1), dprev, *total)


# --- output layer and loss -----------------------------------------------------------------------


def temporal_affine_forward(h, W, b):
    h, W, b = _f(h), _f(W), _f(b)
    return np.einsum("nth,hm->ntm", h, W) + b, (h, W)


def temporal_affine_backward(dout, cache):
    h, W = cache
    dout = _f(dout)
    return (np.einsum("ntm,hm->nth", dout, W), np.einsum("nth,ntm->hm", h, dout),
            dout.sum(axis=1).sum(axis=0))


def temporal_softmax_loss(scores, y, mask=None):
    scores = _f(scores)
    N, T, C = scores.shape
    onehot = np.eye(C)[np.asarray(y)]  # (N, T, C)
    m = np.ones((N, T)) if mask is None else _f(mask)
    z = scores - np.max(scores, axis=-1, keepdims=True)
    p = np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    loss = -np.sum(m[:, :, None] * onehot * log_p) / N
    return float(loss), (p - onehot) * m[:, :, None] / N


# --- the seeds' sequence shapes ------------------------------------------------------------------


def _run(params, x):
    p = {k: _f(params[k]) for k in PARAM_KEYS}
    h, cache = rnn_forward(x, np.zeros((x.shape[0], p["Wh"].shape[0])), p["Wx"], p["Wh"],
                           p["b"])
    return p, h, cache


def many_to_one_loss(params, x, y):
    x = _f(x)
    p, h, cache = _run(params, x)
    last = h[:, -1, :]
    scores = last @ p["Wy"] + p["by"]
    loss, dscores = temporal_softmax_loss(scores[:, None, :], np.asarray(y)[:, None])
    dscores = dscores[:, 0, :]
    dh = np.zeros_like(h)
    dh[:, -1, :] = dscores @ p["Wy"].T
    _, _, dWx, dWh, db = rnn_backward(dh, cache)
    return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": last.T @ dscores,
                  "by": dscores.sum(axis=0)}


def _every_step(params, x, y, mask):
    p, h, cache = _run(params, x)
    scores, out_cache = temporal_affine_forward(h, p["Wy"], p["by"])
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    dh, dWy, dby = temporal_affine_backward(dscores, out_cache)
    _, _, dWx, dWh, db = rnn_backward(dh, cache)
    return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}


def one_to_many_loss(params, x, y):
    x = _f(x)
    T = np.asarray(y).shape[1]
    return _every_step(params, np.stack([x] * T, axis=1), y, None)


def many_to_many_loss(params, x, y, mask=None):
    return _every_step(params, _f(x), y, mask)


# --- clipping, training, experiment --------------------------------------------------------------


def clip_gradients(grads, max_norm):
    norm = 0.0
    for g in grads.values():
        norm += float(np.sum(_f(g) ** 2))
    norm = norm ** 0.5
    scale = min(1.0, max_norm / (norm + NORM_EPS))
    return {k: _f(g) * scale for k, g in grads.items()}, norm


def train_many_to_one(x, y, H=16, lr=0.5, steps=300, max_norm=1.0, seed=0):
    x, y = _f(x), np.asarray(y)
    params = init_rnn_params(x.shape[2], H, int(y.max()) + 1, seed)
    history = []
    for _ in range(steps):
        loss, grads = many_to_one_loss(params, x, y)
        history.append(loss)
        grads, _ = clip_gradients(grads, max_norm)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, np.array(history)


def gradient_through_time(radius, T=30, N=8, D=4, H=16, input_scale=0.1, seed=0):
    rng = np.random.default_rng(seed)
    Wh = radius * orthogonal(rng.normal(size=(H, H)))
    Wx = rng.normal(size=(D, H)) * input_scale / np.sqrt(D)
    x = rng.normal(size=(N, T, D))
    G = rng.normal(size=(N, H))
    h, caches = np.zeros((N, H)), []
    for t in range(T):
        h, c = rnn_step_forward(x[:, t], h, Wx, Wh, np.zeros(H))
        caches.append(c)
    norms = []
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dh = G
    for t in reversed(range(T)):
        norms.append(np.sqrt(np.sum(dh * dh)))
        _, dh, gx, gh, gb = rnn_step_backward(dh, caches[t])
        dWx, dWh, db = dWx + gx, dWh + gh, db + gb
    return np.array(norms[::-1]), {"Wx": dWx, "Wh": dWh, "b": db}
