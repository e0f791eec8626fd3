r"""Exercise 10: recurrent networks (循環神經網路, RNN) in NumPy.

Fill in every function that raises NotImplementedError; README.md (README.zh-TW.md) explains each
one with its maths: one step of a vanilla RNN and its backward pass, the whole sequence and
backpropagation through time (BPTT), an output layer and a loss applied over time, the seeds'
three sequence shapes (many-to-one 多對一, one-to-many 一對多, many-to-many 多對多), gradient
clipping by global norm, a small many-to-one task learned, and the vanishing/exploding-gradient
experiment (梯度消失 / 梯度爆炸) over time steps.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments. The
caches (RnnStepCache, RnnCache, TemporalAffineCache) are suggestions: a forward may return any
cache its own backward understands. Given in full: orthogonal, init_rnn_params and make_sequences.
Never modify an argument in place; float32 input must give the float64 answer (convert with
np.asarray(x, dtype=np.float64)).
Run `grade exercise 10` to check your work, `grade exercise 10 --plot` for the figures.
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


# --- given: helpers ------------------------------------------------------------------------------


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
    raise NotImplementedError("exercise 10: write rnn_step_forward")


def rnn_step_backward(
    dnext_h: ArrayLike, cache: RnnStepCache
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    r"""Gradients of one RNN step, from dnext_h = ∂L/∂h_t.

    da = dnext_h ⊙ (1 − h_t²)   (tanh' from the OUTPUT h_t, not from the pre-activation a_t)
    dx = da Wxᵀ, dprev_h = da Whᵀ, dWx = xᵀ da, dWh = h_{t−1}ᵀ da, db = Σ_n da

    dnext_h: (N, H)  ->  dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,)
    """
    raise NotImplementedError("exercise 10: write rnn_step_backward")


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
    raise NotImplementedError("exercise 10: write rnn_forward")


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
    raise NotImplementedError("exercise 10: write rnn_backward")


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
    raise NotImplementedError("exercise 10: write temporal_affine_forward")


def temporal_affine_backward(
    dout: ArrayLike, cache: TemporalAffineCache
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of temporal_affine_forward: dh = dout Wᵀ, dW = Σ_{n,t} h_ntᵀ dout_nt,
    db = Σ_{n,t} dout_nt (the shared W and b collect every step).

    dout: (N, T, M)  ->  dh (N, T, H), dW (H, M), db (M,)
    """
    raise NotImplementedError("exercise 10: write temporal_affine_backward")


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
    raise NotImplementedError("exercise 10: write temporal_softmax_loss")


# --- the seeds' sequence shapes ------------------------------------------------------------------


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
    raise NotImplementedError("exercise 10: write many_to_one_loss")


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
    raise NotImplementedError("exercise 10: write one_to_many_loss")


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
    raise NotImplementedError("exercise 10: write many_to_many_loss")


# --- clipping and training -----------------------------------------------------------------------


def clip_gradients(grads: Mapping[str, ArrayLike], max_norm: float) -> tuple[Params, float]:
    r"""Clip a dict of gradients by their GLOBAL norm (as exercise 08's clip_by_norm does).

    ‖g‖ = sqrt(Σ over every tensor and entry of g²); every tensor is scaled by the same factor
    min(1, max_norm / ‖g‖), so the update keeps its direction and its norm is at most max_norm.
    grads: {name: (...)}  ->  (clipped: a dict with the same keys and shapes, ‖g‖ before clipping)
    """
    raise NotImplementedError("exercise 10: write clip_gradients")


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
    raise NotImplementedError("exercise 10: write train_many_to_one")


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
    raise NotImplementedError("exercise 10: write gradient_through_time")
