"""A second correct solution of exercise 14, written differently from the reference.

Self-contained NumPy code (the graded worker may not import `reference`): plain tuples as
caches, products through np.einsum, σ as sqrt(exp(log σ²)), the KL term as a mean over samples
of per-sample sums, the parameter update as a loop over flat (network, key) pairs, and no input
validation. vae_gradients and autoencoder_gradients compose the building blocks as the stub
suggests, so a wrong block also costs the checks built on it. Its source text is graded as an
alternative correct submission (full marks expected), and tests append a wrong function to it
to build a wrong submission.
"""

import numpy as np

X_DIM = 8
HIDDEN = 16
Z_DIM = 2
BATCH = 32
LR = 0.02
STEPS = 2000
NOISE = 0.05


def _f(a):
    return np.asarray(a, dtype=np.float64)


# --- given in the stub (written again here) ------------------------------------------------------


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, X_DIM)
    shapes = np.array([2 * t - 1, 1 - 2 * t, 2 * np.exp(-(t - 0.5) ** 2 / 0.05) - 1])
    labels = rng.integers(0, 3, n)
    amplitude = rng.uniform(0.5, 1.5, n)
    noise = rng.standard_normal((n, X_DIM))
    return amplitude[:, None] * shapes[labels] + NOISE * noise, labels


def init_vae_params(x_dim=X_DIM, hidden=HIDDEN, z_dim=Z_DIM, seed=0):
    rng = np.random.default_rng(seed)
    sizes = [(x_dim, hidden), (hidden, z_dim), (hidden, z_dim), (z_dim, hidden), (hidden, x_dim)]
    W = [rng.normal(0.0, 1.0 / np.sqrt(a), size=(a, b)) for a, b in sizes]
    return {"encoder": {"W1": W[0], "b1": np.zeros(hidden), "W_mu": W[1], "b_mu": np.zeros(z_dim),
                        "W_logvar": W[2], "b_logvar": np.zeros(z_dim)},
            "decoder": {"W1": W[3], "b1": np.zeros(hidden), "W2": W[4], "b2": np.zeros(x_dim)}}


# --- the exercise --------------------------------------------------------------------------------


def reconstruction_loss(x_hat, x):
    diff = _f(x_hat) - _f(x)
    n = diff.shape[0]
    return float(np.einsum("nd,nd->", diff, diff) / n), diff * (2.0 / n)


def decoder_forward(z, params):
    z = _f(z)
    h = np.tanh(np.einsum("nz,zh->nh", z, _f(params["W1"])) + _f(params["b1"]))
    x_hat = np.einsum("nh,hd->nd", h, _f(params["W2"])) + _f(params["b2"])
    return x_hat, (z, h, _f(params["W1"]), _f(params["W2"]))


def decoder_backward(dx_hat, cache):
    z, h, W1, W2 = cache
    g = _f(dx_hat)
    da = np.einsum("nd,hd->nh", g, W2) * (1.0 - h * h)
    grads = {"W1": np.einsum("nz,nh->zh", z, da), "b1": da.sum(0),
             "W2": np.einsum("nh,nd->hd", h, g), "b2": g.sum(0)}
    return np.einsum("nh,zh->nz", da, W1), grads


def autoencoder_gradients(params, x):
    x = _f(x)
    code = np.tanh(x @ _f(params["encoder"]["W"]) + _f(params["encoder"]["b"]))
    x_hat, cache = decoder_forward(code, params["decoder"])
    loss, dx_hat = reconstruction_loss(x_hat, x)
    dcode, dec = decoder_backward(dx_hat, cache)
    da = dcode * (1.0 - code * code)
    return loss, {"encoder": {"W": x.T @ da, "b": da.sum(0)}, "decoder": dec}


def encoder_forward(x, params):
    x = _f(x)
    p = {k: _f(v) for k, v in params.items()}
    h = np.tanh(x @ p["W1"] + p["b1"])
    return h @ p["W_mu"] + p["b_mu"], h @ p["W_logvar"] + p["b_logvar"], (x, h, p)


def encoder_backward(dmu, dlogvar, cache):
    x, h, p = cache
    dmu, dlogvar = _f(dmu), _f(dlogvar)
    da = (dmu @ p["W_mu"].T + dlogvar @ p["W_logvar"].T) * (1.0 - h * h)
    return {"W1": x.T @ da, "b1": da.sum(0), "W_mu": h.T @ dmu, "b_mu": dmu.sum(0),
            "W_logvar": h.T @ dlogvar, "b_logvar": dlogvar.sum(0)}


def reparameterize(mu, logvar, eps):
    return _f(mu) + np.sqrt(np.exp(_f(logvar))) * _f(eps)


def kl_divergence(mu, logvar):
    mu, logvar = _f(mu), _f(logvar)
    n = mu.shape[0]
    per_sample = 0.5 * (mu**2 + np.exp(logvar) - 1.0 - logvar).sum(axis=1)
    return float(per_sample.mean()), mu / n, (np.exp(logvar) - 1.0) / (2 * n)


def vae_gradients(params, x, eps, beta=1.0):
    eps = _f(eps)
    mu, logvar, enc_cache = encoder_forward(x, params["encoder"])
    z = reparameterize(mu, logvar, eps)
    x_hat, dec_cache = decoder_forward(z, params["decoder"])
    rec, dx_hat = reconstruction_loss(x_hat, x)
    kl, dmu_kl, dlogvar_kl = kl_divergence(mu, logvar)
    dz, dec = decoder_backward(dx_hat, dec_cache)
    sigma = np.sqrt(np.exp(logvar))
    enc = encoder_backward(dz + beta * dmu_kl, 0.5 * dz * eps * sigma + beta * dlogvar_kl,
                           enc_cache)
    return rec + beta * kl, {"encoder": enc, "decoder": dec}


def train_vae(data, steps=STEPS, batch_size=BATCH, lr=LR, beta=1.0, hidden=HIDDEN, z_dim=Z_DIM,
              seed=0):
    data = _f(data)
    params = init_vae_params(data.shape[1], hidden, z_dim, seed)
    rng = np.random.default_rng(seed + 1)
    losses = []
    for _ in range(steps):
        rows = rng.integers(0, len(data), size=batch_size)
        eps = rng.standard_normal((batch_size, z_dim))
        loss, grads = vae_gradients(params, data[rows], eps, beta)
        losses.append(loss)
        params = {net: dict(p) for net, p in params.items()}
        for net in params:
            for key in params[net]:
                params[net][key] = params[net][key] - lr * grads[net][key]
    return params, np.array(losses)
