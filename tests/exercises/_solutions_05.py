"""A second correct solution of exercise 05, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): the hand example as
matrices with np.outer, the forward with np.tanh (σ(a) = (1 + tanh(a/2)) / 2), the backward
with einsum and explicit loops over the batch for the biases, plain tuples as caches, the loss
through log-sum-exp written out, and no input validation. Its source text is graded as an
alternative correct submission (full marks expected), and tests append a wrong function to it
to build a wrong submission.
"""

import numpy as np

SEED_X = (0.5, 0.3)
SEED_Y = (0.23, -0.07)
SEED_WEIGHTS = (0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8)
LR = 1.0
STEPS = 2000


def _sig(a):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a, dtype=np.float64)))


def init_params(D, H, C, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, scale / np.sqrt(D), size=(D, H)), "b1": np.zeros(H),
            "W2": rng.normal(0.0, scale / np.sqrt(H), size=(H, C)), "b2": np.zeros(C)}


def hand_example(x=SEED_X, weights=SEED_WEIGHTS, y=SEED_Y):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    W1, W2 = w[:4].reshape(2, 2), w[4:].reshape(2, 2)  # rows: inputs / hidden units
    h_in = x @ W1
    h = _sig(h_in)
    o_in = h @ W2
    o = _sig(o_in)
    d_o = (o - y) * o * (1 - o)
    d_h = (W2 @ d_o) * h * (1 - h)
    dW1, dW2 = np.outer(x, d_h), np.outer(h, d_o)
    out = {"h1_in": h_in[0], "h2_in": h_in[1], "h1_out": h[0], "h2_out": h[1],
           "o1_in": o_in[0], "o2_in": o_in[1], "o1_out": o[0], "o2_out": o[1],
           "error": 0.5 * np.sum((o - y) ** 2)}
    for i, g in enumerate(np.concatenate([dW1.ravel(), dW2.ravel()])):
        out[f"dw{i + 1}"] = g
    return {k: float(v) for k, v in out.items()}


def _hidden(X, params):
    return _sig(np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"])


def two_layer_forward(X, params):
    X = np.asarray(X, dtype=np.float64)
    h = _hidden(X, params)
    W2 = np.asarray(params["W2"], dtype=np.float64)
    return h @ W2 + params["b2"], (X, h, W2)


def _bias_grad(d):
    total = np.zeros(d.shape[1])
    for row in d:
        total = total + row
    return total


def two_layer_backward(dscores, cache):
    X, h, W2 = cache
    dscores = np.asarray(dscores, dtype=np.float64)
    da = np.einsum("nc,hc->nh", dscores, W2) * h * (1 - h)
    return {"W1": np.einsum("nd,nh->dh", X, da), "b1": _bias_grad(da),
            "W2": np.einsum("nh,nc->hc", h, dscores), "b2": _bias_grad(dscores)}


def _softmax_ce(scores, y):
    N = scores.shape[0]
    m = scores.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(scores - m), axis=1))
    p = np.exp(scores - lse[:, None])
    onehot = np.zeros_like(p)
    onehot[np.arange(N), y] = 1.0
    return float(np.mean(lse - scores[np.arange(N), y])), (p - onehot) / N


def two_layer_loss(params, X, y):
    scores, cache = two_layer_forward(X, params)
    loss, dscores = _softmax_ce(scores, np.asarray(y))
    return loss, two_layer_backward(dscores, cache)


def accuracy(params, X, y):
    scores, _ = two_layer_forward(X, params)
    return float(np.count_nonzero(scores.argmax(axis=1) == np.asarray(y)) / len(y))


def train(X, y, H=16, lr=LR, steps=STEPS, seed=0, batch_size=None):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    N = X.shape[0]
    params = init_params(X.shape[1], H, int(y.max()) + 1, seed)
    rng = np.random.default_rng(seed + 1)
    history = []
    batches = []
    for _ in range(steps):
        if batch_size is None:
            rows = slice(None)
        else:
            if not batches:
                order = rng.permutation(N)
                batches = [order[i:i + batch_size] for i in range(0, N - batch_size + 1,
                                                                     batch_size)]
            rows = batches.pop(0)
        loss, grads = two_layer_loss(params, X[rows], y[rows])
        history.append(loss)
        params = {k: v - lr * grads[k] for k, v in params.items()}
    return params, history
