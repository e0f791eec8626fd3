"""A second correct solution of exercise 13, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): softplus through
np.logaddexp and σ through tanh, the networks with plain tuples as caches, D run separately on
the real and the fake batch, Adam's bias correction folded into the step size (with ε rescaled
to match) and its state kept as {"t", "m", "v"} per network, the schedule as a loop over
zip(x_real, z_d), convolutions through sliding_window_view (the transposed one as a convolution
of the zero-dilated input with the flipped kernel), spatial batch norm over the axes (0, 2, 3)
without reshaping, and no input validation. Its source text is graded as an alternative
correct submission (full marks expected), and tests append a wrong function to it to build a
wrong submission.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ALPHA = 0.2
BETA1 = 0.5
LR = 1e-3
HIDDEN = 32
Z_DIM = 2
BATCH = 64
STEPS = 2000
TARGET_MEAN, TARGET_STD = 4.0, 1.25
KEYS = ("W1", "b1", "W2", "b2")
BN_EPS = 1e-5


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _sig(x):
    return 0.5 * (1.0 + np.tanh(0.5 * _f(x)))


# --- given in the stub (written again here) ------------------------------------------------------


def target_samples(n, seed=0):
    return TARGET_MEAN + TARGET_STD * np.random.default_rng(seed).standard_normal((n, 1))


def init_gan_params(data, z_dim=Z_DIM, hidden=HIDDEN, seed=0):
    data = _f(data)
    rng = np.random.default_rng(seed)
    D = data.shape[1]
    draws = [rng.normal(0.0, 1.0 / np.sqrt(rows), size=(rows, cols))
             for rows, cols in ((z_dim, hidden), (hidden, D), (D, hidden), (hidden, 1))]
    kinks = data[rng.integers(0, len(data), size=hidden)]  # (H, D)
    return {"G": {"W1": draws[0], "b1": np.zeros(hidden), "W2": draws[1], "b2": np.zeros(D)},
            "D": {"W1": draws[2], "b1": -np.einsum("hd,dh->h", kinks, draws[2]),
                  "W2": draws[3], "b2": np.zeros(1)}}


# --- losses --------------------------------------------------------------------------------------


def softplus(x):
    return np.logaddexp(0.0, _f(x))


def discriminator_loss(real_logits, fake_logits):
    s, f = _f(real_logits), _f(fake_logits)
    loss = softplus(-s).mean() + softplus(f).mean()
    return float(loss), -_sig(-s) / len(s), _sig(f) / len(f)


def generator_loss(fake_logits):
    f = _f(fake_logits)
    return float(softplus(-f).mean()), -_sig(-f) / len(f)


def saturating_generator_loss(fake_logits):
    f = _f(fake_logits)
    return float(-softplus(f).mean()), -_sig(f) / len(f)


# --- networks ------------------------------------------------------------------------------------


def generator_forward(z, params):
    z = _f(z)
    a = z @ _f(params["W1"]) + _f(params["b1"])
    h = a * (a > 0)
    W2 = _f(params["W2"])
    return h @ W2 + _f(params["b2"]), (z, a, h, W2)


def generator_backward(dx, cache):
    z, a, h, W2 = cache
    dx = _f(dx)
    da = np.where(a > 0, dx @ W2.T, 0.0)
    return {"W1": z.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dx, "b2": dx.sum(axis=0)}


def discriminator_forward(x, params, alpha=ALPHA):
    x = _f(x)
    W1, W2 = _f(params["W1"]), _f(params["W2"])
    a = x @ W1 + _f(params["b1"])
    slope = np.where(a > 0, 1.0, alpha)
    h = a * slope
    return (h @ W2)[:, 0] + _f(params["b2"])[0], (x, slope, h, W1, W2)


def discriminator_backward(dlogits, cache):
    x, slope, h, W1, W2 = cache
    g = _f(dlogits)
    da = np.outer(g, W2[:, 0]) * slope
    grads = {"W1": x.T @ da, "b1": da.sum(axis=0), "W2": (h.T @ g)[:, None],
             "b2": np.array([g.sum()])}
    return da @ W1.T, grads


# --- each player's gradients ---------------------------------------------------------------------


def discriminator_gradients(params, x_real, z):
    fake, _ = generator_forward(z, params["G"])
    s, real_cache = discriminator_forward(x_real, params["D"])
    f, fake_cache = discriminator_forward(fake, params["D"])
    loss, dreal, dfake = discriminator_loss(s, f)
    _, from_real = discriminator_backward(dreal, real_cache)
    _, from_fake = discriminator_backward(dfake, fake_cache)
    return loss, {k: from_real[k] + from_fake[k] for k in KEYS}


def generator_gradients(params, z):
    fake, g_cache = generator_forward(z, params["G"])
    f, d_cache = discriminator_forward(fake, params["D"])
    loss, dfake = generator_loss(f)
    dx, _ = discriminator_backward(dfake, d_cache)
    return loss, generator_backward(dx, g_cache)


# --- the schedule --------------------------------------------------------------------------------


def _adam(net, grads, memory, lr):
    """Adam on one network; memory {"t", "m", "v"} of the whole network (None at first)."""
    t = 1 if memory is None else memory["t"] + 1
    m, v, new = {}, {}, {}
    for k in KEYS:
        g = _f(grads[k])
        m[k] = (0.0 if memory is None else memory["m"][k]) * BETA1 + (1 - BETA1) * g
        v[k] = (0.0 if memory is None else memory["v"][k]) * 0.999 + 0.001 * g * g
        size = lr * np.sqrt(1 - 0.999**t) / (1 - BETA1**t)
        new[k] = _f(net[k]) - size * m[k] / (np.sqrt(v[k]) + 1e-8 * np.sqrt(1 - 0.999**t))
    return new, {"t": t, "m": m, "v": v}


def _memory(state, net):
    return None if not state else state.get(net)


def discriminator_step(params, state, x_real, z, lr=LR):
    loss, grads = discriminator_gradients(params, x_real, z)
    d, memory = _adam(params["D"], grads, _memory(state, "D"), lr)
    return {"G": dict(params["G"]), "D": d}, {"G": _memory(state, "G"), "D": memory}, loss


def generator_step(params, state, z, lr=LR):
    loss, grads = generator_gradients(params, z)
    g, memory = _adam(params["G"], grads, _memory(state, "G"), lr)
    return {"G": g, "D": dict(params["D"])}, {"G": memory, "D": _memory(state, "D")}, loss


def train_step(params, state, x_real, z_d, z_g, lr=LR):
    d_losses = []
    for batch, noise in zip(_f(x_real), _f(z_d), strict=True):
        params, state, loss = discriminator_step(params, state, batch, noise, lr)
        d_losses.append(loss)
    params, state, g_loss = generator_step(params, state, z_g, lr)
    return params, state, np.array(d_losses), g_loss


def discriminator_accuracy(params, x_real, z):
    real, _ = discriminator_forward(x_real, params["D"])
    fake, _ = discriminator_forward(generator_forward(z, params["G"])[0], params["D"])
    right = np.concatenate([real > 0, fake <= 0])
    return float(right.mean())


def train_gan(data, steps=STEPS, batch_size=BATCH, k=1, lr=LR, hidden=HIDDEN, z_dim=Z_DIM,
              seed=0):
    data = _f(data)
    params, state = init_gan_params(data, z_dim, hidden, seed), None
    rng = np.random.default_rng(seed + 1)
    history = {"d_loss": np.zeros(steps), "g_loss": np.zeros(steps)}
    for t in range(steps):
        x_real = data[rng.integers(0, len(data), size=(k, batch_size))]
        z_d = rng.normal(size=(k, batch_size, z_dim))
        z_g = rng.normal(size=(batch_size, z_dim))
        params, state, d_losses, g_loss = train_step(params, state, x_real, z_d, z_g, lr)
        history["d_loss"][t], history["g_loss"][t] = np.mean(d_losses), g_loss
    return params, history


# --- DCGAN blocks --------------------------------------------------------------------------------


def _windows(xp, KH, KW, stride):
    """(N, C, Ho, Wo, KH, KW) windows of a padded input."""
    return sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]


def conv2d_forward(x, w, b, stride=1, pad=0):
    x, w = _f(x), _f(w)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.einsum("nchwij,fcij->nfhw", _windows(xp, *w.shape[2:], stride), w)
    return out + _f(b)[:, None, None], (xp, w, stride, pad)


def conv2d_backward(dout, cache):
    xp, w, stride, pad = cache
    dout = _f(dout)
    F, C, KH, KW = w.shape
    N, _, Ho, Wo = dout.shape
    dw = np.einsum("nchwij,nfhw->fcij", _windows(xp, KH, KW, stride), dout)
    dxp = np.zeros_like(xp)
    for i in range(KH):
        for j in range(KW):
            dxp[:, :, i:i + stride * Ho:stride, j:j + stride * Wo:stride] += np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, i, j])
    H, W = xp.shape[2] - 2 * pad, xp.shape[3] - 2 * pad
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def conv_transpose2d_forward(x, w, b, stride=1, pad=0):
    """The zero-dilated input, padded by K − 1 − pad, convolved with the flipped kernel."""
    x, w = _f(x), _f(w)
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    dilated = np.zeros((N, C, (H - 1) * stride + 1, (W - 1) * stride + 1))
    dilated[:, :, ::stride, ::stride] = x
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_out, C_in, KH, KW)
    ph, pw = KH - 1 - pad, KW - 1 - pad
    out, _ = conv2d_forward(np.pad(dilated, ((0, 0), (0, 0), (ph, ph), (pw, pw))), flipped,
                            b)
    return out, (x, w, stride, pad)


def conv_transpose2d_backward(dout, cache):
    """Its adjoint: dx is the strided convolution of dout (padded back) with w."""
    x, w, stride, pad = cache
    dout = _f(dout)
    KH, KW = w.shape[2:]
    full = np.pad(dout, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    H, W = x.shape[2:]
    windows = _windows(full, KH, KW, stride)[:, :, :H, :W]  # (N, C_out, H, W, KH, KW)
    dx = np.einsum("nohwij,coij->nchw", windows, w)
    dw = np.einsum("nohwij,nchw->coij", windows, x)
    return dx, dw, dout.sum(axis=(0, 2, 3))


def _bn(y, gamma, beta):
    mu = y.mean(axis=(0, 2, 3), keepdims=True)
    inv = 1.0 / np.sqrt(((y - mu) ** 2).mean(axis=(0, 2, 3), keepdims=True) + BN_EPS)
    y_hat = (y - mu) * inv
    return _f(gamma)[:, None, None] * y_hat + _f(beta)[:, None, None], (y_hat, inv, _f(gamma))


def _bn_backward(dout, cache):
    y_hat, inv, gamma = cache
    g = dout * gamma[:, None, None]
    axes = (0, 2, 3)
    dy = inv * (g - g.mean(axis=axes, keepdims=True)
                - y_hat * (g * y_hat).mean(axis=axes, keepdims=True))
    return dy, (dout * y_hat).sum(axis=axes), dout.sum(axis=axes)


def generator_block_forward(x, w, b, gamma, beta, stride=2, pad=1, last=False):
    y, conv = conv_transpose2d_forward(x, w, b, stride, pad)
    if last:
        out = np.tanh(y)
        return out, ("tanh", conv, None, out)
    y_bn, bn = _bn(y, gamma, beta)
    return np.maximum(y_bn, 0.0), ("relu", conv, bn, y_bn)


def _block_backward(dout, cache, conv_backward, alpha=ALPHA):
    kind, conv, bn, kept = cache
    dout = _f(dout)
    if kind == "tanh":
        dy = dout * (1.0 - kept**2)
    elif kind == "relu":
        dy = dout * (kept > 0)
    else:
        dy = dout * np.where(kept > 0, 1.0, alpha)
    C = dout.shape[1]
    dgamma = dbeta = np.zeros(C)
    if bn is not None:
        dy, dgamma, dbeta = _bn_backward(dy, bn)
    dx, dw, db = conv_backward(dy, conv)
    return {"x": dx, "w": dw, "b": db, "gamma": dgamma, "beta": dbeta}


def generator_block_backward(dout, cache):
    return _block_backward(dout, cache, conv_transpose2d_backward)


def discriminator_block_forward(x, w, b, gamma, beta, stride=2, pad=1, batchnorm=True,
                                alpha=ALPHA):
    y, conv = conv2d_forward(x, w, b, stride, pad)
    bn = None
    if batchnorm:
        y, bn = _bn(y, gamma, beta)
    return np.where(y > 0, y, alpha * y), (("leaky", alpha), conv, bn, y)


def discriminator_block_backward(dout, cache):
    (kind, alpha), conv, bn, y = cache
    return _block_backward(dout, (kind, conv, bn, y), conv2d_backward, alpha)
