"""What the visible and the hidden checks of exercise 08 share, as pytest fixtures.

    dropout     dropout_mask by its statistics (entries 0 or 1/(1 − p), a fraction 1 − p kept,
                the seed used); dropout_forward with a mask given, with a seed (against the
                student's own mask) and in eval mode; dropout_backward by central differences
    batchnorm   batchnorm_forward's output and running statistics against the reference, and
                dx, dγ, dβ by central differences of the student's own forward (each judged
                alone) when that forward is right, else against the reference's gradients
    penalties   L1 and L2 penalties and gradients against the reference
    seeded      xavier_init / he_init by the statistics any correct draw has (mean 0, the
                variance, the seed used), and the documented draws of the seeded functions
    clipping    clip_by_value, global_norm and clip_by_norm on lists of gradients
    experiment  gradient_norms_experiment by its shape (vanishing for sigmoid, flat for ReLU,
                whatever the draws) and by its values for the documented draws

The randomness contract (README, "Randomness"): statistics carry most of the points, so a
different but correct way of drawing loses only the check of the documented draw. The known
mistakes are computed here in NumPy, never by asking the reference (a released bundle replays
only the reference answers its checks recorded).
"""

import numpy as np
import pytest

from grader.checks import (
    agrees,
    assert_close,
    fail,
    forward_first,
    gradcheck,
    gradient_check,
    named,
    pair,
    same,
    tip,
    unpack,
)
from grader.i18n import Text

DEFAULT_EPS = 1e-5  # batchnorm_forward's default eps (BN_EPS)
DEFAULT_MOMENTUM = 0.9  # batchnorm_forward's default momentum (BN_MOMENTUM)
MATCH_RTOL = 1e-8  # a known mistake reproduced in float64 agrees far closer than it differs
KEEP_ATOL = 0.02  # kept fraction of ≥ 30 000 units: its standard deviation is ≤ 0.003
VAR_RTOL = 0.05  # sample variance of ≥ 30 000 normal draws: standard deviation ≈ 0.8 %
MEAN_SIGMAS = 6.0  # |sample mean| of a centred draw stays below 6 standard errors
VANISH = 1e-3  # sigmoid's norms[0] / norms[-1] over 10 layers: the reference gives ~5e-6
FLAT = 10.0  # ReLU + He: max / min of the norms, the reference gives < 2
EXPLODE_SCALE = 2.0  # twice He's std: every ReLU norm 2^(depth − 1) = 512 times larger
EACH_RTOL = 5e-7  # a scalar's tolerance is rtol · 2|expected|: 1e-6 of each norm itself

HINTS = {
    "mask": tip("u = np.random.default_rng(seed).random(shape); keep = u >= p (probability "
                "1 − p); mask = keep / (1 − p), so E[mask] = 1",
                "u = np.random.default_rng(seed).random(shape)；keep = u >= p（機率 1 − p）；"
                "mask = keep / (1 − p)，所以 E[mask] = 1"),
    "dropout": tip("training: out = x * mask (the mask given, or dropout_mask(x.shape, p, seed)); "
                   "eval (train=False): out = x; backward: dx = dout * mask (ones in eval)",
                   "訓練：out = x * mask（傳入的 mask，或 dropout_mask(x.shape, p, seed)）；"
                   "評估（train=False）：out = x；反向：dx = dout * mask（評估時為 1）"),
    "bn_forward": tip("per feature (axis 0, over the batch): μ = x.mean(0), σ² = x.var(0) "
                      "(divide by N), x̂ = (x − μ) / sqrt(σ² + eps), out = γ x̂ + β",
                      "每個特徵各自計算（axis 0，沿著批次）：μ = x.mean(0)、σ² = x.var(0)"
                      "（除以 N）、x̂ = (x − μ) / sqrt(σ² + eps)、out = γ x̂ + β"),
    "bn_running": tip("new = momentum · running + (1 − momentum) · batch statistic, with the "
                      "biased batch variance; momentum = 0.9 keeps 90 % of the old value",
                      "new = momentum · running + (1 − momentum) · 批次統計量，批次變異數除以 N；"
                      "momentum = 0.9 表示保留 90 % 的舊值"),
    "bn_eval": tip("eval (train=False): normalise with running_mean and running_var, return them "
                   "unchanged; in the backward they are constants: dx = γ dout / sqrt(var + eps)",
                   "評估（train=False）：用 running_mean 與 running_var 正規化，並原樣回傳；"
                   "反向時它們是常數：dx = γ dout / sqrt(var + eps)"),
    "bn_backward": tip("g = dout · γ; dx = (1/N) · inv_std · (N g − Σ_n g − x̂ Σ_n g x̂), "
                       "inv_std = 1/sqrt(σ² + eps); dγ = Σ_n dout x̂, dβ = Σ_n dout",
                       "g = dout · γ；dx = (1/N) · inv_std · (N g − Σ_n g − x̂ Σ_n g x̂)，"
                       "inv_std = 1/sqrt(σ² + eps)；dγ = Σ_n dout x̂、dβ = Σ_n dout"),
    "l1": tip("l1_penalty = λ Σ|w| (a sum over every entry), l1_grad = λ sign(w), 0 at w = 0",
              "l1_penalty = λ Σ|w|（所有元素的總和），l1_grad = λ sign(w)，w = 0 時為 0"),
    "l2": tip("l2_penalty = λ Σ w² (Keras' L2: no ½), l2_grad = 2 λ w",
              "l2_penalty = λ Σ w²（Keras 的 L2，沒有 ½），l2_grad = 2 λ w"),
    "xavier": tip("np.random.default_rng(seed).normal(0.0, np.sqrt(2 / (n_in + n_out)), "
                  "size=(n_in, n_out)): normal's second argument is the standard deviation",
                  "np.random.default_rng(seed).normal(0.0, np.sqrt(2 / (n_in + n_out)), "
                  "size=(n_in, n_out))：normal 的第二個參數是標準差"),
    "he": tip("np.random.default_rng(seed).normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out)): "
              "variance 2/n_in, twice LeCun's 1/n_in, because ReLU zeroes half of the signal",
              "np.random.default_rng(seed).normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out))："
              "變異數 2/n_in，是 LeCun 的 1/n_in 的兩倍，因為 ReLU 把一半的訊號歸零"),
    "clip_value": tip("[np.clip(g, -clip, clip) for g in grads]: each entry into [−clip, clip]",
                      "[np.clip(g, -clip, clip) for g in grads]：每個元素限制在 [−clip, clip]"),
    "global_norm": tip("sqrt(Σ over every tensor of Σ g²): all gradients as one long vector",
                       "sqrt(對每個張量的 Σ g² 再加總)：把所有梯度當成一個長向量"),
    "clip_norm": tip("one factor for all tensors: s = min(1, max_norm / (global_norm(grads) + "
                     "1e-12)), then [g * s for g in grads]",
                     "所有張量共用一個係數：s = min(1, max_norm / (global_norm(grads) + 1e-12))，"
                     "再算 [g * s for g in grads]"),
    "experiment": tip("rng = np.random.default_rng(seed); first every W_l = rng.normal(0.0, std, "
                      "size=(width, width)), then x = rng.normal(size=(N, width)), then "
                      "G = rng.normal(size=(N, width)) / N; backward: dz = dh ⊙ act'(z), "
                      "∂L/∂W = h_prevᵀ dz, dh_prev = dz Wᵀ; norms[0] is the first layer",
                      "rng = np.random.default_rng(seed)；先抽每一層的 W_l = rng.normal(0.0, std, "
                      "size=(width, width))，再抽 x = rng.normal(size=(N, width))，最後 "
                      "G = rng.normal(size=(N, width)) / N；反向：dz = dh ⊙ act'(z)、"
                      "∂L/∂W = h_prevᵀ dz、dh_prev = dz Wᵀ；norms[0] 是第一層"),
}


# --- plumbing ------------------------------------------------------------------------------------


def array_of(value, shape: tuple[int, ...], what: str, hint: Text | None = None) -> np.ndarray:
    """`value` as a finite float array of exactly `shape`, or a failure saying why not."""
    expected = np.zeros(shape)
    assert_close(value, expected, rtol=np.inf, what=what, hint=hint)  # kind, shape, finiteness
    return value.astype(float)


# --- dropout -------------------------------------------------------------------------------------


def judge_mask(mask, shape: tuple[int, ...], p: float, what: str) -> None:
    """A valid inverted-dropout mask for drop probability p: entries 0 or 1/(1 − p), about a
    fraction 1 − p of them kept (whatever the draw)."""
    m = array_of(mask, shape, what, HINTS["mask"])
    scale = 1.0 / (1.0 - p)
    kept = m != 0
    values = m[kept]
    if p > 0 and values.size and np.allclose(values, 1.0, rtol=1e-9):
        fail(f"{what}: the kept units are 1, not 1/(1 − p) = {scale:.4g}: inverted dropout "
             "scales them by 1/(1 − p) so that E[mask] = 1 and eval needs no rescaling",
             f"{what}：保留的單元是 1，不是 1/(1 − p) = {scale:.4g}：inverted dropout 把它們乘上 "
             "1/(1 − p)，使 E[mask] = 1，評估時就不必再縮放", HINTS["mask"])
    if p > 0 and values.size and np.allclose(values, 1.0 / p, rtol=1e-9):
        fail(f"{what}: the kept units are 1/p = {1 / p:.4g}; the scale is one over the KEEP "
             f"probability, 1/(1 − p) = {scale:.4g}",
             f"{what}：保留的單元是 1/p = {1 / p:.4g}；縮放係數是「保留機率」的倒數，"
             f"1/(1 − p) = {scale:.4g}", HINTS["mask"])
    if not np.allclose(values, scale, rtol=1e-9):
        fail(f"{what}: entries must be 0 (dropped) or 1/(1 − p) = {scale:.4g} (kept); found "
             f"{np.unique(values)[:4].tolist()}",
             f"{what}：元素必須是 0（丟棄）或 1/(1 − p) = {scale:.4g}（保留）；實際有 "
             f"{np.unique(values)[:4].tolist()}", HINTS["mask"])
    fraction = float(kept.mean())
    if abs(fraction - (1.0 - p)) <= KEEP_ATOL:
        return
    if abs(fraction - p) <= KEEP_ATOL:
        fail(f"{what}: {fraction:.1%} of the units are kept, about p = {p}: p is the DROP "
             f"probability, so a unit is kept with probability 1 − p = {1 - p:.2g} (u >= p)",
             f"{what}：保留了 {fraction:.1%} 的單元，約等於 p = {p}：p 是「丟棄」機率，"
             f"所以每個單元以機率 1 − p = {1 - p:.2g} 保留（u >= p）", HINTS["mask"])
    fail(f"{what}: {fraction:.1%} of the units are kept; expected about 1 − p = {1 - p:.1%}",
         f"{what}：保留了 {fraction:.1%} 的單元；應該約為 1 − p = {1 - p:.1%}", HINTS["mask"])


def judge_seed_use(first, again, other, what: str, hint: Text) -> None:
    """The same seed gives the same array, another seed another one."""
    if not (isinstance(again, np.ndarray) and np.array_equal(first, again)):
        fail(f"{what} gave a different array when called again with the same seed: draw from "
             "np.random.default_rng(seed), not from the global np.random",
             f"{what} 用相同的 seed 再呼叫一次，得到不同的陣列：請從 "
             "np.random.default_rng(seed) 抽樣，不要用全域的 np.random", hint)
    if isinstance(other, np.ndarray) and np.array_equal(first, other):
        fail(f"{what} gave the same array for another seed: the seed must choose the draw",
             f"{what} 換了 seed 仍得到相同的陣列：seed 必須決定抽樣結果", hint)


class Dropout:
    """The student's dropout next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def random_mask(self, shape, p: float) -> np.ndarray:
        """A scaled inverted-dropout mask drawn here, to give dropout_forward."""
        return (self.rng.random(shape) >= p) / (1.0 - p)

    def check_mask(self, shape: tuple[int, ...], p: float, seed: int) -> None:
        """dropout_mask(shape, p, seed) is a valid mask (judge_mask) and uses its seed."""
        call = f"dropout_mask({shape}, p={p}, seed={seed})"
        mask = self.submission.dropout_mask(shape, p, seed)
        judge_mask(mask, shape, p, call)
        other = self.submission.dropout_mask(shape, p, seed + 1) if p > 0 else None  # all ones
        judge_seed_use(mask, self.submission.dropout_mask(shape, p, seed), other, call,
                       HINTS["mask"])

    @staticmethod
    def call(x, p, options: dict) -> str:
        parts = [f"x {x.shape}", f"p={p}"] + [f"mask {x.shape}" if k == "mask" else f"{k}={v}"
                                              for k, v in options.items()]
        return f"dropout_forward({', '.join(parts)})"

    def forward(self, x, p, **options) -> tuple:
        return pair(self.submission.dropout_forward(x, p, **options), ("out", "cache"),
                    self.call(x, p, options))

    def check_with_mask(self, x, p, mask) -> None:
        """out = x ⊙ mask for a mask given (already scaled)."""
        out, _ = self.forward(x, p, mask=mask)
        what = f"out of {self.call(x, p, {'mask': mask})}"
        want = self.reference.dropout_forward(x, p, mask=mask)[0]
        rescaled = np.asarray(x, dtype=float) * mask / (1.0 - p)
        twice = (rescaled, "the mask you are given is already scaled by 1/(1 − p): multiply x "
                 "by it and do not scale again",
                 "傳入的 mask 已經乘過 1/(1 − p)：直接用它乘 x，不要再縮放一次")
        named(out, want, {"twice": twice}, what, HINTS["dropout"])
        assert_close(out, want, what=what, hint=HINTS["dropout"])

    def check_with_seed(self, x, p, seed: int) -> None:
        """out = x ⊙ dropout_mask(x.shape, p, seed), the student's own mask."""
        out, _ = self.forward(x, p, seed=seed)
        own = array_of(self.submission.dropout_mask(x.shape, p, seed), x.shape,
                       f"dropout_mask({x.shape}, p={p}, seed={seed})", HINTS["mask"])
        assert_close(out, x * own, what=f"out of {self.call(x, p, {'seed': seed})} against "
                     "x * your own dropout_mask(x.shape, p, seed)", hint=HINTS["dropout"])

    def check_eval(self, x, p, seed: int | None) -> None:
        """Eval is the identity, forward and backward."""
        options = {"train": False} if seed is None else {"train": False, "seed": seed}
        out, cache = self.forward(x, p, **options)
        what = f"out of {self.call(x, p, options)}"
        if seed is not None and not same(out, x):
            own = self.submission.dropout_mask(x.shape, p, seed)
            if isinstance(own, np.ndarray) and own.shape == x.shape:
                applied = (x * own, "dropout was applied in eval mode: with train=False the "
                           "layer is the identity, out = x",
                           "評估模式也做了 dropout：train=False 時這一層是恆等函數，out = x")
                named(out, x, {"applied": applied}, what, HINTS["dropout"])
        scaled = (x * (1.0 - p), "eval multiplied x by 1 − p: that is the rule of dropout WITHOUT "
                  "the inverted scaling; inverted dropout already scaled the training outputs, "
                  "so eval is the identity",
                  "評估時把 x 乘上 1 − p：那是「非」inverted dropout 的規則；inverted dropout "
                  "在訓練時已經縮放過，所以評估時是恆等函數")
        named(out, x, {"scaled": scaled}, what, HINTS["dropout"])
        assert_close(out, x, what=what, hint=HINTS["dropout"])
        dout = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
        assert_close(self.submission.dropout_backward(dout, cache), dout,
                     what=f"dx of dropout_backward after {self.call(x, p, options)}",
                     hint=HINTS["dropout"])

    def check_backward(self, x, p, mask, dout) -> None:
        """dx by central differences of the student's forward (mask fixed) when that forward is
        right, else against the reference's dx."""
        _, cache = self.forward(x, p, mask=mask)
        dx = self.submission.dropout_backward(dout, cache)
        want_out, want_cache = self.reference.dropout_forward(x, p, mask=mask)
        want = self.reference.dropout_backward(dout, want_cache)
        pattern = (np.asarray(dout, dtype=float) * (mask != 0),
                   "dx = dout times the 0/1 pattern of kept units; the forward multiplied by the "
                   "scaled mask, so dx = dout * mask, with the 1/(1 − p)",
                   "dx = dout 乘上保留單元的 0/1 圖樣；正向傳播乘的是縮放過的 mask，"
                   "所以 dx = dout * mask，要包含 1/(1 − p)")
        named(dx, want, {"pattern": pattern}, f"dx of dropout_backward(dout {dout.shape}, cache)",
              HINTS["dropout"])
        if agrees(lambda: self.forward(x, p, mask=mask)[0], want_out):
            gradcheck(lambda v: self.forward(v, p, mask=mask)[0], dx, x, dout=dout,
                      name="dropout_backward", hint=HINTS["dropout"])
            return
        assert_close(dx, want, what=f"dx of dropout_backward(dout {dout.shape}, cache)",
                     hint=forward_first("dropout_forward"))


@pytest.fixture
def dropout(submission, reference, rng) -> Dropout:
    return Dropout(submission, reference, rng)


# --- batch normalisation -------------------------------------------------------------------------


def bn_inputs(rng, N: int, D: int, scales=None, dtype=np.float64) -> dict:
    """x (N, D) with feature scales `scales` (small ones make eps matter), γ, β, running mean and
    running variance (D,), dout (N, D)."""
    scales = np.logspace(-2, 1, D) if scales is None else np.asarray(scales, dtype=float)
    x = rng.normal(size=(N, D)) * scales + rng.normal(scale=3.0, size=D)
    values = {"x": x, "gamma": rng.uniform(0.5, 2.0, size=D) * rng.choice([-1.0, 1.0], size=D),
              "beta": rng.normal(size=D), "running_mean": rng.normal(size=D),
              "running_var": rng.uniform(0.5, 2.0, size=D) * scales**2,
              "dout": rng.normal(size=(N, D))}
    return {k: v.astype(dtype) for k, v in values.items()}


def _normalise(x, mu, var, gamma, beta, eps, outside=False):
    inv = 1.0 / (np.sqrt(var) + eps) if outside else 1.0 / np.sqrt(var + eps)
    return gamma * (x - mu) * inv + beta


def forward_mistakes(x, gamma, beta, rm, rv, eps, train: bool) -> dict:
    """{label: (out, en, zh)}: batch norm's forward as the usual mistakes compute it."""
    x, gamma, beta, rm, rv = (np.asarray(a, dtype=float) for a in (x, gamma, beta, rm, rv))
    mu, var = (x.mean(axis=0), x.var(axis=0)) if train else (rm, rv)
    out = {"eps": (_normalise(x, mu, var, gamma, beta, eps, outside=True),
                   "eps is added outside the square root, (x − μ)/(sqrt(σ²) + eps); it belongs "
                   "inside: (x − μ)/sqrt(σ² + eps)",
                   "eps 加在平方根外面 (x − μ)/(sqrt(σ²) + eps)；它應該在根號裡面："
                   "(x − μ)/sqrt(σ² + eps)")}
    if train:
        out["unbiased"] = (_normalise(x, mu, x.var(axis=0, ddof=1), gamma, beta, eps),
                           "the batch variance is the unbiased one (divided by N − 1); batch "
                           "norm uses the biased variance Σ(x − μ)²/N (np.var's default ddof=0)",
                           "批次變異數用了不偏估計（除以 N − 1）；批次正規化用的是除以 N 的變異數 "
                           "Σ(x − μ)²/N（np.var 預設的 ddof=0）")
        out["axis"] = (_normalise(x, x.mean(axis=1, keepdims=True),
                                  x.var(axis=1, keepdims=True), gamma, beta, eps),
                       "each sample was normalised over its features (axis=1); batch norm "
                       "normalises each feature over the batch: mean and variance along axis 0",
                       "每個樣本沿著特徵（axis=1）正規化了；批次正規化是每個特徵沿著批次正規化："
                       "平均與變異數沿 axis 0 計算")
        out["running"] = (_normalise(x, rm, rv, gamma, beta, eps),
                          "training normalised with the running statistics; in training use the "
                          "batch's own mean and variance (the running ones are for eval)",
                          "訓練時用了移動統計量正規化；訓練時要用這個批次自己的平均與變異數"
                          "（移動統計量是給評估用的）")
    else:
        out["batch"] = (_normalise(x, x.mean(axis=0), x.var(axis=0), gamma, beta, eps),
                        "eval normalised with the batch's statistics; with train=False use "
                        "running_mean and running_var",
                        "評估時用了批次的統計量；train=False 時要用 running_mean 與 running_var")
    out["affine"] = (_normalise(x, mu, var, beta, gamma, eps),
                     "γ and β are swapped: out = γ x̂ + β", "γ 與 β 對調了：out = γ x̂ + β")
    if eps != DEFAULT_EPS:
        out["eps_ignored"] = (_normalise(x, mu, var, gamma, beta, DEFAULT_EPS),
                              f"the eps argument ({eps:g}) was ignored: the default "
                              f"{DEFAULT_EPS:g} was used",
                              f"忽略了 eps 參數（{eps:g}）：用的是預設值 {DEFAULT_EPS:g}")
    return out


def running_mistakes(x, rm, rv, momentum: float) -> dict:
    """{label: ((mean, var), en, zh)}: the running statistics as the usual mistakes update them."""
    x, rm, rv = (np.asarray(a, dtype=float) for a in (x, rm, rv))
    mu, var = x.mean(axis=0), x.var(axis=0)
    m, d = momentum, DEFAULT_MOMENTUM
    return {
        "ignored": (((d * rm + (1 - d) * mu, d * rv + (1 - d) * var)),
                    f"the momentum argument ({m:g}) was ignored: the default {d:g} was used",
                    f"忽略了 momentum 參數（{m:g}）：用的是預設值 {d:g}"),
        "reversed": (((1 - m) * rm + m * mu, (1 - m) * rv + m * var),
                     f"the momentum is reversed ({1 - m:.2g} · old + {m:.2g} · batch): the OLD "
                     f"running value keeps the weight momentum = {m:.2g}",
                     f"momentum 用反了（{1 - m:.2g} · 舊值 + {m:.2g} · 批次）：權重 momentum = "
                     f"{m:.2g} 屬於「舊的」移動值"),
        "unbiased": ((m * rm + (1 - m) * mu, m * rv + (1 - m) * x.var(axis=0, ddof=1)),
                     "the running variance averages the unbiased (N − 1) batch variance; use the "
                     "biased one (divide by N), the same as the normalisation",
                     "移動變異數平均的是不偏（N − 1）的批次變異數；請用除以 N 的變異數，"
                     "和正規化用的一樣"),
        "same": ((rm, rv), "the running statistics were not updated in training",
                 "訓練時沒有更新移動統計量"),
        "replaced": ((mu, var), "the running statistics were replaced by the batch's; blend "
                     "them: momentum · running + (1 − momentum) · batch",
                     "移動統計量被批次的統計量取代了；要混合："
                     "momentum · running + (1 − momentum) · batch"),
    }


def backward_mistakes(x, gamma, dout, eps) -> dict:
    """{label: (dx, en, zh)}: training-mode dx as the usual mistakes compute it."""
    x, gamma, dout = (np.asarray(a, dtype=float) for a in (x, gamma, dout))
    mu, var = x.mean(axis=0), x.var(axis=0)
    inv = 1.0 / np.sqrt(var + eps)
    x_hat, g = (x - mu) * inv, dout * gamma
    return {
        "constants": (g * inv, "dx = γ dout / sqrt(σ² + eps) treats μ and σ² as constants; in "
                      "training they are computed from x, so dx has two more terms, through μ "
                      "and through σ²",
                      "dx = γ dout / sqrt(σ² + eps) 把 μ 與 σ² 當成常數；訓練時它們由 x 算出，"
                      "所以 dx 還有經過 μ 與經過 σ² 的兩項"),
        "mean_only": (inv * (g - g.mean(axis=0)), "dx has the term through μ but not the one "
                      "through σ² (− x̂ · mean(g x̂))",
                      "dx 有經過 μ 的項，但少了經過 σ² 的項（− x̂ · mean(g x̂)）"),
        "var_only": (inv * (g - x_hat * (g * x_hat).mean(axis=0)), "dx has the term through σ² "
                     "but not the one through μ (− mean(g))",
                     "dx 有經過 σ² 的項，但少了經過 μ 的項（− mean(g)）"),
    }


class BatchNorm:
    """The student's batch norm next to the reference's."""

    NAMES = ("out", "cache", "new_running_mean", "new_running_var")

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def inputs(self, N: int, D: int, scales=None, dtype=np.float64) -> dict:
        """Random inputs (see bn_inputs) drawn from the check's rng."""
        return bn_inputs(self.rng, N, D, scales, dtype)

    @staticmethod
    def call(v: dict, train: bool, options: dict) -> str:
        N, D = v["x"].shape
        extra = "".join(f", {k}={o}" for k, o in options.items())
        return (f"batchnorm_forward(x ({N}, {D}), gamma, beta, running_mean, running_var ({D},), "
                f"train={train}{extra})")

    def forward(self, v: dict, train: bool = True, **options) -> tuple:
        result = self.submission.batchnorm_forward(
            v["x"], v["gamma"], v["beta"], v["running_mean"], v["running_var"], train=train,
            **options)
        return unpack(result, self.NAMES, self.call(v, train, options))

    def want(self, v: dict, train: bool = True, **options) -> tuple:
        return self.reference.batchnorm_forward(
            v["x"], v["gamma"], v["beta"], v["running_mean"], v["running_var"], train=train,
            **options)

    def check_forward(self, v: dict, train: bool = True, rtol: float | None = None,
                      **options) -> None:
        """The output equals the reference's; a known mistake is named."""
        out = self.forward(v, train, **options)[0]
        what = f"out of {self.call(v, train, options)}"
        hint = HINTS["bn_forward" if train else "bn_eval"]
        eps = options.get("eps", DEFAULT_EPS)
        want = self.want(v, train, **options)[0]
        named(out, want, forward_mistakes(v["x"], v["gamma"], v["beta"], v["running_mean"],
                                          v["running_var"], eps, train), what, hint)
        assert_close(out, want, what=what, hint=hint, **({} if rtol is None else {"rtol": rtol}))

    def check_running(self, v: dict, train: bool = True, rtol: float | None = None,
                      **options) -> None:
        """The new running statistics equal the reference's; a known mistake is named."""
        _, _, mean, var = self.forward(v, train, **options)
        _, _, want_mean, want_var = self.want(v, train, **options)
        call = self.call(v, train, options)
        hint = HINTS["bn_running" if train else "bn_eval"]
        N, D = v["x"].shape
        for value, name in ((mean, "new_running_mean"), (var, "new_running_var")):
            if isinstance(value, np.ndarray) and value.shape in ((N,), (N, 1)) and N != D:
                fail(f"{name} of {call} has shape {value.shape}: the statistics were taken over "
                     "the features (axis=1); batch norm averages over the batch (axis 0), one "
                     f"mean and one variance per feature: ({D},)",
                     f"{call} 的 {name} 形狀是 {value.shape}：統計量是沿著特徵（axis=1）算的；"
                     f"批次正規化沿著批次（axis 0）平均，每個特徵一個平均與變異數：({D},)", hint)
        if train:
            momentum = options.get("momentum", DEFAULT_MOMENTUM)
            for (m, s), en, zh in running_mistakes(v["x"], v["running_mean"], v["running_var"],
                                                   momentum).values():
                if same(mean, m) and same(var, s) and not (same(m, want_mean)
                                                           and same(s, want_var)):
                    fail(f"{call}: {en}", f"{call}：{zh}", hint)
        elif not (same(mean, v["running_mean"]) and same(var, v["running_var"])):
            fail(f"{call}: in eval the running statistics must come back unchanged",
                 f"{call}：評估時移動統計量必須原樣回傳", hint)
        options_rtol = {} if rtol is None else {"rtol": rtol}
        assert_close(mean, want_mean, what=f"new_running_mean of {call}", hint=hint,
                     **options_rtol)
        assert_close(var, want_var, what=f"new_running_var of {call}", hint=hint,
                     **options_rtol)

    def check_backward(self, v: dict, train: bool = True, rtol: float | None = None,
                       **options) -> None:
        """dx, dγ, dβ by central differences of the student's own forward when it is right,
        else against the reference's gradients (always so with rtol, for float32 inputs, where
        central differences would measure the rounding); a known mistake of dx is named first."""
        _, cache, _, _ = self.forward(v, train, **options)
        N, D = v["x"].shape
        what = f"batchnorm_backward(dout ({N}, {D}), cache of train={train})"
        hint = HINTS["bn_backward" if train else "bn_eval"]
        dx, dgamma, dbeta = unpack(self.submission.batchnorm_backward(v["dout"], cache),
                                   ("dx", "dgamma", "dbeta"), what)
        want_out, want_cache, _, _ = self.want(v, train, **options)
        want = self.reference.batchnorm_backward(v["dout"], want_cache)
        if train:
            eps = options.get("eps", DEFAULT_EPS)
            named(dx, want[0], backward_mistakes(v["x"], v["gamma"], v["dout"], eps),
                  f"dx of {what}", hint)
        right = agrees(lambda: self.forward(v, train, **options)[0], want_out,
                       **({} if rtol is None else {"rtol": rtol}))
        if right and rtol is None:
            params = {"x": v["x"], "gamma": v["gamma"], "beta": v["beta"]}

            def out(p):
                return self.forward({**v, **p}, train, **options)[0]
            gradcheck(out, {"x": dx, "gamma": dgamma, "beta": dbeta}, params, dout=v["dout"],
                      batch=N, name="batchnorm_backward", hint=hint)
            return
        for value, expected, name in zip((dx, dgamma, dbeta), want, ("dx", "dgamma", "dbeta"),
                                         strict=True):
            assert_close(value, expected, what=f"{name} of {what}",
                         hint=hint if right else forward_first("batchnorm_forward"),
                         **({} if rtol is None else {"rtol": rtol}))


@pytest.fixture
def batchnorm(submission, reference, rng) -> BatchNorm:
    return BatchNorm(submission, reference, rng)


# --- penalties -----------------------------------------------------------------------------------


class Penalties:
    """The student's L1 and L2 penalties and gradients next to the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check_l1(self, w, lam: float, rtol: float | None = None) -> None:
        """λ Σ|w| and λ sign(w) (0 at w = 0) against the reference; known mistakes named."""
        options = {} if rtol is None else {"rtol": rtol}
        w64 = np.asarray(w, dtype=float)
        call = f"l1_penalty(w {w.shape}, lam={lam})"
        penalty = self.submission.l1_penalty(w, lam)
        if isinstance(penalty, float) and abs(penalty - lam * np.abs(w64).mean()) \
                <= MATCH_RTOL * abs(penalty) and w.size > 1:
            fail(f"{call} is a mean; λ Σ|w| sums over every entry",
                 f"{call} 算成了平均；λ Σ|w| 是所有元素的總和", HINTS["l1"])
        assert_close(penalty, self.reference.l1_penalty(w, lam), what=call, hint=HINTS["l1"],
                     **options)
        call = f"l1_grad(w {w.shape}, lam={lam})"
        grad = self.submission.l1_grad(w, lam)
        zeros = w64 == 0
        if isinstance(grad, np.ndarray) and grad.shape == w.shape and zeros.any() and \
                np.allclose(grad[~zeros], lam * np.sign(w64[~zeros])) and \
                np.any(grad[zeros] != 0):
            fail(f"{call} is not 0 where w = 0: take sign(0) = 0 (as np.sign does)",
                 f"{call} 在 w = 0 處不是 0：取 sign(0) = 0（np.sign 就是如此）", HINTS["l1"])
        assert_close(grad, self.reference.l1_grad(w, lam), what=call, hint=HINTS["l1"],
                     **options)

    def check_l2(self, w, lam: float, rtol: float | None = None) -> None:
        """λ Σ w² and 2λw against the reference, the gradient also by central differences of
        the student's own penalty when that is right; known mistakes named."""
        options = {} if rtol is None else {"rtol": rtol}
        w64 = np.asarray(w, dtype=float)
        call = f"l2_penalty(w {w.shape}, lam={lam})"
        penalty = self.submission.l2_penalty(w, lam)
        if isinstance(penalty, float) and \
                abs(penalty - 0.5 * lam * np.sum(w64**2)) <= MATCH_RTOL * abs(penalty):
            fail(f"{call} is ½ λ Σ w²: the course (like Keras' regularizers.L2) uses λ Σ w², "
                 "no ½", f"{call} 算成 ½ λ Σ w²：本課程（和 Keras 的 regularizers.L2 一樣）"
                 "用 λ Σ w²，沒有 ½", HINTS["l2"])
        want = self.reference.l2_penalty(w, lam)
        assert_close(penalty, want, what=call, hint=HINTS["l2"], **options)
        call = f"l2_grad(w {w.shape}, lam={lam})"
        grad = self.submission.l2_grad(w, lam)
        expected = self.reference.l2_grad(w, lam)
        half = (lam * w64, "λw is the gradient of ½ λ Σ w²; the derivative of λ Σ w² is 2λw",
                "λw 是 ½ λ Σ w² 的梯度；λ Σ w² 的導數是 2λw")
        named(grad, expected, {"half": half}, call, HINTS["l2"])
        if rtol is not None:  # float32: central differences would measure the rounding
            assert_close(grad, expected, what=call, hint=HINTS["l2"], **options)
            return
        gradient_check(lambda v: self.submission.l2_penalty(v, lam), grad, w,
                       forward_is_right=agrees(lambda: self.submission.l2_penalty(w, lam), want),
                       expected=expected, name="l2_grad", hint=HINTS["l2"])


@pytest.fixture
def penalties(submission, reference) -> Penalties:
    return Penalties(submission, reference)


# --- initialisation and the documented draws ---------------------------------------------------


def init_variances(n_in: int, n_out: int) -> dict:
    """{label: (variance, name)} of the usual initialisation rules, as a mistake names them."""
    return {"xavier": (2.0 / (n_in + n_out), "Xavier's 2/(n_in + n_out)",
                       "Xavier 的 2/(n_in + n_out)"),
            "he": (2.0 / n_in, "He's 2/n_in", "He 的 2/n_in"),
            "lecun": (1.0 / n_in, "LeCun's 1/n_in", "LeCun 的 1/n_in"),
            "half": (1.0 / (n_in + n_out), "1/(n_in + n_out), half of Xavier's",
                     "1/(n_in + n_out)，Xavier 的一半"),
            "fan_out": (2.0 / n_out, "2/n_out, the fan-out", "2/n_out（fan-out）")}


def judge_init(submission, name: str, n_in: int, n_out: int, seed: int, right: str) -> None:
    """w = name(n_in, n_out, seed) has shape (n_in, n_out), mean 0 and the `right` variance of
    init_variances; the same seed repeats it and another seed changes it."""
    call = f"{name}({n_in}, {n_out}, seed={seed})"
    hint = HINTS["xavier" if right == "xavier" else "he"]
    w = array_of(getattr(submission, name)(n_in, n_out, seed), (n_in, n_out), call, hint)
    rules = init_variances(n_in, n_out)
    want, rule_en, rule_zh = rules[right]
    mean, var = float(w.mean()), float(w.var())
    if abs(mean) > MEAN_SIGMAS * np.sqrt(want / w.size):
        fail(f"{call}: the entries have mean {mean:.3g}; they must be centred at 0",
             f"{call}：元素的平均是 {mean:.3g}；必須以 0 為中心", hint)
    if abs(var / want - 1.0) > VAR_RTOL:
        if abs(var / want**2 - 1.0) <= VAR_RTOL:
            fail(f"{call}: the variance is {var:.3g} = ({want:.3g})²: the variance was passed "
                 f"where NumPy expects the standard deviation; use scale = sqrt({want:.3g})",
                 f"{call}：變異數是 {var:.3g} = ({want:.3g})²：把變異數傳給了需要標準差的參數；"
                 f"請用 scale = sqrt({want:.3g})", hint)
        for label, (other, en, zh) in rules.items():
            if label != right and abs(var / other - 1.0) <= VAR_RTOL:
                fail(f"{call}: the variance is {var:.3g}, that is {en}; {name} needs "
                     f"{rule_en} = {want:.3g}",
                     f"{call}：變異數是 {var:.3g}，也就是 {zh}；{name} 需要 {rule_zh} = "
                     f"{want:.3g}", hint)
        fail(f"{call}: the variance of the entries is {var:.3g}; expected {rule_en} = {want:.3g}",
             f"{call}：元素的變異數是 {var:.3g}；應該是 {rule_zh} = {want:.3g}", hint)
    again = getattr(submission, name)(n_in, n_out, seed)
    other = getattr(submission, name)(n_in, n_out, seed + 1)
    judge_seed_use(w, again, other, call, hint)


def mask_draw_mistakes(shape, p: float, seed: int) -> dict:
    """{label: (mask, en, zh)}: masks drawn from the same u as the documented one, but wrong."""
    u = np.random.default_rng(seed).random(tuple(shape))
    scale = 1.0 / (1.0 - p)
    return {"flipped": ((u < 1.0 - p) * scale,
                        "a valid mask, but kept where u < 1 − p; the documented draw keeps a unit "
                        "where u >= p",
                        "是合格的遮罩，但保留的是 u < 1 − p 的單元；"
                        "文件規定的抽法是 u >= p 時保留"),
            "keep_p": ((u < p) * scale, "kept where u < p: that keeps a unit with probability "
                       "p, the drop probability",
                       "保留 u < p 的單元：那是以丟棄機率 p 保留"),
            "unscaled": ((u >= p) * 1.0, "the kept units are 1, not 1/(1 − p)",
                         "保留的單元是 1，不是 1/(1 − p)")}


def init_draw_diagnosis(w, want: np.ndarray) -> tuple[str, str]:
    """Why an initialiser's array differs from the documented draw, in (en, zh)."""
    if isinstance(w, np.ndarray) and w.shape == want.shape[::-1]:
        return ("the array has shape (n_out, n_in); it must be (n_in, n_out)",
                "陣列的形狀是 (n_out, n_in)；應該是 (n_in, n_out)")
    if isinstance(w, np.ndarray) and w.shape == want.shape and np.all(np.isfinite(w)):
        ratio = w.astype(float) / want
        k = float(np.median(ratio))
        if k > 0 and np.allclose(ratio, k, rtol=1e-6):
            return (f"the documented standard normal draws, but scaled by {k:.4g} times the "
                    "documented standard deviation: the variance is wrong (see the init checks)",
                    f"抽到的是文件規定的標準常態亂數，但標準差是規定值的 {k:.4g} 倍：變異數錯了"
                    "（見初始化的檢查）")
    return ("not the documented draw np.random.default_rng(seed).normal(0.0, std, "
            "size=(n_in, n_out))",
            "不是文件規定的抽法 np.random.default_rng(seed).normal(0.0, std, size=(n_in, n_out))")


DRAWS_HINT = tip("each docstring spells out its draw: the statistics checks accept any correct "
                 "draw, this one asks for the documented call so a seed gives everyone the same "
                 "array",
                 "每個 docstring 都寫明了抽樣方式：統計檢查接受任何正確的抽法，這項檢查則要求文件"
                 "規定的呼叫方式，讓同一個 seed 對每個人得到相同的陣列")


def judge_draws(submission, reference, seed: int) -> None:
    """dropout_mask, xavier_init and he_init for `seed` equal the reference's (the documented
    draws); every one that differs is listed with the reason when a known one fits."""
    wrong_en, wrong_zh = [], []
    shape, p = (7, 9), 0.3
    call = f"dropout_mask({shape}, p={p}, seed={seed})"
    mask = submission.dropout_mask(shape, p, seed)
    if not same(mask, reference.dropout_mask(shape, p, seed)):
        reason = ("not the documented draw: u = np.random.default_rng(seed).random(shape), kept "
                  "where u >= p, kept units 1/(1 − p)",
                  "不是文件規定的抽法：u = np.random.default_rng(seed).random(shape)，u >= p 時"
                  "保留，保留的單元為 1/(1 − p)")
        for value, en, zh in mask_draw_mistakes(shape, p, seed).values():
            if same(mask, value):
                reason = (en, zh)
                break
        wrong_en.append(f"{call}: {reason[0]}")
        wrong_zh.append(f"{call}：{reason[1]}")
    for name, (n_in, n_out) in (("xavier_init", (5, 4)), ("he_init", (6, 3))):
        call = f"{name}({n_in}, {n_out}, seed={seed})"
        w = getattr(submission, name)(n_in, n_out, seed)
        want = getattr(reference, name)(n_in, n_out, seed)
        if not same(w, want, rtol=1e-6):
            en, zh = init_draw_diagnosis(w, want)
            wrong_en.append(f"{call}: {en}")
            wrong_zh.append(f"{call}：{zh}")
    if wrong_en:
        fail("; ".join(wrong_en), "；".join(wrong_zh), DRAWS_HINT)


class Seeded:
    """The seeded functions: initialisers by their statistics, and the documented draws."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def seed(self) -> int:
        return int(self.rng.integers(1000))

    def check_init(self, name: str, n_in: int, n_out: int, right: str) -> None:
        judge_init(self.submission, name, n_in, n_out, self.seed(), right)

    def check_draws(self) -> None:
        judge_draws(self.submission, self.reference, self.seed())


@pytest.fixture
def seeded(submission, reference, rng) -> Seeded:
    return Seeded(submission, reference, rng)


# --- clipping ------------------------------------------------------------------------------------


def tensors(value, n: int, what: str, hint: Text) -> list:
    """A list (or tuple) of n values, as a clipping function returns."""
    if not isinstance(value, (list, tuple)) or len(value) != n:
        kind = f"{type(value).__name__} of {len(value)}" if isinstance(value, (list, tuple)) \
            else type(value).__name__
        fail(f"{what} returned a {kind}; expected a list of {n} arrays, one per gradient",
             f"{what} 回傳了 {kind}；應該回傳含 {n} 個陣列的 list，每個梯度一個", hint)
    return list(value)


def arrays(grads: list) -> str:
    return f"{len(grads)} array" + ("" if len(grads) == 1 else "s")


class Clipping:
    """The student's clip_by_value, global_norm and clip_by_norm next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def gradients(self, scale: float = 3.0, dtype=np.float64) -> list:
        """Three gradients of different shapes (a matrix, a bias, a kernel), drawn here."""
        return [(scale * self.rng.normal(size=shape)).astype(dtype)
                for shape in ((3, 4), (5,), (2, 2, 2))]

    @staticmethod
    def _judge(got: list, want: list, what: str, hint: Text, options: dict) -> None:
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_close(g, w, what=f"gradient {k} of {what}", hint=hint, **options)

    def check_value(self, grads: list, clip: float, rtol: float | None = None) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        what = f"clip_by_value(grads ({arrays(grads)}), clip={clip})"
        hint = HINTS["clip_value"]
        got = tensors(self.submission.clip_by_value(grads, clip), len(grads), what, hint)
        upper = [np.minimum(np.asarray(g, dtype=float), clip) for g in grads]
        if all(same(g, u) for g, u in zip(got, upper, strict=True)) and \
                any(np.any(np.asarray(g) < -clip) for g in grads):
            fail(f"{what}: only the upper side was clipped; entries below −clip must become −clip",
                 f"{what}：只限制了上界；小於 −clip 的元素也必須變成 −clip", hint)
        self._judge(got, self.reference.clip_by_value(grads, clip), what, hint, options)

    def check_global_norm(self, grads: list, rtol: float | None = None) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        what = f"global_norm(grads ({arrays(grads)}))"
        norm = self.submission.global_norm(grads)
        norms = [float(np.linalg.norm(np.asarray(g, dtype=float))) for g in grads]
        for value, en, zh in ((sum(norms), "the sum of the tensors' norms", "各張量範數的總和"),
                              (sum(n * n for n in norms), "the sum of squares without the "
                               "square root", "平方和，少了開根號")):
            if isinstance(norm, float) and len(grads) > 1 and value > 0 and \
                    abs(norm - value) <= MATCH_RTOL * value:
                fail(f"{what} returned {en}; the global norm is sqrt(Σ over every tensor of "
                     "Σ g²)", f"{what} 回傳了{zh}；全域範數是 sqrt(對每個張量的 Σ g² 再加總)",
                     HINTS["global_norm"])
        assert_close(norm, self.reference.global_norm(grads), what=what,
                     hint=HINTS["global_norm"], **options)

    def check_norm(self, grads: list, max_norm: float, rtol: float | None = None) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        what = f"clip_by_norm(grads ({arrays(grads)}), max_norm={max_norm})"
        hint = HINTS["clip_norm"]
        got = tensors(self.submission.clip_by_norm(grads, max_norm), len(grads), what, hint)
        grads64 = [np.asarray(g, dtype=float) for g in grads]
        norm = float(np.sqrt(sum(np.sum(g * g) for g in grads64)))
        per_tensor = [g * min(1.0, max_norm / max(float(np.linalg.norm(g)), 1e-300))
                      for g in grads64]
        if len(grads) > 1 and norm > max_norm and \
                all(same(g, w) for g, w in zip(got, per_tensor, strict=True)):
            fail(f"{what}: each tensor was clipped by its own norm; clip_by_norm scales every "
                 "tensor by ONE factor from the global norm of all of them, so the direction of "
                 "the whole update is kept",
                 f"{what}：每個張量各自依自己的範數修剪；clip_by_norm 應該用所有梯度的全域範數"
                 "算出「一個」係數來縮放每個張量，才能保持整體更新的方向", hint)
        if 0 < norm < max_norm and \
                all(same(g, w * max_norm / norm) for g, w in zip(got, grads64, strict=True)):
            fail(f"{what}: the gradients (global norm {norm:.3g}) were scaled UP to max_norm; "
                 "the factor is min(1, max_norm / norm), so gradients already below max_norm "
                 "stay as they are",
                 f"{what}：梯度（全域範數 {norm:.3g}）被放大到 max_norm；係數是 "
                 "min(1, max_norm / norm)，已經小於 max_norm 的梯度應保持不變", hint)
        self._judge(got, self.reference.clip_by_norm(grads, max_norm), what, hint, options)


@pytest.fixture
def clipping(submission, reference, rng) -> Clipping:
    return Clipping(submission, reference, rng)


# --- the experiment ------------------------------------------------------------------------------


EXPERIMENT_SHAPE_HINT = tip("sigmoid' ≤ 0.25 shrinks dh at every layer, so the gradients vanish "
                            "towards the input; ReLU' is 0 or 1 and He's variance 2/n_in keeps "
                            "the signal's size",
                            "sigmoid' ≤ 0.25 讓 dh 每經過一層就變小，所以越靠近輸入梯度越小"
                            "（梯度消失）；ReLU' 是 0 或 1，加上 He 的變異數 2/n_in 讓訊號大小"
                            "維持不變")


class Experiment:
    """The student's gradient_norms_experiment: its shape (any draws) and its values."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def norms(self, activation: str, seed: int, depth: int = 10, **settings) -> np.ndarray:
        extra = "".join(f", {k}={v}" for k, v in settings.items())
        call = f"gradient_norms_experiment({activation!r}, seed={seed}{extra})"
        norms = array_of(self.submission.gradient_norms_experiment(activation, seed=seed,
                                                                   **settings),
                         (depth,), call, EXPERIMENT_SHAPE_HINT)
        if not np.all(norms > 0):
            fail(f"{call} returned norms that are not all positive: "
                 f"{np.round(norms, 6).tolist()}",
                 f"{call} 回傳的範數不全是正數：{np.round(norms, 6).tolist()}",
                 EXPERIMENT_SHAPE_HINT)
        return norms

    def check_shape(self, seed: int) -> None:
        """Sigmoid's norms vanish towards the input, ReLU's stay within a factor FLAT, and
        ReLU's with weight_scale c are c^(depth − 1) times larger: true of the default settings
        whatever the draws (ReLU is positively homogeneous: the same draws scaled by c scale
        h_{l−1} by c^(l−1) and dz_l by c^(depth−l))."""
        sig, relu = self.norms("sigmoid", seed), self.norms("relu", seed)
        call = f"gradient_norms_experiment('sigmoid', seed={seed})"
        if sig[-1] < VANISH * sig[0]:
            fail(f"{call}: norms[0] = {sig[0]:.3g} is the largest and norms[-1] = {sig[-1]:.3g} "
                 "the smallest; the order is reversed: norms[0] is the layer next to the INPUT",
                 f"{call}：norms[0] = {sig[0]:.3g} 最大、norms[-1] = {sig[-1]:.3g} 最小；"
                 "順序反了：norms[0] 是最靠近「輸入」的那一層", EXPERIMENT_SHAPE_HINT)
        if not sig[0] < VANISH * sig[-1]:
            fail(f"{call}: norms[0] / norms[-1] = {sig[0] / sig[-1]:.3g}; through 10 sigmoid "
                 f"layers the gradient next to the input should be below {VANISH:g} times the "
                 "one next to the output: multiply dh by σ'(z) = h(1 − h) at every layer",
                 f"{call}：norms[0] / norms[-1] = {sig[0] / sig[-1]:.3g}；經過 10 層 sigmoid，最靠"
                 f"近輸入的梯度應小於最靠近輸出的 {VANISH:g} 倍：每一層都要把 dh 乘上 "
                 "σ'(z) = h(1 − h)", EXPERIMENT_SHAPE_HINT)
        if relu.max() > FLAT * relu.min():
            fail(f"gradient_norms_experiment('relu', seed={seed}): the norms range from "
                 f"{relu.min():.3g} to {relu.max():.3g}; with He init they stay within a factor "
                 f"{FLAT:g}: check the init (he_init) and ReLU's derivative (z > 0)",
                 f"gradient_norms_experiment('relu', seed={seed})：範數從 {relu.min():.3g} 到 "
                 f"{relu.max():.3g}；用 He 初始化時應在 {FLAT:g} 倍之內：請檢查初始化（he_init）"
                 "與 ReLU 的導數（z > 0）", EXPERIMENT_SHAPE_HINT)
        exploded = self.norms("relu", seed, weight_scale=EXPLODE_SCALE)
        factor = EXPLODE_SCALE ** (len(relu) - 1)
        if not np.allclose(exploded, factor * relu, rtol=1e-6):
            got = np.round(exploded / relu, 3).tolist()
            fail(f"gradient_norms_experiment('relu', seed={seed}, weight_scale="
                 f"{EXPLODE_SCALE:g}) / the same with weight_scale=1 = {got}; weight_scale="
                 f"{EXPLODE_SCALE:g} should multiply every norm by 2^(depth − 1) = {factor:g} "
                 "(exploding gradients): multiply the init's std by weight_scale",
                 f"gradient_norms_experiment('relu', seed={seed}, weight_scale="
                 f"{EXPLODE_SCALE:g}) / weight_scale=1 的結果 = {got}；weight_scale="
                 f"{EXPLODE_SCALE:g} 應該讓每個範數變成 2^(depth − 1) = {factor:g} 倍（梯度爆炸）："
                 "把初始化的標準差乘上 weight_scale", EXPERIMENT_SHAPE_HINT)

    def check_values(self, activation: str, seed: int, **settings) -> None:
        """The norms equal the reference's for the documented draws, entry by entry."""
        extra = "".join(f", {k}={v}" for k, v in settings.items())
        call = f"gradient_norms_experiment({activation!r}{extra}, seed={seed})"
        norms = self.submission.gradient_norms_experiment(activation, seed=seed, **settings)
        want = self.reference.gradient_norms_experiment(activation, seed=seed, **settings)
        reversed_ = (want[::-1], "the order is reversed: norms[0] is the layer next to the "
                     "input", "順序反了：norms[0] 是最靠近輸入的那一層")
        named(norms, want, {"reversed": reversed_}, call, HINTS["experiment"])
        assert_close(norms, want, what=call, hint=HINTS["experiment"])  # kind, shape, large ones
        for i, w in enumerate(want):  # each entry relative to itself: they span many decades
            assert_close(norms[i], w, what=f"norms[{i}] of {call}", hint=HINTS["experiment"],
                         rtol=EACH_RTOL)


@pytest.fixture
def experiment(submission, reference) -> Experiment:
    return Experiment(submission, reference)
