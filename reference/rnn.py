r"""Recurrent networks (RNN, 循環神經網路): a vanilla RNN, backpropagation through time (BPTT),
the seeds' sequence shapes, gradient clipping, and vanishing/exploding gradients over time.

Seed 000 (000_26ce816d45ad6304.txt, 「RNN (Recurrent Neural Network,循環神經網路)」): an RNN is
"designed for sequential data; it remembers past information and uses it for new events, but only
short-term memory". Its sequence shapes (不同類型的序列建模) are many-to-one (the slide titles it
「一對一(Many-to-one)」: the Chinese says one-to-one, the English and the picture say many-to-one,
多對一), one-to-many (一對多) and many-to-many (多對多); unrolled in time (將 RNN 展開) the
network is one layer applied at every step with the same weights. Its difficulties are 梯度消失
(vanishing) and 梯度爆炸 (exploding gradients): "if the input is too long it cannot remember the
early data"; seed 004 lists 梯度修剪 (gradient clipping) among the remedies.

The cell, with CS231n's shapes (N batch, T time, D input features, H hidden units):

    a_t = x_t Wx + h_{t−1} Wh + b,    h_t = tanh(a_t),    t = 1 … T

x: (N, T, D), h0: (N, H), Wx: (D, H), Wh: (H, H), b: (H,)  ->  h: (N, T, H).
Backward, with dh_t the total gradient reaching h_t (its own upstream part plus what flows back
from step t + 1): da_t = dh_t ⊙ (1 − h_t²), dx_t = da_t Wxᵀ, dh_{t−1} += da_t Whᵀ, and the
shared weights collect every step: dWx = Σ_t x_tᵀ da_t, dWh = Σ_t h_{t−1}ᵀ da_t, db = Σ_t Σ_n da_t.

Output layers and losses for the three shapes use params = {"Wx": (D, H), "Wh": (H, H),
"b": (H,), "Wy": (H, C), "by": (C,)}, h0 = 0, scores = h Wy + by and a softmax cross-entropy
summed over the steps that count and divided by N (CS231n's temporal softmax loss).

Gradient clipping reuses exercise 08's global_norm and clip_by_norm (reference.regularization):
the student's stub gives them in full. Any real dtype is computed in float64; no argument is
modified.
"""

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Params = dict[str, FloatArray]

PARAM_KEYS = ("Wx", "Wh", "b", "Wy", "by")  # the keys of params and of grads
RNN_KEYS = ("Wx", "Wh", "b")  # the recurrent cell's parameters (the experiment's grads)
LR = 0.5  # train_many_to_one: full-batch gradient descent on the mean cross-entropy
STEPS = 300  # H = 16 reaches 100 % training accuracy on make_sequences(200, 8) (check: 95 %)
MAX_NORM = 1.0  # global-norm clip of every update in train_many_to_one
INPUT_SCALE = 0.1  # gradient_through_time: small inputs keep tanh near its linear regime
NORM_EPS = 1e-12  # clip_gradients: avoids 0/0 when every gradient is zero


def _f64(name: str, a_name: str, a: ArrayLike, ndim: int) -> FloatArray:
    """a as float64 with `ndim` dimensions, or a ValueError naming the function and argument."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name}: {a_name} must have {ndim} dimensions, got shape {arr.shape}")
    return arr


def _weights(name: str, D: int, H: int, Wx, Wh, b) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Wx (D, H), Wh (H, H), b (H,) as float64, shapes checked against D and H."""
    Wx, Wh, b = (np.asarray(a, dtype=np.float64) for a in (Wx, Wh, b))
    for a_name, a, shape in (("Wx", Wx, (D, H)), ("Wh", Wh, (H, H)), ("b", b, (H,))):
        if a.shape != shape:
            raise ValueError(f"{name}: {a_name} must have shape {shape} (D = {D}, H = {H}), "
                             f"got {a.shape}")
    return Wx, Wh, b


# --- one step ------------------------------------------------------------------------------------


class RnnStepCache(NamedTuple):
    x: FloatArray  # (N, D) input of the step
    prev_h: FloatArray  # (N, H) h_{t−1}
    Wx: FloatArray  # (D, H)
    Wh: FloatArray  # (H, H)
    next_h: FloatArray  # (N, H) h_t = tanh(a_t): tanh' = 1 − h_t² needs only this


def rnn_step_forward(
    x: ArrayLike, prev_h: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, b: ArrayLike
) -> tuple[FloatArray, RnnStepCache]:
    r"""One step of a vanilla RNN: h_t = tanh(x_t Wx + h_{t−1} Wh + b).

    x: (N, D), prev_h: (N, H), Wx: (D, H), Wh: (H, H), b: (H,)
    ->  next_h: (N, H), cache for rnn_step_backward
    """
    x = _f64("rnn_step_forward", "x", x, 2)
    prev_h = _f64("rnn_step_forward", "prev_h", prev_h, 2)
    N, D = x.shape
    H = prev_h.shape[1]
    if prev_h.shape[0] != N:
        raise ValueError(f"rnn_step_forward: prev_h has {prev_h.shape[0]} rows but x has N = {N}")
    Wx, Wh, b = _weights("rnn_step_forward", D, H, Wx, Wh, b)
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)  # (N, D) @ (D, H) + (N, H) @ (H, H) + (H,)
    return next_h, RnnStepCache(x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(
    dnext_h: ArrayLike, cache: RnnStepCache
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Gradients of one RNN step, from dnext_h = ∂L/∂h_t.

    da = dnext_h ⊙ (1 − h_t²)   (tanh' from the OUTPUT h_t, not from the pre-activation a_t)
    dx = da Wxᵀ, dprev_h = da Whᵀ, dWx = xᵀ da, dWh = h_{t−1}ᵀ da, db = Σ_n da

    dnext_h: (N, H)  ->  dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,)
    """
    x, prev_h, Wx, Wh, next_h = cache
    dnext_h = np.asarray(dnext_h, dtype=np.float64)
    if dnext_h.shape != next_h.shape:
        raise ValueError(f"rnn_step_backward: dnext_h has shape {dnext_h.shape} but next_h had "
                         f"{next_h.shape}")
    da = dnext_h * (1.0 - next_h * next_h)  # (N, H)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


# --- a whole sequence ----------------------------------------------------------------------------


class RnnCache(NamedTuple):
    x: FloatArray  # (N, T, D) inputs
    h0: FloatArray  # (N, H) initial hidden state
    Wx: FloatArray  # (D, H)
    Wh: FloatArray  # (H, H)
    h: FloatArray  # (N, T, H) every hidden state h_1 … h_T


def rnn_forward(
    x: ArrayLike, h0: ArrayLike, Wx: ArrayLike, Wh: ArrayLike, b: ArrayLike
) -> tuple[FloatArray, RnnCache]:
    r"""A vanilla RNN over a whole sequence: h_t = tanh(x_t Wx + h_{t−1} Wh + b), t = 1 … T.

    The same Wx, Wh, b at every step (the unrolled network shares its weights).
    x: (N, T, D), h0: (N, H), Wx: (D, H), Wh: (H, H), b: (H,)
    ->  h: (N, T, H) with h[:, t − 1] = h_t, cache for rnn_backward
    """
    x = _f64("rnn_forward", "x", x, 3)
    h0 = _f64("rnn_forward", "h0", h0, 2)
    N, T, D = x.shape
    H = h0.shape[1]
    if h0.shape[0] != N:
        raise ValueError(f"rnn_forward: h0 has {h0.shape[0]} rows but x has N = {N}")
    Wx, Wh, b = _weights("rnn_forward", D, H, Wx, Wh, b)
    h = np.empty((N, T, H))
    prev = h0
    for t in range(T):
        prev = h[:, t] = np.tanh(x[:, t] @ Wx + prev @ Wh + b)  # (N, H)
    return h, RnnCache(x, h0, Wx, Wh, h)


def rnn_backward(
    dh: ArrayLike, cache: RnnCache
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Backpropagation through time (BPTT) of rnn_forward.

    dh holds only the upstream gradients ∂L/∂h_t that the layers above send to each step. Going
    back from t = T to 1, the total gradient at h_t is dh[:, t − 1] plus dprev_h of step t + 1;
    each step goes through rnn_step_backward, and the shared weights' gradients are summed over
    all steps. dh0 is the dprev_h that step 1 sends to h0.

    dh: (N, T, H)  ->  dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)
    """
    x, h0, Wx, Wh, h = cache
    dh = np.asarray(dh, dtype=np.float64)
    if dh.shape != h.shape:
        raise ValueError(f"rnn_backward: dh has shape {dh.shape} but h had {h.shape}")
    T = x.shape[1]
    dx = np.empty_like(x)  # (N, T, D)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    dprev = np.zeros_like(h0)  # (N, H) what flows back into h_t from step t + 1
    for t in reversed(range(T)):
        prev_h = h[:, t - 1] if t > 0 else h0
        step = RnnStepCache(x[:, t], prev_h, Wx, Wh, h[:, t])
        dx[:, t], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev, step)
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev, dWx, dWh, db


# --- output layer and loss over time -------------------------------------------------------------


class TemporalAffineCache(NamedTuple):
    h: FloatArray  # (N, T, H) input
    W: FloatArray  # (H, M)


def temporal_affine_forward(
    h: ArrayLike, W: ArrayLike, b: ArrayLike
) -> tuple[FloatArray, TemporalAffineCache]:
    r"""The same affine layer at every step: out_t = h_t W + b.

    h: (N, T, H), W: (H, M), b: (M,)  ->  out: (N, T, M), cache for temporal_affine_backward
    """
    h = _f64("temporal_affine_forward", "h", h, 3)
    W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    H = h.shape[2]
    if W.ndim != 2 or W.shape[0] != H or b.shape != (W.shape[1],):
        raise ValueError(f"temporal_affine_forward: W must be (H, M) with H = {H} and b (M,), "
                         f"got W {W.shape}, b {b.shape}")
    return h @ W + b, TemporalAffineCache(h, W)  # (N, T, H) @ (H, M) -> (N, T, M)


def temporal_affine_backward(
    dout: ArrayLike, cache: TemporalAffineCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of temporal_affine_forward: dh = dout Wᵀ, dW = Σ_{n,t} h_ntᵀ dout_nt,
    db = Σ_{n,t} dout_nt (the shared W and b collect every step).

    dout: (N, T, M)  ->  dh (N, T, H), dW (H, M), db (M,)
    """
    h, W = cache
    N, T, H = h.shape
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (N, T, W.shape[1]):
        raise ValueError(f"temporal_affine_backward: dout has shape {dout.shape}, expected "
                         f"{(N, T, W.shape[1])}")
    dW = h.reshape(N * T, H).T @ dout.reshape(N * T, -1)  # (H, N·T) @ (N·T, M) -> (H, M)
    return dout @ W.T, dW, dout.sum(axis=(0, 1))


def temporal_softmax_loss(
    scores: ArrayLike, y: ArrayLike, mask: ArrayLike | None = None
) -> tuple[float, FloatArray]:
    r"""Softmax cross-entropy at every step that counts, summed over time, averaged over N.

    loss = −(1/N) Σ_n Σ_t mask[n, t] · log softmax(scores[n, t])[y[n, t]]
    dscores[n, t] = mask[n, t] · (softmax(scores[n, t]) − onehot(y[n, t])) / N
    (CS231n's temporal_softmax_loss: a step with mask 0, e.g. padding, adds nothing.)

    scores: (N, T, C), y: (N, T) integers in [0, C), mask: (N, T) of 0/1 or bool, None = all
    steps count  ->  (loss: float, dscores: (N, T, C))
    """
    scores = _f64("temporal_softmax_loss", "scores", scores, 3)
    N, T, C = scores.shape
    y = np.asarray(y)
    if y.shape != (N, T) or not np.issubdtype(y.dtype, np.integer) or \
            (y.size and (y.min() < 0 or y.max() >= C)):
        raise ValueError(f"temporal_softmax_loss: y must be integers in [0, {C}) of shape "
                         f"{(N, T)}, got {y.dtype} {y.shape}")
    mask = np.ones((N, T)) if mask is None else np.asarray(mask, dtype=np.float64)
    if mask.shape != (N, T):
        raise ValueError(f"temporal_softmax_loss: mask must have shape {(N, T)}, got {mask.shape}")
    shifted = scores - scores.max(axis=2, keepdims=True)  # (N, T, C), each max 0: no overflow
    log_p = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))  # (N, T, C)
    n, t = np.indices((N, T))
    loss = -float(np.sum(mask * log_p[n, t, y])) / N
    dscores = np.exp(log_p)  # (N, T, C) softmax
    dscores[n, t, y] -= 1.0
    return loss, dscores * mask[:, :, None] / N


# --- the seeds' sequence shapes ------------------------------------------------------------------


def _params(name: str, params: Mapping[str, ArrayLike]) -> Params:
    missing = [k for k in PARAM_KEYS if k not in params]
    if missing:
        raise ValueError(f"{name}: params lacks {missing}; it needs {list(PARAM_KEYS)}")
    return {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_KEYS}


def _sequence_loss(name: str, params: Mapping[str, ArrayLike], x: FloatArray, y: ArrayLike,
                   mask: ArrayLike | None, last_only: bool) -> tuple[float, Params]:
    """RNN from h0 = 0, the output layer on every h_t (or only on h_T), temporal softmax loss."""
    p = _params(name, params)
    N, T, _ = x.shape
    h, cache = rnn_forward(x, np.zeros((N, p["Wh"].shape[0])), p["Wx"], p["Wh"], p["b"])
    top = h[:, -1:] if last_only else h  # (N, 1, H) many-to-one, (N, T, H) otherwise
    scores, out_cache = temporal_affine_forward(top, p["Wy"], p["by"])
    loss, dscores = temporal_softmax_loss(scores, y, mask)
    dtop, dWy, dby = temporal_affine_backward(dscores, out_cache)
    dh = np.zeros_like(h)
    dh[:, T - dtop.shape[1]:] = dtop  # the last step only, or every step
    _, _, dWx, dWh, db = rnn_backward(dh, cache)
    return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}


def many_to_one_loss(
    params: Mapping[str, ArrayLike], x: ArrayLike, y: ArrayLike
) -> tuple[float, Params]:
    r"""Many-to-one (多對一, e.g. classifying a whole sequence): read all T inputs, then one
    output from the LAST hidden state only.

    h = rnn_forward(x, 0, Wx, Wh, b), scores = h_T Wy + by,
    loss = −(1/N) Σ_n log softmax(scores_n)[y_n]; the steps before T get no loss of their own,
    their gradients come only through h_T.
    params: {"Wx": (D, H), "Wh": (H, H), "b": (H,), "Wy": (H, C), "by": (C,)},
    x: (N, T, D), y: (N,) integers in [0, C)  ->  (loss: float, grads: dict of params' shapes)
    """
    x = _f64("many_to_one_loss", "x", x, 3)
    y = np.asarray(y)
    if y.shape != (x.shape[0],):
        raise ValueError(f"many_to_one_loss: y must have shape ({x.shape[0]},), got {y.shape}")
    return _sequence_loss("many_to_one_loss", params, x, y[:, None], None, last_only=True)


def one_to_many_loss(
    params: Mapping[str, ArrayLike], x: ArrayLike, y: ArrayLike
) -> tuple[float, Params]:
    r"""One-to-many (一對多, e.g. one image to a caption): one input vector, fed at every one of
    the T steps (Keras' RepeatVector), and an output at every step.

    x_t = x for t = 1 … T, h = rnn_forward(x_1…T, 0, Wx, Wh, b), scores_t = h_t Wy + by,
    loss = −(1/N) Σ_n Σ_t log softmax(scores_nt)[y_nt]  (T is y's second dimension).
    params as in many_to_one_loss, x: (N, D), y: (N, T) integers in [0, C)
    ->  (loss: float, grads: dict of params' shapes)
    """
    x = _f64("one_to_many_loss", "x", x, 2)
    y = np.asarray(y)
    if y.ndim != 2 or y.shape[0] != x.shape[0]:
        raise ValueError(f"one_to_many_loss: y must have shape ({x.shape[0]}, T), got {y.shape}")
    xs = np.repeat(x[:, None, :], y.shape[1], axis=1)  # (N, D) -> (N, T, D)
    return _sequence_loss("one_to_many_loss", params, xs, y, None, last_only=False)


def many_to_many_loss(
    params: Mapping[str, ArrayLike], x: ArrayLike, y: ArrayLike, mask: ArrayLike | None = None
) -> tuple[float, Params]:
    r"""Many-to-many (多對多, e.g. tagging every word): an output at every step, the loss of
    temporal_softmax_loss over the steps where mask is 1.

    h = rnn_forward(x, 0, Wx, Wh, b), scores_t = h_t Wy + by,
    loss = −(1/N) Σ_n Σ_t mask[n, t] log softmax(scores_nt)[y_nt].
    params as in many_to_one_loss, x: (N, T, D), y: (N, T) integers in [0, C),
    mask: (N, T) or None (every step counts)  ->  (loss: float, grads: dict of params' shapes)
    """
    x = _f64("many_to_many_loss", "x", x, 3)
    return _sequence_loss("many_to_many_loss", params, x, y, mask, last_only=False)


# --- clipping and training -----------------------------------------------------------------------


def clip_gradients(grads: Mapping[str, ArrayLike], max_norm: float) -> tuple[Params, float]:
    r"""Clip a dict of gradients by their GLOBAL norm (as exercise 08's clip_by_norm does).

    ‖g‖ = sqrt(Σ over every tensor and entry of g²); every tensor is scaled by the same factor
    min(1, max_norm / ‖g‖), so the update keeps its direction and its norm is at most max_norm.
    grads: {name: (...)}  ->  (clipped: a dict with the same keys and shapes, ‖g‖ before clipping)
    """
    if max_norm <= 0:
        raise ValueError(f"clip_gradients: max_norm = {max_norm} must be > 0")
    values = {k: np.array(g, dtype=np.float64) for k, g in grads.items()}  # copies
    norm = float(np.sqrt(sum(np.square(g).sum() for g in values.values())))
    scale = min(1.0, max_norm / (norm + NORM_EPS))
    return {k: g * scale for k, g in values.items()}, norm


def orthogonal(a: ArrayLike) -> FloatArray:
    r"""The orthogonal factor Q of a = QR, made unique by giving R a positive diagonal.

    np.linalg.qr leaves the signs of Q's columns to LAPACK; multiplying column j by
    sign(R_jj) gives the same Q on every machine. a: (H, H)  ->  Q: (H, H), QᵀQ = I
    """
    q, r = np.linalg.qr(np.asarray(a, dtype=np.float64))
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)  # (H,) a zero diagonal entry keeps its column
    return q * signs


def init_rnn_params(D: int, H: int, C: int, seed: int = 0) -> Params:
    r"""Random starting parameters for the sequence losses.

    rng = np.random.default_rng(seed); Wx = rng.normal(0, 1/sqrt(D), (D, H)), then
    Wh = 0.5 · orthogonal(rng.normal(size=(H, H))) (spectral radius 0.5), then
    Wy = rng.normal(0, 1/sqrt(H), (H, C)); b and by are zeros.
    ->  {"Wx": (D, H), "Wh": (H, H), "b": (H,), "Wy": (H, C), "by": (C,)}
    """
    rng = np.random.default_rng(seed)
    Wx = rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, H))
    Wh = 0.5 * orthogonal(rng.normal(size=(H, H)))
    Wy = rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, C))
    return {"Wx": Wx, "Wh": Wh, "b": np.zeros(H), "Wy": Wy, "by": np.zeros(C)}


def make_sequences(N: int = 200, T: int = 8, seed: int = 0) -> tuple[FloatArray, NDArray]:
    r"""A many-to-one task: is the sum of a noisy sequence positive?

    rng = np.random.default_rng(seed); x = rng.normal(size=(N, T, 1)); y = 1 where
    Σ_t x[n, t, 0] > 0, else 0. The RNN has to add up what it has seen.
    ->  x: (N, T, 1) float64, y: (N,) int64 in {0, 1}
    """
    x = np.random.default_rng(seed).normal(size=(N, T, 1))
    return x, (x.sum(axis=(1, 2)) > 0).astype(np.int64)


def train_many_to_one(
    x: ArrayLike, y: ArrayLike, H: int = 16, lr: float = LR, steps: int = STEPS,
    max_norm: float = MAX_NORM, seed: int = 0,
) -> tuple[Params, FloatArray]:
    r"""Full-batch gradient descent on many_to_one_loss, every update clipped by global norm.

    params = init_rnn_params(D, H, C, seed) with C = y.max() + 1; then at each step:
    loss, grads = many_to_one_loss(params, x, y); record loss;
    grads = clip_gradients(grads, max_norm)[0]; params[k] = params[k] − lr · grads[k] (new arrays).
    x: (N, T, D), y: (N,) integers  ->  (params, history: (steps,) the loss before each update)
    """
    x = _f64("train_many_to_one", "x", x, 3)
    y = np.asarray(y)
    params = init_rnn_params(x.shape[2], H, int(y.max()) + 1, seed)
    history = np.empty(steps)
    for step in range(steps):
        history[step], grads = many_to_one_loss(params, x, y)
        grads, _ = clip_gradients(grads, max_norm)
        params = {k: params[k] - lr * grads[k] for k in PARAM_KEYS}
    return params, history


# --- vanishing and exploding gradients through time ----------------------------------------------


def gradient_through_time(
    radius: float, T: int = 30, N: int = 8, D: int = 4, H: int = 16,
    input_scale: float = INPUT_SCALE, seed: int = 0,
) -> tuple[FloatArray, Params]:
    r"""‖∂L/∂h_t‖ for t = T … 1 of an RNN whose recurrent matrix has spectral radius `radius`.

    The draws, in this order, from rng = np.random.default_rng(seed):
    Wh = radius · orthogonal(rng.normal(size=(H, H))) (every eigenvalue of modulus `radius`),
    Wx = rng.normal(size=(D, H)) · input_scale / sqrt(D), x = rng.normal(size=(N, T, D)),
    G = rng.normal(size=(N, H)); b = 0 and h0 = 0. Forward h_1 … h_T with rnn_step_forward;
    L = Σ h_T ⊙ G (a loss on the last step only), so ∂L/∂h_T = G, and going back with
    rnn_step_backward, ∂L/∂h_{t−1} = dprev_h of step t. Since |tanh'| ≤ 1 and ‖Whᵀ‖ = radius,
    ‖∂L/∂h_{t−1}‖ ≤ radius · ‖∂L/∂h_t‖: below 1 the gradient vanishes geometrically.

    ->  norms: (T,) with norms[t − 1] = ‖∂L/∂h_t‖_F (over the batch), and
        grads: {"Wx": (D, H), "Wh": (H, H), "b": (H,)}, ∂L/∂ of the cell's weights (summed
        over the T steps)
    """
    if T < 1 or N < 1 or D < 1 or H < 1:
        raise ValueError(f"gradient_through_time: T = {T}, N = {N}, D = {D}, H = {H} must all "
                         "be >= 1")
    if not radius > 0 or not input_scale > 0:
        raise ValueError(f"gradient_through_time: radius = {radius!r} and input_scale = "
                         f"{input_scale!r} must be > 0")
    rng = np.random.default_rng(seed)
    Wh = radius * orthogonal(rng.normal(size=(H, H)))
    Wx = rng.normal(size=(D, H)) * input_scale / np.sqrt(D)
    x = rng.normal(size=(N, T, D))
    G = rng.normal(size=(N, H))
    b = np.zeros(H)
    h, caches = np.zeros((N, H)), []
    for t in range(T):
        h, cache = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        caches.append(cache)
    norms = np.empty(T)
    grads = {"Wx": np.zeros((D, H)), "Wh": np.zeros((H, H)), "b": np.zeros(H)}
    dh = G  # (N, H) ∂L/∂h_T
    for t in reversed(range(T)):
        norms[t] = np.linalg.norm(dh)
        _, dh, dWx, dWh, db = rnn_step_backward(dh, caches[t])
        for key, g in zip(RNN_KEYS, (dWx, dWh, db), strict=True):
            grads[key] += g
    return norms, grads
