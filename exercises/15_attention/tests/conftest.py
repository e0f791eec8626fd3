"""What the visible and the hidden checks of exercise 15 share, as the `attn` fixture.

    masked_softmax            against the reference (plain, masked, huge scores, a fully
                              masked row); overflow, the wrong axis and mask mistakes named
    masked_softmax_backward   against the reference's dS for the reference's P
    causal_mask               exactly the reference's boolean matrix; the transposed and the
                              strict (diagonal excluded) masks named
    attention_forward         the output against the reference; a missing or wrong scale, the
                              softmax over the queries and three mask mistakes named
    attention_backward        the known mistakes named (dK from dS instead of dSᵀ, dQ without
                              1/√D, the softmax backward without its sum), then central
                              differences of the student's own forward when it is right, else
                              the reference's gradients
    multihead attention       forward against the reference (the scale 1/√D of the model width
                              named), backward as above

The known mistakes are computed here in NumPy, never by asking the reference: a released bundle
replays only the reference answers its checks recorded. For the same reason every reference
call a check can need is made whatever the student's answers.
"""

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

MHA_KEYS = ("Wq", "Wk", "Wv", "Wo")
QKV = ("Q", "K", "V")
HUGE_SHIFT = 800.0  # exp(800) overflows (float64's largest is about e^709), exp(−800) is 0

HINTS = {
    "softmax": tip("s = np.where(mask, scores, -np.inf); m = max over the last axis (0 where a "
                   "whole row is masked); e = exp(s − m); P = e / Σ e (divide by 1 where Σ e = 0)",
                   "s = np.where(mask, scores, -np.inf)；m = 沿最後一軸的最大值（整列都被遮住時"
                   "取 0）；e = exp(s − m)；P = e / Σ e（Σ e = 0 時除以 1）"),
    "softmax_backward": tip("dS = P * (dP − np.sum(dP * P, axis=-1, keepdims=True))",
                            "dS = P * (dP − np.sum(dP * P, axis=-1, keepdims=True))"),
    "causal": tip("np.tril(np.ones((T, T), dtype=bool)): row i (the query) is True for keys "
                  "j ≤ i, the diagonal included",
                  "np.tril(np.ones((T, T), dtype=bool))：第 i 列（查詢）在鍵 j ≤ i 的位置為 True，"
                  "包含對角線"),
    "forward": tip("S = Q @ K.transpose(0, 2, 1) / np.sqrt(D) with D = Q.shape[2]; P = "
                   "masked_softmax(S, mask) over the LAST axis (the keys); out = P @ V",
                   "S = Q @ K.transpose(0, 2, 1) / np.sqrt(D)，D = Q.shape[2]；P = "
                   "masked_softmax(S, mask)，沿「最後一軸」（鍵）；out = P @ V"),
    "backward": tip("dV = Pᵀ dout; dP = dout Vᵀ; dS = masked_softmax_backward(dP, P); "
                    "dQ = dS K / √D; dK = dSᵀ Q / √D (transpose the last two axes)",
                    "dV = Pᵀ dout；dP = dout Vᵀ；dS = masked_softmax_backward(dP, P)；"
                    "dQ = dS K / √D；dK = dSᵀ Q / √D（轉置最後兩軸）"),
    "multihead": tip("Q, K, V = split_heads(x @ W, h) for Wq, Wk, Wv; attention_forward on the "
                     "(N·h, T, D/h) heads (scale 1/√(D/h)), the mask repeated for every head "
                     "(np.repeat(mask, h, axis=0) for an (N, T, T) mask); out = merge_heads(., h) "
                     "@ Wo",
                     "對 Wq、Wk、Wv 計算 Q, K, V = split_heads(x @ W, h)；"
                     "在 (N·h, T, D/h) 的各頭上做 attention_forward（縮放 1/√(D/h)），"
                     "遮罩對每個頭重複（(N, T, T) 的遮罩用 "
                     "np.repeat(mask, h, axis=0)）；out = merge_heads(., h) @ Wo"),
    "multihead_backward": tip("dWo = Σ concatᵀ dout; split_heads(dout @ Woᵀ) through "
                              "attention_backward; merge each of dQ, dK, dV back to (N, T, D): "
                              "dW = Σ xᵀ d, dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ",
                              "dWo = Σ concatᵀ dout；split_heads(dout @ Woᵀ) 經過 "
                              "attention_backward；把 dQ、dK、dV 各自 merge 回 (N, T, D)："
                              "dW = Σ xᵀ d，dx = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ"),
}


# --- plumbing ------------------------------------------------------------------------------------


def not_finite(value, what: str, mask) -> None:
    """Name why an answer to finite inputs has inf or NaN: a fully masked row left as 0/0, or
    (any other row) exp overflowing on huge scores without the row maximum subtracted."""
    if not (isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number)) or \
            np.all(np.isfinite(value)):
        return
    empty = None if mask is None else ~np.asarray(mask, bool).any(axis=-1)  # (..., Tq)
    bad = ~np.all(np.isfinite(value), axis=-1)  # rows with inf or NaN
    if empty is not None and np.any(empty) and not np.any(bad & ~np.broadcast_to(empty, bad.shape)):
        fail(f"{what} has NaN where every key of a query is masked: by this exercise's "
             "convention that row is all zeros (its maximum is −inf: use 0 instead, and divide "
             "by 1 where the sum of exp is 0)",
             f"{what} 在某個查詢的所有鍵都被遮住的地方出現 NaN：依本練習的約定那一列全為 0"
             "（它的最大值是 −inf，改用 0；exp 的總和為 0 時除以 1）", HINTS["softmax"])
    fail(f"{what} has inf or NaN for large scores: exp overflowed (e^710 is inf in float64) or "
         "underflowed to 0/0; subtract each row's maximum before exp, which leaves the softmax "
         "unchanged",
         f"{what} 在分數很大時出現 inf 或 NaN：exp 溢位（float64 中 e^710 是 inf）或下溢成 0/0；"
         "在 exp 之前先減去每一列的最大值，softmax 的值不變", HINTS["softmax"])


def shapes_of(**arrays) -> str:
    return ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items() if v is not None)


def described(v: dict) -> str:
    """attention_forward's call on the values v, with the shapes."""
    return f"attention_forward({shapes_of(Q=v['Q'], K=v['K'], V=v['V'], mask=v['mask'])})"


# --- the right answers and the known mistakes, in NumPy ------------------------------------------


def softmax_np(s, mask=None, *, axis: int = -1, mode: str = "before") -> np.ndarray:
    """The masked softmax along `axis`; mode "after": the mask multiplied in after a plain
    softmax (not renormalised), "inverted": True taken as "masked", "ignored": no mask."""
    s = np.asarray(s, dtype=float)
    keep = np.ones(s.shape, bool) if mask is None or mode == "ignored" else \
        np.broadcast_to(np.asarray(mask, bool), s.shape)
    if mode == "inverted":
        keep = ~keep
    masked = s if mode == "after" else np.where(keep, s, -np.inf)
    top = masked.max(axis=axis, keepdims=True)
    e = np.exp(masked - np.where(np.isfinite(top), top, 0.0))
    total = e.sum(axis=axis, keepdims=True)
    P = e / np.where(total > 0, total, 1.0)
    return P * keep if mode == "after" else P


def attention_np(v: dict, *, scale: str = "sqrt", axis: int = -1, mode: str = "before"
                 ) -> np.ndarray:
    """out of attention with at most one known mistake: scale "none" or "D" (1/D), the softmax
    along `axis` -2 (over the queries), or a mask `mode` of softmax_np."""
    Q, K, V = (np.asarray(v[k], dtype=float) for k in QKV)
    D = Q.shape[2]
    factor = {"sqrt": 1 / np.sqrt(D), "none": 1.0, "D": 1 / D}[scale]
    return softmax_np(Q @ K.transpose(0, 2, 1) * factor, v["mask"], axis=axis, mode=mode) @ V


def attention_grads_np(v: dict, *, dk: str = "T", dq_scaled: bool = True,
                       softmax_sum: bool = True) -> tuple:
    """(dQ, dK, dV) of attention with at most one known mistake: dk "S" (dK = dS Q / √D, with
    Tq = Tk), dq_scaled False (dQ = dS K), softmax_sum False (dS = P ⊙ dP)."""
    Q, K, V = (np.asarray(v[k], dtype=float) for k in QKV)
    dout = np.asarray(v["dout"], dtype=float)
    c = 1 / np.sqrt(Q.shape[2])
    P = softmax_np(Q @ K.transpose(0, 2, 1) * c, v["mask"])
    dP = dout @ V.transpose(0, 2, 1)
    dS = P * (dP - np.sum(dP * P, axis=-1, keepdims=True)) if softmax_sum else P * dP
    if dk == "T":
        dK = dS.transpose(0, 2, 1) @ Q * c
    else:  # the untransposed product exists only when Tq = Tk
        dK = dS @ Q * c if Q.shape[1] == K.shape[1] else None
    return dS @ K * (c if dq_scaled else 1.0), dK, P.transpose(0, 2, 1) @ dout


FORWARD_MISTAKES = {  # label: (attention_np options, en, zh)
    "unscaled": ({"scale": "none"},
                 "the scores were not scaled: S = Q Kᵀ / √D (D = the key width, Q.shape[2]); "
                 "without 1/√D large D makes the softmax nearly one-hot",
                 "分數沒有縮放：S = Q Kᵀ / √D（D 是鍵的寬度 Q.shape[2]）；少了 1/√D，D 大時 "
                 "softmax 幾乎變成 one-hot"),
    "scaled_by_D": ({"scale": "D"},
                    "the scores were divided by D; the scale is 1/√D (the square root of the key "
                    "width), which keeps the scores' variance near 1",
                    "分數除以了 D；縮放應為 1/√D（鍵寬度的平方根），讓分數的變異數維持在 1 左右"),
    "softmax_over_queries": ({"axis": -2},
                             "the softmax ran over the queries (axis 1); each query's weights "
                             "over the KEYS must sum to 1: the softmax runs over the last axis",
                             "softmax 沿著查詢（axis 1）做了；每個查詢對「鍵」的權重總和要是 1："
                             "softmax 要沿最後一軸做"),
    "mask_after_softmax": ({"mode": "after"},
                           "the mask was applied after the softmax, so the weights no longer sum "
                           "to 1 (not renormalised); set the masked scores to −inf BEFORE the "
                           "softmax",
                           "遮罩在 softmax 之後才套用，權重總和不再是 1（沒有重新正規化）；"
                           "要在 softmax「之前」把被遮住的分數設成 −inf"),
    "mask_inverted": ({"mode": "inverted"},
                      "the mask polarity is inverted: True means the query MAY attend to that "
                      "key; the scores to set to −inf are where the mask is False",
                      "遮罩的方向相反：True 表示查詢「可以」注意該鍵；要設成 −inf 的是遮罩為 "
                      "False 的位置"),
    "mask_ignored": ({"mode": "ignored"},
                     "the mask was ignored: the scores where it is False must be set to −inf "
                     "before the softmax",
                     "忽略了遮罩：遮罩為 False 的分數要在 softmax 之前設成 −inf"),
}
BACKWARD_MISTAKES = {  # label: (attention_grads_np options, outputs it changes, en, zh)
    "dK_from_dS": ({"dk": "S"}, (1,),
                   "dK was computed from dS instead of its transpose dSᵀ: S = Q Kᵀ / √D gives "
                   "dK = dSᵀ Q / √D (swap the last two axes of dS)",
                   "dK 用了 dS 而不是它的轉置 dSᵀ：S = Q Kᵀ / √D 給出 dK = dSᵀ Q / √D"
                   "（交換 dS 的最後兩軸）"),
    "dQ_unscaled": ({"dq_scaled": False}, (0,),
                    "dQ is missing the factor 1/√D: S = Q Kᵀ / √D gives dQ = dS K / √D",
                    "dQ 少了 1/√D 的因子：S = Q Kᵀ / √D 給出 dQ = dS K / √D"),
    "softmax_without_sum": ({"softmax_sum": False}, (0, 1),
                            "dS = P ⊙ dP misses the softmax's coupling term: dS = P ⊙ (dP − "
                            "Σ_k dP ⊙ P) (every weight of a row depends on every score)",
                            "dS = P ⊙ dP 少了 softmax 的耦合項：dS = P ⊙ (dP − Σ_k dP ⊙ P)"
                            "（同一列的每個權重都和每個分數有關）"),
}


# --- inputs --------------------------------------------------------------------------------------


def make_mask(rng, shape, kind: str | None):
    """None; "2d"/"3d": random, every row with a True and (Tk ≥ 2) a False; "causal"; "full": 3-D
    with one fully masked row."""
    if kind is None:
        return None
    N, Tq, Tk = shape
    if kind == "causal":
        return np.tril(np.ones((Tq, Tk), dtype=bool))
    rows = (N, Tq) if kind != "2d" else (Tq,)
    mask = rng.random((*rows, Tk)) < 0.5
    yes = rng.integers(0, Tk, size=rows)  # a key each query may attend to
    np.put_along_axis(mask, yes[..., None], True, axis=-1)
    if Tk >= 2:  # and one it may not, so an inverted mask leaves no row empty either
        no = (yes + rng.integers(1, Tk, size=rows)) % Tk
        np.put_along_axis(mask, no[..., None], False, axis=-1)
    if kind == "full":
        mask[0, -1] = False
    return mask


class Attention:
    """The student's attention functions next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def values(self, N=2, Tq=3, Tk=4, D=5, M=2, mask=None, scale=1.0, dtype=np.float64) -> dict:
        """Q, K, V, dout drawn from rng (Q and K times `scale`), and a mask of make_mask's kind."""
        rng = self.rng
        v = {"Q": rng.normal(scale=scale, size=(N, Tq, D)),
             "K": rng.normal(scale=scale, size=(N, Tk, D)),
             "V": rng.normal(size=(N, Tk, M)), "dout": rng.normal(size=(N, Tq, M))}
        v = {k: a.astype(dtype) for k, a in v.items()}
        v["mask"] = make_mask(rng, (N, Tq, Tk), mask)
        return v

    # the softmax and the mask

    def check_softmax(self, shape, mask: str | None = None, scale: float = 3.0,
                      huge: bool = False, rtol: float | None = None) -> None:
        """huge: each row shifted by ±HUGE_SHIFT, which leaves its softmax unchanged."""
        s = self.rng.normal(scale=scale, size=shape)
        if huge:
            s += HUGE_SHIFT * self.rng.choice([-1.0, 1.0], size=(*shape[:-1], 1))
        m = make_mask(self.rng, shape, mask)
        args = (s,) if m is None else (s, m)
        what = f"masked_softmax({shapes_of(scores=s, mask=m)})"
        yours = self.submission.masked_softmax(*args)
        want = self.reference.masked_softmax(*args)
        not_finite(yours, what, m)
        variants = {"axis": (softmax_np(s, m, axis=-2), FORWARD_MISTAKES["softmax_over_queries"][1],
                             FORWARD_MISTAKES["softmax_over_queries"][2])}
        for label in ("mask_after_softmax", "mask_inverted", "mask_ignored"):
            options, en, zh = FORWARD_MISTAKES[label]
            variants[label] = (softmax_np(s, m, **options) if m is not None else None, en, zh)
        named(yours, want, variants, what, HINTS["softmax"])
        assert_close(yours, want, what=what, hint=HINTS["softmax"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_softmax_backward(self, shape, mask: str | None = None) -> None:
        s, dP = self.rng.normal(size=shape), self.rng.normal(size=shape)
        P = self.reference.masked_softmax(s, make_mask(self.rng, shape, mask))
        what = f"masked_softmax_backward(dP {shape}, P {shape})"
        yours = self.submission.masked_softmax_backward(dP, P)
        want = self.reference.masked_softmax_backward(dP, P)
        named(yours, want, {"no_sum": (P * dP, *BACKWARD_MISTAKES["softmax_without_sum"][2:])},
              what, HINTS["softmax_backward"])
        assert_close(yours, want, what=what, hint=HINTS["softmax_backward"])

    def check_causal(self, T: int) -> None:
        yours = self.submission.causal_mask(T)
        want = self.reference.causal_mask(T)
        what = f"causal_mask({T})"
        ok = isinstance(yours, np.ndarray) and yours.shape == want.shape
        if ok and np.array_equal(yours, want) and yours.dtype != bool:
            fail(f"{what} has dtype {yours.dtype}; the mask is boolean (dtype=bool)",
                 f"{what} 的 dtype 是 {yours.dtype}；遮罩是布林值（dtype=bool）", HINTS["causal"])
        if ok and np.array_equal(yours, want):
            return
        if ok and T > 1 and np.array_equal(yours, want.T):
            fail(f"{what} is transposed: query i (row i) may attend to keys j ≤ i, so the True "
                 "entries are on and BELOW the diagonal (np.tril)",
                 f"{what} 轉置了：查詢 i（第 i 列）可以注意鍵 j ≤ i，所以 True 在對角線上與"
                 "對角線「以下」（np.tril）", HINTS["causal"])
        if ok and np.array_equal(yours, np.tril(want, -1)):
            fail(f"{what} excludes the diagonal: a query may attend to its own step (j ≤ i, not "
                 "j < i); otherwise the first query has no key at all",
                 f"{what} 排除了對角線：查詢可以注意自己這一步（j ≤ i，不是 j < i）；否則第一個"
                 "查詢完全沒有鍵可以注意", HINTS["causal"])
        shown = np.asarray(yours).astype(int).tolist() if isinstance(yours, np.ndarray) else yours
        fail(f"{what} returned {shown}; expected {want.astype(int).tolist()} (1 = True)",
             f"{what} 回傳了 {shown}；應該是 {want.astype(int).tolist()}（1 = True）",
             HINTS["causal"])

    # attention

    def forward(self, v: dict):
        args = [v[k] for k in QKV] + ([] if v["mask"] is None else [v["mask"]])
        return pair(self.submission.attention_forward(*args), ("out", "cache"),
                    described(v))

    def reference_forward(self, v: dict):
        args = [v[k] for k in QKV] + ([] if v["mask"] is None else [v["mask"]])
        return self.reference.attention_forward(*args)

    def check_forward(self, v: dict, rtol: float | None = None) -> None:
        out, _ = self.forward(v)
        want, _ = self.reference_forward(v)
        what = f"out of {described(v)}"
        not_finite(out, what, v["mask"])
        variants = {label: (attention_np(v, **options) if "mode" not in options or
                            v["mask"] is not None else None, en, zh)
                    for label, (options, en, zh) in FORWARD_MISTAKES.items()}
        named(out, want, variants, what, HINTS["forward"])
        assert_close(out, want, what=what, hint=HINTS["forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_backward(self, v: dict, rtol: float | None = None) -> None:
        _, cache = self.forward(v)
        what = f"attention_backward(dout {v['dout'].shape}, cache)"
        grads = unpack(self.submission.attention_backward(v["dout"], cache),
                        ("dQ", "dK", "dV"), what)
        want_out, want_cache = self.reference_forward(v)
        want = self.reference.attention_backward(v["dout"], want_cache)  # always: recorded
        right = attention_grads_np(v)
        if not all(same(g, r) for g, r in zip(grads, right, strict=True)):
            for options, changed, en, zh in BACKWARD_MISTAKES.values():
                wrong = attention_grads_np(v, **options)
                if all(wrong[i] is not None and same(grads[i], wrong[i]) and
                       not same(wrong[i], right[i]) for i in changed):
                    fail(f"{what}: {en}", f"{what}：{zh}", HINTS["backward"])
        options = {} if rtol is None else {"rtol": rtol}
        if rtol is None and agrees(lambda: self.forward(v)[0], want_out):
            mask = v["mask"]
            gradcheck(lambda p: self.forward({**p, "mask": mask})[0],
                      dict(zip(QKV, grads, strict=True)), {k: v[k] for k in QKV},
                      dout=v["dout"], name="attention_backward", hint=HINTS["backward"])
            return
        hint = HINTS["backward"] if rtol else forward_first("attention_forward")
        for name, g, w in zip(("dQ", "dK", "dV"), grads, want, strict=True):
            assert_close(g, w, what=f"{name} of {what}", hint=hint, **options)

    # multi-head self-attention

    def mh_values(self, N=2, T=3, D=4, h=2, mask=None, dtype=np.float64) -> dict:
        rng = self.rng
        v = {"x": rng.normal(size=(N, T, D)), "dout": rng.normal(size=(N, T, D)),
             **{k: rng.normal(scale=0.7, size=(D, D)) for k in MHA_KEYS}}
        v = {k: a.astype(dtype) for k, a in v.items()}
        v["h"], v["mask"] = h, make_mask(rng, (N, T, T), mask)
        return v

    @staticmethod
    def mh_args(v: dict) -> list:
        return [v["x"], {k: v[k] for k in MHA_KEYS}, v["h"]] + \
            ([] if v["mask"] is None else [v["mask"]])

    def mh_forward(self, v: dict):
        return pair(self.submission.multihead_attention_forward(*self.mh_args(v)),
                    ("out", "cache"), f"multihead_attention_forward(x {v['x'].shape}, params, "
                    f"num_heads={v['h']}{'' if v['mask'] is None else ', mask'})")

    def check_multihead(self, v: dict, rtol: float | None = None) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        out, cache = self.mh_forward(v)
        want_out, want_cache = self.reference.multihead_attention_forward(*self.mh_args(v))
        want_dx, want_grads = self.reference.multihead_attention_backward(v["dout"], want_cache)
        what = f"out of multihead_attention_forward(x {v['x'].shape}, num_heads={v['h']})"
        named(out, want_out, {"wide": (multihead_wide_scale(v), *WIDE_SCALE)}, what,
              HINTS["multihead"])
        assert_close(out, want_out, what=what, hint=HINTS["multihead"], **options)
        bwhat = f"multihead_attention_backward(dout {v['dout'].shape}, cache)"
        dx, grads = pair(self.submission.multihead_attention_backward(v["dout"], cache),
                         ("dx", "grads"), bwhat)
        if not (isinstance(grads, dict) and set(grads) == set(MHA_KEYS)):
            fail(f"{bwhat} returned grads of type {type(grads).__name__}; expected a dict with "
                 f"the keys {', '.join(MHA_KEYS)}",
                 f"{bwhat} 回傳的 grads 型別是 {type(grads).__name__}；應該是鍵為 "
                 f"{', '.join(MHA_KEYS)} 的 dict", HINTS["multihead_backward"])
        if rtol is None:
            gradcheck(lambda p: self.mh_forward({**v, **p})[0], {"x": dx, **grads},
                      {k: v[k] for k in ("x", *MHA_KEYS)}, dout=v["dout"],
                      name="multihead_attention_backward", hint=HINTS["multihead_backward"],
                      max_coords=12)
            return
        assert_close(dx, want_dx, what=f"dx of {bwhat}", hint=HINTS["multihead_backward"],
                     **options)
        for k in MHA_KEYS:
            assert_close(grads[k], want_grads[k], what=f"{k} of {bwhat}",
                         hint=HINTS["multihead_backward"], **options)


WIDE_SCALE = ("the heads' scores were scaled by 1/√D of the model width; each head attends in "
              "its own D/h dimensions, so the scale is 1/√(D/h)",
              "各頭的分數用了模型寬度的 1/√D 縮放；每個頭在自己的 D/h 維裡做注意力，"
              "所以縮放是 1/√(D/h)")


def multihead_wide_scale(v: dict) -> np.ndarray:
    """Multi-head attention's output with the scale 1/√D instead of 1/√(D/h), in NumPy."""
    x = np.asarray(v["x"], dtype=float)
    N, T, D = x.shape
    h = v["h"]

    def split(a):
        return a.reshape(N, T, h, D // h).transpose(0, 2, 1, 3)  # (N, h, T, Dh)
    q, k, val = (split(x @ np.asarray(v[w], dtype=float)) for w in ("Wq", "Wk", "Wv"))
    mask = None if v["mask"] is None else np.broadcast_to(
        np.asarray(v["mask"], bool), (N, T, T))[:, None]
    P = softmax_np(q @ k.transpose(0, 1, 3, 2) / np.sqrt(D), mask)
    concat = (P @ val).transpose(0, 2, 1, 3).reshape(N, T, D)
    return concat @ np.asarray(v["Wo"], dtype=float)


@pytest.fixture
def attn(submission, reference, rng) -> Attention:
    return Attention(submission, reference, rng)

