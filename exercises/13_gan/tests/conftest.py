"""What the visible and the hidden checks of exercise 13 share, as pytest fixtures.

    game      the student's losses, networks, gradients, steps and schedule judged against the
              reference's: values first, then gradients by central differences of the student's
              own forward (each parameter alone) when that forward is right, else against the
              reference's gradients; G must come back unchanged from D's step and D from G's
    blocks    DCGAN's generator and discriminator blocks: the output against the reference,
              every gradient by central differences of the student's own block
    training  train_gan's first steps against the reference (the documented draws), and a short
              run whose samples must have moved toward the target

The known mistakes (labels swapped, the saturating loss, log(sigmoid) overflowing, the LeakyReLU
slope on the positive side, G's gradient without the chain through D, a step that moves the
other network, the schedule in the wrong order, ...) are computed here in NumPy or with the
student's own functions, never by asking the reference: a released bundle replays only the
reference answers its checks recorded.
"""

from contextlib import contextmanager

import numpy as np
import pytest

from grader.checks import (
    agrees,
    assert_close,
    fail,
    forward_first,
    gradcheck,
    named,
    pair,
    same,
    tip,
    unpack,
)
from grader.failures import SubmissionFailure
from grader.i18n import Text

NET_KEYS = ("W1", "b1", "W2", "b2")
BLOCK_KEYS = ("x", "w", "b", "gamma", "beta")
ALPHA = 0.2  # the stub's default LeakyReLU slope
BETA1 = 0.5  # the stub's Adam β₁
BN_EPS = 1e-5  # the given batchnorm's ε
ZERO_BIAS = 1e-8  # |∂L/∂b| before batch norm, relative to |∂L/∂w|: rounding leaves ~1e-15
BLOCK_COORDS = 10  # coordinates per tensor a block's gradient check samples (plus a direction)
TRAIN_DEFAULTS = {"steps": 2000, "batch_size": 64, "k": 1, "lr": 1e-3, "hidden": 32, "z_dim": 2,
                  "seed": 0}  # train_gan's defaults in the stub
HUGE = (-800.0, -60.0, 60.0, 800.0)  # exp(800) overflows, 1 − σ(60) rounds to 0

HINTS = {
    "softplus": tip("softplus(x) = max(x, 0) + log1p(exp(−|x|)) (or np.logaddexp(0, x)): exp "
                    "only ever sees −|x| ≤ 0",
                    "softplus(x) = max(x, 0) + log1p(exp(−|x|))（或 np.logaddexp(0, x)）："
                    "exp 只會收到 −|x| ≤ 0"),
    "d_loss": tip("L_D = mean(softplus(−s_real)) + mean(softplus(s_fake)): real samples have "
                  "label 1, fakes label 0; dreal = (σ(s_real) − 1)/N, dfake = σ(s_fake)/M",
                  "L_D = mean(softplus(−s_real)) + mean(softplus(s_fake))：真樣本標籤 1、"
                  "假樣本標籤 0；dreal = (σ(s_real) − 1)/N、dfake = σ(s_fake)/M"),
    "g_loss": tip("non-saturating: L_G = mean(softplus(−s_fake)) = −mean log D(G(z)), "
                  "dfake = (σ(s_fake) − 1)/M",
                  "非飽和：L_G = mean(softplus(−s_fake)) = −mean log D(G(z))，"
                  "dfake = (σ(s_fake) − 1)/M"),
    "sat_loss": tip("saturating: L = mean log(1 − D(G(z))) = −mean(softplus(s_fake)), "
                    "dfake = −σ(s_fake)/M",
                    "飽和：L = mean log(1 − D(G(z))) = −mean(softplus(s_fake))，"
                    "dfake = −σ(s_fake)/M"),
    "stable": tip("never take log(sigmoid(s)) or log(1 − sigmoid(s)): σ rounds to 0 or 1 and "
                  "the log gives −inf; −log σ(s) = softplus(−s), −log(1 − σ(s)) = softplus(s)",
                  "不要計算 log(sigmoid(s)) 或 log(1 − sigmoid(s))：σ 會捨入成 0 或 1，log 就變成 "
                  "−inf；−log σ(s) = softplus(−s)、−log(1 − σ(s)) = softplus(s)"),
    "g_forward": tip("x̃ = relu(z @ W1 + b1) @ W2 + b2: (N, Z) @ (Z, H), then (N, H) @ (H, D)",
                     "x̃ = relu(z @ W1 + b1) @ W2 + b2：(N, Z) @ (Z, H)，再 (N, H) @ (H, D)"),
    "g_backward": tip("dW2 = h.T @ dx, db2 = dx.sum(0), da = (dx @ W2.T) * (a > 0), "
                      "dW1 = z.T @ da, db1 = da.sum(0)",
                      "dW2 = h.T @ dx、db2 = dx.sum(0)、da = (dx @ W2.T) * (a > 0)、"
                      "dW1 = z.T @ da、db1 = da.sum(0)"),
    "d_forward": tip("s = leaky_relu(x @ W1 + b1, α) @ W2 + b2, leaky_relu(u) = u for u > 0 and "
                     "α·u otherwise; return s[:, 0], shape (N,)",
                     "s = leaky_relu(x @ W1 + b1, α) @ W2 + b2，leaky_relu(u) 在 u > 0 時為 u、"
                     "否則為 α·u；回傳 s[:, 0]，形狀 (N,)"),
    "d_backward": tip("dh = dlogits[:, None] @ W2.T, da = dh · (1 if a > 0 else α), "
                      "dx = da @ W1.T, dW1 = x.T @ da, db1 = da.sum(0), "
                      "dW2 = h.T @ dlogits[:, None], db2 = dlogits.sum(keepdims)",
                      "dh = dlogits[:, None] @ W2.T、da = dh · (a > 0 時為 1，否則 α)、"
                      "dx = da @ W1.T、dW1 = x.T @ da、db1 = da.sum(0)、"
                      "dW2 = h.T @ dlogits[:, None]、db2 = dlogits.sum(keepdims)"),
    "d_grads": tip("fake = G(z) (a constant); s = D(x_real), s̃ = D(fake); loss, dreal, dfake = "
                   "discriminator_loss(s, s̃); add D's parameter gradients of both passes",
                   "fake = G(z)（當作常數）；s = D(x_real)、s̃ = D(fake)；loss, dreal, dfake = "
                   "discriminator_loss(s, s̃)；把兩次反向傳播得到的 D 參數梯度相加"),
    "g_grads": tip("fake, g_cache = G(z); s̃, d_cache = D(fake); loss, dfake = generator_loss(s̃); "
                   "dx, _ = discriminator_backward(dfake, d_cache) (D's INPUT gradient); "
                   "generator_backward(dx, g_cache)",
                   "fake, g_cache = G(z)；s̃, d_cache = D(fake)；loss, dfake = "
                   "generator_loss(s̃)；dx, _ = discriminator_backward(dfake, d_cache)"
                   "（D 對「輸入」的梯度）；generator_backward(dx, g_cache)"),
    "d_step": tip("loss, grads = discriminator_gradients(params, x_real, z); each of D's "
                  "parameters through adam(w, g, its state, lr=lr, beta1=BETA1); return "
                  "{'G': params['G'] unchanged, 'D': new}, the state, loss",
                  "loss, grads = discriminator_gradients(params, x_real, z)；D 的每個參數用 "
                  "adam(w, g, 它的 state, lr=lr, beta1=BETA1) 更新；回傳 "
                  "{'G': 原封不動的 params['G'], 'D': 新的}、state、loss"),
    "g_step": tip("loss, grads = generator_gradients(params, z); each of G's parameters through "
                  "adam(..., beta1=BETA1); return {'G': new, 'D': params['D'] unchanged}",
                  "loss, grads = generator_gradients(params, z)；G 的每個參數用 "
                  "adam(..., beta1=BETA1) 更新；回傳 {'G': 新的, 'D': 原封不動的 params['D']}"),
    "schedule": tip("for i in range(k): params, state, d = discriminator_step(params, state, "
                    "x_real[i], z_d[i], lr); then params, state, g = generator_step(params, "
                    "state, z_g, lr) with the D just trained",
                    "for i in range(k)：params, state, d = discriminator_step(params, state, "
                    "x_real[i], z_d[i], lr)；然後用剛訓練好的 D 做 params, state, g = "
                    "generator_step(params, state, z_g, lr)"),
    "accuracy": tip("real samples count as right when D's logit > 0, fakes G(z) when it is ≤ 0; "
                    "divide by N + M",
                    "真樣本在 D 的 logit > 0 時算對，假樣本 G(z) 在 logit ≤ 0 時算對；除以 N + M"),
    "train": tip("params = init_gan_params(data, z_dim, hidden, seed); rng = "
                 "default_rng(seed + 1); each step draws x_real = data[rng.integers(0, n, "
                 "size=(k, B))], then z_d = rng.normal(size=(k, B, Z)), then z_g = "
                 "rng.normal(size=(B, Z)), and calls train_step",
                 "params = init_gan_params(data, z_dim, hidden, seed)；rng = "
                 "default_rng(seed + 1)；每一步依序抽 x_real = data[rng.integers(0, n, "
                 "size=(k, B))]、z_d = rng.normal(size=(k, B, Z))、z_g = rng.normal(size=(B, Z))，"
                 "再呼叫 train_step"),
    "g_block": tip("y = conv_transpose2d_forward(x, w, b, stride, pad); not last: batch norm per "
                   "channel (reshape y to (N·H·W, C) with transpose(0, 2, 3, 1)), then ReLU; "
                   "last: tanh(y), no batch norm",
                   "y = conv_transpose2d_forward(x, w, b, stride, pad)；不是最後一層：每個通道"
                   "做批次正規化（用 transpose(0, 2, 3, 1) 把 y 變成 (N·H·W, C)），再 ReLU；"
                   "最後一層：tanh(y)，不做批次正規化"),
    "d_block": tip("y = conv2d_forward(x, w, b, stride, pad); batch norm per channel over "
                   "(N, H, W) when batchnorm is True; then LeakyReLU with slope α on the "
                   "negative side",
                   "y = conv2d_forward(x, w, b, stride, pad)；batchnorm 為 True 時每個通道沿 "
                   "(N, H, W) 做批次正規化；再做負半邊斜率為 α 的 LeakyReLU"),
}


# --- plumbing ------------------------------------------------------------------------------------


def as_dict(value, keys: tuple[str, ...], what: str, hint: Text | None = None) -> dict:
    """A dict with exactly `keys`, or a failure saying what came back."""
    if isinstance(value, dict) and set(value) == set(keys):
        return value
    kind = f"dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
    fail(f"{what} returned a {kind}; expected a dict with the keys {', '.join(keys)}",
         f"{what} 回傳了 {kind}；應該回傳鍵為 {', '.join(keys)} 的 dict", *(hint,) if hint else ())


def with_blame(failure: SubmissionFailure, broken: list[str]) -> SubmissionFailure:
    """`failure` with a hint naming the student's functions that disagree with the reference
    on the check's inputs (a composite check fails when one of its parts does)."""
    names, one = ", ".join(broken), len(broken) == 1
    return SubmissionFailure(*failure.parts, tip(
        f"on this check's inputs your {names} disagree{'s' * one} with the reference: fix "
        f"{'it' if one else 'them'} first (see {'its check' if one else 'their checks'})",
        f"在這項檢查的輸入上，你的 {names} 與參考答案不同：請先修正（見相關的檢查）"),
        output=failure.output)


@contextmanager
def blaming(find_broken):
    """Add with_blame's hint to a plain failure inside, naming find_broken()'s list."""
    try:
        yield
    except SubmissionFailure as failure:
        if type(failure) is not SubmissionFailure:  # not implemented, timed out, crashed
            raise
        broken = find_broken()
        if not broken:
            raise
        raise with_blame(failure, broken) from None


def as_array_like(value, want, what: str, hint: Text) -> np.ndarray:
    """`value` as a finite float array of want's shape, or a failure saying why not."""
    assert_close(value, np.zeros(np.shape(want)), rtol=np.inf, what=what, hint=hint)
    return np.asarray(value, dtype=float)


def first(result, name: str):
    """The value of softplus, or the loss (first entry) of a loss function's result."""
    return result if name == "softplus" else result[0]


def judge_grads(forward, grads, at: dict, *, right: bool, want: dict, what: str, hint: Text,
                dout=None, forward_name: str = "forward", rtol=None, max_coords: int = 64
                ) -> None:
    """grads (the student's dict) at the arrays `at`: by central differences of forward(dict)
    when that forward is right at `at`, else (or with rtol, for float32) against `want`."""
    grads = as_dict(grads, tuple(want), what, hint)
    if right and rtol is None:
        gradcheck(forward, grads, at, dout=dout, name=what, hint=hint, max_coords=max_coords)
        return
    options = {} if rtol is None else {"rtol": rtol}
    for key, expected in want.items():
        assert_close(grads[key], expected, what=f"{key} of {what}",
                     hint=hint if right else forward_first(forward_name), **options)


def gan_inputs(rng, D: int = 1, Z: int = 2, H: int = 4, N: int = 5, M: int = 6,
               dtype=np.float64) -> tuple[dict, np.ndarray, np.ndarray]:
    """Random params {"G", "D"} (non-zero biases: kinks anywhere), x_real (N, D), z (M, Z)."""
    params = {"G": {"W1": rng.normal(size=(Z, H)), "b1": rng.normal(size=H),
                    "W2": rng.normal(size=(H, D)), "b2": rng.normal(size=D)},
              "D": {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
                    "W2": rng.normal(size=(H, 1)), "b2": rng.normal(size=1)}}
    params = {net: {k: v.astype(dtype) for k, v in p.items()} for net, p in params.items()}
    return params, rng.normal(0.5, 1.5, size=(N, D)).astype(dtype), \
        rng.normal(size=(M, Z)).astype(dtype)


def nets_equal(yours, mine: dict) -> bool:
    """Whether yours is a network's dict with exactly mine's arrays."""
    return isinstance(yours, dict) and set(yours) == set(mine) and all(
        isinstance(yours[k], np.ndarray) and yours[k].shape == np.shape(mine[k])
        and np.array_equal(yours[k], mine[k]) for k in mine)


def nets_array(params) -> np.ndarray:
    """Both networks' parameters as one vector (G's then D's, keys in order), for agrees."""
    return np.concatenate([np.ravel(np.asarray(params[net][k], dtype=float))
                           for net in ("G", "D") for k in NET_KEYS])


def shapes(params: dict) -> str:
    return ", ".join(f"{k} {np.shape(v)}" for k, v in params.items())


# --- the same maths in NumPy, for the known mistakes ---------------------------------------------


def np_softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def np_sigmoid(x):
    return np.exp(-np_softplus(-np.asarray(x, dtype=float)))


def np_generator(z, g: dict):
    """(x̃, a, h) of the generator, in float64."""
    a = np.asarray(z, float) @ np.asarray(g["W1"], float) + np.asarray(g["b1"], float)
    h = np.maximum(a, 0.0)
    return h @ np.asarray(g["W2"], float) + np.asarray(g["b2"], float), a, h


def np_generator_backward(dx, z, g: dict) -> dict:
    _, a, h = np_generator(z, g)
    da = (dx @ np.asarray(g["W2"], float).T) * (a > 0)
    return {"W1": np.asarray(z, float).T @ da, "b1": da.sum(axis=0), "W2": h.T @ dx,
            "b2": dx.sum(axis=0)}


def np_discriminator(x, d: dict, alpha: float, positive_side: bool = False):
    """D's logits (N,); with positive_side the slope α is (wrongly) applied where a > 0."""
    a = np.asarray(x, float) @ np.asarray(d["W1"], float) + np.asarray(d["b1"], float)
    h = np.where(a > 0, alpha * a, a) if positive_side else np.where(a > 0, a, alpha * a)
    return (h @ np.asarray(d["W2"], float) + np.asarray(d["b2"], float))[:, 0]


def np_discriminator_grads(x, d: dict, dlogits, alpha: float = ALPHA) -> dict:
    """D's parameter gradients for the upstream gradient dlogits (N,)."""
    x = np.asarray(x, float)
    a = x @ np.asarray(d["W1"], float) + np.asarray(d["b1"], float)
    h = np.where(a > 0, a, alpha * a)
    da = np.outer(dlogits, np.asarray(d["W2"], float)[:, 0]) * np.where(a > 0, 1.0, alpha)
    return {"W1": x.T @ da, "b1": da.sum(axis=0), "W2": (h.T @ dlogits)[:, None],
            "b2": np.array([dlogits.sum()])}


def np_discriminator_parts(params: dict, x_real, z) -> tuple[dict, dict]:
    """D's parameter gradients of L_D's real term and of its fake term, in NumPy."""
    d = params["D"]
    fake = np_generator(z, params["G"])[0]
    s, f = np_discriminator(x_real, d, ALPHA), np_discriminator(fake, d, ALPHA)
    return (np_discriminator_grads(x_real, d, (np_sigmoid(s) - 1) / s.size),
            np_discriminator_grads(fake, d, np_sigmoid(f) / f.size))


def np_player_gradients(which: str, params: dict, *args) -> dict:
    """D's gradients (args: x_real, z) or G's through D (args: z), in NumPy."""
    g, d = params["G"], params["D"]
    if which == "discriminator":
        real, fakes = np_discriminator_parts(params, *args)
        return {k: real[k] + fakes[k] for k in NET_KEYS}
    (z,) = args
    fake = np_generator(z, g)[0]
    a = fake @ np.asarray(d["W1"], float) + np.asarray(d["b1"], float)
    f = np_discriminator(fake, d, ALPHA)
    da = np.outer((np_sigmoid(f) - 1) / f.size, np.asarray(d["W2"], float)[:, 0]) * \
        np.where(a > 0, 1.0, ALPHA)
    return np_generator_backward(da @ np.asarray(d["W1"], float).T, z, g)


def d_gradient_mistakes(params: dict, x_real, z) -> dict:
    """{label: (grads, en, zh)}: D's gradients with one of the two batches left out."""
    real_only, fake_only = np_discriminator_parts(params, x_real, z)
    return {"real": (real_only, "only the real batch's gradients; add those of the fake batch "
                     "(L_D has both terms)", "只有真樣本批次的梯度；還要加上假樣本批次的梯度"
                     "（L_D 有兩項）"),
            "fake": (fake_only, "only the fake batch's gradients; add those of the real batch "
                     "(L_D has both terms)", "只有假樣本批次的梯度；還要加上真樣本批次的梯度"
                     "（L_D 有兩項）")}


def np_adam(w, g, state, lr: float, beta1: float):
    m, v, t = (0.0, 0.0, 0) if state is None else state
    t += 1
    m, v = beta1 * m + (1 - beta1) * g, 0.999 * v + 0.001 * g * g
    step = m / (1 - beta1**t) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w - lr * step, (m, v, t)


# --- the game: losses, networks, gradients, steps ------------------------------------------------


def d_loss_mistakes(s, f) -> dict:
    s, f = np.asarray(s, float), np.asarray(f, float)
    N, M = s.size, f.size
    both = (np.sum(np_softplus(-s)) + np.sum(np_softplus(f))) / (N + M)
    return {
        "swapped": ((float(np.mean(np_softplus(s)) + np.mean(np_softplus(-f))),
                     np_sigmoid(s) / N, (np_sigmoid(f) - 1) / M),
                    "the labels are swapped: real samples get label 1 (−log D(x) = "
                    "softplus(−s)), fakes label 0 (−log(1 − D(G(z))) = softplus(s̃))",
                    "標籤對調了：真樣本的標籤是 1（−log D(x) = softplus(−s)），假樣本的標籤是 0"
                    "（−log(1 − D(G(z))) = softplus(s̃)）"),
        "one_mean": ((float(both), (np_sigmoid(s) - 1) / (N + M), np_sigmoid(f) / (N + M)),
                     "one mean over all N + M samples; L_D is a sum of two means, "
                     "mean over the real batch + mean over the fake batch",
                     "對全部 N + M 個樣本取一個平均；L_D 是兩個平均的和：真樣本批次的平均 + "
                     "假樣本批次的平均"),
    }


def g_loss_mistakes(f, saturating: bool) -> dict:
    f = np.asarray(f, float)
    M = f.size
    non_sat = (float(np.mean(np_softplus(-f))), (np_sigmoid(f) - 1) / M)
    sat = (float(-np.mean(np_softplus(f))), -np_sigmoid(f) / M)
    if saturating:
        return {"non_saturating": (non_sat, "this is the non-saturating −mean log D(G(z)); the "
                                   "saturating loss is mean log(1 − D(G(z))) = "
                                   "−mean softplus(s̃)",
                                   "這是非飽和的 −mean log D(G(z))；飽和損失是 "
                                   "mean log(1 − D(G(z))) = −mean softplus(s̃)")}
    return {"saturating": (sat, "this is the saturating loss log(1 − D(G(z))) = "
                           "−mean softplus(s̃), whose gradient vanishes when D rejects the fakes; "
                           "generator_loss is the non-saturating −log D(G(z)) = "
                           "mean softplus(−s̃)",
                           "這是飽和損失 log(1 − D(G(z))) = −mean softplus(s̃)，D 否定假樣本時它的"
                           "梯度會消失；generator_loss 是非飽和的 −log D(G(z)) = "
                           "mean softplus(−s̃)"),
            "minus_d_loss": ((float(np.mean(np_softplus(f))), np_sigmoid(f) / M),
                             "this is D's fake term softplus(s̃) = −log(1 − D(G(z))), which G "
                             "would have to MAXIMISE; G minimises −log D(G(z)) = softplus(−s̃)",
                             "這是 D 的假樣本項 softplus(s̃) = −log(1 − D(G(z)))，G 得「最大化」"
                             "它；G 要最小化的是 −log D(G(z)) = softplus(−s̃)")}


class Game:
    """The student's GAN functions next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def inputs(self, **sizes) -> tuple[dict, np.ndarray, np.ndarray]:
        """params, x_real, z drawn from the check's rng (see gan_inputs)."""
        return gan_inputs(self.rng, **sizes)

    # which building blocks disagree with the reference, for the message of a composite check

    def expected_parts(self, params, x_real=None, z=None, gradients: bool = False) -> dict:
        """The reference's answers for each building block of one player's gradient on these
        inputs (D's when x_real is given, else G's). Asked before any branch, so that a release
        records every answer a failing student's check will need."""
        ref = self.reference
        g, d = params["G"], params["D"]
        fake = ref.generator_forward(z, g)[0]
        batches = [fake] if x_real is None else [x_real, fake]
        out = {"fake": fake, "batches": batches,
               "logits": [ref.discriminator_forward(b, d)[0] for b in batches]}
        if x_real is None:
            out["loss"] = ref.generator_loss(out["logits"][0])
            out["upstream"] = out["loss"][1]
        else:
            out["loss"] = ref.discriminator_loss(*out["logits"])
            out["upstream"] = out["loss"][2]
        out["d_backward"] = ref.discriminator_backward(
            out["upstream"], ref.discriminator_forward(fake, d)[1])
        if x_real is None:
            out["g_backward"] = ref.generator_backward(out["d_backward"][0],
                                                       ref.generator_forward(z, g)[1])
        if gradients:
            out["gradients"] = (ref.generator_gradients(params, z) if x_real is None else
                                ref.discriminator_gradients(params, x_real, z))
        return out

    def _backward_agrees(self, net: str, inputs, params, upstream, want) -> bool:
        """The student's forward + backward of one network against the reference's `want`."""
        sub = self.submission
        try:
            _, cache = pair(getattr(sub, f"{net}_forward")(inputs, params))
            got = getattr(sub, f"{net}_backward")(upstream, cache)
        except AssertionError:
            return False
        if net == "discriminator":
            if not (isinstance(got, (tuple, list)) and len(got) == 2):
                return False
            (dx, got), (want_dx, want) = got, want
            if not agrees(lambda: dx, want_dx):
                return False
        return isinstance(got, dict) and set(got) == set(want) and all(
            agrees(lambda k=k: got[k], want[k]) for k in want)

    def disagreeing(self, params, x_real, z, expected: dict) -> list[str]:
        """The building blocks (networks, losses, backwards, and the player's *_gradients when
        `expected` has them) that give other answers than the reference's on these inputs, each
        fed the reference's intermediate values."""
        sub = self.submission
        g, d = params["G"], params["D"]
        found = []
        if not agrees(lambda: pair(sub.generator_forward(z, g))[0], expected["fake"]):
            found.append("generator_forward")
        if not all(agrees(lambda b=b: pair(sub.discriminator_forward(b, d))[0], s)
                   for b, s in zip(expected["batches"], expected["logits"], strict=True)):
            found.append("discriminator_forward")
        name = "generator_loss" if x_real is None else "discriminator_loss"
        if not agrees(lambda: getattr(sub, name)(*expected["logits"])[0], expected["loss"][0]):
            found.append(name)
        if not self._backward_agrees("discriminator", expected["fake"], d, expected["upstream"],
                                     expected["d_backward"]):
            found.append("discriminator_backward")
        if x_real is None and not self._backward_agrees(
                "generator", z, g, expected["d_backward"][0], expected["g_backward"]):
            found.append("generator_backward")
        if "gradients" in expected:
            name, args = (("generator_gradients", (z,)) if x_real is None else
                          ("discriminator_gradients", (x_real, z)))
            loss, grads = expected["gradients"]
            try:
                got = pair(getattr(sub, name)(params, *args))
                right = agrees(lambda: got[0], loss) and isinstance(got[1], dict) and \
                    set(got[1]) == set(grads) and all(agrees(lambda k=k: got[1][k], grads[k])
                                                      for k in grads)
            except AssertionError:
                right = False
            if not right:
                found.append(name)
        return found

    def first_fix(self, params, x_real=None, z=None, only: tuple[str, ...] | None = None,
                  gradients: bool = False):
        """A context in which a failure gets a hint naming the building blocks (those in
        `only`, if given) that disagree with the reference on these inputs (D's player when
        x_real is given, else G's). The reference's answers are asked for now."""
        expected = self.expected_parts(params, x_real, z, gradients)
        return blaming(lambda: [name for name in self.disagreeing(params, x_real, z, expected)
                                if only is None or name in only])

    # losses

    def check_softplus(self, x, rtol=None) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(self.submission.softplus(x), self.reference.softplus(x),
                     what=f"softplus(x {np.shape(x)})", hint=HINTS["softplus"], **options)

    def _loss_call(self, name: str, logits: tuple, names: tuple, hint: Text, variants: dict,
                   rtol=None) -> tuple:
        sizes = ", ".join(f"{n} ({np.size(v)},)" for n, v in zip(("real_logits", "fake_logits")
                                                                 if len(logits) == 2 else
                                                                 ("fake_logits",), logits,
                                                                 strict=True))
        what = f"{name}({sizes})"
        yours = unpack(getattr(self.submission, name)(*logits), names, what)
        want = getattr(self.reference, name)(*logits)
        named(yours, want, variants, what, hint)
        options = {} if rtol is None else {"rtol": rtol}
        for value, expected, label in zip(yours, want, names, strict=True):
            assert_close(value, expected, what=f"{label} of {what}", hint=hint, **options)
        return yours

    def check_discriminator_loss(self, s, f, rtol=None) -> None:
        loss_is_right = agrees(lambda: self.submission.discriminator_loss(s, f)[0],
                               self.reference.discriminator_loss(s, f)[0])
        _, dreal, dfake = self._loss_call("discriminator_loss", (s, f), ("loss", "dreal", "dfake"),
                                          HINTS["d_loss"], d_loss_mistakes(s, f), rtol)
        if loss_is_right and rtol is None:
            gradcheck(lambda p: self.submission.discriminator_loss(p["real_logits"],
                                                                   p["fake_logits"])[0],
                      {"real_logits": dreal, "fake_logits": dfake},
                      {"real_logits": s, "fake_logits": f}, name="discriminator_loss",
                      hint=HINTS["d_loss"])

    def check_generator_loss(self, f, saturating: bool = False, rtol=None) -> None:
        name = "saturating_generator_loss" if saturating else "generator_loss"
        hint = HINTS["sat_loss" if saturating else "g_loss"]
        _, dfake = self._loss_call(name, (f,), ("loss", "dfake"), hint,
                                   g_loss_mistakes(f, saturating), rtol)
        if rtol is None:
            gradcheck(lambda p: getattr(self.submission, name)(p)[0], dfake, f, name=name,
                      hint=hint)

    def check_stability(self) -> None:
        """Every loss (and softplus) at logits where exp overflows or σ rounds to 0 or 1."""
        big = np.array(HUGE)
        calls = (("softplus", (big,), self.submission.softplus, self.reference.softplus),
                 ("discriminator_loss", (big, big[::-1]), self.submission.discriminator_loss,
                  self.reference.discriminator_loss),
                 ("generator_loss", (big,), self.submission.generator_loss,
                  self.reference.generator_loss),
                 ("saturating_generator_loss", (big,), self.submission.saturating_generator_loss,
                  self.reference.saturating_generator_loss))
        ordinary = np.array([-3.0, -0.5, 0.5, 3.0])
        for name, args, yours, ref in calls:
            what = f"{name} at logits {list(HUGE)}"
            small = [ordinary] * len(args)
            right = agrees(lambda yours=yours, small=small, name=name: first(yours(*small), name),
                           first(ref(*small), name))
            got, want = yours(*args), ref(*args)
            value = got if name == "softplus" else (got[0] if isinstance(got, (tuple, list))
                                                    and got else got)
            expected = want if name == "softplus" else want[0]
            array = np.asarray(value, dtype=float) if isinstance(
                value, (int, float, np.number, np.ndarray)) else None
            if array is not None and not np.all(np.isfinite(array)):
                fail(f"{what} returned {np.round(array, 3).tolist()}: not finite. log(sigmoid(s)) "
                     "and log(1 − sigmoid(s)) overflow or take log(0) for large |s|, and "
                     "log(1 + exp(s)) overflows at s = 800; use softplus written without "
                     "overflow",
                     f"{what} 回傳了 {np.round(array, 3).tolist()}：不是有限值。|s| 很大時 "
                     "log(sigmoid(s)) 與 log(1 − sigmoid(s)) 會溢位或算到 log(0)，"
                     "log(1 + exp(s)) 在 s = 800 時溢位；請用不會溢位的 softplus",
                     HINTS["stable"])
            if right:  # else its own check says what is wrong; here only finiteness counts
                assert_close(value, expected, what=what, hint=HINTS["stable"])

    # the networks

    def check_generator_forward(self, z, g, rtol=None) -> None:
        what = f"generator_forward(z {np.shape(z)}, params {{{shapes(g)}}})"
        x, _ = pair(self.submission.generator_forward(z, g), ("x", "cache"), what)
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(x, self.reference.generator_forward(z, g)[0], what=f"x̃ of {what}",
                     hint=HINTS["g_forward"], **options)

    def check_generator_backward(self, z, g, dx, rtol=None) -> None:
        what = f"generator_backward(dx {np.shape(dx)}, cache)"
        _, cache = pair(self.submission.generator_forward(z, g), ("x", "cache"))
        grads = self.submission.generator_backward(dx, cache)
        want_x, want_cache = self.reference.generator_forward(z, g)
        right = agrees(lambda: self.submission.generator_forward(z, g)[0], want_x)
        judge_grads(lambda p: self.submission.generator_forward(z, p)[0], grads, g, dout=dx,
                    right=right, want=self.reference.generator_backward(dx, want_cache),
                    what=what, hint=HINTS["g_backward"], forward_name="generator_forward",
                    rtol=rtol)

    def check_discriminator_forward(self, x, d, alpha=None, rtol=None) -> None:
        options = {} if alpha is None else {"alpha": alpha}
        slope = ALPHA if alpha is None else alpha
        what = (f"discriminator_forward(x {np.shape(x)}, params {{{shapes(d)}}}"
                f"{'' if alpha is None else f', alpha={alpha}'})")
        logits, _ = pair(self.submission.discriminator_forward(x, d, **options),
                         ("logits", "cache"), what)
        want = self.reference.discriminator_forward(x, d, **options)[0]
        variants = {"positive": (np_discriminator(x, d, slope, positive_side=True),
                                 "the LeakyReLU slope α is applied to the positive side; "
                                 "leaky_relu(u) = u for u > 0 and α·u for u ≤ 0",
                                 "LeakyReLU 的斜率 α 用在正的那一邊了；leaky_relu(u) 在 u > 0 時"
                                 "為 u，u ≤ 0 時為 α·u"),
                    "relu": (np_discriminator(x, d, 0.0),
                             "this is ReLU: the discriminator uses LeakyReLU, α·u for u ≤ 0",
                             "這是 ReLU：判別器用的是 LeakyReLU，u ≤ 0 時為 α·u"),
                    "column": (np_discriminator(x, d, slope)[:, None],
                               "the logits have shape (N, 1); return a vector (N,): s[:, 0]",
                               "logits 的形狀是 (N, 1)；請回傳向量 (N,)：s[:, 0]")}
        for other in {0.01, ALPHA} - {slope}:
            variants[f"alpha{other}"] = (np_discriminator(x, d, other),
                                         f"the slope α = {other:g} was used, not the alpha "
                                         f"argument ({slope:g})",
                                         f"用了斜率 α = {other:g}，而不是 alpha 參數（{slope:g}）")
        named(logits, want, variants, f"logits of {what}", HINTS["d_forward"])
        assert_close(logits, want, what=f"logits of {what}", hint=HINTS["d_forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_discriminator_backward(self, x, d, dlogits, rtol=None) -> None:
        what = f"discriminator_backward(dlogits {np.shape(dlogits)}, cache)"
        _, cache = pair(self.submission.discriminator_forward(x, d), ("logits", "cache"))
        dx, grads = pair(self.submission.discriminator_backward(dlogits, cache), ("dx", "grads"),
                         what)
        want_s, want_cache = self.reference.discriminator_forward(x, d)
        want_dx, want_grads = self.reference.discriminator_backward(dlogits, want_cache)
        right = agrees(lambda: self.submission.discriminator_forward(x, d)[0], want_s)
        grads = as_dict(grads, NET_KEYS, what, HINTS["d_backward"])
        judge_grads(lambda p: self.submission.discriminator_forward(
            p["x"], {k: p[k] for k in NET_KEYS})[0], {"x": dx, **grads}, {"x": x, **d},
            dout=dlogits, right=right, want={"x": want_dx, **want_grads}, what=what,
            hint=HINTS["d_backward"], forward_name="discriminator_forward", rtol=rtol)

    # each player's gradients

    def check_discriminator_gradients(self, params, x_real, z, rtol=None) -> None:
        with self.first_fix(params, x_real, z):
            self._discriminator_gradients(params, x_real, z, rtol)

    def _discriminator_gradients(self, params, x_real, z, rtol) -> None:
        what = (f"discriminator_gradients(params, x_real {np.shape(x_real)}, "
                f"z {np.shape(z)})")
        loss, grads = pair(self.submission.discriminator_gradients(params, x_real, z),
                           ("loss", "grads"), what)
        want_loss, want_grads = self.reference.discriminator_gradients(params, x_real, z)
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(loss, want_loss, what=f"L_D of {what}", hint=HINTS["d_grads"], **options)

        grads = as_dict(grads, NET_KEYS, what, HINTS["d_grads"])
        named(grads, want_grads, d_gradient_mistakes(params, x_real, z),
              f"the gradients of {what}", HINTS["d_grads"])

        def d_loss(d):
            return self.submission.discriminator_gradients({"G": params["G"], "D": d},
                                                           x_real, z)[0]
        judge_grads(d_loss, grads, params["D"], right=True, want=want_grads, what=what,
                    hint=HINTS["d_grads"], rtol=rtol)

    def check_generator_gradients(self, params, z, rtol=None) -> None:
        with self.first_fix(params, z=z):
            self._generator_gradients(params, z, rtol)

    def _generator_gradients(self, params, z, rtol) -> None:
        what = f"generator_gradients(params, z {np.shape(z)})"
        loss, grads = pair(self.submission.generator_gradients(params, z), ("loss", "grads"),
                           what)
        want_loss, want_grads = self.reference.generator_gradients(params, z)
        g, d = params["G"], params["D"]
        fake, _, _ = np_generator(z, g)
        s = np_discriminator(fake, d, ALPHA)
        if same(loss, -np.mean(np_softplus(s))):
            fail(f"L_G of {what} is the saturating mean log(1 − D(G(z))); G's step uses the "
                 "non-saturating −mean log D(G(z)) (generator_loss)",
                 f"{what} 的 L_G 是飽和的 mean log(1 − D(G(z)))；G 的更新要用非飽和的 "
                 "−mean log D(G(z))（generator_loss）", HINTS["g_grads"])
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(loss, want_loss, what=f"L_G of {what}", hint=HINTS["g_grads"], **options)
        if fake.shape[1] == 1:
            dfake = (np_sigmoid(s) - 1) / s.size
            named(grads, want_grads, {"chain": (
                np_generator_backward(dfake[:, None], z, g),
                "∂L_G/∂s̃ (the gradient at D's OUTPUT) was passed to generator_backward as if "
                "it were ∂L_G/∂x̃: the chain must run through D, dx = discriminator_backward("
                "dfake, d_cache)[0], D's input gradient",
                "把 ∂L_G/∂s̃（D「輸出」的梯度）當成 ∂L_G/∂x̃ 傳給了 generator_backward："
                "連鎖律必須穿過 D，dx = discriminator_backward(dfake, d_cache)[0]，"
                "也就是 D 對輸入的梯度")}, f"the gradients of {what}", HINTS["g_grads"])

        def g_loss(p):
            return self.submission.generator_gradients({"G": p, "D": d}, z)[0]
        judge_grads(g_loss, grads, g, right=True, want=want_grads, what=what,
                    hint=HINTS["g_grads"], rtol=rtol)

    # steps

    def _step(self, which: str, params, state, args, lr):
        name = f"{which}_step"
        what = f"{name}(params, state, {', '.join(f'{np.shape(a)}' for a in args)}, lr={lr})"
        result = unpack(getattr(self.submission, name)(params, state, *args, lr=lr),
                        ("params", "state", "loss"), what)
        new = result[0]
        if not isinstance(new, dict) or set(new) != {"G", "D"}:
            fail(f"{what} returned params that are not a dict {{'G': ..., 'D': ...}}: the step "
                 "returns the whole GAN, both networks",
                 f"{what} 回傳的 params 不是 dict {{'G': ..., 'D': ...}}：每一步都要回傳整個 GAN，"
                 "兩個網路都要")
        return result, what

    def check_discriminator_step(self, params, x_real, z, lr: float, steps: int = 2,
                                 rtol=None) -> None:
        with self.first_fix(params, x_real, z, gradients=True):
            self._check_steps("discriminator", params, (x_real, z), lr, steps, rtol)

    def check_generator_step(self, params, z, lr: float, steps: int = 2, rtol=None) -> None:
        with self.first_fix(params, z=z, gradients=True):
            self._check_steps("generator", params, (z,), lr, steps, rtol)

    def _check_steps(self, which: str, params, args, lr, steps, rtol) -> None:
        """`steps` steps of one player, its state threaded; the other player must come back
        unchanged, and the moved one must equal the reference's."""
        mine, other = ("D", "G") if which == "discriminator" else ("G", "D")
        hint = HINTS["d_step" if which == "discriminator" else "g_step"]
        yours, state, want, want_state = params, None, params, None
        options = {} if rtol is None else {"rtol": rtol}
        path = []  # the reference's parameters before each step
        for t in range(1, steps + 1):
            (new, state, loss), what = self._step(which, yours, state, args, lr)
            before = want
            if not nets_equal(new[other], yours[other]):
                if which == "discriminator":
                    fail(f"{what} changed G's parameters. In D's step G is fixed (先訓練 "
                         "Discriminator，Generator 先不動): the fakes G(z) are constants, "
                         "detached, and only D's parameters are updated; return params['G'] "
                         "unchanged",
                         f"{what} 改變了 G 的參數。D 的訓練步驟中 G 固定不動（先訓練 "
                         "Discriminator，Generator 先不動）：假樣本 G(z) 是常數（detach），"
                         "只更新 D 的參數；請原封不動地回傳 params['G']", hint)
                fail(f"{what} changed D's parameters. In G's step D is frozen: its gradients "
                     "only carry ∂L_G/∂x̃ back to G, and D's own parameter gradients are thrown "
                     "away; return params['D'] unchanged",
                     f"{what} 改變了 D 的參數。G 的訓練步驟中 D 被凍結：D 的梯度只負責把 ∂L_G/∂x̃ "
                     "傳回 G，D 自己參數的梯度要丟掉；請原封不動地回傳 params['D']", hint)
            want, want_state, want_loss = getattr(self.reference, f"{which}_step")(
                want, want_state, *args, lr=lr)
            assert_close(loss, want_loss, what=f"the loss of {what} at step {t}", hint=hint,
                         **options)
            moved = as_dict(new[mine], NET_KEYS, f"params['{mine}'] of {what}", hint)
            path.append(before)
            if t <= 2:
                self._name_optimizer(moved, path, which, args, lr, what, hint)
            for k in NET_KEYS:
                assert_close(moved[k], want[mine][k],
                             what=f"{mine}'s {k} after {t} step{'s' * (t > 1)} of {what} (state "
                                  "passed back in)", hint=hint, **options)
            yours = new

    def _name_optimizer(self, moved, path: list, which: str, args, lr, what, hint) -> None:
        """Plain SGD (named after one step) or Adam with β₁ = 0.9 (after two: Adam's first
        step is the same for every β₁), from the gradients (in NumPy) along the reference's path
        (path: the reference's parameters {"G", "D"} before each step so far)."""
        mine = "D" if which == "discriminator" else "G"
        grads = [np_player_gradients(which, p, *args) for p in path]
        start = {k: np.asarray(path[0][mine][k], float) for k in NET_KEYS}
        right, sgd, adam9 = {}, {}, {}
        for k in NET_KEYS:
            w_right, w_adam9, s_right, s_adam9 = start[k], start[k], None, None
            for g in grads:
                w_right, s_right = np_adam(w_right, g[k], s_right, lr, BETA1)
                w_adam9, s_adam9 = np_adam(w_adam9, g[k], s_adam9, lr, 0.9)
            right[k], adam9[k], sgd[k] = w_right, w_adam9, start[k] - lr * grads[0][k]
        variants = {"beta": (adam9, "Adam with β₁ = 0.9 (adam's default); pass beta1=BETA1 = 0.5",
                             "用了 β₁ = 0.9 的 Adam（adam 的預設值）；請傳入 beta1=BETA1 = 0.5")}
        if len(path) == 1:
            variants["sgd"] = (sgd, "this is a plain gradient step w − lr·g; each parameter goes "
                               "through adam(w, g, its state, lr=lr, beta1=BETA1)",
                               "這是普通的梯度下降 w − lr·g；每個參數都要用 adam(w, g, 它的 "
                               "state, lr=lr, beta1=BETA1) 更新")
        steps = f"{len(path)} step{'s' * (len(path) > 1)}"
        named(moved, right, variants, f"{mine}'s parameters after {steps} of {what}", hint)

    def check_train_step(self, params, x_real, z_d, z_g, lr: float, rtol=None) -> None:
        ref = self.reference
        first_steps = {  # asked now: a release records what a failing check needs
            "discriminator_step": ((x_real[0], z_d[0]),
                                   ref.discriminator_step(params, None, x_real[0], z_d[0], lr=lr)),
            "generator_step": ((z_g,), ref.generator_step(params, None, z_g, lr=lr))}

        def broken():
            return [name for name, (args, want) in first_steps.items()
                    if not agrees(lambda n=name, a=args: nets_array(getattr(self.submission, n)(
                        params, None, *a, lr=lr)[0]), nets_array(want[0]))]
        with blaming(broken):
            self._train_step(params, x_real, z_d, z_g, lr, rtol,
                             first_steps["discriminator_step"][1])

    def _train_step(self, params, x_real, z_d, z_g, lr: float, rtol, want_first) -> None:
        k = len(x_real)
        what = (f"train_step(params, None, x_real {np.shape(x_real)}, z_d {np.shape(z_d)}, "
                f"z_g {np.shape(z_g)}, lr={lr})")
        new, _, d_losses, g_loss = unpack(self.submission.train_step(
            params, None, x_real, z_d, z_g, lr=lr), ("params", "state", "d_losses", "g_loss"),
            what)
        want, _, want_d, want_g = self.reference.train_step(params, None, x_real, z_d, z_g, lr=lr)
        options = {} if rtol is None else {"rtol": rtol}
        if not (isinstance(new, dict) and set(new) == {"G", "D"}):
            fail(f"{what} returned params that are not a dict {{'G': ..., 'D': ...}}",
                 f"{what} 回傳的 params 不是 dict {{'G': ..., 'D': ...}}", HINTS["schedule"])
        if not all(agrees(lambda net=net, key=key: new[net][key], want[net][key], **options)
                   for net in want for key in NET_KEYS):
            self._name_schedule(params, x_real, z_d, z_g, lr, new, what, want_first)
        for net in ("D", "G"):
            got = as_dict(new[net], NET_KEYS, f"params['{net}'] of {what}", HINTS["schedule"])
            for key in NET_KEYS:
                assert_close(got[key], want[net][key], what=f"{net}'s {key} after {what}",
                             hint=HINTS["schedule"], **options)
        assert_close(d_losses, want_d, what=f"d_losses of {what} (one per D step: ({k},))",
                     hint=HINTS["schedule"], **options)
        assert_close(g_loss, want_g, what=f"g_loss of {what}", hint=HINTS["schedule"], **options)

    def _name_schedule(self, params, x_real, z_d, z_g, lr, new, what, want_first) -> None:
        """The schedule's usual mistakes, composed from the student's own steps (when those
        agree with the reference's first D step: otherwise their own checks say what is
        wrong)."""
        sub = self.submission
        first = sub.discriminator_step(params, None, x_real[0], z_d[0], lr=lr)
        if not (isinstance(first, (tuple, list)) and len(first) == 3 and isinstance(first[0], dict)
                and set(first[0]) == {"G", "D"}
                and all(same(first[0]["D"].get(k) if isinstance(first[0]["D"], dict) else None,
                             want_first[0]["D"][k]) for k in NET_KEYS)):
            return

        def d_steps(p, s, count):
            for i in range(count):
                p, s, _ = sub.discriminator_step(p, s, x_real[i], z_d[i], lr=lr)
            return p, s

        k = len(x_real)
        g_first, s = sub.generator_step(params, None, z_g, lr=lr)[:2]
        g_first = d_steps(g_first, s, k)[0]
        trained_d, s = d_steps(params, None, k)
        stale_g = sub.generator_step(params, None, z_g, lr=lr)[0]  # G's step on the old D
        stale = {"G": stale_g["G"], "D": trained_d["D"]}
        one_d, s = d_steps(params, None, 1)
        one_d = sub.generator_step(one_d, s, z_g, lr=lr)[0]
        candidates = {
            "g_first": (g_first, "G was trained first; the seeds' order is D first (G fixed), "
                        "then G (先訓練 Discriminator，再訓練 Generator)",
                        "先訓練了 G；講義的順序是先訓練 D（G 不動），再訓練 G"
                        "（先訓練 Discriminator，再訓練 Generator）"),
            "stale": (stale, "G's step used D's parameters from before D's steps; G's step "
                      "must use the D that was just trained",
                      "G 的訓練步驟用了 D 訓練之前的參數；G 要用剛訓練好的 D"),
            "one": (one_d, f"only one D step was taken; k = len(x_real) = {k} D steps come "
                    "before G's step", f"只做了一次 D 的訓練；G 之前要做 k = len(x_real) = {k} "
                    "次 D 的訓練"),
        }
        for value, en, zh in candidates.values():
            if all(nets_equal(new.get(net), value[net]) for net in ("G", "D")):
                fail(f"{what}: {en}", f"{what}：{zh}", HINTS["schedule"])

    def check_accuracy(self, params, x_real, z) -> None:
        with self.first_fix(params, x_real, z, only=("generator_forward",
                                                     "discriminator_forward")):
            self._accuracy(params, x_real, z)

    def _accuracy(self, params, x_real, z) -> None:
        what = f"discriminator_accuracy(params, x_real {np.shape(x_real)}, z {np.shape(z)})"
        got = self.submission.discriminator_accuracy(params, x_real, z)
        want = self.reference.discriminator_accuracy(params, x_real, z)
        real = np_discriminator(x_real, params["D"], ALPHA)
        fake = np_discriminator(np_generator(z, params["G"])[0], params["D"], ALPHA)
        swapped = (np.sum(real <= 0) + np.sum(fake > 0)) / (real.size + fake.size)
        if isinstance(got, (int, float)) and abs(got - swapped) < 1e-12 and \
                abs(swapped - want) > 1e-12:
            fail(f"{what} = {got:.4g} counts the wrong side: a real sample is right when its "
                 "logit is > 0 (D(x) > ½), a fake when its logit is ≤ 0",
                 f"{what} = {got:.4g} 算反了：真樣本在 logit > 0（D(x) > ½）時算對，"
                 "假樣本在 logit ≤ 0 時算對", HINTS["accuracy"])
        assert_close(got, want, what=what, hint=HINTS["accuracy"])


@pytest.fixture
def game(submission, reference, rng) -> Game:
    return Game(submission, reference, rng)


# --- DCGAN blocks --------------------------------------------------------------------------------


def np_conv_transpose(x, w, b, stride: int, pad: int):
    """The transposed convolution in plain NumPy (for the known mistakes)."""
    N, _, H, W = x.shape
    _, C_out, KH, KW = w.shape
    Hf, Wf = (H - 1) * stride + KH, (W - 1) * stride + KW
    full = np.zeros((N, C_out, Hf, Wf))
    for i in range(KH):
        for j in range(KW):
            full[:, :, i:i + stride * H:stride, j:j + stride * W:stride] += np.einsum(
                "nchw,co->nohw", x, w[:, :, i, j])
    return full[:, :, pad:Hf - pad, pad:Wf - pad] + b[:, None, None]


def np_conv(x, w, b, stride: int, pad: int):
    """The convolution (cross-correlation) in plain NumPy (for the known mistakes)."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    F, _, KH, KW = w.shape
    Ho, Wo = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], F, Ho, Wo)) + b[:, None, None]
    for i in range(KH):
        for j in range(KW):
            out += np.einsum("nchw,fc->nfhw",
                             xp[:, :, i:i + stride * Ho:stride, j:j + stride * Wo:stride],
                             w[:, :, i, j])
    return out


def np_bn(y, gamma, beta, axes=(0, 2, 3)):
    """Batch norm of (N, C, H, W) over `axes` (per channel: (0, 2, 3))."""
    mu, var = y.mean(axis=axes, keepdims=True), y.var(axis=axes, keepdims=True)
    shape = (1, -1, 1, 1) if gamma.shape == (y.shape[1],) else (1, *y.shape[1:])
    return gamma.reshape(shape) * (y - mu) / np.sqrt(var + BN_EPS) + beta.reshape(shape)


def np_bn_per_pixel(y, gamma, beta):
    """Batch norm of every (channel, row, column) over the batch alone: the usual wrong axes."""
    tile = (1, *y.shape[2:])
    return np_bn(y, np.tile(gamma[:, None, None], tile), np.tile(beta[:, None, None], tile),
                 axes=(0,))


AXES_EN = ("batch norm normalised each pixel of each channel over the batch only; normalise "
           "each CHANNEL over (N, H, W): reshape to (N·H·W, C) after transpose(0, 2, 3, 1)")
AXES_ZH = ("批次正規化只沿著批次對每個通道的每個像素正規化；要對每個「通道」沿 (N, H, W) 正規化："
           "先 transpose(0, 2, 3, 1) 再 reshape 成 (N·H·W, C)")


def block_mistakes(kind: str, v: dict, options: dict) -> dict:
    """{label: (out, en, zh)}: a block's output as the usual mistakes compute it."""
    x, w, b, gamma, beta = (np.asarray(v[k], float) for k in BLOCK_KEYS)
    stride, pad = options.get("stride", 2), options.get("pad", 1)
    alpha = options.get("alpha", ALPHA)
    if kind == "generator":
        y = np_conv_transpose(x, w, b, stride, pad)
        if options.get("last"):
            return {"bn": (np.tanh(np_bn(y, gamma, beta)), "the last block applies batch norm; "
                           "DCGAN's output block is transposed conv → tanh, no batch norm",
                           "最後一層做了批次正規化；DCGAN 的輸出層是轉置卷積 → tanh，"
                           "不做批次正規化"),
                    "relu": (np.maximum(y, 0.0), "the last block ends in ReLU; DCGAN's "
                             "generator ends in tanh (images in [−1, 1])",
                             "最後一層用了 ReLU；DCGAN 生成器的最後一層是 tanh"
                             "（影像值在 [−1, 1]）")}
        return {"axes": (np.maximum(np_bn_per_pixel(y, gamma, beta), 0.0), AXES_EN, AXES_ZH),
                "order": (np_bn(np.maximum(y, 0.0), gamma, beta),
                          "ReLU came before batch norm; the block is transposed conv → batch "
                          "norm → ReLU", "ReLU 放在批次正規化之前了；順序是轉置卷積 → 批次正規化 "
                          "→ ReLU"),
                "tanh": (np.tanh(np_bn(y, gamma, beta)), "this block ended in tanh; only the "
                         "last block (last=True) does, the others use ReLU",
                         "這一層用了 tanh；只有最後一層（last=True）用 tanh，其他層用 ReLU")}
    y = np_conv(x, w, b, stride, pad)
    normed = np_bn(y, gamma, beta) if options.get("batchnorm", True) else y
    per_pixel = np_bn_per_pixel(y, gamma, beta)
    out = {"positive": (np.where(normed > 0, alpha * normed, normed),
                        "the LeakyReLU slope α is applied to the positive side; it is u for "
                        "u > 0 and α·u for u ≤ 0",
                        "LeakyReLU 的斜率 α 用在正的那一邊了；u > 0 時為 u，u ≤ 0 時為 α·u"),
           "relu": (np.maximum(normed, 0.0), "this is ReLU; DCGAN's discriminator uses "
                    "LeakyReLU (α·u for u ≤ 0)", "這是 ReLU；DCGAN 的判別器用 LeakyReLU"
                    "（u ≤ 0 時為 α·u）")}
    if options.get("batchnorm", True):
        out["axes"] = (np.where(per_pixel > 0, per_pixel, alpha * per_pixel), AXES_EN, AXES_ZH)
    else:
        bn = np_bn(y, gamma, beta)
        out["bn"] = (np.where(bn > 0, bn, alpha * bn), "batch norm was applied with "
                     "batchnorm=False (DCGAN's first discriminator block has none)",
                     "batchnorm=False 時仍做了批次正規化（DCGAN 判別器的第一層沒有批次正規化）")
    return out


def block_inputs(rng, kind: str, N: int = 2, C_in: int = 2, C_out: int = 3, H: int = 2,
                 K: int = 3, dtype=np.float64) -> dict:
    """x (N, C_in, H, H), w ((C_in, C_out) or (C_out, C_in), K, K), b, γ, β (C_out,)."""
    w_shape = (C_in, C_out, K, K) if kind == "generator" else (C_out, C_in, K, K)
    v = {"x": rng.normal(size=(N, C_in, H, H)), "w": rng.normal(size=w_shape) * 0.5,
         "b": rng.normal(size=C_out), "gamma": rng.uniform(0.5, 1.5, size=C_out),
         "beta": rng.normal(size=C_out)}
    return {k: a.astype(dtype) for k, a in v.items()}


class Blocks:
    """The student's DCGAN blocks next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def inputs(self, kind: str, **sizes) -> dict:
        return block_inputs(self.rng, kind, **sizes)

    def check(self, kind: str, v: dict, rtol=None, **options) -> None:
        """The block's output against the reference's (known mistakes named), then its five
        gradients by central differences of the student's own block."""
        forward = getattr(self.submission, f"{kind}_block_forward")
        backward = getattr(self.submission, f"{kind}_block_backward")
        extra = "".join(f", {k}={o}" for k, o in options.items())
        what = (f"{kind}_block_forward(x {v['x'].shape}, w {v['w'].shape}, b, gamma, beta "
                f"({v['b'].size},){extra})")
        hint = HINTS["g_block" if kind == "generator" else "d_block"]
        out, cache = pair(forward(*(v[k] for k in BLOCK_KEYS), **options), ("out", "cache"),
                          what)
        want, want_cache = getattr(self.reference, f"{kind}_block_forward")(
            *(v[k] for k in BLOCK_KEYS), **options)
        named(out, want, block_mistakes(kind, v, options), f"out of {what}", hint)
        rtol_option = {} if rtol is None else {"rtol": rtol}
        assert_close(out, want, what=f"out of {what}", hint=hint, **rtol_option)
        dout = self.rng.normal(size=want.shape)
        what = f"{kind}_block_backward(dout {want.shape}, cache)"
        grads = as_dict(backward(dout, cache), BLOCK_KEYS, what, hint)
        want_grads = getattr(self.reference, f"{kind}_block_backward")(dout, want_cache)
        keys = BLOCK_KEYS
        if options.get("batchnorm", True) and not options.get("last", False):
            keys = tuple(k for k in BLOCK_KEYS if k != "b")
            self._bias_before_batchnorm(grads["b"], grads["w"], want_grads["b"], what, hint)
        judge_grads(lambda p: forward(*({**v, **p}[k] for k in BLOCK_KEYS), **options)[0],
                    {k: grads[k] for k in keys}, {k: v[k] for k in keys}, dout=dout, right=True,
                    want={k: want_grads[k] for k in keys}, what=what, hint=hint, rtol=rtol,
                    max_coords=BLOCK_COORDS)

    @staticmethod
    def _bias_before_batchnorm(db, dw, want, what: str, hint: Text) -> None:
        """The bias of a convolution followed by batch norm has no effect (the channel mean is
        subtracted), so its gradient is 0 up to rounding: judged by its size, not its digits."""
        db = as_array_like(db, want, f"b of {what}", hint)
        scale = max(float(np.max(np.abs(np.asarray(dw, dtype=float)), initial=0.0)), 1.0)
        if np.max(np.abs(db), initial=0.0) > ZERO_BIAS * scale:
            fail(f"b of {what} = {np.round(db, 6).tolist()}; it must be 0: batch norm subtracts "
                 "each channel's mean, so a bias added before it changes nothing (∂L/∂b = "
                 "Σ of the batch norm's input gradient over (N, H, W) = 0)",
                 f"{what} 的 b = {np.round(db, 6).tolist()}；它必須是 0：批次正規化會減去每個通道"
                 "的平均，所以在它之前加的偏差不會改變任何東西（∂L/∂b = 批次正規化輸入梯度沿 "
                 "(N, H, W) 的總和 = 0）", hint)


@pytest.fixture
def blocks(submission, reference, rng) -> Blocks:
    return Blocks(submission, reference, rng)


# --- training ------------------------------------------------------------------------------------


class Training:
    """train_gan judged by its first steps (documented draws) and by where a short run ends."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check_first_steps(self, data, rtol=None, **options) -> None:
        o = {**TRAIN_DEFAULTS, **options}
        params = self.reference.init_gan_params(data, o["z_dim"], o["hidden"], o["seed"])
        rng = np.random.default_rng(o["seed"] + 1)  # train_gan's first step, as documented
        x_real = data[rng.integers(0, len(data), size=(o["k"], o["batch_size"]))]
        z_d = rng.normal(size=(o["k"], o["batch_size"], o["z_dim"]))
        z_g = rng.normal(size=(o["batch_size"], o["z_dim"]))
        want = self.reference.train_step(params, None, x_real, z_d, z_g, o["lr"])[0]

        def broken():
            """train_step at train_gan's first step (the documented start and draws)."""
            right = agrees(lambda: nets_array(self.submission.train_step(
                params, None, x_real, z_d, z_g, o["lr"])[0]), nets_array(want))
            return [] if right else ["train_step"]
        with blaming(broken):
            self._first_steps(data, rtol, options)

    def _first_steps(self, data, rtol, options) -> None:
        extra = "".join(f", {k}={o}" for k, o in options.items())
        what = f"train_gan(data {data.shape}{extra})"
        params, history = pair(self.submission.train_gan(data, **options), ("params", "history"),
                               what)
        want, want_history = self.reference.train_gan(data, **options)
        history = as_dict(history, ("d_loss", "g_loss"), f"the history of {what}", HINTS["train"])
        rtol_option = {} if rtol is None else {"rtol": rtol}
        for key in ("d_loss", "g_loss"):
            assert_close(history[key], want_history[key], what=f"history[{key!r}] of {what}",
                         hint=HINTS["train"], **rtol_option)
        if not (isinstance(params, dict) and set(params) == {"G", "D"}):
            fail(f"{what} returned params that are not a dict {{'G': ..., 'D': ...}}",
                 f"{what} 回傳的 params 不是 dict {{'G': ..., 'D': ...}}", HINTS["train"])
        for net in ("G", "D"):
            got = as_dict(params[net], NET_KEYS, f"params['{net}'] of {what}", HINTS["train"])
            for key in NET_KEYS:
                assert_close(got[key], want[net][key], what=f"{net}'s {key} after {what}",
                             hint=HINTS["train"], **rtol_option)

    def check_moves_toward_target(self, data, z, mean_tol: float, std_tol: float,
                                  **options) -> None:
        """The student's G (their own train_gan and generator_forward) after a short run: the
        samples' mean within mean_tol of the target's and their std within std_tol (relative)."""
        extra = "".join(f", {k}={o}" for k, o in options.items())
        what = f"train_gan(data {data.shape}{extra})"
        params, _ = pair(self.submission.train_gan(data, **options), ("params", "history"), what)
        if not (isinstance(params, dict) and "G" in params):
            fail(f"{what} returned params without 'G'", f"{what} 回傳的 params 沒有 'G'",
                 HINTS["train"])
        samples, _ = pair(self.submission.generator_forward(z, params["G"]), ("x", "cache"))
        samples = np.asarray(samples, dtype=float)
        if samples.shape != (len(z), data.shape[1]) or not np.all(np.isfinite(samples)):
            fail(f"after {what}, generator_forward(z {z.shape}, params['G']) gave samples of "
                 f"shape {samples.shape} or not finite",
                 f"{what} 之後，generator_forward(z {z.shape}, params['G']) 的樣本形狀是 "
                 f"{samples.shape} 或不是有限值", HINTS["train"])
        mean, std = float(samples.mean()), float(samples.std())
        target_mean, target_std = float(data.mean()), float(data.std())
        if abs(mean - target_mean) > mean_tol or abs(std / target_std - 1) > std_tol:
            fail(f"after {what} G's samples have mean {mean:.3f} and std {std:.3f}; the data "
                 f"have {target_mean:.3f} and {target_std:.3f}: expected the mean within "
                 f"{mean_tol:g} and the std within {std_tol:.0%}. If the step checks pass, "
                 "check train_gan's draws and that train_step is called every step",
                 f"{what} 之後 G 的樣本平均 {mean:.3f}、標準差 {std:.3f}；資料的是 "
                 f"{target_mean:.3f} 與 {target_std:.3f}：平均應相差不超過 {mean_tol:g}、標準差"
                 f"相差不超過 {std_tol:.0%}。如果各步驟的檢查都通過，請檢查 train_gan 的抽樣"
                 "與每一步都呼叫了 train_step", HINTS["train"])


@pytest.fixture
def training(submission, reference) -> Training:
    return Training(submission, reference)
