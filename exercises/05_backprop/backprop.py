r"""Exercise 05 — backpropagation by hand, then vectorised (反向傳播：手算到向量化): fill in every
function that raises NotImplementedError; run `grade exercise 05`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Part 1 is the lecture notes' hand-computed 2-2-2 sigmoid network (hand_example). Part 2 is the
same network vectorised, with biases and a softmax output:
`two_layer_forward(X, params) -> (scores, cache)`, `two_layer_backward(dscores, cache) -> grads`,
params and grads being dicts {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}.
The cache is yours to choose: your backward receives exactly what your forward returned;
TwoLayerCache below is a ready-made suggestion.
sigmoid, softmax_cross_entropy, make_moons, init_params and predict are given in full.
Never modify an argument (X, y, params, dscores, the cache) in place.
The instructions are in README.md (README.zh-TW.md).
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# --- given: the seeds' example, helpers ------------------------------------------------------

SEED_X = (0.5, 0.3)  # x1, x2
SEED_Y = (0.23, -0.07)  # targets of O1, O2
SEED_WEIGHTS = (0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8)  # w1 .. w8 as labelled on the slide
WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
FORWARD_NAMES = ("h1_in", "h2_in", "h1_out", "h2_out", "o1_in", "o2_in", "o1_out", "o2_out",
                 "error")
HAND_EXAMPLE_KEYS = FORWARD_NAMES + tuple(f"d{w}" for w in WEIGHT_NAMES)
PARAM_SHAPES = ("W1", "b1", "W2", "b2")  # the keys of params and of grads
INIT_SCALE = 1.0
MOONS_NOISE = 0.1
LR = 1.0  # full-batch step size
STEPS = 2000  # enough for H = 16 to pass 95 % training accuracy on make_moons(200)


def sigmoid(x: ArrayLike) -> FloatArray:
    """σ(x) = 1 / (1 + exp(-x)), without overflow.  x: (...)  ->  (...)"""
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, FloatArray]:
    """Mean softmax cross-entropy and its gradient (exercise 01): (loss, dlogits).

    loss = -(1/N) Σ_n log softmax(logits)[n, labels[n]], dlogits = (softmax - onehot) / N:
    the 1/N is already inside dlogits.
    logits: (N, C), labels: (N,) integers in [0, C)  ->  (float, (N, C))
    """
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dlogits = np.exp(log_p)
    dlogits[np.arange(N), labels] -= 1.0
    return float(-np.mean(log_p[np.arange(N), labels])), dlogits / N


def make_moons(n: int = 200, noise: float = MOONS_NOISE, seed: int = 0
               ) -> tuple[FloatArray, NDArray[np.int64]]:
    """Two interleaving half-circles, reproducible from seed.

    ->  X: (n, 2) float64, y: (n,) int64 in {0, 1}
    """
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t = rng.uniform(0.0, np.pi, size=n)
    X = np.stack([np.cos(t), np.sin(t)], axis=1)
    X[n0:] = [1.0, 0.5] - X[n0:]
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    order = rng.permutation(n)
    return X[order], y[order]


def init_params(D: int, H: int, C: int, seed: int = 0, scale: float = INIT_SCALE
                ) -> dict[str, FloatArray]:
    """Weights drawn N(0, scale² / fan_in) from default_rng(seed), biases zero.

    ->  {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    """
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, scale / np.sqrt(D), size=(D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0.0, scale / np.sqrt(H), size=(H, C)), "b2": np.zeros(C)}


# --- part 1: the seeds' example by hand --------------------------------------------------------


def hand_example(
    x: ArrayLike = SEED_X, weights: ArrayLike = SEED_WEIGHTS, y: ArrayLike = SEED_Y
) -> dict[str, float]:
    r"""Every forward value and all eight weight gradients of the seeds' 2-2-2 sigmoid network.

    Forward (σ the sigmoid, no bias):
        H1_in = w1 x1 + w3 x2,  H2_in = w2 x1 + w4 x2,  Hj = σ(Hj_in)
        O1_in = w5 H1 + w7 H2,  O2_in = w6 H1 + w8 H2,  Ok = σ(Ok_in)
        Error = ½ [(O1 - y1)² + (O2 - y2)²]  (a sum over the two outputs)
    Backward (chain rule, σ' = σ (1 - σ)):
        δ_Ok = ∂E/∂Ok_in = (Ok - yk) Ok (1 - Ok)
        ∂E/∂w5 = δ_O1 H1, ∂E/∂w6 = δ_O2 H1, ∂E/∂w7 = δ_O1 H2, ∂E/∂w8 = δ_O2 H2
        δ_H1 = (δ_O1 w5 + δ_O2 w6) H1 (1 - H1),  δ_H2 = (δ_O1 w7 + δ_O2 w8) H2 (1 - H2)
        ∂E/∂w1 = δ_H1 x1, ∂E/∂w2 = δ_H2 x1, ∂E/∂w3 = δ_H1 x2, ∂E/∂w4 = δ_H2 x2
    x: (2,), weights: (8,) = w1..w8, y: (2,)  ->  dict of floats with the keys
    HAND_EXAMPLE_KEYS: h1_in, h2_in, h1_out, h2_out, o1_in, o2_in, o1_out, o2_out, error,
    dw1 .. dw8.
    """
    raise NotImplementedError("exercise 05: implement hand_example")


# --- part 2: the vectorised two-layer network -------------------------------------------------


class TwoLayerCache(NamedTuple):
    X: FloatArray  # (N, D) input
    h: FloatArray  # (N, H) hidden activations σ(X W1 + b1)
    W2: FloatArray  # (H, C) output weights


def two_layer_forward(X: ArrayLike, params: dict) -> tuple[FloatArray, TwoLayerCache]:
    """Class scores (logits) of the two-layer network: scores = σ(X W1 + b1) W2 + b2.

    X: (N, D), params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)  ->  scores: (N, C), cache
    """
    raise NotImplementedError("exercise 05: implement two_layer_forward")


def two_layer_backward(dscores: ArrayLike, cache: TwoLayerCache) -> dict[str, FloatArray]:
    """Gradients of the two-layer network from the upstream gradient dscores = ∂L/∂scores.

    dW2 = hᵀ dscores, db2 = Σ_n dscores[n], dh = dscores W2ᵀ, da = dh ⊙ h (1 - h),
    dW1 = Xᵀ da, db1 = Σ_n da[n].
    dscores: (N, C)  ->  {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    """
    raise NotImplementedError("exercise 05: implement two_layer_backward")


def two_layer_loss(params: dict, X: ArrayLike, y: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
    """Mean softmax cross-entropy of the network and its gradients with respect to params.

    loss = -(1/N) Σ_n log softmax(scores)[n, y_n], dscores = (softmax(scores) - onehot(y)) / N.
    params as in two_layer_forward, X: (N, D), y: (N,) integers in [0, C)
    ->  (loss: float, grads: dict of the params' keys and shapes)
    """
    raise NotImplementedError("exercise 05: implement two_layer_loss")


def predict(params: dict, X: ArrayLike) -> NDArray[np.int64]:
    """Predicted class of each row: argmax_c scores[n, c].  X: (N, D)  ->  (N,) int64"""
    scores, _ = two_layer_forward(X, params)
    return np.argmax(scores, axis=1).astype(np.int64)


def accuracy(params: dict, X: ArrayLike, y: ArrayLike) -> float:
    """Fraction of rows whose predicted class equals y.  X: (N, D), y: (N,)  ->  float in [0, 1]"""
    raise NotImplementedError("exercise 05: implement accuracy")


def train(X: ArrayLike, y: ArrayLike, H: int = 16, lr: float = LR, steps: int = STEPS,
          seed: int = 0, batch_size: int | None = None
          ) -> tuple[dict[str, FloatArray], list[float]]:
    """Gradient descent on two_layer_loss: θ ← θ - lr · ∂L/∂θ for each of W1, b1, W2, b2.

    Full batch when batch_size is None; otherwise each step takes the next batch_size rows of
    a permutation drawn from default_rng(seed + 1) at the start of every epoch. Parameters
    start at init_params(D, H, C, seed) with C = max(y) + 1.
    X: (N, D), y: (N,) integers  ->  (params, loss history: one float per step, before it)
    """
    raise NotImplementedError("exercise 05: implement train")
