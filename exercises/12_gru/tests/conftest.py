"""What the visible and the hidden checks of exercise 12 share, as pytest fixtures.

    gru        the student's GRU next to the reference's: forward values first (a mismatch that
               matches a known mistake is named: the update gate the other way round, the reset
               applied before the matmul as in the GRU paper, bh_n outside the reset, the gate
               blocks in another order, a hidden state not carried to the next step), then
               every gradient by central differences of the student's own forward, each
               argument judged alone, when that forward is right, else against the reference's
               gradients. Named backward mistakes: dprev_h without the direct path dnext_h ⊙ z
               (or with nothing else); in the sequence, a hidden-state gradient not passed back
               from step t + 1, recognised by running the student's own step functions that way.
    training   train_sine (given in the stub) on the student's cell: its first losses against
               the reference's, then the loss of the returned parameters, computed here from
               the student's gru_forward, below a stated target

Known forward mistakes are computed here in NumPy, never by asking the reference (a released
bundle replays only the reference answers its checks recorded).
"""

import itertools

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradcheck, pair, tip
from grader.i18n import Text
from grader.remote import CALLS

ORDER = "rzn"  # the blocks of x Wx + bx and prev_h Wh + bh, in this exercise's order
STEP_ARGS = ("x", "prev_h", "Wx", "Wh", "bx", "bh")
STEP_GRADS = ("dx", "dprev_h", "dWx", "dWh", "dbx", "dbh")
SEQ_ARGS = ("x", "h0", "Wx", "Wh", "bx", "bh")
SEQ_GRADS = ("dx", "dh0", "dWx", "dWh", "dbx", "dbh")
WEIGHT_SCALE = 0.5  # random weights N(0, 0.25): pre-activations of O(1), gates not saturated
MATCH_RTOL = 1e-8  # a known mistake reproduced in float64 agrees far closer than it differs
FIRST_STEPS = 10  # train_sine's losses compared step by step with the reference's
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 10 Adam steps
TRAIN_N, TRAIN_T = 16, 20  # train_sine's sequences in grading: a third of the default's
TRAINED_KEYS = ("Wx", "Wh", "bx", "bh", "Wy", "by")  # train_sine: the cell, then the read-out

HINTS = {
    "step_forward": tip(
        "ax = x @ Wx + bx, ah = prev_h @ Wh + bh (N, 3H); r = σ(ax[:, :H] + ah[:, :H]), "
        "z = σ(ax[:, H:2H] + ah[:, H:2H]), n = tanh(ax[:, 2H:] + r * ah[:, 2H:]); "
        "next_h = (1 − z) * n + z * prev_h",
        "ax = x @ Wx + bx、ah = prev_h @ Wh + bh (N, 3H)；r = σ(ax[:, :H] + ah[:, :H])、"
        "z = σ(ax[:, H:2H] + ah[:, H:2H])、n = tanh(ax[:, 2H:] + r * ah[:, 2H:])；"
        "next_h = (1 − z) * n + z * prev_h"),
    "step_backward": tip(
        "dn_a = dnext_h * (1 − z) * (1 − n²); dz_a = dnext_h * (prev_h − n) * z(1 − z); "
        "dr_a = dn_a * ah_n * r(1 − r); dax = [dr_a, dz_a, dn_a], dah = [dr_a, dz_a, dn_a * r]; "
        "dx = dax @ Wx.T, dWx = x.T @ dax, dbx = dax.sum(0), dWh = prev_h.T @ dah, "
        "dbh = dah.sum(0), dprev_h = dah @ Wh.T + dnext_h * z",
        "dn_a = dnext_h * (1 − z) * (1 − n²)；dz_a = dnext_h * (prev_h − n) * z(1 − z)；"
        "dr_a = dn_a * ah_n * r(1 − r)；dax = [dr_a, dz_a, dn_a]、dah = [dr_a, dz_a, dn_a * r]；"
        "dx = dax @ Wx.T、dWx = x.T @ dax、dbx = dax.sum(0)、dWh = prev_h.T @ dah、"
        "dbh = dah.sum(0)、dprev_h = dah @ Wh.T + dnext_h * z"),
    "forward": tip(
        "h = h0; for t in range(T): h, cache_t = gru_step_forward(x[:, t], h, Wx, Wh, bx, bh); "
        "keep every h in out[:, t] and every cache_t",
        "h = h0；for t in range(T)：h, cache_t = gru_step_forward(x[:, t], h, Wx, Wh, bx, bh)；"
        "把每個 h 存進 out[:, t]，並保留每個 cache_t"),
    "backward": tip(
        "dh_next = zeros; for t from T − 1 down to 0: dx_t, dh_next, dWx_t, dWh_t, dbx_t, dbh_t "
        "= gru_step_backward(dh[:, t] + dh_next, cache_t); add up the weights' and biases' "
        "gradients over t; dh0 is the last dh_next",
        "dh_next = 零；t 從 T − 1 倒數到 0：dx_t, dh_next, dWx_t, dWh_t, dbx_t, dbh_t = "
        "gru_step_backward(dh[:, t] + dh_next, cache_t)；把各步權重與偏差值的梯度加總；"
        "dh0 是最後的 dh_next"),
    "training": tip(
        "train_sine is given: it calls your gru_forward and gru_backward; if their own checks "
        "fail, fix those first",
        "train_sine 是現成的：它呼叫你的 gru_forward 與 gru_backward；如果它們自己的檢查"
        "失敗，請先修正它們"),
}


# --- plumbing ------------------------------------------------------------------------------------


def unpack(result, names: tuple[str, ...], what: str | None = None) -> tuple:
    """`result` as a tuple of len(names) values, or a failure saying what came back."""
    if len(names) == 2:
        return pair(result, names, what)
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return tuple(result)
    what = what or CALLS.describe(result) or "the function"
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else type(result).__name__
    fail(f"{what} returned a {kind}; expected {len(names)} values ({', '.join(names)})",
         f"{what} 回傳了 {kind}；應該回傳 {len(names)} 個值（{', '.join(names)}）")


def same(yours, want, rtol: float = MATCH_RTOL) -> bool:
    """Whether yours is an array of want's shape equal to it within rtol (of its largest entry)."""
    want = np.asarray(want, dtype=float)
    if not isinstance(yours, np.ndarray) or yours.shape != want.shape:
        return False
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    return bool(np.all(np.abs(yours.astype(float) - want) <= rtol * scale))


def named(yours: tuple, want: tuple, variants: dict, what: str, hint: Text) -> None:
    """Fail naming the mistake when `yours` (a tuple of arrays) is not `want` but equals one of
    `variants` {label: (values, en, zh)} in every entry."""
    if all(same(a, b) for a, b in zip(yours, want, strict=True)):
        return
    for values, en, zh in variants.values():
        if all(same(a, b) for a, b in zip(yours, values, strict=True)) and \
                not all(same(a, b) for a, b in zip(values, want, strict=True)):
            fail(f"{what}: {en}", f"{what}：{zh}", hint)


def forward_first(forward: str) -> Text:
    """The hint of a backward judged against the reference because its forward is wrong."""
    return tip(f"your {forward} does not match the reference here, so the backward is judged "
               "against the reference's gradients: fix the forward first (see its check)",
               f"你的 {forward} 在這裡與參考答案不同，所以反向傳播改和參考答案的梯度比較："
               "請先修正正向傳播（見它的檢查）")


def shapes(v: dict, names: tuple[str, ...]) -> str:
    return ", ".join(f"{k} {v[k].shape}" for k in names)


# --- known forward mistakes, computed here -------------------------------------------------------


def _sigma(a):
    return np.exp(-np.logaddexp(0.0, -a))  # 1 / (1 + e^−a) without overflow


def run_gru(x, h0, Wx, Wh, bx, bh, *, order=ORDER, swapped=False, reset="after", carry=True):
    """h of every step (N, T, H) as a given reading of the GRU computes it: the blocks taken in
    `order`; next_h = z ⊙ n + (1 − z) ⊙ prev_h when `swapped`; the reset applied "after" the
    matmul (r ⊙ (prev_h Wh_n + bh_n)), "before" it ((r ⊙ prev_h) Wh_n + bh_n) or to the product
    alone (r ⊙ prev_h Wh_n + bh_n, "bias"); each step from the previous h (carry) or from h0."""
    x, h0, Wx, Wh, bx, bh = (np.asarray(v, dtype=float) for v in (x, h0, Wx, Wh, bx, bh))
    H = h0.shape[1]
    k = {gate: slice(j * H, (j + 1) * H) for j, gate in enumerate(order)}
    h, hs = h0, []
    for t in range(x.shape[1]):
        ax, prev = x[:, t] @ Wx + bx, h if carry else h0
        r = _sigma(ax[:, k["r"]] + prev @ Wh[:, k["r"]] + bh[k["r"]])
        z = _sigma(ax[:, k["z"]] + prev @ Wh[:, k["z"]] + bh[k["z"]])
        inner = {"after": r * (prev @ Wh[:, k["n"]] + bh[k["n"]]),
                 "before": (r * prev) @ Wh[:, k["n"]] + bh[k["n"]],
                 "bias": r * (prev @ Wh[:, k["n"]]) + bh[k["n"]]}[reset]
        n = np.tanh(ax[:, k["n"]] + inner)
        h = z * n + (1 - z) * prev if swapped else (1 - z) * n + z * prev
        hs.append(h)
    return np.stack(hs, axis=1)


def forward_mistakes(x, h0, Wx, Wh, bx, bh, sequence: bool) -> dict:
    """{label: (h, en, zh)}: the GRU's forward as the usual mistakes compute it."""
    def run(**options):
        return run_gru(x, h0, Wx, Wh, bx, bh, **options)

    out = {
        "swapped": (run(swapped=True),
                    "the update gate is used the other way round, next_h = z ⊙ n + (1 − z) ⊙ "
                    "prev_h; in this exercise's (PyTorch's) convention z keeps the OLD state: "
                    "next_h = (1 − z) ⊙ n + z ⊙ prev_h",
                    "更新閘用反了，next_h = z ⊙ n + (1 − z) ⊙ prev_h；本練習（PyTorch）的慣例是 "
                    "z 保留「舊的」狀態：next_h = (1 − z) ⊙ n + z ⊙ prev_h"),
        "before": (run(reset="before"),
                   "the reset gate is applied before the matmul, (r ⊙ prev_h) Wh_n (the GRU "
                   "paper's and Keras' reset_after=False form); this exercise follows PyTorch: "
                   "r ⊙ (prev_h Wh_n + bh_n), after the matmul",
                   "重置閘用在矩陣乘法之前，(r ⊙ prev_h) Wh_n（GRU 論文與 Keras "
                   "reset_after=False 的形式）；本練習依照 PyTorch：r ⊙ (prev_h Wh_n + bh_n)，"
                   "在矩陣乘法之後"),
        "bias": (run(reset="bias"),
                 "bh_n is added outside the reset, r ⊙ (prev_h Wh_n) + bh_n; it belongs inside: "
                 "r ⊙ (prev_h Wh_n + bh_n)",
                 "bh_n 加在重置閘外面，r ⊙ (prev_h Wh_n) + bh_n；它應該在裡面："
                 "r ⊙ (prev_h Wh_n + bh_n)"),
    }
    for order in ("".join(p) for p in itertools.permutations(ORDER)):
        if order != ORDER:
            shown = ", ".join(order)
            out[order] = (run(order=order),
                          f"the blocks are read in the order {shown}; this exercise's (and "
                          "PyTorch's) order is r, z, n: columns 0:H → r, H:2H → z, 2H:3H → n, "
                          "in Wx, Wh, bx and bh alike",
                          f"區塊順序讀成了 {shown}；本練習（與 PyTorch）的順序是 r, z, n："
                          "第 0:H 欄 → r、H:2H → z、2H:3H → n，Wx、Wh、bx、bh 都一樣")
    if sequence:
        out["no_carry"] = (run(carry=False),
                           "the hidden state is not carried: every step starts again from h0; "
                           "pass h_t on to step t + 1",
                           "隱藏狀態沒有傳下去：每一步都從 h0 重新開始；要把 h_t 傳給第 t + 1 步")
    return out


# --- the student's GRU next to the reference's --------------------------------------------------


class GRU:
    """The student's GRU functions judged against the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def weights(self, D: int, H: int, dtype=np.float64) -> dict:
        rng = self.rng
        return {"Wx": (WEIGHT_SCALE * rng.normal(size=(D, 3 * H))).astype(dtype),
                "Wh": (WEIGHT_SCALE * rng.normal(size=(H, 3 * H))).astype(dtype),
                "bx": (WEIGHT_SCALE * rng.normal(size=3 * H)).astype(dtype),
                "bh": (WEIGHT_SCALE * rng.normal(size=3 * H)).astype(dtype)}

    def step_inputs(self, N: int, D: int, H: int, dtype=np.float64) -> dict:
        """x, prev_h, Wx, Wh, bx, bh, and the upstream dnext_h, drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, D)).astype(dtype),
             "prev_h": np.tanh(rng.normal(size=(N, H))).astype(dtype)}
        v.update(self.weights(D, H, dtype))
        v["dnext_h"] = rng.normal(size=(N, H))
        return v

    def seq_inputs(self, N: int, T: int, D: int, H: int, dtype=np.float64) -> dict:
        """x (N, T, D), h0, Wx, Wh, bx, bh, and the upstream dh (N, T, H), drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, T, D)).astype(dtype),
             "h0": np.tanh(rng.normal(size=(N, H))).astype(dtype)}
        v.update(self.weights(D, H, dtype))
        v["dh"] = rng.normal(size=(N, T, H))
        return v

    # --- one step ---

    def step(self, v: dict) -> tuple:
        what = f"gru_step_forward({shapes(v, STEP_ARGS)})"
        return pair(self.submission.gru_step_forward(*(v[k] for k in STEP_ARGS)),
                    ("next_h", "cache"), what)

    def check_step_forward(self, v: dict, rtol: float | None = None) -> None:
        """next_h against the reference; a known mistake is named."""
        what = f"gru_step_forward({shapes(v, STEP_ARGS)})"
        next_h, _ = self.step(v)
        want, _ = self.reference.gru_step_forward(*(v[k] for k in STEP_ARGS))
        x = np.asarray(v["x"], dtype=float)[:, None]
        variants = {k: ((h[:, 0],), en, zh) for k, (h, en, zh) in forward_mistakes(
            x, v["prev_h"], v["Wx"], v["Wh"], v["bx"], v["bh"], sequence=False).items()}
        named((next_h,), (want,), variants, f"next_h of {what}", HINTS["step_forward"])
        assert_close(next_h, want, what=f"next_h of {what}", hint=HINTS["step_forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_step_backward(self, v: dict, rtol: float | None = None) -> None:
        """The six gradients by central differences of L = Σ next_h ⊙ dnext_h of the student's
        forward when it is right (and rtol is None), else against the reference's gradients;
        dprev_h's known mistakes are named first."""
        what = f"gru_step_backward(dnext_h {v['dnext_h'].shape}, cache)"
        _, cache = self.step(v)
        grads = unpack(self.submission.gru_step_backward(v["dnext_h"], cache), STEP_GRADS, what)
        want_h, want_cache = self.reference.gru_step_forward(*(v[k] for k in STEP_ARGS))
        want = self.reference.gru_step_backward(v["dnext_h"], want_cache)
        self._name_dprev_h(grads[1], want[1], v, what)
        right = agrees(lambda: self.step(v)[0], want_h)
        if right and rtol is None:
            gradcheck(lambda p: self.step({**v, **p})[0],
                      dict(zip(STEP_ARGS, grads, strict=True)), {k: v[k] for k in STEP_ARGS},
                      dout=v["dnext_h"], name="gru_step_backward", hint=HINTS["step_backward"])
            return
        self._against(grads, want, STEP_GRADS, what, rtol, right, "gru_step_forward",
                      HINTS["step_backward"])

    def _name_dprev_h(self, yours, want, v: dict, what: str) -> None:
        """dprev_h without the direct path dnext_h ⊙ z, or with that path alone, is named."""
        x, prev_h = np.asarray(v["x"], dtype=float), np.asarray(v["prev_h"], dtype=float)
        H = prev_h.shape[1]
        a = x @ v["Wx"][:, H:2 * H] + v["bx"][H:2 * H] + prev_h @ v["Wh"][:, H:2 * H] \
            + v["bh"][H:2 * H]
        direct = v["dnext_h"] * _sigma(a)  # dnext_h ⊙ z
        variants = {
            "no_z_path": ((np.asarray(want) - direct,),
                          "dprev_h is missing the direct path: next_h = (1 − z) ⊙ n + z ⊙ "
                          "prev_h, so prev_h also reaches next_h through z ⊙ prev_h; add "
                          "dnext_h ⊙ z to dah @ Whᵀ",
                          "dprev_h 少了直接的路徑：next_h = (1 − z) ⊙ n + z ⊙ prev_h，所以 prev_h "
                          "也經由 z ⊙ prev_h 直接影響 next_h；要把 dnext_h ⊙ z 加到 dah @ Whᵀ 上"),
            "z_path_only": ((direct,),
                            "dprev_h = dnext_h ⊙ z is only the direct path; prev_h also feeds "
                            "the gates r, z and the candidate n through Wh: add dah @ Whᵀ",
                            "dprev_h = dnext_h ⊙ z 只是直接的路徑；prev_h 也經由 Wh 影響 r、z "
                            "與候選值 n：要加上 dah @ Whᵀ"),
        }
        named((yours,), (want,), variants, f"dprev_h of {what}", HINTS["step_backward"])

    @staticmethod
    def _against(grads, want, names, what, rtol, right: bool, forward: str, hint) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        for value, expected, name in zip(grads, want, names, strict=True):
            assert_close(value, expected, what=f"{name} of {what}",
                         hint=hint if right else forward_first(forward), **options)

    # --- a whole sequence ---

    def forward(self, v: dict) -> tuple:
        what = f"gru_forward({shapes(v, SEQ_ARGS)})"
        return pair(self.submission.gru_forward(*(v[k] for k in SEQ_ARGS)), ("h", "cache"),
                    what)

    def check_forward(self, v: dict, rtol: float | None = None) -> None:
        """h of every step against the reference; a known mistake is named."""
        what = f"gru_forward({shapes(v, SEQ_ARGS)})"
        h, _ = self.forward(v)
        want, _ = self.reference.gru_forward(*(v[k] for k in SEQ_ARGS))
        variants = {k: ((hs,), en, zh) for k, (hs, en, zh) in forward_mistakes(
            v["x"], v["h0"], v["Wx"], v["Wh"], v["bx"], v["bh"], sequence=True).items()}
        named((h,), (want,), variants, f"h of {what}", HINTS["forward"])
        assert_close(h, want, what=f"h of {what}", hint=HINTS["forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_backward(self, v: dict, rtol: float | None = None, numerical: bool = True
                       ) -> None:
        """dx, dh0, dWx, dWh, dbx, dbh by central differences of L = Σ h ⊙ dh of the student's
        forward when it is right (and rtol is None and numerical), else against the reference's
        (numerical=False saves the many forward calls of a long sequence); a hidden
        state's gradient that is not carried back from step t + 1 is named."""
        what = f"gru_backward(dh {v['dh'].shape}, cache)"
        _, cache = self.forward(v)
        grads = unpack(self.submission.gru_backward(v["dh"], cache), SEQ_GRADS, what)
        want_h, want_cache = self.reference.gru_forward(*(v[k] for k in SEQ_ARGS))
        want = self.reference.gru_backward(v["dh"], want_cache)
        right = agrees(lambda: self.forward(v)[0], want_h)
        if right and not all(same(a, b) for a, b in zip(grads, want, strict=True)):
            named(grads, want, self.uncarried(v), what, HINTS["backward"])
        if right and rtol is None and numerical:
            gradcheck(lambda p: self.forward({**v, **p})[0],
                      dict(zip(SEQ_ARGS, grads, strict=True)), {k: v[k] for k in SEQ_ARGS},
                      dout=v["dh"], name="gru_backward", hint=HINTS["backward"])
            return
        self._against(grads, want, SEQ_GRADS, what, rtol, right, "gru_forward",
                      HINTS["backward"])

    def uncarried(self, v: dict) -> dict:
        """{label: (grads, en, zh)}: BPTT run here through the student's own step functions with
        the hidden state's gradient dropped between steps; empty when they cannot run."""
        try:
            grads = self._bptt(v)
        except AssertionError:  # the student's step functions fail: nothing to name
            return {}
        return {"no_dh": (grads,
                          "these are the gradients of a loop that uses dh[:, t] alone: the hidden "
                          "state's gradient from step t + 1 is not added (use dh[:, t] + dh_next)",
                          "這是只用 dh[:, t] 的迴圈算出的梯度：沒有加上第 t + 1 步傳回的隱藏狀態"
                          "梯度（要用 dh[:, t] + dh_next）")}

    def _bptt(self, v: dict) -> tuple:
        """BPTT without carrying dprev_h back, through the student's step functions."""
        x, dh = np.asarray(v["x"], dtype=float), np.asarray(v["dh"], dtype=float)
        h, caches = v["h0"], []
        for t in range(x.shape[1]):
            h, cache = pair(self.submission.gru_step_forward(
                x[:, t], h, v["Wx"], v["Wh"], v["bx"], v["bh"]), ("next_h", "cache"))
            caches.append(cache)
        dx, dh_prev, total = np.zeros(x.shape), None, [0.0] * 4
        for t in reversed(range(x.shape[1])):
            step = unpack(self.submission.gru_step_backward(dh[:, t], caches[t]), STEP_GRADS)
            dx[:, t], dh_prev = step[:2]
            total = [s + g for s, g in zip(total, step[2:], strict=True)]
        return (dx, dh_prev, *total)

    # --- the cache is read, never written ---

    def check_cache_kept(self, step: dict, seq: dict) -> None:
        """Each backward, called twice with the same cache, gives the same gradients."""
        _, cache = self.step(step)
        calls = [self.submission.gru_step_backward(step["dnext_h"], cache) for _ in range(2)]
        self._same_twice(calls, STEP_GRADS, "gru_step_backward")
        _, cache = self.forward(seq)
        calls = [self.submission.gru_backward(seq["dh"], cache) for _ in range(2)]
        self._same_twice(calls, SEQ_GRADS, "gru_backward")

    @staticmethod
    def _same_twice(calls: list, names: tuple, function: str) -> None:
        first, second = (unpack(c, names, function) for c in calls)
        changed = [n for n, a, b in zip(names, first, second, strict=True)
                   if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
                           and a.shape == b.shape and np.array_equal(a, b))]
        if changed:
            fail(f"{function} gave other {', '.join(changed)} when called again with the same "
                 "upstream gradient and cache: it changes its cache in place (an `*=` or `+=` "
                 "on an array the cache holds)",
                 f"用相同的上游梯度與 cache 再呼叫一次 {function}，得到不同的 "
                 f"{', '.join(changed)}：它原地修改了 cache（對 cache 裡的陣列用了 `*=` 或 `+=`）")


@pytest.fixture
def gru(submission, reference, rng) -> GRU:
    return GRU(submission, reference, rng)


# --- training on the sine waves ------------------------------------------------------------------


class Training:
    """train_sine on the student's cell, judged on the trusted side."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check(self, H: int, steps: int, seed: int, target: float, N: int = TRAIN_N,
              T: int = TRAIN_T) -> None:
        options = {"H": H, "steps": steps, "seed": seed, "N": N, "T": T}
        what = f"train_sine({', '.join(f'{k}={v}' for k, v in options.items())})"
        params, losses = pair(self.submission.train_sine(**options), ("params", "losses"), what)
        _, want = self.reference.train_sine(**options)
        first = min(FIRST_STEPS, steps)
        yours = np.asarray(losses, dtype=float)
        if yours.shape != (steps,):
            fail(f"{what} returned {yours.size} losses; expected one per step, {steps}",
                 f"{what} 回傳了 {yours.size} 個損失；應該每一步一個，共 {steps} 個",
                 HINTS["training"])
        assert_close(yours[:first], np.asarray(want[:first]), rtol=HISTORY_RTOL,
                     what=f"the first {first} losses of {what}", hint=HINTS["training"])
        x, y = self.reference.sine_wave_data(N, T, seed)
        loss = self.loss(params, x, y, what)
        if not loss < target:
            fail(f"after {what} your GRU's mean squared error is {loss:.4g}; expected below "
                 f"{target} (the reference reaches {want[-1]:.3g}; predicting x_t itself "
                 f"scores {np.mean((x - y) ** 2):.3g})",
                 f"{what} 之後你的 GRU 的均方誤差是 {loss:.4g}；應該低於 {target}"
                 f"（參考答案達到 {want[-1]:.3g}；直接預測 x_t 是 {np.mean((x - y) ** 2):.3g}）",
                 HINTS["training"])

    def loss(self, params, x, y, what: str) -> float:
        """Mean squared error of the returned params, from the student's gru_forward and the
        read-out ŷ = h Wy + by computed here."""
        try:
            p = {k: np.asarray(params[k], dtype=float) for k in TRAINED_KEYS}
        except (TypeError, KeyError, ValueError, IndexError):
            fail(f"{what} did not return params as a dict of Wx, Wh, bx, bh, Wy, by",
                 f"{what} 回傳的 params 不是含 Wx、Wh、bx、bh、Wy、by 的 dict")
        h0 = np.zeros((x.shape[0], p["Wh"].shape[0]))
        h, _ = pair(self.submission.gru_forward(x, h0, p["Wx"], p["Wh"], p["bx"], p["bh"]),
                    ("h", "cache"))
        pred = np.asarray(h, dtype=float) @ p["Wy"] + p["by"]
        return float(np.mean((pred - y) ** 2)) if pred.shape == y.shape else float("inf")


@pytest.fixture
def training(submission, reference) -> Training:
    return Training(submission, reference)
