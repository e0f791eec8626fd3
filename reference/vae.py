r"""Autoencoders (自編碼器) and variational autoencoders (變分自編碼器, VAE) in NumPy.

An autoencoder squeezes x (N, D) through a small code and rebuilds it (seed
000_26ce816d45ad6304.txt: 「Autoencoder (自編碼器) 是最早的Generator」):

    code = tanh(x W + b)  (N, K),      x̂ = decoder(code)  (N, D)

A VAE's encoder gives, for each sample, the mean μ and the log-variance log σ² of a Gaussian in
the latent space (the seed: VAE 「試著找出合適的規則 (平均值與標準差) 來界定資料
於潛在空間的分布區域」):

    encoder:  h = tanh(x W1 + b1),  μ = h W_mu + b_mu,  log σ² = h W_logvar + b_logvar   (N, Z)
    sample:   z = μ + σ ⊙ ε,  σ = exp(½ log σ²),  ε ~ N(0, I) given    (the reparameterisation)
    decoder:  h = tanh(z W1 + b1),  x̂ = h W2 + b2                                         (N, D)

The noise ε is an argument, so every function is deterministic and z is a differentiable
function of μ and log σ²: ∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ⊙ ε. Losses are summed over the features
(or latent dimensions) of a sample and averaged over the batch of N samples:

    reconstruction  R  = (1/N) Σₙ Σ_d (x̂ − x)²                ∂R/∂x̂ = 2 (x̂ − x) / N
    KL(N(μ, σ²) ‖ N(0, I)) = −(1/2N) Σₙ Σⱼ (1 + log σ² − μ² − σ²)
                                       ∂KL/∂μ = μ / N,   ∂KL/∂log σ² = ½ (σ² − 1) / N
    loss = R + β · KL

R is D times Keras's "mse" (a mean over the features too); with the per-sample sum the two terms
have the same scale for any D. Parameters are dicts: a VAE's {"encoder": {"W1", "b1", "W_mu",
"b_mu", "W_logvar", "b_logvar"}, "decoder": {"W1", "b1", "W2", "b2"}}, an autoencoder's
{"encoder": {"W", "b"}, "decoder": {...}}; gradients come back in dicts of the same keys. Where
the seed slips: "Varational" is Variational. Any real dtype is computed in float64; no argument
is modified.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Params = dict

X_DIM = 8  # features of make_data's samples
HIDDEN = 16  # hidden units of the encoder and the decoder
Z_DIM = 2  # latent dimensions: a plane one can draw
BATCH = 32  # samples per training step
LR = 0.02  # plain gradient descent's step
STEPS = 2000  # train_vae's default
NOISE = 0.05  # make_data's noise level
ENCODER_KEYS = ("W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar")
DECODER_KEYS = ("W1", "b1", "W2", "b2")


# --- data and initialisation ---------------------------------------------------------------------


def make_data(n: int, seed: int = 0) -> tuple[FloatArray, NDArray[np.int64]]:
    """n curves of X_DIM points in three classes, from rng = default_rng(seed).

    Class 0 rises (2t − 1), class 1 falls (1 − 2t), class 2 is a bump (2 exp(−(t − ½)²/0.05) − 1)
    on t = linspace(0, 1, X_DIM); each is scaled by an amplitude a ~ U(0.5, 1.5) and gets noise
    NOISE · N(0, 1). Drawn in this order: labels = rng.integers(0, 3, n), a = rng.uniform(0.5,
    1.5, n), noise = rng.standard_normal((n, X_DIM)).
    ->  x (n, X_DIM) float64, labels (n,) int
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, X_DIM)
    shapes = np.stack([2 * t - 1, 1 - 2 * t, 2 * np.exp(-(t - 0.5) ** 2 / 0.05) - 1])
    labels = rng.integers(0, 3, n)
    amplitude = rng.uniform(0.5, 1.5, n)
    noise = rng.standard_normal((n, X_DIM))
    return amplitude[:, None] * shapes[labels] + NOISE * noise, labels


def init_vae_params(x_dim: int = X_DIM, hidden: int = HIDDEN, z_dim: int = Z_DIM, seed: int = 0
                    ) -> Params:
    """Initial VAE parameters from rng = default_rng(seed): each W ~ N(0, 1/fan_in), drawn in the
    order encoder W1 (D, H), W_mu (H, Z), W_logvar (H, Z), decoder W1 (Z, H), W2 (H, D); biases 0.

    ->  {"encoder": {"W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar"},
         "decoder": {"W1", "b1", "W2", "b2"}}
    """
    rng = np.random.default_rng(seed)

    def weight(fan_in: int, fan_out: int) -> FloatArray:
        return rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))

    encoder = {"W1": weight(x_dim, hidden), "b1": np.zeros(hidden),
               "W_mu": weight(hidden, z_dim), "b_mu": np.zeros(z_dim),
               "W_logvar": weight(hidden, z_dim), "b_logvar": np.zeros(z_dim)}
    decoder = {"W1": weight(z_dim, hidden), "b1": np.zeros(hidden),
               "W2": weight(hidden, x_dim), "b2": np.zeros(x_dim)}
    return {"encoder": encoder, "decoder": decoder}


def _array(name: str, what: str, value: ArrayLike, ndim: int | None = 2) -> FloatArray:
    """value as a float64 array, or a ValueError naming the function and the argument."""
    array = np.asarray(value, dtype=np.float64)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: {what} must have {ndim} dimensions, got shape {array.shape}")
    return array


def _dict(name: str, params: Params, keys: tuple[str, ...]) -> dict[str, FloatArray]:
    """A network's parameters as float64 arrays, after checking the keys."""
    if not isinstance(params, dict) or set(params) != set(keys):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{name}: params must have the keys {list(keys)}, got {got}")
    return {k: np.asarray(params[k], dtype=np.float64) for k in keys}


def _same_shape(name: str, a: FloatArray, b: FloatArray, names: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name}: {names} must have one shape, got {a.shape} and {b.shape}")


# --- the reconstruction loss and the decoder ---------------------------------------------------


def reconstruction_loss(x_hat: ArrayLike, x: ArrayLike) -> tuple[float, FloatArray]:
    """R = (1/N) Σₙ Σ_d (x̂ − x)²: squared error summed over the features, averaged over the
    batch; and ∂R/∂x̂ = 2 (x̂ − x) / N.

    x_hat, x: (N, D)  ->  (R, dx_hat (N, D))
    """
    x_hat = _array("reconstruction_loss", "x_hat", x_hat)
    x = _array("reconstruction_loss", "x", x)
    _same_shape("reconstruction_loss", x_hat, x, "x_hat and x")
    diff = x_hat - x
    n = len(x)
    return float(np.sum(diff**2) / n), 2.0 * diff / n


class DecoderCache(NamedTuple):
    z: FloatArray  # (N, Z)
    h: FloatArray  # (N, H) tanh(z W1 + b1)
    W1: FloatArray  # (Z, H)
    W2: FloatArray  # (H, D)


def decoder_forward(z: ArrayLike, params: Params) -> tuple[FloatArray, DecoderCache]:
    """x̂ = tanh(z W1 + b1) W2 + b2.

    z: (N, Z), params {"W1" (Z, H), "b1" (H,), "W2" (H, D), "b2" (D,)}  ->  (x̂ (N, D), cache)
    """
    z = _array("decoder_forward", "z", z)
    p = _dict("decoder_forward", params, DECODER_KEYS)
    h = np.tanh(z @ p["W1"] + p["b1"])
    return h @ p["W2"] + p["b2"], DecoderCache(z, h, p["W1"], p["W2"])


def decoder_backward(dx_hat: ArrayLike, cache: DecoderCache) -> tuple[FloatArray, dict]:
    """The decoder's gradients for the upstream gradient dx_hat = ∂L/∂x̂:

        dW2 = hᵀ dx̂,  db2 = Σₙ dx̂,  da = (dx̂ W2ᵀ) ⊙ (1 − h²),  dW1 = zᵀ da,  db1 = Σₙ da,
        dz = da W1ᵀ

    dx_hat: (N, D)  ->  (dz (N, Z), {"W1", "b1", "W2", "b2"})
    """
    dx_hat = _array("decoder_backward", "dx_hat", dx_hat)
    if dx_hat.shape != (len(cache.h), cache.W2.shape[1]):
        raise ValueError(f"decoder_backward: dx_hat must have shape "
                         f"{(len(cache.h), cache.W2.shape[1])}, got {dx_hat.shape}")
    da = (dx_hat @ cache.W2.T) * (1.0 - cache.h**2)
    grads = {"W1": cache.z.T @ da, "b1": da.sum(axis=0), "W2": cache.h.T @ dx_hat,
             "b2": dx_hat.sum(axis=0)}
    return da @ cache.W1.T, grads


def autoencoder_gradients(params: Params, x: ArrayLike) -> tuple[float, Params]:
    """A plain autoencoder's loss and gradients: code = tanh(x W + b) (N, K),
    x̂ = decoder_forward(code, params["decoder"]), loss = reconstruction_loss(x̂, x); the
    decoder's dcode flows back through tanh: da = dcode ⊙ (1 − code²), dW = xᵀ da, db = Σₙ da.

    params {"encoder": {"W" (D, K), "b" (K,)}, "decoder": {"W1", "b1", "W2", "b2"}}, x: (N, D)
    ->  (loss, {"encoder": {"W", "b"}, "decoder": {"W1", "b1", "W2", "b2"}})
    """
    x = _array("autoencoder_gradients", "x", x)
    if not isinstance(params, dict) or set(params) != {"encoder", "decoder"}:
        raise ValueError("autoencoder_gradients: params must have the keys encoder, decoder")
    enc = _dict("autoencoder_gradients", params["encoder"], ("W", "b"))
    code = np.tanh(x @ enc["W"] + enc["b"])
    x_hat, cache = decoder_forward(code, params["decoder"])
    loss, dx_hat = reconstruction_loss(x_hat, x)
    dcode, dec_grads = decoder_backward(dx_hat, cache)
    da = dcode * (1.0 - code**2)
    return loss, {"encoder": {"W": x.T @ da, "b": da.sum(axis=0)}, "decoder": dec_grads}


# --- the VAE -------------------------------------------------------------------------------------


class EncoderCache(NamedTuple):
    x: FloatArray  # (N, D)
    h: FloatArray  # (N, H) tanh(x W1 + b1)
    W1: FloatArray  # (D, H)
    W_mu: FloatArray  # (H, Z)
    W_logvar: FloatArray  # (H, Z)


def encoder_forward(x: ArrayLike, params: Params) -> tuple[FloatArray, FloatArray, EncoderCache]:
    """h = tanh(x W1 + b1), μ = h W_mu + b_mu, log σ² = h W_logvar + b_logvar.

    x: (N, D), params {"W1" (D, H), "b1" (H,), "W_mu" (H, Z), "b_mu" (Z,), "W_logvar" (H, Z),
    "b_logvar" (Z,)}  ->  (mu (N, Z), logvar (N, Z), cache)
    """
    x = _array("encoder_forward", "x", x)
    p = _dict("encoder_forward", params, ENCODER_KEYS)
    h = np.tanh(x @ p["W1"] + p["b1"])
    mu = h @ p["W_mu"] + p["b_mu"]
    logvar = h @ p["W_logvar"] + p["b_logvar"]
    return mu, logvar, EncoderCache(x, h, p["W1"], p["W_mu"], p["W_logvar"])


def encoder_backward(dmu: ArrayLike, dlogvar: ArrayLike, cache: EncoderCache) -> dict:
    """The encoder's parameter gradients for the upstream gradients ∂L/∂μ and ∂L/∂log σ²:

        dW_mu = hᵀ dμ,  db_mu = Σₙ dμ,  dW_logvar = hᵀ dlogvar,  db_logvar = Σₙ dlogvar,
        da = (dμ W_muᵀ + dlogvar W_logvarᵀ) ⊙ (1 − h²),  dW1 = xᵀ da,  db1 = Σₙ da

    dmu, dlogvar: (N, Z)  ->  {"W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar"}
    """
    dmu = _array("encoder_backward", "dmu", dmu)
    dlogvar = _array("encoder_backward", "dlogvar", dlogvar)
    shape = (len(cache.h), cache.W_mu.shape[1])
    if dmu.shape != shape or dlogvar.shape != shape:
        raise ValueError(f"encoder_backward: dmu and dlogvar must have shape {shape}, got "
                         f"{dmu.shape} and {dlogvar.shape}")
    da = (dmu @ cache.W_mu.T + dlogvar @ cache.W_logvar.T) * (1.0 - cache.h**2)
    return {"W1": cache.x.T @ da, "b1": da.sum(axis=0),
            "W_mu": cache.h.T @ dmu, "b_mu": dmu.sum(axis=0),
            "W_logvar": cache.h.T @ dlogvar, "b_logvar": dlogvar.sum(axis=0)}


def reparameterize(mu: ArrayLike, logvar: ArrayLike, eps: ArrayLike) -> FloatArray:
    """The reparameterisation trick: z = μ + σ ⊙ ε with σ = exp(½ log σ²) and the GIVEN noise
    ε (draw nothing here): z is then a differentiable function of μ and log σ².

    mu, logvar, eps: (N, Z)  ->  z (N, Z)
    """
    mu = _array("reparameterize", "mu", mu)
    logvar = _array("reparameterize", "logvar", logvar)
    eps = _array("reparameterize", "eps", eps)
    _same_shape("reparameterize", mu, logvar, "mu and logvar")
    _same_shape("reparameterize", mu, eps, "mu and eps")
    return mu + np.exp(0.5 * logvar) * eps


def kl_divergence(mu: ArrayLike, logvar: ArrayLike) -> tuple[float, FloatArray, FloatArray]:
    """KL(N(μ, σ²) ‖ N(0, I)) = −(1/2N) Σₙ Σⱼ (1 + log σ² − μ² − σ²), summed over the latent
    dimensions and AVERAGED over the batch; ∂KL/∂μ = μ / N, ∂KL/∂log σ² = ½ (σ² − 1) / N.

    mu, logvar: (N, Z)  ->  (KL ≥ 0, dmu (N, Z), dlogvar (N, Z))
    """
    mu = _array("kl_divergence", "mu", mu)
    logvar = _array("kl_divergence", "logvar", logvar)
    _same_shape("kl_divergence", mu, logvar, "mu and logvar")
    n = len(mu)
    var = np.exp(logvar)
    kl = -0.5 * np.sum(1.0 + logvar - mu**2 - var) / n
    return float(kl), mu / n, 0.5 * (var - 1.0) / n


def vae_gradients(params: Params, x: ArrayLike, eps: ArrayLike, beta: float = 1.0
                  ) -> tuple[float, Params]:
    """The VAE's loss R + β·KL and its gradients, for the given noise ε:

        μ, log σ² = encoder(x);  z = μ + σ ⊙ ε;  x̂ = decoder(z)
        dz from decoder_backward; then through z to the encoder's outputs, plus β times KL's:
        dμ = dz + β ∂KL/∂μ,   dlog σ² = dz ⊙ ε ⊙ ½σ + β ∂KL/∂log σ²

    params {"encoder": {...}, "decoder": {...}}, x: (N, D), eps: (N, Z)
    ->  (loss, {"encoder": {...}, "decoder": {...}})
    """
    x = _array("vae_gradients", "x", x)
    eps = _array("vae_gradients", "eps", eps)
    if not isinstance(params, dict) or set(params) != {"encoder", "decoder"}:
        raise ValueError("vae_gradients: params must have the keys encoder, decoder")
    mu, logvar, enc_cache = encoder_forward(x, params["encoder"])
    z = reparameterize(mu, logvar, eps)
    x_hat, dec_cache = decoder_forward(z, params["decoder"])
    rec, dx_hat = reconstruction_loss(x_hat, x)
    kl, dmu_kl, dlogvar_kl = kl_divergence(mu, logvar)
    dz, dec_grads = decoder_backward(dx_hat, dec_cache)
    dmu = dz + beta * dmu_kl
    dlogvar = dz * eps * 0.5 * np.exp(0.5 * logvar) + beta * dlogvar_kl
    enc_grads = encoder_backward(dmu, dlogvar, enc_cache)
    return rec + beta * kl, {"encoder": enc_grads, "decoder": dec_grads}


def train_vae(data: ArrayLike, steps: int = STEPS, batch_size: int = BATCH, lr: float = LR,
              beta: float = 1.0, hidden: int = HIDDEN, z_dim: int = Z_DIM, seed: int = 0
              ) -> tuple[Params, FloatArray]:
    """Train a VAE by plain gradient descent: params = init_vae_params(D, hidden, z_dim, seed);
    rng = default_rng(seed + 1); each step draws rows = rng.integers(0, n, size=batch_size), then
    eps = rng.standard_normal((batch_size, z_dim)), computes vae_gradients(params,
    data[rows], eps, beta) and moves every parameter by −lr · its gradient.

    data: (n, D)  ->  (params, losses (steps,): each step's loss, before its update)
    """
    data = _array("train_vae", "data", data)
    params = init_vae_params(data.shape[1], hidden, z_dim, seed)
    rng = np.random.default_rng(seed + 1)
    losses = np.empty(steps)
    for step in range(steps):
        rows = rng.integers(0, len(data), size=batch_size)
        eps = rng.standard_normal((batch_size, z_dim))
        losses[step], grads = vae_gradients(params, data[rows], eps, beta)
        params = {net: {k: w - lr * grads[net][k] for k, w in p.items()}
                  for net, p in params.items()}
    return params, losses
