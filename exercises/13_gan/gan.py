r"""Exercise 13 — generative adversarial networks (對抗式生成網路, GAN) and DCGAN's building blocks:
fill in every function that raises NotImplementedError; run `grade exercise 13`.

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments. The
instructions are in README.md (README.zh-TW.md). In order:
1. the losses on D's logits, written with softplus so that no logit overflows;
2. the generator G (z → dense → ReLU → dense → x̃) and the discriminator D (x → dense →
   LeakyReLU → dense → logit) as forward/backward pairs; D's backward also returns dx;
3. the gradients of each player's loss: D's with G fixed, G's through D with D fixed;
4. the seeds' schedule (「先訓練 Discriminator,而Generator先不動」, then 「再訓練 Generator」):
   one Adam step of D, one of G, k of D then one of G, the accuracy of D, the training loop;
5. DCGAN's blocks: transposed conv → batch norm → ReLU (tanh at the end) for G, conv →
   batch norm → LeakyReLU for D.
params = {"G": {"W1", "b1", "W2", "b2"}, "D": {"W1", "b1", "W2", "b2"}}; gradients are dicts
with a network's keys. The caches (GeneratorCache, DiscriminatorCache, BlockCache) are
suggestions: a forward may return any cache its own backward understands. Given in full:
sigmoid, target_samples, init_gan_params, adam (exercise 06), batchnorm_forward/backward
(exercise 08) and the convolutions (exercise 09). Never modify an argument in place.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
Params = dict

ALPHA = 0.2  # LeakyReLU slope of the discriminator (DCGAN's; the activations default is 0.01)
BETA1 = 0.5  # Adam's β₁ for both networks (DCGAN's): less momentum, a moving target
LR = 1e-3  # Adam's step for both networks on the 1-D target
HIDDEN = 32  # hidden units of G and D
Z_DIM = 2  # noise dimension
BATCH = 64  # real samples and fakes per step
STEPS = 2000  # train_gan's default: G's mean and spread within the stated bounds (README)
TARGET_MEAN, TARGET_STD = 4.0, 1.25  # the 1-D target N(4, 1.25²) train_gan learns
NET_KEYS = ("W1", "b1", "W2", "b2")
ADAM_EPS = 1e-8  # Adam's ε (exercise 06)
BN_EPS = 1e-5  # batch norm's ε (exercise 08)

# --- given: helpers and the layers of earlier exercises ------------------------------------------


def sigmoid(x: ArrayLike) -> FloatArray:
    """σ(x) = 1 / (1 + exp(−x)), without overflow.  x: (...)  ->  (...)"""
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def target_samples(n: int, seed: int = 0) -> FloatArray:
    """n samples of the 1-D target N(TARGET_MEAN, TARGET_STD²), from default_rng(seed).

    ->  (n, 1) float64
    """
    rng = np.random.default_rng(seed)
    return TARGET_MEAN + TARGET_STD * rng.standard_normal((n, 1))


def init_gan_params(data: ArrayLike, z_dim: int = Z_DIM, hidden: int = HIDDEN, seed: int = 0
                    ) -> Params:
    """Initial parameters for data of D features, drawn from rng = default_rng(seed).

    Each W ~ N(0, 1/fan_in), drawn in this order: G's W1 (Z, H), G's W2 (H, D), D's W1 (D, H),
    D's W2 (H, 1); then rows = rng.integers(0, len(data), size=H). Biases are zero except D's
    b1_j = −data[rows_j] · W1[:, j]: hidden unit j has its kink at a real sample (README).
    data: (n, D)  ->  {"G": {"W1", "b1", "W2", "b2"}, "D": {"W1", "b1", "W2", "b2"}}
    """
    data = np.asarray(data, dtype=np.float64)
    rng = np.random.default_rng(seed)
    D = data.shape[1]
    G_W1 = rng.normal(0.0, 1.0 / np.sqrt(z_dim), size=(z_dim, hidden))
    G_W2 = rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(hidden, D))
    D_W1 = rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, hidden))
    D_W2 = rng.normal(0.0, 1.0 / np.sqrt(hidden), size=(hidden, 1))
    rows = rng.integers(0, len(data), size=hidden)
    D_b1 = -np.sum(data[rows] * D_W1.T, axis=1)  # (H,): unit j has its kink at data[rows[j]]
    return {"G": {"W1": G_W1, "b1": np.zeros(hidden), "W2": G_W2, "b2": np.zeros(D)},
            "D": {"W1": D_W1, "b1": D_b1, "W2": D_W2, "b2": np.zeros(1)}}


def adam(w: ArrayLike, dw: ArrayLike, state: dict | None = None, lr: float = 1e-3,
         beta1: float = 0.9, beta2: float = 0.999, eps: float = ADAM_EPS):
    """Adam with bias correction (exercise 06): next_w, {"m", "v", "t"}.

    m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², w − lr · m̂ / (√v̂ + ε), m̂ = m/(1 − β₁ᵗ),
    v̂ = v/(1 − β₂ᵗ); state None at first, then the dict the previous call returned.
    """
    m, v, t = (0.0, 0.0, 0) if state is None else (state["m"], state["v"], state["t"])
    t += 1
    m = beta1 * m + (1.0 - beta1) * np.asarray(dw, dtype=np.float64)
    v = beta2 * v + (1.0 - beta2) * np.asarray(dw, dtype=np.float64) ** 2
    m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
    return np.asarray(w, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps), \
        {"m": m, "v": v, "t": t}


def batchnorm_forward(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float = BN_EPS):
    """Batch norm in training mode (exercise 08) over the rows: out = γ (x − μ)/√(σ² + ε) + β.

    μ, σ² are the mean and biased variance of each column. x: (N, D), gamma, beta: (D,)
    ->  out (N, D), cache for batchnorm_backward
    """
    x = np.asarray(x, dtype=np.float64)
    gamma = np.asarray(gamma, dtype=np.float64)
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    return gamma * x_hat + np.asarray(beta, dtype=np.float64), (x_hat, gamma, inv_std)


def batchnorm_backward(dout: ArrayLike, cache: tuple):
    """Gradients of batch norm in training mode (exercise 08): dx, dgamma, dbeta.

    dout: (N, D)  ->  dx (N, D), dgamma (D,), dbeta (D,)
    """
    x_hat, gamma, inv_std = cache
    dout = np.asarray(dout, dtype=np.float64)
    g = dout * gamma  # ∂L/∂x̂
    dx = inv_std * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def conv2d_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1, pad: int = 0):
    """Convolution (exercise 09), a cross-correlation as in PyTorch:

        out[n, f, i, j] = b[f] + Σ_{c,a,b'} x_pad[n, c, i·stride + a, j·stride + b'] w[f, c, a, b']
    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  out (N, F, H_out, W_out), cache;
    H_out = (H + 2·pad − KH)//stride + 1. One einsum per kernel offset.
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    F, _, KH, KW = w.shape
    Ho = (xp.shape[2] - KH) // stride + 1
    Wo = (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], F, Ho, Wo)) + np.asarray(b, dtype=np.float64)[:, None, None]
    for i in range(KH):
        for j in range(KW):
            window = xp[:, :, i:i + stride * Ho:stride, j:j + stride * Wo:stride]
            out += np.einsum("nchw,fc->nfhw", window, w[:, :, i, j])
    return out, (xp, w, stride, pad)


def conv2d_backward(dout: ArrayLike, cache: tuple):
    """Gradients of conv2d_forward: dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
    xp, w, stride, pad = cache
    dout = np.asarray(dout, dtype=np.float64)
    _, _, KH, KW = w.shape
    Ho, Wo = dout.shape[2:]
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            rows, cols = slice(i, i + stride * Ho, stride), slice(j, j + stride * Wo, stride)
            dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", dout, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    H, W = xp.shape[2] - 2 * pad, xp.shape[3] - 2 * pad
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def conv_transpose2d_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1,
                             pad: int = 0):
    """Transposed convolution (轉置卷積, exercise 09), w stored as in torch.nn.ConvTranspose2d.

    Each input pixel scatters x · w into the output: full[n, o, i·s + a, j·s + b'] +=
    Σ_c x[n, c, i, j] w[c, o, a, b'], then `pad` rows/columns are cut from each side and b added.
    x: (N, C_in, H, W), w: (C_in, C_out, KH, KW), b: (C_out,)  ->  out (N, C_out, H', W'),
    cache; H' = (H − 1)·stride − 2·pad + KH.
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    N, _, H, W = x.shape
    _, C_out, KH, KW = w.shape
    Hf, Wf = (H - 1) * stride + KH, (W - 1) * stride + KW
    full = np.zeros((N, C_out, Hf, Wf))
    for i in range(KH):
        for j in range(KW):
            full[:, :, i:i + stride * H:stride, j:j + stride * W:stride] += np.einsum(
                "nchw,co->nohw", x, w[:, :, i, j])
    out = full[:, :, pad:Hf - pad, pad:Wf - pad] + np.asarray(b, dtype=np.float64)[:, None, None]
    return out, (x, w, stride, pad)


def conv_transpose2d_backward(dout: ArrayLike, cache: tuple):
    """Gradients of conv_transpose2d_forward: dx (N, C_in, H, W), dw (C_in, C_out, KH, KW),
    db (C_out,)."""
    x, w, stride, pad = cache
    dout = np.asarray(dout, dtype=np.float64)
    _, _, H, W = x.shape
    _, C_out, KH, KW = w.shape
    Hf, Wf = (H - 1) * stride + KH, (W - 1) * stride + KW
    dfull = np.zeros((x.shape[0], C_out, Hf, Wf))
    dfull[:, :, pad:Hf - pad, pad:Wf - pad] = dout
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(KH):
        for j in range(KW):
            window = dfull[:, :, i:i + stride * H:stride, j:j + stride * W:stride]
            dx += np.einsum("nohw,co->nchw", window, w[:, :, i, j])
            dw[:, :, i, j] = np.einsum("nchw,nohw->co", x, window)
    return dx, dw, dout.sum(axis=(0, 2, 3))


# --- part 1: the losses, on D's logits -----------------------------------------------------------


def softplus(x: ArrayLike) -> FloatArray:
    r"""softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^{−|x|}): no overflow.

    −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x), so the cross-entropies below
    are finite for any finite logit (log(σ(x)) computed naively is log(0) = −inf from x ≈ −746).
    x: (...)  ->  (...)
    """
    raise NotImplementedError("exercise 13: write softplus")


def discriminator_loss(real_logits: ArrayLike, fake_logits: ArrayLike
                       ) -> tuple[float, FloatArray, FloatArray]:
    r"""D's binary cross-entropy, real labelled 1 and fake 0, on logits: (loss, dreal, dfake).

        L_D = (1/N) Σ_n softplus(−s_n) + (1/M) Σ_m softplus(s̃_m)
            = −mean log D(x) − mean log(1 − D(G(z)))
        ∂L_D/∂s_n = (σ(s_n) − 1)/N,    ∂L_D/∂s̃_m = σ(s̃_m)/M

    A sum of two means (each batch weighs the same whatever its size), as PyTorch's DCGAN adds
    errD_real + errD_fake.
    real_logits: (N,), fake_logits: (M,)  ->  (float, dreal (N,), dfake (M,))
    """
    raise NotImplementedError("exercise 13: write discriminator_loss")


def generator_loss(fake_logits: ArrayLike) -> tuple[float, FloatArray]:
    r"""G's non-saturating loss on D's logits of the fakes: (loss, dfake).

        L_G = (1/M) Σ_m softplus(−s̃_m) = −mean log D(G(z)),    ∂L_G/∂s̃_m = (σ(s̃_m) − 1)/M

    G minimises it: the fakes are labelled "real" in D's own loss. Where D confidently rejects a
    fake (s̃ ≪ 0, D(G(z)) ≈ 0) the gradient is ≈ −1/M, strong, where the saturating loss's
    vanishes.
    fake_logits: (M,)  ->  (float, dfake (M,))
    """
    raise NotImplementedError("exercise 13: write generator_loss")


def saturating_generator_loss(fake_logits: ArrayLike) -> tuple[float, FloatArray]:
    r"""G's loss in the minimax game as first written: (loss, dfake), for comparison.

        L_G^sat = (1/M) Σ_m log(1 − D(G(z_m))) = −(1/M) Σ_m softplus(s̃_m),
        ∂L_G^sat/∂s̃_m = −σ(s̃_m)/M

    G minimises it (it is −L_D's fake term). Early in training D rejects the fakes (s̃ ≪ 0), so
    σ(s̃) ≈ 0 and G's gradient vanishes: the loss saturates; see generator_loss.
    fake_logits: (M,)  ->  (float, dfake (M,))
    """
    raise NotImplementedError("exercise 13: write saturating_generator_loss")


# --- part 2: the two networks --------------------------------------------------------------------


class GeneratorCache(NamedTuple):
    z: FloatArray  # (N, Z) noise
    a: FloatArray  # (N, H) pre-activation z W1 + b1
    h: FloatArray  # (N, H) relu(a)
    W2: FloatArray  # (H, D)


class DiscriminatorCache(NamedTuple):
    x: FloatArray  # (N, D) samples
    a: FloatArray  # (N, H) pre-activation x W1 + b1
    h: FloatArray  # (N, H) leaky_relu(a, α)
    W1: FloatArray  # (D, H)
    W2: FloatArray  # (H, 1)
    alpha: float  # the LeakyReLU slope


def generator_forward(z: ArrayLike, params: Params) -> tuple[FloatArray, GeneratorCache]:
    r"""The generator x̃ = relu(z W1 + b1) W2 + b2 (a linear output: the target is not bounded).

    z: (N, Z), params W1 (Z, H), b1 (H,), W2 (H, D), b2 (D,)  ->  x̃: (N, D), cache
    """
    raise NotImplementedError("exercise 13: write generator_forward")


def generator_backward(dx: ArrayLike, cache: GeneratorCache) -> dict[str, FloatArray]:
    r"""The generator's parameter gradients from dx = ∂L/∂x̃.

    dW2 = hᵀ dx, db2 = Σ_n dx_n, da = (dx W2ᵀ) ⊙ [a > 0], dW1 = zᵀ da, db1 = Σ_n da_n.
    dx: (N, D)  ->  {"W1": (Z, H), "b1": (H,), "W2": (H, D), "b2": (D,)}
    """
    raise NotImplementedError("exercise 13: write generator_backward")


def discriminator_forward(x: ArrayLike, params: Params, alpha: float = ALPHA
                          ) -> tuple[FloatArray, DiscriminatorCache]:
    r"""The discriminator's logits s = leaky_relu(x W1 + b1, α) W2 + b2; D(x) = σ(s).

    leaky_relu(u, α) = u for u > 0, αu otherwise (the slope α only on the negative side).
    x: (N, D), params W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,)  ->  logits: (N,), cache
    """
    raise NotImplementedError("exercise 13: write discriminator_forward")


def discriminator_backward(dlogits: ArrayLike, cache: DiscriminatorCache
                           ) -> tuple[FloatArray, dict[str, FloatArray]]:
    r"""The discriminator's input gradient and parameter gradients from dlogits = ∂L/∂s.

    dh = dlogits W2ᵀ, da = dh ⊙ (1 for a > 0, α otherwise), dx = da W1ᵀ (what G's step needs),
    dW1 = xᵀ da, db1 = Σ_n da_n, dW2 = hᵀ dlogits, db2 = Σ_n dlogits_n.
    dlogits: (N,)  ->  dx: (N, D), {"W1": (D, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}
    """
    raise NotImplementedError("exercise 13: write discriminator_backward")


# --- part 3: each player's gradients -------------------------------------------------------------


def discriminator_gradients(params: Params, x_real: ArrayLike, z: ArrayLike
                            ) -> tuple[float, dict[str, FloatArray]]:
    r"""L_D and its gradients with respect to D's parameters, G fixed.

    The fakes x̃ = G(z) are constants here (detached: nothing flows back into G). Real and fake
    pass through D separately or together, the gradients add up:
        ∂L_D/∂θ_D = D_backward(∂L_D/∂s, real) + D_backward(∂L_D/∂s̃, fake).
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  (L_D: float, {"W1", "b1", "W2", "b2"} of D)
    """
    raise NotImplementedError("exercise 13: write discriminator_gradients")


def generator_gradients(params: Params, z: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
    r"""The non-saturating L_G and its gradients with respect to G's parameters, D fixed.

    The chain runs through D: ∂L_G/∂s̃ (generator_loss) → D's input gradient
    ∂L_G/∂x̃ = discriminator_backward(∂L_G/∂s̃)[0] → generator_backward(∂L_G/∂x̃). D's own
    parameter gradients are computed on the way and thrown away.
    params {"G", "D"}, z: (M, Z)  ->  (L_G: float, {"W1", "b1", "W2", "b2"} of G)
    """
    raise NotImplementedError("exercise 13: write generator_gradients")


# --- part 4: the alternating schedule ------------------------------------------------------------


def discriminator_step(params: Params, state: dict | None, x_real: ArrayLike, z: ArrayLike,
                       lr: float = LR) -> tuple[Params, dict, float]:
    r"""One training step of D with G fixed (the seeds' step 1): Adam on D's parameters only.

    θ_D ← Adam(θ_D, ∂L_D/∂θ_D) with β₁ = BETA1; G's parameters and Adam state come back
    unchanged. state: None at first, afterwards the dict the previous step returned,
    {"G": G's Adam state or None, "D": D's}, each {key: Adam's {"m", "v", "t"}}.
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  (new params, new state, L_D before the step)
    """
    raise NotImplementedError("exercise 13: write discriminator_step")


def generator_step(params: Params, state: dict | None, z: ArrayLike, lr: float = LR
                   ) -> tuple[Params, dict, float]:
    r"""One training step of G with D fixed (the seeds' step 2): Adam on G's parameters only.

    θ_G ← Adam(θ_G, ∂L_G/∂θ_G), the gradient reaching G through D's input gradient; D's
    parameters and Adam state come back unchanged. state as in discriminator_step.
    params {"G", "D"}, z: (M, Z)  ->  (new params, new state, L_G before the step)
    """
    raise NotImplementedError("exercise 13: write generator_step")


def train_step(params: Params, state: dict | None, x_real: ArrayLike, z_d: ArrayLike,
               z_g: ArrayLike, lr: float = LR) -> tuple[Params, dict, FloatArray, float]:
    r"""One round of the seeds' schedule: k steps of D (G fixed), then one step of G (D fixed).

    for i in 0 .. k−1: params, state = discriminator_step(params, state, x_real[i], z_d[i], lr)
    then:             params, state = generator_step(params, state, z_g, lr), with D as updated.
    x_real: (k, N, D) real batches, z_d: (k, M, Z) noise for the fakes of D's steps,
    z_g: (M, Z) noise for G's step  ->  (params, state, D's losses (k,), G's loss)
    """
    raise NotImplementedError("exercise 13: write train_step")


def discriminator_accuracy(params: Params, x_real: ArrayLike, z: ArrayLike) -> float:
    r"""The fraction of real and fake samples D classifies correctly.

    A sample is called real when D(x) > ½ (its logit > 0): correct for the N real ones with
    s > 0 and the M fakes G(z) with s̃ ≤ 0; accuracy = (correct) / (N + M). At the equilibrium
    p_g = p_data, D* = ½ everywhere and the accuracy is 50 %, chance.
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  float in [0, 1]
    """
    raise NotImplementedError("exercise 13: write discriminator_accuracy")


def train_gan(data: ArrayLike, steps: int = STEPS, batch_size: int = BATCH, k: int = 1,
              lr: float = LR, hidden: int = HIDDEN, z_dim: int = Z_DIM, seed: int = 0
              ) -> tuple[Params, dict[str, FloatArray]]:
    r"""Train a GAN on the rows of data with the alternating schedule (train_step).

    Parameters start at init_gan_params(data, z_dim, hidden, seed), Adam's state at None. The
    batches come from rng = default_rng(seed + 1), drawn in this order at every step:
        x_real = data[rng.integers(0, len(data), size=(k, batch_size))]   (k, B, D)
        z_d = rng.normal(size=(k, batch_size, z_dim)),  z_g = rng.normal(size=(batch_size, z_dim))
    history: "d_loss" the mean of the step's k D losses, "g_loss" G's loss, one per step.
    data: (n, D)  ->  (params {"G", "D"}, {"d_loss": (steps,), "g_loss": (steps,)})
    """
    raise NotImplementedError("exercise 13: write train_gan")


# --- part 5: DCGAN's building blocks -------------------------------------------------------------


class BlockCache(NamedTuple):
    conv: tuple  # the (transposed) convolution's cache
    bn: tuple | None  # batchnorm_forward's cache over (N·H'·W', C_out) rows; None without it
    y: FloatArray  # (N, C_out, H', W') the activation's input
    out: FloatArray  # (N, C_out, H', W') the block's output
    kind: str  # "relu", "tanh" or "leaky"
    alpha: float  # the LeakyReLU slope (discriminator blocks)


def generator_block_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, gamma: ArrayLike,
                            beta: ArrayLike, stride: int = 2, pad: int = 1, last: bool = False
                            ) -> tuple[FloatArray, BlockCache]:
    r"""A DCGAN generator block: transposed conv → batch norm → ReLU; the last: → tanh only.

    y = conv_transpose2d(x, w, b, stride, pad), H' = (H − 1)·stride − 2·pad + KH;
    not last: out = relu(γ ŷ + β), ŷ normalised per channel over (N, H', W') with the batch's
    statistics (training mode); last: out = tanh(y) in [−1, 1] (no batch norm; gamma, beta unused).
    x: (N, C_in, H, W), w: (C_in, C_out, KH, KW), b, gamma, beta: (C_out,)
    ->  out: (N, C_out, H', W'), cache
    """
    raise NotImplementedError("exercise 13: write generator_block_forward")


def generator_block_backward(dout: ArrayLike, cache: BlockCache) -> dict[str, FloatArray]:
    r"""Gradients of a generator block, through the activation, batch norm and the
    transposed convolution in reverse order.

    dout: (N, C_out, H', W')  ->  {"x": (N, C_in, H, W), "w": (C_in, C_out, KH, KW),
    "b", "gamma", "beta": (C_out,)}; for the last block "gamma" and "beta" are zeros.
    """
    raise NotImplementedError("exercise 13: write generator_block_backward")


def discriminator_block_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, gamma: ArrayLike,
                                beta: ArrayLike, stride: int = 2, pad: int = 1,
                                batchnorm: bool = True, alpha: float = ALPHA
                                ) -> tuple[FloatArray, BlockCache]:
    r"""A DCGAN discriminator block: conv → batch norm → LeakyReLU(α); without batch norm
    when batchnorm is False (DCGAN's first block).

    y = conv2d(x, w, b, stride, pad), H' = (H + 2·pad − KH)//stride + 1; batch norm per
    channel over (N, H', W') with the batch's statistics; out = y for y > 0, α·y otherwise.
    x: (N, C_in, H, W), w: (C_out, C_in, KH, KW), b, gamma, beta: (C_out,)
    ->  out: (N, C_out, H', W'), cache
    """
    raise NotImplementedError("exercise 13: write discriminator_block_forward")


def discriminator_block_backward(dout: ArrayLike, cache: BlockCache) -> dict[str, FloatArray]:
    r"""Gradients of a discriminator block, through LeakyReLU, batch norm and the convolution.

    dout: (N, C_out, H', W')  ->  {"x": (N, C_in, H, W), "w": (C_out, C_in, KH, KW),
    "b", "gamma", "beta": (C_out,)}; without batch norm "gamma" and "beta" are zeros.
    """
    raise NotImplementedError("exercise 13: write discriminator_block_backward")
