"""A second correct solution of exercise 04, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): the bias handled as
w[0] + x w[1:] instead of a column of ones, the batch update as a Python loop over the wrong
samples, the dense layer with explicit loops and einsum, plain tuples as caches, counts
returned as a NumPy array and a NumPy integer, and no input validation. Its source text is
graded as an alternative correct submission (full marks expected), and tests append a wrong
function to it to build a wrong submission.
"""

import numpy as np

LR = 0.1
MAX_EPOCHS = 1000


def add_bias_column(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty((x.shape[0], x.shape[1] + 1))
    out[:, 0] = 1.0
    out[:, 1:] = x
    return out


def _scores(x, w):
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    return w[0] + x @ w[1:]


def _sign(z):
    return (z > 0).astype(np.float64) - (z < 0)  # -1, +1, and 0 on the boundary


def perceptron_predict(x, w):
    return _sign(_scores(x, w))


def _batch_epoch(x, y, w, lr):
    """One epoch of the batch rule: (new w, mistakes), the sum over wrong samples by a loop."""
    y_hat = _sign(_scores(x, w))
    wrong = np.flatnonzero(y_hat != y)
    step = np.zeros_like(w)
    for n in wrong:
        step[0] += y[n] - y_hat[n]
        step[1:] += (y[n] - y_hat[n]) * x[n]
    return (w + lr * step / len(y) if len(wrong) else w), len(wrong)


def _online_epoch(x, y, w, lr):
    count = 0
    for n in range(len(y)):
        y_hat = _sign(_scores(x[n:n + 1], w))[0]
        if y_hat != y[n]:
            delta = lr * (y[n] - y_hat)
            w = np.concatenate([[w[0] + delta], w[1:] + delta * x[n]])
            count += 1
    return w, count


def perceptron_train(x, y, lr=LR, max_epochs=MAX_EPOCHS, w0=None, rule="batch"):
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    w = np.zeros(x.shape[1] + 1) if w0 is None else np.array(w0, dtype=np.float64)
    epoch = _batch_epoch if rule == "batch" else _online_epoch
    mistakes = []
    while len(mistakes) < max_epochs and (not mistakes or mistakes[-1]):
        w, count = epoch(x, y, w, lr)
        mistakes.append(count)
    return w, np.asarray(mistakes)


def dense_forward(x, w, b):
    x, w, b = (np.asarray(a, dtype=np.float64) for a in (x, w, b))
    out = np.empty((x.shape[0], w.shape[1]))
    for n in range(x.shape[0]):
        out[n] = np.einsum("d,dm->m", x[n], w) + b
    return out, (x, w)


def dense_backward(dout, cache):
    x, w = cache
    dout = np.asarray(dout, dtype=np.float64)
    dx = np.einsum("nm,dm->nd", dout, w)
    dw = np.zeros_like(w)
    for n in range(x.shape[0]):
        dw += np.outer(x[n], dout[n])
    db = np.zeros(w.shape[1])
    for row in dout:
        db = db + row
    return dx, dw, db


def dense_parameter_counts(sizes, use_bias=True):
    sizes = np.asarray(sizes, dtype=np.int64)
    return sizes[:-1] * sizes[1:] + (sizes[1:] if use_bias else 0)


def count_parameters(sizes, use_bias=True):
    return np.sum(dense_parameter_counts(sizes, use_bias))
