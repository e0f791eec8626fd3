r"""Backpropagation (反向傳播): the seeds' two-layer example by hand, then a vectorised network.

Part 1 is the hand-computed example of seed 004 (004_f6c14785bb244351.txt, 「手算前向/反向傳導」):
two inputs x = (0.5, 0.3), two sigmoid hidden units H1, H2, two sigmoid outputs O1, O2, eight
weights and no bias, targets y = (0.23, -0.07), Error = ½ Σ_k (O_k - y_k)². The slide's
labels, read off its formulas (∂H1_in/∂w1 = x1, ∂H1_in/∂w3 = x2, ∂O1_in/∂w5 = H1, ...):

    H1_in = w1 x1 + w3 x2        O1_in = w5 H1 + w7 H2
    H2_in = w2 x1 + w4 x2        O2_in = w6 H1 + w8 H2

so, as matrices, W1 = [[w1, w2], [w3, w4]] (D = 2 inputs by H = 2 units) and
W2 = [[w5, w6], [w7, w8]] (H by C = 2 outputs), with the slide's w1..w8 =
0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8.

Where the slide slips, the mathematics wins:
- its δw1..δw4 lines use (δw5 + δw6) · H1(1 - H1) · x1: they add the *weight gradients* of the
  output layer, where the chain rule needs the output deltas times the *weights*:
  ∂E/∂w1 = (δ_O1 w5 + δ_O2 w6) · H1(1 - H1) · x1 with δ_Ok = (O_k - y_k) O_k (1 - O_k).
  With w6 = -0.5 and w7 = -0.3 the correct hidden gradients are not even all positive:
  ∂E/∂w1 ≈ -0.00842, ∂E/∂w2 ≈ 0.01261, ∂E/∂w3 ≈ -0.00505, ∂E/∂w4 ≈ 0.00756 (slide: 0.01 each);
- it rounds every intermediate to two decimals and carries the rounded values forward (H1 =
  0.56 for 0.56218, O2 = 0.53 for 0.52870), so its 0.03, 0.08, 0.03, 0.07 for δw5..δw8 are
  the correct values only to about one significant figure (0.03463, 0.08387, 0.03049, 0.07384);
- "stgmoid" is sigmoid.

Part 2 is the same network vectorised, with biases and a softmax output for classification:

    h = σ(X W1 + b1),  scores = h W2 + b2,  loss = -(1/N) Σ_n log softmax(scores)[n, y_n]

params = {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}; gradients come back in a dict of
the same keys and shapes. Any real dtype is computed in float64; no argument is modified.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.activations import SigmoidCache, sigmoid, sigmoid_backward, sigmoid_forward
from reference.layers import DenseCache, dense_backward, dense_forward
from reference.losses import half_sse, softmax_cross_entropy

FloatArray = NDArray[np.float64]

# --- part 1: the seeds' hand example -----------------------------------------------------------

SEED_X = (0.5, 0.3)  # x1, x2
SEED_Y = (0.23, -0.07)  # targets of O1, O2 (a sigmoid can never reach -0.07: Error stays > 0)
SEED_WEIGHTS = (0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8)  # w1 .. w8 as labelled on the slide
WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
# where each named weight sits: (matrix, row, column) with W1 (inputs, hidden), W2 (hidden, out)
WEIGHT_INDEX = {
    "w1": ("W1", 0, 0), "w2": ("W1", 0, 1), "w3": ("W1", 1, 0), "w4": ("W1", 1, 1),
    "w5": ("W2", 0, 0), "w6": ("W2", 0, 1), "w7": ("W2", 1, 0), "w8": ("W2", 1, 1),
}
FORWARD_NAMES = ("h1_in", "h2_in", "h1_out", "h2_out", "o1_in", "o2_in", "o1_out", "o2_out",
                 "error")
HAND_EXAMPLE_KEYS = FORWARD_NAMES + tuple(f"d{w}" for w in WEIGHT_NAMES)


def _vector(name: str, arg: str, v: ArrayLike, n: int) -> FloatArray:
    """v as a float64 vector of n finite entries."""
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"{name}: {arg} must have {n} entries (shape ({n},)), got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name}: {arg} must be finite, got {v}")
    return v


def seed_matrices(weights: ArrayLike = SEED_WEIGHTS) -> tuple[FloatArray, FloatArray]:
    """The slide's w1..w8 as matrices: W1 = [[w1, w2], [w3, w4]], W2 = [[w5, w6], [w7, w8]].

    weights: (8,)  ->  W1: (2, 2) inputs by hidden units, W2: (2, 2) hidden units by outputs
    """
    w = _vector("seed_matrices", "weights", weights, 8)
    return w[:4].reshape(2, 2).copy(), w[4:].reshape(2, 2).copy()  # row i = input / unit i


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
    # written out unit by unit on purpose: it is the slide, corrected
    x1, x2 = _vector("hand_example", "x", x, 2)
    w1, w2, w3, w4, w5, w6, w7, w8 = _vector("hand_example", "weights", weights, 8)
    y1, y2 = _vector("hand_example", "y", y, 2)
    h1_in, h2_in = w1 * x1 + w3 * x2, w2 * x1 + w4 * x2
    h1, h2 = (float(v) for v in sigmoid([h1_in, h2_in]))
    o1_in, o2_in = w5 * h1 + w7 * h2, w6 * h1 + w8 * h2
    o1, o2 = (float(v) for v in sigmoid([o1_in, o2_in]))
    error = half_sse([o1, o2], [y1, y2])
    d_o1 = (o1 - y1) * o1 * (1.0 - o1)  # ∂E/∂O1_in: ∂E/∂O1 times σ'(O1_in)
    d_o2 = (o2 - y2) * o2 * (1.0 - o2)
    d_h1 = (d_o1 * w5 + d_o2 * w6) * h1 * (1.0 - h1)  # H1 feeds O1 through w5, O2 through w6
    d_h2 = (d_o1 * w7 + d_o2 * w8) * h2 * (1.0 - h2)
    values = (h1_in, h2_in, h1, h2, o1_in, o2_in, o1, o2, error,
              d_h1 * x1, d_h2 * x1, d_h1 * x2, d_h2 * x2,  # dw1 .. dw4
              d_o1 * h1, d_o2 * h1, d_o1 * h2, d_o2 * h2)  # dw5 .. dw8
    return {k: float(v) for k, v in zip(HAND_EXAMPLE_KEYS, values, strict=True)}


# --- part 2: the vectorised two-layer network ------------------------------------------------

PARAM_SHAPES = ("W1", "b1", "W2", "b2")  # the keys of params and of grads, in forward order
INIT_SCALE = 1.0  # std of the initial weights: σ stays out of saturation for inputs of O(1)


class TwoLayerCache(NamedTuple):
    dense1: DenseCache  # x (N, D), W1 (D, H)
    act: SigmoidCache  # out (N, H) = h, the hidden activations
    dense2: DenseCache  # h (N, H), W2 (H, C)


def _params(name: str, params: dict, D: int) -> dict[str, FloatArray]:
    """params as float64 arrays, after checking the keys and the shapes against D."""
    if not isinstance(params, dict) or set(params) != set(PARAM_SHAPES):
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{name}: params must be a dict with keys W1, b1, W2, b2, got {keys}")
    p = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_SHAPES}
    W1, W2 = p["W1"], p["W2"]
    if W1.ndim != 2 or W1.shape[0] != D:
        raise ValueError(f"{name}: W1 has shape {W1.shape} but must be (D, H) with D = {D}")
    H = W1.shape[1]
    if W2.ndim != 2 or W2.shape[0] != H:
        raise ValueError(f"{name}: W2 has shape {W2.shape} but must be (H, C) with H = {H}")
    C = W2.shape[1]
    for key, n in (("b1", H), ("b2", C)):
        if p[key].shape != (n,):
            raise ValueError(f"{name}: {key} must have shape ({n},), got {p[key].shape}")
    return p


def _inputs(name: str, X: ArrayLike) -> FloatArray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{name}: X must have shape (N, D) with N >= 1, got {X.shape}")
    return X


def init_params(D: int, H: int, C: int, seed: int = 0, scale: float = INIT_SCALE
                ) -> dict[str, FloatArray]:
    """Weights drawn N(0, scale² / fan_in) from default_rng(seed), biases zero.

    ->  {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    """
    for dim, n in (("D", D), ("H", H), ("C", C)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"init_params: {dim} = {n!r}; every size must be an integer >= 1")
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, scale / np.sqrt(D), size=(D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0.0, scale / np.sqrt(H), size=(H, C)), "b2": np.zeros(C)}


def two_layer_forward(X: ArrayLike, params: dict) -> tuple[FloatArray, TwoLayerCache]:
    """Class scores (logits) of the two-layer network: scores = σ(X W1 + b1) W2 + b2.

    X: (N, D), params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)  ->  scores: (N, C), cache
    """
    X = _inputs("two_layer_forward", X)
    p = _params("two_layer_forward", params, X.shape[1])
    a, cache1 = dense_forward(X, p["W1"], p["b1"])  # (N, H) pre-activations
    h, cache_act = sigmoid_forward(a)  # (N, H)
    scores, cache2 = dense_forward(h, p["W2"], p["b2"])  # (N, C)
    return scores, TwoLayerCache(cache1, cache_act, cache2)


def two_layer_backward(dscores: ArrayLike, cache: TwoLayerCache) -> dict[str, FloatArray]:
    """Gradients of the two-layer network from the upstream gradient dscores = ∂L/∂scores.

    dW2 = hᵀ dscores, db2 = Σ_n dscores[n], dh = dscores W2ᵀ, da = dh ⊙ h (1 - h),
    dW1 = Xᵀ da, db1 = Σ_n da[n].
    dscores: (N, C)  ->  {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}
    """
    cache1, cache_act, cache2 = cache
    dh, dW2, db2 = dense_backward(dscores, cache2)  # (N, H), (H, C), (C,)
    da = sigmoid_backward(dh, cache_act)  # (N, H)
    _, dW1, db1 = dense_backward(da, cache1)  # dX unused
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _int_labels(name: str, y: ArrayLike, N: int) -> NDArray[np.integer]:
    y = np.asarray(y)
    if y.shape != (N,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name}: y must be integer labels of shape ({N},), got {y.dtype} "
                         f"{y.shape}")
    return y


def two_layer_loss(params: dict, X: ArrayLike, y: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
    """Mean softmax cross-entropy of the network and its gradients with respect to params.

    loss = -(1/N) Σ_n log softmax(scores)[n, y_n], dscores = (softmax(scores) - onehot(y)) / N.
    params as in two_layer_forward, X: (N, D), y: (N,) integers in [0, C)
    ->  (loss: float, grads: dict of the params' keys and shapes)
    """
    scores, cache = two_layer_forward(X, params)
    _int_labels("two_layer_loss", y, scores.shape[0])
    loss, dscores = softmax_cross_entropy(scores, y)  # dscores already carries the 1/N
    return loss, two_layer_backward(dscores, cache)


def predict(params: dict, X: ArrayLike) -> NDArray[np.int64]:
    """Predicted class of each row: argmax_c scores[n, c].  X: (N, D)  ->  (N,) int64"""
    scores, _ = two_layer_forward(X, params)
    return np.argmax(scores, axis=1).astype(np.int64)


def accuracy(params: dict, X: ArrayLike, y: ArrayLike) -> float:
    """Fraction of rows whose predicted class equals y.  X: (N, D), y: (N,)  ->  float in [0, 1]"""
    pred = predict(params, X)
    y = _int_labels("accuracy", y, pred.shape[0])
    return float(np.mean(pred == y))


# --- data and training -------------------------------------------------------------------------

MOONS_NOISE = 0.1  # std of the Gaussian noise added to both coordinates


def make_moons(n: int = 200, noise: float = MOONS_NOISE, seed: int = 0
               ) -> tuple[FloatArray, NDArray[np.int64]]:
    """Two interleaving half-circles (the 'two moons'), reproducible from seed.

    Class 0: (cos t, sin t), class 1: (1 - cos t, 0.5 - sin t), t uniform on [0, π], plus
    N(0, noise²) on each coordinate; the first n // 2 rows are class 0, the rest class 1, and
    the rows are then shuffled by default_rng(seed).
    ->  X: (n, 2) float64, y: (n,) int64 in {0, 1}
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"make_moons: n = {n!r}; need an integer >= 2 (one point per class)")
    if noise < 0:
        raise ValueError(f"make_moons: noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t = rng.uniform(0.0, np.pi, size=n)  # (n,)
    X = np.stack([np.cos(t), np.sin(t)], axis=1)  # (n, 2) upper moon
    X[n0:] = [1.0, 0.5] - X[n0:]  # lower moon, shifted right and down
    X += rng.normal(0.0, noise, size=X.shape)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n - n0])
    order = rng.permutation(n)
    return X[order], y[order]


LR = 1.0  # full-batch step size for sigmoid hidden units on the moons
STEPS = 2000  # enough for H = 16 to pass 95 % training accuracy on make_moons(200)


def train(X: ArrayLike, y: ArrayLike, H: int = 16, lr: float = LR, steps: int = STEPS,
          seed: int = 0, batch_size: int | None = None
          ) -> tuple[dict[str, FloatArray], list[float]]:
    """Gradient descent on two_layer_loss: θ ← θ - lr · ∂L/∂θ for each of W1, b1, W2, b2.

    Full batch when batch_size is None; otherwise each step takes the next batch_size rows of
    a permutation drawn from default_rng(seed + 1) at the start of every epoch. Parameters
    start at init_params(D, H, C, seed) with C = max(y) + 1.
    X: (N, D), y: (N,) integers  ->  (params, loss history: one float per step, before it)
    """
    X = _inputs("train", X)
    N, D = X.shape
    y = _int_labels("train", y, N)
    if steps < 0 or lr <= 0:
        raise ValueError(f"train: need steps >= 0 and lr > 0, got steps={steps}, lr={lr}")
    if batch_size is not None and not 1 <= batch_size <= N:
        raise ValueError(f"train: batch_size must lie in [1, N] = [1, {N}], got {batch_size}")
    params = init_params(D, H, int(y.max()) + 1, seed)
    rng = np.random.default_rng(seed + 1)
    order, pos, history = np.arange(N), N, []
    for _ in range(steps):
        if batch_size is None:
            Xb, yb = X, y
        else:
            if pos + batch_size > N:
                order, pos = rng.permutation(N), 0
            rows = order[pos:pos + batch_size]
            Xb, yb, pos = X[rows], y[rows], pos + batch_size
        loss, grads = two_layer_loss(params, Xb, yb)
        history.append(loss)
        params = {k: params[k] - lr * grads[k] for k in PARAM_SHAPES}  # new arrays each step
    return params, history
