"""What the visible and the hidden checks of exercise 14 share, as pytest fixtures.

    vae   the student's losses, networks, reparameterisation, KL term, gradients and training
          judged against the reference's: values first, then gradients by central differences
          of the student's own forward (each parameter alone) when that forward is right, else
          against the reference's gradients

The known mistakes (the KL term with the wrong sign or summed over the batch, ∂KL/∂log σ²
without its ½ or with σ in place of σ², z = μ + σ² ε, noise drawn inside reparameterize, no
gradient through z back to μ and log σ², the decoder's backward without tanh's derivative, the
reconstruction averaged over the features too) are computed here in NumPy, never by asking the
reference: a released bundle replays only the reference answers its checks recorded.
"""

from contextlib import contextmanager

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradcheck, named, pair, same, tip
from grader.failures import SubmissionFailure
from grader.i18n import Text

ENCODER_KEYS = ("W1", "b1", "W_mu", "b_mu", "W_logvar", "b_logvar")
DECODER_KEYS = ("W1", "b1", "W2", "b2")
NETS = ("encoder", "decoder")
FALL = 0.7  # a short run's last losses must be below FALL × its first ones (reference: ~0.55)
WINDOW = 20  # losses averaged at each end of the short run

HINTS = {
    "rec": tip("R = np.sum((x_hat − x)**2) / N (summed over the features, averaged over the N "
               "samples); dx_hat = 2 (x_hat − x) / N",
               "R = np.sum((x_hat − x)**2) / N（對特徵加總、對 N 個樣本平均）；"
               "dx_hat = 2 (x_hat − x) / N"),
    "decoder": tip("forward: h = tanh(z W1 + b1), x̂ = h W2 + b2; backward: da = (dx̂ W2ᵀ) ⊙ "
                   "(1 − h²), dW1 = zᵀ da, db1 = Σₙ da, dW2 = hᵀ dx̂, db2 = Σₙ dx̂, dz = da W1ᵀ",
                   "前向：h = tanh(z W1 + b1)、x̂ = h W2 + b2；反向：da = (dx̂ W2ᵀ) ⊙ (1 − h²)、"
                   "dW1 = zᵀ da、db1 = Σₙ da、dW2 = hᵀ dx̂、db2 = Σₙ dx̂、dz = da W1ᵀ"),
    "autoencoder": tip("code = tanh(x W + b); x̂, cache = decoder_forward(code, ...); loss, dx̂ = "
                       "reconstruction_loss(x̂, x); dcode, dec = decoder_backward(dx̂, cache); "
                       "da = dcode ⊙ (1 − code²), dW = xᵀ da, db = Σₙ da",
                       "code = tanh(x W + b)；x̂, cache = decoder_forward(code, ...)；loss, dx̂ = "
                       "reconstruction_loss(x̂, x)；dcode, dec = decoder_backward(dx̂, cache)；"
                       "da = dcode ⊙ (1 − code²)、dW = xᵀ da、db = Σₙ da"),
    "encoder": tip("h = tanh(x W1 + b1), μ = h W_mu + b_mu, log σ² = h W_logvar + b_logvar; "
                   "backward: da = (dμ W_muᵀ + dlogvar W_logvarᵀ) ⊙ (1 − h²)",
                   "h = tanh(x W1 + b1)、μ = h W_mu + b_mu、log σ² = h W_logvar + b_logvar；"
                   "反向：da = (dμ W_muᵀ + dlogvar W_logvarᵀ) ⊙ (1 − h²)"),
    "reparam": tip("z = mu + np.exp(0.5 * logvar) * eps: σ = exp(½ log σ²), and eps is GIVEN "
                   "(never draw noise inside)",
                   "z = mu + np.exp(0.5 * logvar) * eps：σ = exp(½ log σ²)，eps 是「給定的」"
                   "（不要在函式裡抽雜訊）"),
    "kl": tip("KL = −0.5 · np.sum(1 + logvar − mu² − exp(logvar)) / N (summed over the latent "
              "dimensions, averaged over the batch); dmu = mu / N, dlogvar = ½ (exp(logvar) − 1) "
              "/ N",
              "KL = −0.5 · np.sum(1 + logvar − mu² − exp(logvar)) / N（對潛在維度加總、"
              "對批次平均）；dmu = mu / N、dlogvar = ½ (exp(logvar) − 1) / N"),
    "vae": tip("μ, log σ² = encoder; z = reparameterize(μ, log σ², ε); x̂ = decoder(z); loss = R + "
               "β·KL; dz from decoder_backward; dμ = dz + β·dμ_KL, dlogvar = dz ⊙ ε ⊙ ½σ + "
               "β·dlogvar_KL; encoder_backward(dμ, dlogvar, cache)",
               "μ, log σ² = encoder；z = reparameterize(μ, log σ², ε)；x̂ = decoder(z)；loss = R + "
               "β·KL；dz 來自 decoder_backward；dμ = dz + β·dμ_KL、dlogvar = dz ⊙ ε ⊙ ½σ + "
               "β·dlogvar_KL；encoder_backward(dμ, dlogvar, cache)"),
    "train": tip("params = init_vae_params(D, hidden, z_dim, seed); rng = default_rng(seed + 1); "
                 "each step: rows = rng.integers(0, n, size=batch_size), then eps = "
                 "rng.standard_normal((batch_size, z_dim)); loss, grads = vae_gradients(params, "
                 "data[rows], eps, beta); w ← w − lr · grad",
                 "params = init_vae_params(D, hidden, z_dim, seed)；rng = default_rng(seed + 1)；"
                 "每一步：rows = rng.integers(0, n, size=batch_size)，再 eps = "
                 "rng.standard_normal((batch_size, z_dim))；loss, grads = vae_gradients(params, "
                 "data[rows], eps, beta)；w ← w − lr · grad"),
}


# --- plumbing ------------------------------------------------------------------------------------


def matches(action, want, rtol: float = 1e-6) -> bool:
    """Whether action() (a call of the student's code) gives `want` (see `same`); an error or
    "not implemented yet" is False."""
    try:
        return same(action(), want, rtol)
    except AssertionError:  # SubmissionFailure included
        return False


def triple(result, names: tuple[str, str, str], what: str) -> tuple:
    """`result` as a tuple of three values, or a failure saying what came back."""
    if isinstance(result, (tuple, list)) and len(result) == 3:
        return tuple(result)
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else type(result).__name__
    fail(f"{what} returned a {kind}; expected 3 values ({', '.join(names)})",
         f"{what} 回傳了 {kind}；應該回傳 3 個值（{', '.join(names)}）")


def as_dict(value, keys, what: str, hint: Text) -> dict:
    """A dict with exactly `keys`, or a failure saying what came back."""
    if isinstance(value, dict) and set(value) == set(keys):
        return value
    kind = f"dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
    fail(f"{what} returned a {kind}; expected a dict with the keys {', '.join(keys)}",
         f"{what} 回傳了 {kind}；應該回傳鍵為 {', '.join(keys)} 的 dict", hint)


def flat(params: dict) -> dict:
    """{"encoder": {"W1": ...}, ...} as {"encoder.W1": ...}: one entry per tensor, for gradcheck."""
    return {f"{net}.{k}": v for net, p in params.items() for k, v in p.items()}


def nested(flat_params: dict) -> dict:
    out: dict = {}
    for key, value in flat_params.items():
        net, name = key.split(".")
        out.setdefault(net, {})[name] = value
    return out


def judge_grads(forward, grads: dict, at: dict, *, right: bool, want: dict, what: str,
                hint: Text, dout=None, forward_name: str, rtol=None) -> None:
    """grads (flat dict) at the arrays `at`: by central differences of forward(dict) when that
    forward is right at `at`, else (or with rtol, for float32) against `want`."""
    if right and rtol is None:
        gradcheck(forward, grads, at, dout=dout, name=what, hint=hint)
        return
    if not right:
        hint = tip(f"your {forward_name} does not match the reference here, so the gradients "
                   "are judged against the reference's: fix it first (see its check)",
                   f"你的 {forward_name} 在這裡與參考答案不同，所以梯度改和參考答案比較："
                   "請先修正它（見它的檢查）")
    options = {} if rtol is None else {"rtol": rtol}
    for key, expected in want.items():
        assert_close(grads[key], expected, what=f"{key} of {what}", hint=hint, **options)


@contextmanager
def blaming(find_broken):
    """Add a hint naming find_broken()'s building blocks to a plain failure inside."""
    try:
        yield
    except SubmissionFailure as failure:
        if type(failure) is not SubmissionFailure:  # not implemented, timed out, crashed
            raise
        broken = find_broken()
        if not broken:
            raise
        names, one = ", ".join(broken), len(broken) == 1
        raise SubmissionFailure(*failure.parts, tip(
            f"on this check's inputs your {names} disagree{'s' * one} with the reference: fix "
            f"{'it' if one else 'them'} first (see {'its check' if one else 'their checks'})",
            f"在這項檢查的輸入上，你的 {names} 與參考答案不同：請先修正（見相關的檢查）"),
            output=failure.output) from None


# --- the same maths in NumPy, for the known mistakes ---------------------------------------------


def f64(a):
    return np.asarray(a, dtype=float)


def np_decoder(z, p):
    h = np.tanh(f64(z) @ f64(p["W1"]) + f64(p["b1"]))
    return h @ f64(p["W2"]) + f64(p["b2"]), h


def np_decoder_backward(dx_hat, z, p, tanh_derivative: bool = True):
    """(dz, grads) of the decoder; without tanh_derivative the factor (1 − h²) is left out."""
    _, h = np_decoder(z, p)
    da = (dx_hat @ f64(p["W2"]).T) * ((1 - h**2) if tanh_derivative else 1.0)
    return da @ f64(p["W1"]).T, {"W1": f64(z).T @ da, "b1": da.sum(axis=0),
                                 "W2": h.T @ dx_hat, "b2": dx_hat.sum(axis=0)}


def np_encoder(x, p):
    h = np.tanh(f64(x) @ f64(p["W1"]) + f64(p["b1"]))
    return h @ f64(p["W_mu"]) + f64(p["b_mu"]), h @ f64(p["W_logvar"]) + f64(p["b_logvar"]), h


def np_encoder_backward(dmu, dlogvar, x, p):
    _, _, h = np_encoder(x, p)
    da = (dmu @ f64(p["W_mu"]).T + dlogvar @ f64(p["W_logvar"]).T) * (1 - h**2)
    return {"W1": f64(x).T @ da, "b1": da.sum(axis=0), "W_mu": h.T @ dmu,
            "b_mu": dmu.sum(axis=0), "W_logvar": h.T @ dlogvar, "b_logvar": dlogvar.sum(axis=0)}


def kl_mistakes(mu, logvar) -> dict:
    mu, logvar = f64(mu), f64(logvar)
    n, var = len(mu), np.exp(logvar)
    kl = float(-0.5 * np.sum(1 + logvar - mu**2 - var) / n)
    dmu, dlv = mu / n, 0.5 * (var - 1) / n
    return {
        "sign": ((-kl, -dmu, -dlv), "the sign is wrong: KL = −½ Σ (1 + log σ² − μ² − σ²) / N "
                 "is ≥ 0 (it is 0 only at μ = 0, σ = 1)",
                 "正負號錯了：KL = −½ Σ (1 + log σ² − μ² − σ²) / N ≥ 0"
                 "（只有 μ = 0、σ = 1 時為 0）"),
        "sum": ((n * kl, mu, 0.5 * (var - 1)),
                "KL is summed over the batch; the convention here is a sum over the latent "
                "dimensions and a MEAN over the N samples (divide the value and both gradients "
                "by N), like the reconstruction loss",
                "KL 對批次加總了；這裡的慣例是對潛在維度加總、對 N 個樣本取「平均」"
                "（值與兩個梯度都除以 N），和重建損失一樣"),
        "half": ((kl, dmu, (var - 1) / n),
                 "∂KL/∂log σ² is missing its ½: d/dlog σ² of −½ (log σ² − e^{log σ²}) is "
                 "½ (σ² − 1), divided by N",
                 "∂KL/∂log σ² 少了 ½：−½ (log σ² − e^{log σ²}) 對 log σ² 的導數是 ½ (σ² − 1)，"
                 "再除以 N"),
        "sigma": ((kl, dmu, 0.5 * (np.exp(0.5 * logvar) - 1) / n),
                  "∂KL/∂log σ² uses σ where it needs σ² = exp(log σ²): ½ (σ² − 1) / N",
                  "∂KL/∂log σ² 用了 σ，應該是 σ² = exp(log σ²)：½ (σ² − 1) / N"),
        "mean_all": ((kl / mu.shape[1], dmu / mu.shape[1], dlv / mu.shape[1]),
                     "KL is averaged over the latent dimensions too; sum over them, average "
                     "over the batch only",
                     "KL 也對潛在維度取了平均；應該對它們加總，只對批次平均"),
    }


def vae_inputs(rng, D: int = 3, H: int = 4, Z: int = 2, N: int = 5, dtype=np.float64):
    """Random VAE params, x (N, D) and eps (N, Z)."""
    def normal(*shape):
        return (rng.normal(size=shape) / np.sqrt(shape[0] if len(shape) == 2 else 1.0))
    params = {"encoder": {"W1": normal(D, H), "b1": normal(H), "W_mu": normal(H, Z),
                          "b_mu": normal(Z), "W_logvar": normal(H, Z), "b_logvar": 0.5 * normal(Z)},
              "decoder": {"W1": normal(Z, H), "b1": normal(H), "W2": normal(H, D),
                          "b2": normal(D)}}
    params = {net: {k: v.astype(dtype) for k, v in p.items()} for net, p in params.items()}
    return params, rng.normal(size=(N, D)).astype(dtype), rng.normal(size=(N, Z)).astype(dtype)


# --- the judge -----------------------------------------------------------------------------------


class VaeJudge:
    """The student's functions next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def inputs(self, **sizes):
        return vae_inputs(self.rng, **sizes)

    @staticmethod
    def _options(rtol):
        return {} if rtol is None else {"rtol": rtol}

    # reconstruction and the decoder

    def check_reconstruction(self, x_hat, x, rtol=None) -> None:
        what = f"reconstruction_loss(x_hat {np.shape(x_hat)}, x {np.shape(x)})"
        sub, ref = self.submission.reconstruction_loss, self.reference.reconstruction_loss
        loss, dx_hat = pair(sub(x_hat, x), ("loss", "dx_hat"), what)
        want = ref(x_hat, x)
        d, (n, D) = f64(x_hat) - f64(x), np.shape(x)
        named((loss, dx_hat), tuple(want), {
            "mean_all": ((float(np.mean(d**2)), 2 * d / (n * D)),
                         "averaged over the features too (Keras's mse); here R sums over the "
                         "features and averages over the batch only: np.sum(...) / N",
                         "也對特徵取了平均（Keras 的 mse）；這裡 R 對特徵加總、只對批次平均："
                         "np.sum(...) / N"),
            "no_two": ((float(np.sum(d**2) / n), d / n),
                       "dx_hat is missing the factor 2 of d(x̂ − x)²/dx̂",
                       "dx_hat 少了 d(x̂ − x)²/dx̂ 的因子 2")}, what, HINTS["rec"])
        assert_close(loss, want[0], what=f"R of {what}", hint=HINTS["rec"], **self._options(rtol))
        assert_close(dx_hat, want[1], what=f"dx_hat of {what}", hint=HINTS["rec"],
                     **self._options(rtol))

    def check_decoder(self, z, p, dx_hat, rtol=None) -> None:
        what = f"decoder_forward(z {np.shape(z)}, params)"
        sub, ref = self.submission, self.reference
        x_hat, cache = pair(sub.decoder_forward(z, p), ("x_hat", "cache"), what)
        want_x, want_cache = ref.decoder_forward(z, p)
        want_dz, want_grads = ref.decoder_backward(dx_hat, want_cache)
        assert_close(x_hat, want_x, what=f"x̂ of {what}", hint=HINTS["decoder"],
                     **self._options(rtol))
        what = f"decoder_backward(dx_hat {np.shape(dx_hat)}, cache)"
        dz, grads = pair(sub.decoder_backward(dx_hat, cache), ("dz", "grads"), what)
        grads = as_dict(grads, DECODER_KEYS, what, HINTS["decoder"])
        named((dz, grads), (want_dz, want_grads), {"tanh": (
            np_decoder_backward(f64(dx_hat), z, p, tanh_derivative=False),
            "tanh's derivative (1 − h²) is missing: da = (dx̂ W2ᵀ) ⊙ (1 − h²) before dW1, db1 "
            "and dz", "少了 tanh 的導數 (1 − h²)：算 dW1、db1、dz 之前要先 da = (dx̂ W2ᵀ) ⊙ "
            "(1 − h²)")}, what, HINTS["decoder"])
        judge_grads(lambda q: sub.decoder_forward(q["z"], {k: q[k] for k in DECODER_KEYS})[0],
                    {"z": dz, **grads}, {"z": z, **p}, dout=f64(dx_hat), right=True,
                    want={"z": want_dz, **want_grads}, what=what, hint=HINTS["decoder"],
                    forward_name="decoder_forward", rtol=rtol)

    def check_autoencoder(self, params, x) -> None:
        what = f"autoencoder_gradients(params, x {np.shape(x)})"
        sub = self.submission.autoencoder_gradients
        want_loss, want_grads = self.reference.autoencoder_gradients(params, x)
        code = np.tanh(f64(x) @ f64(params["encoder"]["W"]) + f64(params["encoder"]["b"]))
        expected = self.expected_blocks(code, params["decoder"], x)
        with blaming(lambda: self.broken_blocks(code, params["decoder"], x, expected)):
            loss, grads = pair(sub(params, x), ("loss", "grads"), what)
            assert_close(loss, want_loss, what=f"loss of {what}", hint=HINTS["autoencoder"])
            grads = as_dict(grads, NETS, what, HINTS["autoencoder"])
            grads = {net: as_dict(grads[net], want_grads[net], f"{what}[{net!r}]",
                                  HINTS["autoencoder"]) for net in NETS}
            gradcheck(lambda q: sub(nested(q), x)[0], flat(grads), flat(params), name=what,
                      hint=HINTS["autoencoder"])

    def expected_blocks(self, z, dec, x) -> dict:
        """The reference's decoder and reconstruction answers on these inputs, asked before any
        branch, so that a release records every answer a failing check needs."""
        ref = self.reference
        x_hat, cache = ref.decoder_forward(z, dec)
        loss = ref.reconstruction_loss(x_hat, x)
        return {"x_hat": x_hat, "loss": loss, "backward": ref.decoder_backward(loss[1], cache)}

    def broken_blocks(self, z, dec, x, expected: dict) -> list[str]:
        """The decoder's building blocks that disagree with the reference on these inputs."""
        sub = self.submission
        x_hat, (_, dx_hat) = expected["x_hat"], expected["loss"]
        found = []
        if not matches(lambda: tuple(sub.reconstruction_loss(x_hat, x)), tuple(expected["loss"])):
            found.append("reconstruction_loss")
        if not matches(lambda: pair(sub.decoder_forward(z, dec))[0], x_hat):
            found.append("decoder_forward")
        if not matches(lambda: tuple(sub.decoder_backward(dx_hat, pair(
                sub.decoder_forward(z, dec))[1])), tuple(expected["backward"])):
            found.append("decoder_backward")
        return found

    # the encoder, the reparameterisation and the KL term

    def check_encoder(self, x, p, dmu, dlogvar, rtol=None) -> None:
        what = f"encoder_forward(x {np.shape(x)}, params)"
        sub, ref = self.submission, self.reference
        mu, logvar, cache = triple(sub.encoder_forward(x, p), ("mu", "logvar", "cache"), what)
        want_mu, want_lv, want_cache = ref.encoder_forward(x, p)
        want_grads = ref.encoder_backward(dmu, dlogvar, want_cache)
        assert_close(mu, want_mu, what=f"mu of {what}", hint=HINTS["encoder"],
                     **self._options(rtol))
        assert_close(logvar, want_lv, what=f"logvar of {what}", hint=HINTS["encoder"],
                     **self._options(rtol))
        what = f"encoder_backward(dmu {np.shape(dmu)}, dlogvar {np.shape(dlogvar)}, cache)"
        grads = as_dict(sub.encoder_backward(dmu, dlogvar, cache), ENCODER_KEYS, what,
                        HINTS["encoder"])

        def forward(q):
            m, lv, _ = sub.encoder_forward(x, q)
            return float(np.sum(f64(m) * dmu) + np.sum(f64(lv) * dlogvar))
        judge_grads(forward, grads, p, right=True, want=want_grads, what=what,
                    hint=HINTS["encoder"], forward_name="encoder_forward", rtol=rtol)

    def check_reparameterize(self, mu, logvar, eps, rtol=None) -> None:
        what = f"reparameterize(mu {np.shape(mu)}, logvar, eps)"
        sub = self.submission.reparameterize
        z = sub(mu, logvar, eps)
        want = self.reference.reparameterize(mu, logvar, eps)
        m, lv, e = f64(mu), f64(logvar), f64(eps)
        named(z, want, {
            "variance": (m + np.exp(lv) * e, "z = μ + σ² ε: exp(log σ²) is the variance; the "
                         "standard deviation is σ = exp(½ log σ²)",
                         "z = μ + σ² ε：exp(log σ²) 是變異數；標準差是 σ = exp(½ log σ²)"),
            "logvar": (m + lv * e, "z = μ + log σ² · ε: σ = exp(½ log σ²)",
                       "z = μ + log σ² · ε：σ = exp(½ log σ²)"),
            "no_noise": (m, "z = μ: the noise term σ ⊙ ε is missing",
                         "z = μ：少了雜訊項 σ ⊙ ε")}, what, HINTS["reparam"])
        if not agrees(lambda: z, want, **self._options(rtol)) and \
                not agrees(lambda: sub(mu, logvar, eps), z):
            fail(f"{what} gave another z for the same arguments: it draws its own noise. Use "
                 "the given eps: then z is a deterministic, differentiable function of μ and "
                 "log σ² (the reparameterisation trick)",
                 f"{what} 在相同的引數下回傳了不同的 z：它自己抽了雜訊。請使用給定的 eps："
                 "這樣 z 才是 μ 與 log σ² 的確定、可微分的函數（重新參數化技巧）",
                 HINTS["reparam"])
        assert_close(z, want, what=f"z of {what}", hint=HINTS["reparam"], **self._options(rtol))

    def check_kl(self, mu, logvar, rtol=None) -> None:
        what = f"kl_divergence(mu {np.shape(mu)}, logvar {np.shape(logvar)})"
        sub = self.submission.kl_divergence
        got = triple(sub(mu, logvar), ("kl", "dmu", "dlogvar"), what)
        want = self.reference.kl_divergence(mu, logvar)
        named(got, tuple(want), kl_mistakes(mu, logvar), what, HINTS["kl"])
        for value, expected, label in zip(got, want, ("KL", "dmu", "dlogvar"), strict=True):
            assert_close(value, expected, what=f"{label} of {what}", hint=HINTS["kl"],
                         **self._options(rtol))
        if rtol is None:
            gradcheck(lambda q: sub(q["mu"], q["logvar"])[0], {"mu": got[1], "logvar": got[2]},
                      {"mu": mu, "logvar": logvar}, name=what, hint=HINTS["kl"])

    # the VAE's gradients and training

    def check_vae_gradients(self, params, x, eps, beta=None, rtol=None) -> None:
        options = {} if beta is None else {"beta": beta}
        b = 1.0 if beta is None else beta
        what = (f"vae_gradients(params, x {np.shape(x)}, eps {np.shape(eps)}"
                f"{'' if beta is None else f', beta={beta}'})")
        sub, ref = self.submission, self.reference
        want_loss, want_grads = ref.vae_gradients(params, x, eps, **options)
        mu, lv, _ = ref.encoder_forward(x, params["encoder"])
        z = ref.reparameterize(mu, lv, eps)
        expected = {"kl": ref.kl_divergence(mu, lv),
                    **self.expected_blocks(z, params["decoder"], x)}
        with blaming(lambda: self.broken_vae(params, x, eps, mu, lv, z, expected)):
            loss, grads = pair(sub.vae_gradients(params, x, eps, **options), ("loss", "grads"),
                               what)
            assert_close(loss, want_loss, what=f"loss of {what}", hint=HINTS["vae"],
                         **self._options(rtol))
            grads = as_dict(grads, NETS, what, HINTS["vae"])
            grads = {net: as_dict(grads[net], want_grads[net], f"{what}[{net!r}]",
                                  HINTS["vae"]) for net in NETS}
            n = len(x)
            dmu_kl = b * f64(mu) / n
            dlv_kl = b * 0.5 * (np.exp(f64(lv)) - 1) / n
            no_path = {"encoder": np_encoder_backward(dmu_kl, dlv_kl, x, params["encoder"]),
                       "decoder": want_grads["decoder"]}
            named(grads, want_grads, {"no_path": (
                no_path, "the encoder gets only the KL term's gradients: the reconstruction's "
                "gradient must flow back through z = μ + σ ⊙ ε, dμ += dz and dlog σ² += "
                "dz ⊙ ε ⊙ ½σ", "編碼器只拿到 KL 項的梯度：重建損失的梯度必須經過 "
                "z = μ + σ ⊙ ε 傳回，dμ += dz、dlog σ² += dz ⊙ ε ⊙ ½σ")},
                f"the gradients of {what}", HINTS["vae"])
            if rtol is None:
                gradcheck(lambda q: sub.vae_gradients(nested(q), x, eps, **options)[0],
                          flat(grads), flat(params), name=what, hint=HINTS["vae"])
            else:
                for key, value in flat(want_grads).items():
                    assert_close(flat(grads)[key], value, what=f"{key} of {what}",
                                 hint=HINTS["vae"], rtol=rtol)

    def broken_vae(self, params, x, eps, mu, lv, z, expected: dict) -> list[str]:
        """The VAE's building blocks that disagree with the reference on these inputs."""
        sub = self.submission
        found = []
        if not matches(lambda: tuple(sub.encoder_forward(x, params["encoder"]))[:2], (mu, lv)):
            found.append("encoder_forward")
        if not matches(lambda: sub.reparameterize(mu, lv, eps), z):
            found.append("reparameterize")
        if not matches(lambda: tuple(sub.kl_divergence(mu, lv)), tuple(expected["kl"])):
            found.append("kl_divergence")
        return found + self.broken_blocks(z, params["decoder"], x, expected)

    def check_train_first_steps(self, data, **options) -> None:
        args = ", ".join(f"{k}={v}" for k, v in options.items())
        what = f"train_vae(data {np.shape(data)}, {args})"
        want_params, want_losses = self.reference.train_vae(data, **options)
        x, eps = data[:4], np.ones((4, options.get("z_dim", 2)))
        step = self.reference.vae_gradients(want_params, x, eps, options.get("beta", 1.0))
        with blaming(lambda: [] if matches(lambda: tuple(self.submission.vae_gradients(
                want_params, x, eps, options.get("beta", 1.0))), tuple(step))
                else ["vae_gradients"]):
            params, losses = pair(self.submission.train_vae(data, **options),
                                  ("params", "losses"), what)
            assert_close(losses, want_losses, what=f"the losses of {what}", hint=HINTS["train"])
            params = as_dict(params, NETS, what, HINTS["train"])
            for key, value in flat(want_params).items():
                net, name = key.split(".")
                assert_close(as_dict(params[net], want_params[net], what, HINTS["train"])[name],
                             value, what=f"{key} of {what}", hint=HINTS["train"])

    def check_loss_falls(self, data, steps: int) -> None:
        what = f"train_vae(data {np.shape(data)}, steps={steps})"
        _, losses = pair(self.submission.train_vae(data, steps=steps), ("params", "losses"), what)
        assert_close(losses, np.zeros(steps), rtol=np.inf, what=f"the losses of {what}",
                     hint=HINTS["train"])
        losses = f64(losses)
        start, end = losses[:WINDOW].mean(), losses[-WINDOW:].mean()
        if not end < FALL * start:
            fail(f"{what}: the loss fell from {start:.3f} (first {WINDOW} steps) to {end:.3f} "
                 f"(last {WINDOW}); it should fall below {FALL:g} × the start",
                 f"{what}：損失從 {start:.3f}（前 {WINDOW} 步）降到 {end:.3f}（後 {WINDOW} 步）；"
                 f"應該降到起始值的 {FALL:g} 倍以下", HINTS["train"])


@pytest.fixture
def vae(submission, reference, rng) -> VaeJudge:
    return VaeJudge(submission, reference, rng)

