r"""Exercise 14 — autoencoders (自編碼器) and variational autoencoders (變分自編碼器, VAE):
fill in every function that raises NotImplementedError; run `grade exercise 14`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments. The
instructions are in README.md (README.zh-TW.md). In order:
1. the reconstruction loss R = (1/N) Σₙ Σ_d (x̂ − x)² (summed over features, averaged over the
   batch) and its gradient;
2. the decoder z → dense → tanh → dense → x̂ as a forward/backward pair (the backward also
   returns dz), and a plain autoencoder's gradients (code = tanh(x W + b), then the decoder);
3. the VAE's encoder x → dense → tanh → (μ, log σ²) as a forward/backward pair;
4. the reparameterisation z = μ + exp(½ log σ²) ⊙ ε with the GIVEN ε, and the KL term
   KL(N(μ, σ²) ‖ N(0, I)) = −(1/2N) Σ (1 + log σ² − μ² − σ²) with its gradients;
5. the VAE's loss R + β·KL and its gradients through z, and a short training loop.
Parameters are dicts: {"encoder": {...}, "decoder": {...}}; gradients are dicts of the same
keys. The caches (DecoderCache, EncoderCache) are suggestions: a forward may return any cache
its own backward understands. Given in full: make_data and init_vae_params. Never modify an
argument in place; float32 input must give the float64 answer (convert with
np.asarray(x, dtype=np.float64)).
Run `grade exercise 14 --plot` for the figures.
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


# --- the reconstruction loss and the decoder ---------------------------------------------------


def reconstruction_loss(x_hat: ArrayLike, x: ArrayLike) -> tuple[float, FloatArray]:
    """R = (1/N) Σₙ Σ_d (x̂ − x)²: squared error summed over the features, averaged over the
    batch; and ∂R/∂x̂ = 2 (x̂ − x) / N.

    x_hat, x: (N, D)  ->  (R, dx_hat (N, D))
    """
    raise NotImplementedError("exercise 14: write reconstruction_loss")


class DecoderCache(NamedTuple):
    z: FloatArray  # (N, Z)
    h: FloatArray  # (N, H) tanh(z W1 + b1)
    W1: FloatArray  # (Z, H)
    W2: FloatArray  # (H, D)


def decoder_forward(z: ArrayLike, params: Params) -> tuple[FloatArray, DecoderCache]:
    """x̂ = tanh(z W1 + b1) W2 + b2.

    z: (N, Z), params {"W1" (Z, H), "b1" (H,), "W2" (H, D), "b2" (D,)}  ->  (x̂ (N, D), cache)
    """
    raise NotImplementedError("exercise 14: write decoder_forward")


def decoder_backward(dx_hat: ArrayLike, cache: DecoderCache) -> tuple[FloatArray, dict]:
    """The decoder's gradients for the upstream gradient dx_hat = ∂L/∂x̂:

        dW2 = hᵀ dx̂,  db2 = Σₙ dx̂,  da = (dx̂ W2ᵀ) ⊙ (1 − h²),  dW1 = zᵀ da,  db1 = Σₙ da,
        dz = da W1ᵀ

    dx_hat: (N, D)  ->  (dz (N, Z), {"W1", "b1", "W2", "b2"})
    """
    raise NotImplementedError("exercise 14: write decoder_backward")


def autoencoder_gradients(params: Params, x: ArrayLike) -> tuple[float, Params]:
    """A plain autoencoder's loss and gradients: code = tanh(x W + b) (N, K),
    x̂ = decoder_forward(code, params["decoder"]), loss = reconstruction_loss(x̂, x); the
    decoder's dcode flows back through tanh: da = dcode ⊙ (1 − code²), dW = xᵀ da, db = Σₙ da.

    params {"encoder": {"W" (D, K), "b" (K,)}, "decoder": {"W1", "b1", "W2", "b2"}}, x: (N, D)
    ->  (loss, {"encoder": {"W", "b"}, "decoder": {"W1", "b1", "W2", "b2"}})
    """
    raise NotImplementedError("exercise 14: write autoencoder_gradients")


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
    raise NotImplementedError("exercise 14: write encoder_forward")


def encoder_backward(dmu: ArrayLike, dlogvar: ArrayLike, cache: EncoderCache) -> dict:
    """The encoder's parameter gradients for the upstream gradients ∂L/∂μ and ∂L/∂log σ²:

        dW_mu = hᵀ dμ,  db_mu = Σₙ dμ,  dW_logvar = hᵀ dlogvar,  db_logvar = Σₙ dlogvar,
        da = (dμ W_muᵀ + dlogvar W_logvarᵀ) ⊙ (1 − h²),  dW1 = xᵀ da,  db1 = Σₙ da

    dmu, dlogvar: (N, Z)  ->  {"W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar"}
    """
    raise NotImplementedError("exercise 14: write encoder_backward")


def reparameterize(mu: ArrayLike, logvar: ArrayLike, eps: ArrayLike) -> FloatArray:
    """The reparameterisation trick: z = μ + σ ⊙ ε with σ = exp(½ log σ²) and the GIVEN noise
    ε (draw nothing here): z is then a differentiable function of μ and log σ².

    mu, logvar, eps: (N, Z)  ->  z (N, Z)
    """
    raise NotImplementedError("exercise 14: write reparameterize")


def kl_divergence(mu: ArrayLike, logvar: ArrayLike) -> tuple[float, FloatArray, FloatArray]:
    """KL(N(μ, σ²) ‖ N(0, I)) = −(1/2N) Σₙ Σⱼ (1 + log σ² − μ² − σ²), summed over the latent
    dimensions and AVERAGED over the batch; ∂KL/∂μ = μ / N, ∂KL/∂log σ² = ½ (σ² − 1) / N.

    mu, logvar: (N, Z)  ->  (KL ≥ 0, dmu (N, Z), dlogvar (N, Z))
    """
    raise NotImplementedError("exercise 14: write kl_divergence")


def vae_gradients(params: Params, x: ArrayLike, eps: ArrayLike, beta: float = 1.0
                  ) -> tuple[float, Params]:
    """The VAE's loss R + β·KL and its gradients, for the given noise ε:

        μ, log σ² = encoder(x);  z = μ + σ ⊙ ε;  x̂ = decoder(z)
        dz from decoder_backward; then through z to the encoder's outputs, plus β times KL's:
        dμ = dz + β ∂KL/∂μ,   dlog σ² = dz ⊙ ε ⊙ ½σ + β ∂KL/∂log σ²

    params {"encoder": {...}, "decoder": {...}}, x: (N, D), eps: (N, Z)
    ->  (loss, {"encoder": {...}, "decoder": {...}})
    """
    raise NotImplementedError("exercise 14: write vae_gradients")


def train_vae(data: ArrayLike, steps: int = STEPS, batch_size: int = BATCH, lr: float = LR,
              beta: float = 1.0, hidden: int = HIDDEN, z_dim: int = Z_DIM, seed: int = 0
              ) -> tuple[Params, FloatArray]:
    """Train a VAE by plain gradient descent: params = init_vae_params(D, hidden, z_dim, seed);
    rng = default_rng(seed + 1); each step draws rows = rng.integers(0, n, size=batch_size), then
    eps = rng.standard_normal((batch_size, z_dim)), computes vae_gradients(params,
    data[rows], eps, beta) and moves every parameter by −lr · its gradient.

    data: (n, D)  ->  (params, losses (steps,): each step's loss, before its update)
    """
    raise NotImplementedError("exercise 14: write train_vae")
