"""A second correct solution of exercise 09, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): the loop convolution
loops over (n, i, j) and takes all filters at once with a tensordot; the fast one uses
sliding_window_view and einsum(optimize=True) forward, and a loop over the KH·KW kernel offsets
backward; max-pooling and the transposed convolution loop over window positions (vectorised
over the batch and the channels); caches are plain dicts and tuples; sizes are computed inline;
no validation.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

EDGE_KERNEL = ((-1.0, -1.0, -1.0), (-1.0, 8.0, -1.0), (-1.0, -1.0, -1.0))
BLUR_KERNEL = tuple((1 / 9, 1 / 9, 1 / 9) for _ in range(3))
SHARPEN_KERNEL = ((0.0, -1.0, 0.0), (-1.0, 5.0, -1.0), (0.0, -1.0, 0.0))
SOBEL_X_KERNEL = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _padded(x, pad):
    return np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], mode="constant")


def conv_output_size(H, K, stride=1, pad=0):
    return 1 + (H - K + 2 * pad) // stride


def conv_param_count(C, F, KH, KW, use_bias=True):
    return F * C * KH * KW + (F if use_bias else 0)


# --- convolution with loops ----------------------------------------------------------------------


def conv2d_forward_naive(x, w, b, stride=1, pad=0):
    x, w, b = _f(x), _f(w), _f(b)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = _padded(x, pad)
    Ho, Wo = 1 + (H + 2 * pad - KH) // stride, 1 + (W + 2 * pad - KW) // stride
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                top, left = i * stride, j * stride
                patch = xp[n, :, top:top + KH, left:left + KW]
                out[n, :, i, j] = np.tensordot(w, patch, axes=3) + b
    return out, (x, w, stride, pad)


def conv2d_backward_naive(dout, cache):
    x, w, stride, pad = cache
    dout = _f(dout)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = _padded(x, pad)
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    for n in range(N):
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                top, left = i * stride, j * stride
                g = dout[n, :, i, j]  # (F,)
                dxp[n, :, top:top + KH, left:left + KW] += np.tensordot(g, w, axes=1)
                dw += np.multiply.outer(g, xp[n, :, top:top + KH, left:left + KW])
    db = np.array([dout[:, f].sum() for f in range(F)])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db


# --- convolution, vectorised ---------------------------------------------------------------------


def _view(xp, KH, KW, stride):
    """(N, C, Ho, Wo, KH, KW) windows of the padded input."""
    return sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = _f(x), _f(w), _f(b)
    view = _view(_padded(x, pad), w.shape[2], w.shape[3], stride)
    out = np.einsum("nchwkl,fckl->nfhw", view, w, optimize=True) + b[None, :, None, None]
    return out, {"x": x, "w": w, "stride": stride, "pad": pad}


def conv2d_backward(dout, cache):
    x, w, stride, pad = cache["x"], cache["w"], cache["stride"], cache["pad"]
    dout = _f(dout)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = dout.shape[2:]
    xp = _padded(x, pad)
    view = _view(xp, KH, KW, stride)[:, :, :Ho, :Wo]
    dw = np.einsum("nfhw,nchwkl->fckl", dout, view, optimize=True)
    dxp = np.zeros(xp.shape)
    for a in range(KH):
        for c in range(KW):
            rows = slice(a, a + stride * (Ho - 1) + 1, stride)
            cols = slice(c, c + stride * (Wo - 1) + 1, stride)
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, a, c])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


# --- max-pooling and flatten ---------------------------------------------------------------------


def maxpool_forward(x, pool=2, stride=2):
    x = _f(x)
    N, C, H, W = x.shape
    Ho, Wo = (H - pool) // stride + 1, (W - pool) // stride + 1
    out = np.empty((N, C, Ho, Wo))
    first = np.empty((N, C, Ho, Wo), dtype=np.int64)
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool]
            flat = window.reshape(N, C, -1)
            first[:, :, i, j] = flat.argmax(axis=2)
            out[:, :, i, j] = flat.max(axis=2)
    return out, (x.shape, first, pool, stride)


def maxpool_backward(dout, cache):
    shape, first, pool, stride = cache
    dout = _f(dout)
    N, C = shape[:2]
    dx = np.zeros(shape)
    n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            a, c = np.divmod(first[:, :, i, j], pool)
            dx[n_idx, c_idx, i * stride + a, j * stride + c] += dout[:, :, i, j]
    return dx


def flatten_forward(x):
    x = _f(x)
    return np.reshape(x, (len(x), int(np.prod(x.shape[1:])))), x.shape


def flatten_backward(dout, cache):
    return np.reshape(_f(dout), cache)


# --- transposed convolution ----------------------------------------------------------------------


def conv_transpose2d_forward(x, w, b, stride=1, pad=0):
    x, w, b = _f(x), _f(w), _f(b)
    N, C_in, H, W = x.shape
    _, C_out, KH, KW = w.shape
    full = np.zeros((N, C_out, (H - 1) * stride + KH, (W - 1) * stride + KW))
    for i in range(H):
        for j in range(W):
            full[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW] += \
                np.tensordot(x[:, :, i, j], w, axes=1)
    out = full[:, :, pad:full.shape[2] - pad, pad:full.shape[3] - pad]
    return out + b[:, None, None], (x, w, stride, pad)


def conv_transpose2d_backward(dout, cache):
    x, w, stride, pad = cache
    dfull = _padded(_f(dout), pad)
    N, C_in, H, W = x.shape
    KH, KW = w.shape[2:]
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(H):
        for j in range(W):
            patch = dfull[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            dx[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
            dw += np.tensordot(x[:, :, i, j], patch, axes=([0], [0]))
    return dx, dw, _f(dout).sum(axis=(0, 2, 3))


# --- filters and the small CNN -------------------------------------------------------------------


def filter_image(image, kernel):
    image, kernel = _f(image), _f(kernel)
    KH, KW = kernel.shape
    H, W = image.shape
    out = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            out[i, j] = (image[i:i + KH, j:j + KW] * kernel).sum()
    return out


def cnn_init(C=1, H=16, W=16, F=8, K=3, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, (2.0 / (C * K * K)) ** 0.5, size=(F, C, K, K))
    D = F * (H // 2) * (W // 2)
    W2 = rng.normal(0.0, (1.0 / D) ** 0.5, size=(D, classes))
    return {"W1": W1, "b1": np.zeros(F), "W2": W2, "b2": np.zeros(classes)}


def cnn_forward(params, x):
    W1 = _f(params["W1"])
    z, conv = conv2d_forward(x, W1, params["b1"], 1, W1.shape[-1] // 2)
    h = np.maximum(z, 0.0)
    pooled, pool = maxpool_forward(h, 2, 2)
    flat, shape = flatten_forward(pooled)
    scores = flat @ _f(params["W2"]) + _f(params["b2"])
    return scores, {"conv": conv, "z": z, "pool": pool, "shape": shape, "flat": flat,
                    "W2": _f(params["W2"])}


def cnn_backward(dscores, cache):
    dscores = _f(dscores)
    dflat = dscores @ cache["W2"].T
    dh = maxpool_backward(flatten_backward(dflat, cache["shape"]), cache["pool"])
    dz = dh * (cache["z"] > 0)
    _, dW1, db1 = conv2d_backward(dz, cache["conv"])
    return {"W1": dW1, "b1": db1, "W2": cache["flat"].T @ dscores, "b2": dscores.sum(axis=0)}


def cnn_loss(params, x, y):
    scores, cache = cnn_forward(params, x)
    y = np.asarray(y)
    z = scores - scores.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    N = len(y)
    dscores = np.exp(log_p)
    dscores[np.arange(N), y] -= 1.0
    return float(-log_p[np.arange(N), y].mean()), cnn_backward(dscores / N, cache)


def cnn_predict(params, x):
    return np.argmax(cnn_forward(params, x)[0], axis=1)


def train_cnn(x, y, epochs=5, batch_size=32, lr=0.1, F=8, classes=10, seed=0):
    x, y = _f(x), np.asarray(y)
    N, C, H, W = x.shape
    params = cnn_init(C, H, W, F, 3, classes, seed)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            loss, grads = cnn_loss(params, x[idx], y[idx])
            for key in params:
                params[key] = params[key] - lr * grads[key]
            losses.append(loss)
    return params, np.asarray(losses)
