r"""Generative adversarial networks (對抗式生成網路, GAN) in NumPy, and DCGAN's building blocks.

A generator G maps noise z to samples x̃ = G(z); a discriminator D maps a sample to a logit s,
D(x) = σ(s) being its probability that x is real. Here both are small MLPs:

    G: z (N, Z) → dense → ReLU → dense → x̃ (N, D)
    D: x (N, D) → dense → LeakyReLU(α) → dense → logit s (N,)

Both losses are binary cross-entropies written on the logits with softplus(u) = log(1 + eᵘ),
which never overflows (−log σ(s) = softplus(−s), −log(1 − σ(s)) = softplus(s)):

    L_D = mean_real softplus(−s_real) + mean_fake softplus(s_fake)       (labels: real 1, fake 0)
    L_G = mean_fake softplus(−s_fake) = −mean log D(G(z))                (non-saturating)
    L_G^sat = −mean_fake softplus(s_fake) = mean log(1 − D(G(z)))        (the minimax form)

The training schedule is the seeds' (seed 000_26ce816d45ad6304.txt, GAN 「訓練步驟」):
1. 「先訓練 Discriminator,而Generator先不動」 — D's step, G fixed (the fakes are constants);
2. 「再訓練 Generator」 — G's step, D fixed: L_G's gradient reaches G through D's input
   gradient ∂L/∂x̃, D's parameters are not touched;
3. 「以此類推,反覆訓練。」 — alternate, here k D steps per G step (Goodfellow et al. 2014).
When p_g = p_data the best discriminator is D*(x) = p_data / (p_data + p_g) = ½ everywhere: it
can only guess (the seed's 「50% accuracy」).

Parameters are nested dicts: params = {"G": {"W1": (Z, H), "b1": (H,), "W2": (H, D), "b2": (D,)},
"D": {"W1": (D, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}}; gradients come back in dicts of the
same keys. Each step updates one network with Adam (β₁ = 0.5, as DCGAN) and returns the whole
GAN: the other network's parameters come back unchanged.

DCGAN (seed 000, 「DCGAN」): ReLU in every generator layer and tanh at its output, LeakyReLU in the
discriminator, batch norm (批量標準化) in most layers, transposed convolution (轉置卷積) to
upsample and no pooling. A generator block is transposed conv → batch norm → ReLU (tanh and no
batch norm for the output block); a discriminator block is conv → batch norm → LeakyReLU (no
batch norm in the first block). Images are (N, C, H, W). Where the seed slips: "Adversial" is
Adversarial. Any real dtype is computed in float64; no argument is modified.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reference.activations import (
    LeakyReluCache,
    ReluCache,
    TanhCache,
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid,
    tanh_backward,
    tanh_forward,
)
from reference.cnn import (
    conv2d_backward,
    conv2d_forward,
    conv_transpose2d_backward,
    conv_transpose2d_forward,
)
from reference.layers import DenseCache, dense_backward, dense_forward

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
ADAM_BETA2, ADAM_EPS = 0.999, 1e-8  # Adam's defaults (exercise 06)
BN_EPS = 1e-5  # batch norm's ε (exercise 08)


# --- data and initialisation ---------------------------------------------------------------------


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
    b1_j = −data[rows_j] · W1[:, j]: hidden unit j has its kink at a real sample. With b1 = 0 every
    kink would sit at the origin, far from data around 4, and D would be linear there: it could
    see where the fakes are, but not how spread out they are.
    data: (n, D)  ->  {"G": {"W1", "b1", "W2", "b2"}, "D": {"W1", "b1", "W2", "b2"}}
    """
    data = _batch("init_gan_params", "data", data)
    x_dim = data.shape[1]
    rng = np.random.default_rng(seed)
    shapes = {"G": ((z_dim, hidden), (hidden, x_dim)), "D": ((x_dim, hidden), (hidden, 1))}
    params = {}
    for net, (first, second) in shapes.items():
        params[net] = {"W1": rng.normal(0.0, 1.0 / np.sqrt(first[0]), size=first),
                       "b1": np.zeros(first[1]),
                       "W2": rng.normal(0.0, 1.0 / np.sqrt(second[0]), size=second),
                       "b2": np.zeros(second[1])}
    rows = rng.integers(0, len(data), size=hidden)
    params["D"]["b1"] = -np.sum(data[rows] * params["D"]["W1"].T, axis=1)  # (H, D) -> (H,)
    return params


def _net(name: str, which: str, params: Params, D: int, out: int | None = None
         ) -> dict[str, FloatArray]:
    """One network's parameters as float64 arrays, after checking keys and shapes."""
    if not isinstance(params, dict) or set(params) != set(NET_KEYS):
        keys = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{name}: {which} must be a dict with the keys W1, b1, W2, b2, "
                         f"got {keys}")
    p = {k: np.asarray(params[k], dtype=np.float64) for k in NET_KEYS}
    H = p["W1"].shape[1] if p["W1"].ndim == 2 else -1
    M = p["W2"].shape[1] if p["W2"].ndim == 2 else -1
    want = {"W1": (D, H), "b1": (H,), "W2": (H, M), "b2": (M,)}
    for k in NET_KEYS:
        if H < 1 or M < 1 or p[k].shape != want[k]:
            raise ValueError(f"{name}: {which}[{k!r}] has shape {p[k].shape}; with inputs of "
                             f"{D} features the shapes are W1 (D, H), b1 (H,), W2 (H, M), b2 (M,)")
    if out is not None and M != out:
        raise ValueError(f"{name}: {which}['W2'] must have {out} column(s), got {M}")
    return p


def _batch(name: str, a_name: str, a: ArrayLike) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"{name}: {a_name} must have shape (N, features) with N >= 1, "
                         f"got {a.shape}")
    return a


# --- the losses ----------------------------------------------------------------------------------


def softplus(x: ArrayLike) -> FloatArray:
    r"""softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^{−|x|}): no overflow.

    −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x), so the cross-entropies below
    are finite for any finite logit (log(σ(x)) computed naively is log(0) = −inf from x ≈ −746).
    x: (...)  ->  (...)
    """
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _logits(name: str, a_name: str, s: ArrayLike) -> FloatArray:
    s = np.asarray(s, dtype=np.float64)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"{name}: {a_name} must be a non-empty vector of logits (N,), "
                         f"got shape {s.shape}")
    return s


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
    s = _logits("discriminator_loss", "real_logits", real_logits)
    f = _logits("discriminator_loss", "fake_logits", fake_logits)
    loss = np.mean(softplus(-s)) + np.mean(softplus(f))
    return float(loss), (sigmoid(s) - 1.0) / s.size, sigmoid(f) / f.size


def generator_loss(fake_logits: ArrayLike) -> tuple[float, FloatArray]:
    r"""G's non-saturating loss on D's logits of the fakes: (loss, dfake).

        L_G = (1/M) Σ_m softplus(−s̃_m) = −mean log D(G(z)),    ∂L_G/∂s̃_m = (σ(s̃_m) − 1)/M

    G minimises it: the fakes are labelled "real" in D's own loss. Where D confidently rejects a
    fake (s̃ ≪ 0, D(G(z)) ≈ 0) the gradient is ≈ −1/M, strong, where the saturating loss's
    vanishes.
    fake_logits: (M,)  ->  (float, dfake (M,))
    """
    f = _logits("generator_loss", "fake_logits", fake_logits)
    return float(np.mean(softplus(-f))), (sigmoid(f) - 1.0) / f.size


def saturating_generator_loss(fake_logits: ArrayLike) -> tuple[float, FloatArray]:
    r"""G's loss in the minimax game as first written: (loss, dfake), for comparison.

        L_G^sat = (1/M) Σ_m log(1 − D(G(z_m))) = −(1/M) Σ_m softplus(s̃_m),
        ∂L_G^sat/∂s̃_m = −σ(s̃_m)/M

    G minimises it (it is −L_D's fake term). Early in training D rejects the fakes (s̃ ≪ 0), so
    σ(s̃) ≈ 0 and G's gradient vanishes: the loss saturates; see generator_loss.
    fake_logits: (M,)  ->  (float, dfake (M,))
    """
    f = _logits("saturating_generator_loss", "fake_logits", fake_logits)
    return float(-np.mean(softplus(f))), -sigmoid(f) / f.size


# --- the two MLPs --------------------------------------------------------------------------------


class GeneratorCache(NamedTuple):
    first: DenseCache  # z (N, Z), W1 (Z, H)
    relu: ReluCache  # pre-activation (N, H)
    second: DenseCache  # h (N, H), W2 (H, D)


class DiscriminatorCache(NamedTuple):
    first: DenseCache  # x (N, D), W1 (D, H)
    leaky: LeakyReluCache  # pre-activation (N, H), α
    second: DenseCache  # h (N, H), W2 (H, 1)


def generator_forward(z: ArrayLike, params: Params) -> tuple[FloatArray, GeneratorCache]:
    r"""The generator x̃ = relu(z W1 + b1) W2 + b2 (a linear output: the target is not bounded).

    z: (N, Z), params W1 (Z, H), b1 (H,), W2 (H, D), b2 (D,)  ->  x̃: (N, D), cache
    """
    z = _batch("generator_forward", "z", z)
    p = _net("generator_forward", "params", params, z.shape[1])
    a, first = dense_forward(z, p["W1"], p["b1"])  # (N, H)
    h, relu = relu_forward(a)
    x, second = dense_forward(h, p["W2"], p["b2"])  # (N, D)
    return x, GeneratorCache(first, relu, second)


def generator_backward(dx: ArrayLike, cache: GeneratorCache) -> dict[str, FloatArray]:
    r"""The generator's parameter gradients from dx = ∂L/∂x̃.

    dW2 = hᵀ dx, db2 = Σ_n dx_n, da = (dx W2ᵀ) ⊙ [a > 0], dW1 = zᵀ da, db1 = Σ_n da_n.
    dx: (N, D)  ->  {"W1": (Z, H), "b1": (H,), "W2": (H, D), "b2": (D,)}
    """
    dh, dW2, db2 = dense_backward(dx, cache.second)
    _, dW1, db1 = dense_backward(relu_backward(dh, cache.relu), cache.first)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def discriminator_forward(x: ArrayLike, params: Params, alpha: float = ALPHA
                          ) -> tuple[FloatArray, DiscriminatorCache]:
    r"""The discriminator's logits s = leaky_relu(x W1 + b1, α) W2 + b2; D(x) = σ(s).

    leaky_relu(u, α) = u for u > 0, αu otherwise (the slope α only on the negative side).
    x: (N, D), params W1 (D, H), b1 (H,), W2 (H, 1), b2 (1,)  ->  logits: (N,), cache
    """
    x = _batch("discriminator_forward", "x", x)
    p = _net("discriminator_forward", "params", params, x.shape[1], out=1)
    a, first = dense_forward(x, p["W1"], p["b1"])  # (N, H)
    h, leaky = leaky_relu_forward(a, alpha)
    s, second = dense_forward(h, p["W2"], p["b2"])  # (N, 1)
    return s[:, 0], DiscriminatorCache(first, leaky, second)


def discriminator_backward(dlogits: ArrayLike, cache: DiscriminatorCache
                           ) -> tuple[FloatArray, dict[str, FloatArray]]:
    r"""The discriminator's input gradient and parameter gradients from dlogits = ∂L/∂s.

    dh = dlogits W2ᵀ, da = dh ⊙ (1 for a > 0, α otherwise), dx = da W1ᵀ (what G's step needs),
    dW1 = xᵀ da, db1 = Σ_n da_n, dW2 = hᵀ dlogits, db2 = Σ_n dlogits_n.
    dlogits: (N,)  ->  dx: (N, D), {"W1": (D, H), "b1": (H,), "W2": (H, 1), "b2": (1,)}
    """
    dlogits = np.asarray(dlogits, dtype=np.float64)
    N = cache.second.x.shape[0]
    if dlogits.shape != (N,):
        raise ValueError(f"discriminator_backward: dlogits has shape {dlogits.shape}; the "
                         f"forward gave logits of shape ({N},)")
    dh, dW2, db2 = dense_backward(dlogits[:, None], cache.second)  # (N, 1) -> (N, H)
    dx, dW1, db1 = dense_backward(leaky_relu_backward(dh, cache.leaky), cache.first)
    return dx, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# --- gradients of the two losses -----------------------------------------------------------------


def _gan(name: str, params: Params) -> tuple[Params, Params]:
    if not isinstance(params, dict) or set(params) != {"G", "D"}:
        raise ValueError(f"{name}: params must be a dict {{'G': ..., 'D': ...}} of the two "
                         "networks' parameters")
    return params["G"], params["D"]


def discriminator_gradients(params: Params, x_real: ArrayLike, z: ArrayLike
                            ) -> tuple[float, dict[str, FloatArray]]:
    r"""L_D and its gradients with respect to D's parameters, G fixed.

    The fakes x̃ = G(z) are constants here (detached: nothing flows back into G). Real and fake
    pass through D separately or together, the gradients add up:
        ∂L_D/∂θ_D = D_backward(∂L_D/∂s, real) + D_backward(∂L_D/∂s̃, fake).
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  (L_D: float, {"W1", "b1", "W2", "b2"} of D)
    """
    g, d = _gan("discriminator_gradients", params)
    x_real = _batch("discriminator_gradients", "x_real", x_real)
    x_fake, _ = generator_forward(z, g)
    N = x_real.shape[0]
    logits, cache = discriminator_forward(np.concatenate([x_real, x_fake]), d)  # (N + M,)
    loss, dreal, dfake = discriminator_loss(logits[:N], logits[N:])
    _, grads = discriminator_backward(np.concatenate([dreal, dfake]), cache)
    return loss, grads


def generator_gradients(params: Params, z: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
    r"""The non-saturating L_G and its gradients with respect to G's parameters, D fixed.

    The chain runs through D: ∂L_G/∂s̃ (generator_loss) → D's input gradient
    ∂L_G/∂x̃ = discriminator_backward(∂L_G/∂s̃)[0] → generator_backward(∂L_G/∂x̃). D's own
    parameter gradients are computed on the way and thrown away.
    params {"G", "D"}, z: (M, Z)  ->  (L_G: float, {"W1", "b1", "W2", "b2"} of G)
    """
    g, d = _gan("generator_gradients", params)
    x_fake, g_cache = generator_forward(z, g)
    logits, d_cache = discriminator_forward(x_fake, d)
    loss, dfake = generator_loss(logits)
    dx, _ = discriminator_backward(dfake, d_cache)  # ∂L_G/∂x̃ (M, D); D's grads unused
    return loss, generator_backward(dx, g_cache)


# --- the alternating schedule --------------------------------------------------------------------


# Adam and spatial batch norm are written here, not imported: reference.optimizers' EPS clashes
# with reference.losses' (which reference.cnn imports), and reference.regularization's _as_float
# with reference.activations', in the one-file solution that release_verify inlines.


def _adam(w: FloatArray, g: FloatArray, state: dict | None, lr: float
          ) -> tuple[FloatArray, dict]:
    r"""One Adam step with β₁ = BETA1 (exercise 06's adam): next_w, {"m", "v", "t"}.

        m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  w ← w − lr · m̂/(√v̂ + ε),
        m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ)
    w, g: (...)  ->  next_w (...), state
    """
    m, v, t = (0.0, 0.0, 0) if state is None else (state["m"], state["v"], state["t"])
    t += 1
    m = BETA1 * m + (1.0 - BETA1) * g
    v = ADAM_BETA2 * v + (1.0 - ADAM_BETA2) * g * g
    m_hat, v_hat = m / (1.0 - BETA1**t), v / (1.0 - ADAM_BETA2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + ADAM_EPS), {"m": m, "v": v, "t": t}


def _adam_net(net: Params, grads: dict, state: dict | None, lr: float) -> tuple[Params, dict]:
    """Adam on each parameter of one network; its state is {key: Adam state}."""
    new, new_state = {}, {}
    for k in NET_KEYS:
        new[k], new_state[k] = _adam(np.asarray(net[k], dtype=np.float64),
                                     np.asarray(grads[k], dtype=np.float64),
                                     None if state is None else state[k], lr)
    return new, new_state


def _state(name: str, state) -> dict:
    if state is None:
        return {"G": None, "D": None}
    if not isinstance(state, dict) or set(state) != {"G", "D"}:
        raise ValueError(f"{name}: state must be None or the dict {{'G': ..., 'D': ...}} a "
                         "previous step returned")
    return state


def _copy(net: Params) -> Params:
    return {k: np.array(v, dtype=np.float64) for k, v in net.items()}


def discriminator_step(params: Params, state: dict | None, x_real: ArrayLike, z: ArrayLike,
                       lr: float = LR) -> tuple[Params, dict, float]:
    r"""One training step of D with G fixed (the seeds' step 1): Adam on D's parameters only.

    θ_D ← Adam(θ_D, ∂L_D/∂θ_D) with β₁ = BETA1; G's parameters and Adam state come back
    unchanged. state: None at first, afterwards the dict the previous step returned,
    {"G": G's Adam state or None, "D": D's}, each {key: Adam's {"m", "v", "t"}}.
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  (new params, new state, L_D before the step)
    """
    state = _state("discriminator_step", state)
    loss, grads = discriminator_gradients(params, x_real, z)
    d, d_state = _adam_net(params["D"], grads, state["D"], lr)
    return {"G": _copy(params["G"]), "D": d}, {"G": state["G"], "D": d_state}, loss


def generator_step(params: Params, state: dict | None, z: ArrayLike, lr: float = LR
                   ) -> tuple[Params, dict, float]:
    r"""One training step of G with D fixed (the seeds' step 2): Adam on G's parameters only.

    θ_G ← Adam(θ_G, ∂L_G/∂θ_G), the gradient reaching G through D's input gradient; D's
    parameters and Adam state come back unchanged. state as in discriminator_step.
    params {"G", "D"}, z: (M, Z)  ->  (new params, new state, L_G before the step)
    """
    state = _state("generator_step", state)
    loss, grads = generator_gradients(params, z)
    g, g_state = _adam_net(params["G"], grads, state["G"], lr)
    return {"G": g, "D": _copy(params["D"])}, {"G": g_state, "D": state["D"]}, loss


def train_step(params: Params, state: dict | None, x_real: ArrayLike, z_d: ArrayLike,
               z_g: ArrayLike, lr: float = LR) -> tuple[Params, dict, FloatArray, float]:
    r"""One round of the seeds' schedule: k steps of D (G fixed), then one step of G (D fixed).

    for i in 0 .. k−1: params, state = discriminator_step(params, state, x_real[i], z_d[i], lr)
    then:             params, state = generator_step(params, state, z_g, lr), with D as updated.
    x_real: (k, N, D) real batches, z_d: (k, M, Z) noise for the fakes of D's steps,
    z_g: (M, Z) noise for G's step  ->  (params, state, D's losses (k,), G's loss)
    """
    x_real, z_d = np.asarray(x_real, dtype=np.float64), np.asarray(z_d, dtype=np.float64)
    if x_real.ndim != 3 or z_d.ndim != 3 or len(x_real) != len(z_d) or len(x_real) == 0:
        raise ValueError(f"train_step: x_real (k, N, D) and z_d (k, M, Z) need the same k >= 1, "
                         f"got shapes {x_real.shape} and {z_d.shape}")
    d_losses = np.empty(len(x_real))
    for i in range(len(x_real)):
        params, state, d_losses[i] = discriminator_step(params, state, x_real[i], z_d[i], lr)
    params, state, g_loss = generator_step(params, state, z_g, lr)
    return params, state, d_losses, g_loss


def discriminator_accuracy(params: Params, x_real: ArrayLike, z: ArrayLike) -> float:
    r"""The fraction of real and fake samples D classifies correctly.

    A sample is called real when D(x) > ½ (its logit > 0): correct for the N real ones with
    s > 0 and the M fakes G(z) with s̃ ≤ 0; accuracy = (correct) / (N + M). At the equilibrium
    p_g = p_data, D* = ½ everywhere and the accuracy is 50 %, chance.
    params {"G", "D"}, x_real: (N, D), z: (M, Z)  ->  float in [0, 1]
    """
    g, d = _gan("discriminator_accuracy", params)
    real, _ = discriminator_forward(x_real, d)
    fake, _ = discriminator_forward(generator_forward(z, g)[0], d)
    return float((np.sum(real > 0) + np.sum(fake <= 0)) / (real.size + fake.size))


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
    data = _batch("train_gan", "data", data)
    if steps < 0 or batch_size < 1 or k < 1:
        raise ValueError(f"train_gan: need steps >= 0, batch_size >= 1, k >= 1, got {steps}, "
                         f"{batch_size}, {k}")
    params, state = init_gan_params(data, z_dim, hidden, seed), None
    rng = np.random.default_rng(seed + 1)
    d_loss, g_loss = np.empty(steps), np.empty(steps)
    for t in range(steps):
        x_real = data[rng.integers(0, len(data), size=(k, batch_size))]  # (k, B, D)
        z_d = rng.normal(size=(k, batch_size, z_dim))
        z_g = rng.normal(size=(batch_size, z_dim))
        params, state, d_losses, g_loss[t] = train_step(params, state, x_real, z_d, z_g, lr)
        d_loss[t] = d_losses.mean()
    return params, {"d_loss": d_loss, "g_loss": g_loss}


# --- DCGAN building blocks -----------------------------------------------------------------------


class SpatialBatchNormCache(NamedTuple):
    y_hat: FloatArray  # (N, C, H, W) the normalised input
    gamma: FloatArray  # (C,)
    inv_std: FloatArray  # (1, C, 1, 1) 1/sqrt(σ² + ε) of each channel


class BlockCache(NamedTuple):
    conv: tuple  # the (transposed) convolution's cache
    bn: SpatialBatchNormCache | None  # None without batch norm
    act: ReluCache | TanhCache | LeakyReluCache  # the activation's cache
    shape: tuple  # (N, C, H, W) of the convolution's output
    tanh: bool  # whether the activation is tanh (a generator's last block)


def _spatial_bn(y: FloatArray, gamma: FloatArray, beta: FloatArray
                ) -> tuple[FloatArray, SpatialBatchNormCache]:
    r"""Batch norm of each channel over (N, H, W) with the batch's statistics (exercise 08's
    batchnorm_forward in training mode on y.transpose(0, 2, 3, 1).reshape(−1, C)).

    y: (N, C, H, W), gamma, beta: (C,)  ->  out (N, C, H, W), cache
    """
    mu = y.mean(axis=(0, 2, 3), keepdims=True)  # (1, C, 1, 1)
    inv_std = 1.0 / np.sqrt(y.var(axis=(0, 2, 3), keepdims=True) + BN_EPS)  # biased variance
    y_hat = (y - mu) * inv_std
    return gamma[:, None, None] * y_hat + beta[:, None, None], \
        SpatialBatchNormCache(y_hat, gamma, inv_std)


def _spatial_bn_backward(dout: FloatArray, cache: SpatialBatchNormCache
                         ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """dy = inv_std (g − mean(g) − ŷ mean(g ŷ)), g = dout γ, means over (N, H, W); dγ, dβ."""
    y_hat, gamma, inv_std = cache
    axes = (0, 2, 3)
    g = dout * gamma[:, None, None]
    dy = inv_std * (g - g.mean(axis=axes, keepdims=True)
                    - y_hat * (g * y_hat).mean(axis=axes, keepdims=True))
    return dy, (dout * y_hat).sum(axis=axes), dout.sum(axis=axes)


def _channels(name: str, gamma: ArrayLike, beta: ArrayLike, C: int
              ) -> tuple[FloatArray, FloatArray]:
    gamma, beta = np.asarray(gamma, dtype=np.float64), np.asarray(beta, dtype=np.float64)
    if gamma.shape != (C,) or beta.shape != (C,):
        raise ValueError(f"{name}: gamma and beta must have shape (C_out,) = ({C},), got "
                         f"{gamma.shape} and {beta.shape}")
    return gamma, beta


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
    y, conv = conv_transpose2d_forward(x, w, b, stride=stride, pad=pad)
    gamma, beta = _channels("generator_block_forward", gamma, beta, y.shape[1])
    if last:
        out, act = tanh_forward(y)
        return out, BlockCache(conv, None, act, y.shape, True)
    y_bn, bn = _spatial_bn(y, gamma, beta)
    out, act = relu_forward(y_bn)
    return out, BlockCache(conv, bn, act, y.shape, False)


def _block_backward(name: str, dout: ArrayLike, cache: BlockCache, backward_act, backward_conv
                    ) -> dict[str, FloatArray]:
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != tuple(cache.shape):
        raise ValueError(f"{name}: dout has shape {dout.shape}; the block's output was "
                         f"{tuple(cache.shape)}")
    C = cache.shape[1]
    dy = backward_act(dout, cache.act)
    dgamma, dbeta = np.zeros(C), np.zeros(C)
    if cache.bn is not None:
        dy, dgamma, dbeta = _spatial_bn_backward(dy, cache.bn)
    dx, dw, db = backward_conv(dy, cache.conv)
    return {"x": dx, "w": dw, "b": db, "gamma": dgamma, "beta": dbeta}


def generator_block_backward(dout: ArrayLike, cache: BlockCache) -> dict[str, FloatArray]:
    r"""Gradients of a generator block, through the activation, batch norm and the
    transposed convolution in reverse order.

    dout: (N, C_out, H', W')  ->  {"x": (N, C_in, H, W), "w": (C_in, C_out, KH, KW),
    "b", "gamma", "beta": (C_out,)}; for the last block "gamma" and "beta" are zeros.
    """
    act = tanh_backward if cache.tanh else relu_backward
    return _block_backward("generator_block_backward", dout, cache, act,
                           conv_transpose2d_backward)


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
    y, conv = conv2d_forward(x, w, b, stride=stride, pad=pad)
    gamma, beta = _channels("discriminator_block_forward", gamma, beta, y.shape[1])
    bn = None
    if batchnorm:
        y, bn = _spatial_bn(y, gamma, beta)
    out, act = leaky_relu_forward(y, alpha)
    return out, BlockCache(conv, bn, act, y.shape, False)


def discriminator_block_backward(dout: ArrayLike, cache: BlockCache) -> dict[str, FloatArray]:
    r"""Gradients of a discriminator block, through LeakyReLU, batch norm and the convolution.

    dout: (N, C_out, H', W')  ->  {"x": (N, C_in, H, W), "w": (C_out, C_in, KH, KW),
    "b", "gamma", "beta": (C_out,)}; without batch norm "gamma" and "beta" are zeros.
    """
    return _block_backward("discriminator_block_backward", dout, cache, leaky_relu_backward,
                           conv2d_backward)
