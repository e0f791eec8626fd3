"""What the visible and the hidden checks of exercise 11 share, as pytest fixtures.

    lstm       the student's LSTM next to the reference's: forward values first (a mismatch that
               matches a known mistake is named: the forget gate through tanh, h = o ⊙ c without
               the tanh, the gate blocks in another order, a cell state not carried to the next
               step), then every gradient by central differences of the student's own forward,
               each argument judged alone, when that forward is right, else against the
               reference's gradients. Named backward mistakes: dprev_c without the factor f (or
               without the path through next_h); in the sequence, a cell-state or hidden-state
               gradient not passed back from step t + 1, recognised by running the student's
               own step functions that way.
    training   train_sine (given in the stub) on the student's cell: its first losses against
               the reference's, then the loss of the returned parameters, computed here from
               the student's lstm_forward, below a stated target

Known forward mistakes are computed here in NumPy, never by asking the reference (a released
bundle replays only the reference answers its checks recorded).
"""

import itertools

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradcheck, pair, tip
from grader.i18n import Text
from grader.remote import CALLS

ORDER = "ifog"  # the gate blocks of a = x Wx + prev_h Wh + b, in this exercise's order
STEP_ARGS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
STEP_GRADS = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
SEQ_ARGS = ("x", "h0", "Wx", "Wh", "b")
SEQ_GRADS = ("dx", "dh0", "dWx", "dWh", "db")
WEIGHT_SCALE = 0.5  # random weights N(0, 0.25): pre-activations of O(1), gates not saturated
MATCH_RTOL = 1e-8  # a known mistake reproduced in float64 agrees far closer than it differs
FIRST_STEPS = 10  # train_sine's losses compared step by step with the reference's
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 10 Adam steps
TRAIN_N, TRAIN_T = 16, 20  # train_sine's sequences in grading: a third of the default's
TRAINED_KEYS = ("Wx", "Wh", "b", "Wy", "by")  # train_sine: the cell, then the read-out

HINTS = {
    "step_forward": tip(
        "a = x @ Wx + prev_h @ Wh + b (N, 4H); i = σ(a[:, :H]), f = σ(a[:, H:2H]), "
        "o = σ(a[:, 2H:3H]), g = tanh(a[:, 3H:]); next_c = f * prev_c + i * g, "
        "next_h = o * tanh(next_c)",
        "a = x @ Wx + prev_h @ Wh + b (N, 4H)；i = σ(a[:, :H])、f = σ(a[:, H:2H])、"
        "o = σ(a[:, 2H:3H])、g = tanh(a[:, 3H:])；next_c = f * prev_c + i * g、"
        "next_h = o * tanh(next_c)"),
    "step_backward": tip(
        "dc = dnext_c + dnext_h * o * (1 − tanh(next_c)²); di = dc * g, df = dc * prev_c, "
        "do = dnext_h * tanh(next_c), dg = dc * i; da = [di·i(1−i), df·f(1−f), do·o(1−o), "
        "dg·(1−g²)]; dx = da @ Wx.T, dprev_h = da @ Wh.T, dprev_c = dc * f, dWx = x.T @ da, "
        "dWh = prev_h.T @ da, db = da.sum(axis=0)",
        "dc = dnext_c + dnext_h * o * (1 − tanh(next_c)²)；di = dc * g、df = dc * prev_c、"
        "do = dnext_h * tanh(next_c)、dg = dc * i；da = [di·i(1−i), df·f(1−f), do·o(1−o), "
        "dg·(1−g²)]；dx = da @ Wx.T、dprev_h = da @ Wh.T、dprev_c = dc * f、dWx = x.T @ da、"
        "dWh = prev_h.T @ da、db = da.sum(axis=0)"),
    "forward": tip(
        "h, c = h0, zeros (N, H); for t in range(T): h, c, cache_t = lstm_step_forward(x[:, t], "
        "h, c, Wx, Wh, b); keep every h in out[:, t] and every cache_t",
        "h, c = h0, 零矩陣 (N, H)；for t in range(T)：h, c, cache_t = lstm_step_forward(x[:, t], "
        "h, c, Wx, Wh, b)；把每個 h 存進 out[:, t]，並保留每個 cache_t"),
    "backward": tip(
        "dh_next = dc_next = zeros; for t from T − 1 down to 0: dx_t, dh_next, dc_next, dWx_t, "
        "dWh_t, db_t = lstm_step_backward(dh[:, t] + dh_next, dc_next, cache_t); add up dWx, "
        "dWh, db over t; dh0 is the last dh_next",
        "dh_next = dc_next = 零；t 從 T − 1 倒數到 0：dx_t, dh_next, dc_next, dWx_t, dWh_t, "
        "db_t = lstm_step_backward(dh[:, t] + dh_next, dc_next, cache_t)；把各步的 dWx、dWh、db "
        "加總；dh0 是最後的 dh_next"),
    "training": tip(
        "train_sine is given: it calls your lstm_forward and lstm_backward; if their own checks "
        "fail, fix those first",
        "train_sine 是現成的：它呼叫你的 lstm_forward 與 lstm_backward；如果它們自己的檢查"
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


def run_lstm(x, h0, c0, Wx, Wh, b, *, order=ORDER, forget=_sigma, squash=np.tanh, carry=True):
    """(h, c), both (N, T, H): the LSTM as a given reading of it computes them. The gate blocks
    of a are taken in `order`, f = forget(a_f), next_h = o ⊙ squash(next_c), and each step
    starts from the previous c (carry) or from c0 again."""
    x, h, c0, Wx, Wh, b = (np.asarray(v, dtype=float) for v in (x, h0, c0, Wx, Wh, b))
    H = h.shape[1]
    block = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}
    c, hs, cs = c0, [], []
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + h @ Wh + b
        i, f, o = _sigma(a[:, block["i"]]), forget(a[:, block["f"]]), _sigma(a[:, block["o"]])
        c = f * (c if carry else c0) + i * np.tanh(a[:, block["g"]])
        h = o * squash(c)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def forward_mistakes(x, h0, c0, Wx, Wh, b, sequence: bool) -> dict:
    """{label: ((h, c), en, zh)}: the LSTM's forward as the usual mistakes compute it."""
    def run(**options):
        return run_lstm(x, h0, c0, Wx, Wh, b, **options)

    out = {
        "forget_tanh": (run(forget=np.tanh),
                        "the forget gate goes through tanh; it is a gate, f = σ(a[:, H:2H]) in "
                        "(0, 1), the fraction of the old cell state kept (only the candidate g "
                        "takes tanh)",
                        "遺忘閘用了 tanh；它是一個閘，f = σ(a[:, H:2H]) 介於 0 與 1 之間，"
                        "代表保留多少舊的細胞狀態（只有候選值 g 用 tanh）"),
        "no_tanh": (run(squash=lambda c: c),
                    "h = o ⊙ c: the cell state is squashed before it is shown, "
                    "next_h = o ⊙ tanh(next_c)",
                    "h = o ⊙ c：細胞狀態要先經過 tanh 才輸出，next_h = o ⊙ tanh(next_c)"),
    }
    for order in ("".join(p) for p in itertools.permutations(ORDER)):
        if order != ORDER:
            shown, torch = ", ".join(order), order == "ifgo"
            en, zh = (" (PyTorch's and Keras' order)", "（PyTorch 與 Keras 的順序）") if torch \
                else ("", "")
            out[order] = (run(order=order),
                          f"the gate blocks are read in the order {shown}{en}; this exercise's "
                          "order is i, f, o, g: a[:, 0:H] → i, a[:, H:2H] → f, "
                          "a[:, 2H:3H] → o, a[:, 3H:4H] → g",
                          f"閘的區塊順序讀成了 {shown}{zh}；本練習的"
                          "順序是 i, f, o, g：a[:, 0:H] → i、a[:, H:2H] → f、a[:, 2H:3H] → o、"
                          "a[:, 3H:4H] → g")
    if sequence:
        out["no_carry"] = (run(carry=False),
                           "the cell state is not carried: every step starts again from c = 0; "
                           "pass c_t on to step t + 1 (c0 = 0 only at t = 0)",
                           "細胞狀態沒有傳下去：每一步都從 c = 0 重新開始；要把 c_t 傳給第 t + 1 步"
                           "（只有 t = 0 時 c0 = 0）")
    return out


# --- the student's LSTM next to the reference's -------------------------------------------------


class LSTM:
    """The student's LSTM functions judged against the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def weights(self, D: int, H: int, dtype=np.float64) -> dict:
        rng = self.rng
        return {"Wx": (WEIGHT_SCALE * rng.normal(size=(D, 4 * H))).astype(dtype),
                "Wh": (WEIGHT_SCALE * rng.normal(size=(H, 4 * H))).astype(dtype),
                "b": (WEIGHT_SCALE * rng.normal(size=4 * H)).astype(dtype)}

    def step_inputs(self, N: int, D: int, H: int, dtype=np.float64) -> dict:
        """x, prev_h, prev_c, Wx, Wh, b, and upstream dnext_h, dnext_c, drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, D)), "prev_h": np.tanh(rng.normal(size=(N, H))),
             "prev_c": rng.normal(size=(N, H))}
        v = {k: a.astype(dtype) for k, a in v.items()}
        v.update(self.weights(D, H, dtype))
        v.update(dnext_h=rng.normal(size=(N, H)), dnext_c=rng.normal(size=(N, H)))
        return v

    def seq_inputs(self, N: int, T: int, D: int, H: int, dtype=np.float64) -> dict:
        """x (N, T, D), h0, Wx, Wh, b, and upstream dh (N, T, H), drawn from the rng."""
        rng = self.rng
        v = {"x": rng.normal(size=(N, T, D)).astype(dtype),
             "h0": np.tanh(rng.normal(size=(N, H))).astype(dtype)}
        v.update(self.weights(D, H, dtype))
        v["dh"] = rng.normal(size=(N, T, H))
        return v

    # --- one step ---

    def step(self, v: dict) -> tuple:
        what = f"lstm_step_forward({shapes(v, STEP_ARGS)})"
        return unpack(self.submission.lstm_step_forward(*(v[k] for k in STEP_ARGS)),
                      ("next_h", "next_c", "cache"), what)

    def check_step_forward(self, v: dict, rtol: float | None = None) -> None:
        """next_h and next_c against the reference; a known mistake is named."""
        what = f"lstm_step_forward({shapes(v, STEP_ARGS)})"
        next_h, next_c, _ = self.step(v)
        want_h, want_c, _ = self.reference.lstm_step_forward(*(v[k] for k in STEP_ARGS))
        x = np.asarray(v["x"], dtype=float)[:, None]
        variants = {k: ((h[:, 0], c[:, 0]), en, zh) for k, ((h, c), en, zh) in forward_mistakes(
            x, v["prev_h"], v["prev_c"], v["Wx"], v["Wh"], v["b"], sequence=False).items()}
        named((next_h, next_c), (want_h, want_c), variants, what, HINTS["step_forward"])
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(next_c, want_c, what=f"next_c of {what}", hint=HINTS["step_forward"],
                     **options)
        assert_close(next_h, want_h, what=f"next_h of {what}", hint=HINTS["step_forward"],
                     **options)

    def check_step_backward(self, v: dict, rtol: float | None = None) -> None:
        """The six gradients by central differences of L = Σ next_h ⊙ dnext_h + Σ next_c ⊙
        dnext_c of the student's forward when it is right (and rtol is None), else against the
        reference's gradients; dprev_c's known mistakes are named first."""
        what = f"lstm_step_backward(dnext_h {v['dnext_h'].shape}, dnext_c, cache)"
        _, _, cache = self.step(v)
        grads = unpack(self.submission.lstm_step_backward(v["dnext_h"], v["dnext_c"], cache),
                       STEP_GRADS, what)
        want_h, want_c, want_cache = self.reference.lstm_step_forward(
            *(v[k] for k in STEP_ARGS))
        want = self.reference.lstm_step_backward(v["dnext_h"], v["dnext_c"], want_cache)
        self._name_dprev_c(grads[2], want[2], v, what)
        right = agrees(lambda: self.step(v)[0], want_h) and agrees(lambda: self.step(v)[1],
                                                                   want_c)
        if right and rtol is None:
            dout = np.concatenate([v["dnext_h"], v["dnext_c"]])  # (2N, H): L of both outputs
            gradcheck(lambda p: np.concatenate(self.step({**v, **p})[:2]),
                      dict(zip(STEP_ARGS, grads, strict=True)), {k: v[k] for k in STEP_ARGS},
                      dout=dout, name="lstm_step_backward", hint=HINTS["step_backward"])
            return
        self._against(grads, want, STEP_GRADS, what, rtol, right, "lstm_step_forward",
                      HINTS["step_backward"])

    def _name_dprev_c(self, yours, want, v: dict, what: str) -> None:
        """dprev_c without the factor f, or without the path through next_h, is named."""
        a = np.asarray(v["x"], float) @ v["Wx"] + np.asarray(v["prev_h"], float) @ v["Wh"] \
            + v["b"]
        H = a.shape[1] // 4
        f = _sigma(a[:, H:2 * H])
        variants = {
            "no_f": ((np.asarray(want) / f,),
                     "dprev_c is missing the forget gate's factor: next_c = f ⊙ prev_c + i ⊙ g, "
                     "so dprev_c = dc ⊙ f",
                     "dprev_c 少了遺忘閘的因子：next_c = f ⊙ prev_c + i ⊙ g，所以 "
                     "dprev_c = dc ⊙ f"),
            "no_h_path": ((v["dnext_c"] * f,),
                          "dprev_c = dnext_c ⊙ f misses the path through next_h = o ⊙ "
                          "tanh(next_c): dc = dnext_c + dnext_h ⊙ o ⊙ (1 − tanh²(next_c)), then "
                          "dprev_c = dc ⊙ f",
                          "dprev_c = dnext_c ⊙ f 漏掉了經過 next_h = o ⊙ tanh(next_c) 的路徑："
                          "dc = dnext_c + dnext_h ⊙ o ⊙ (1 − tanh²(next_c))，再算 "
                          "dprev_c = dc ⊙ f"),
        }
        named((yours,), (want,), variants, f"dprev_c of {what}", HINTS["step_backward"])

    @staticmethod
    def _against(grads, want, names, what, rtol, right: bool, forward: str, hint) -> None:
        options = {} if rtol is None else {"rtol": rtol}
        for value, expected, name in zip(grads, want, names, strict=True):
            assert_close(value, expected, what=f"{name} of {what}",
                         hint=hint if right else forward_first(forward), **options)

    # --- a whole sequence ---

    def forward(self, v: dict) -> tuple:
        what = f"lstm_forward({shapes(v, SEQ_ARGS)})"
        return pair(self.submission.lstm_forward(*(v[k] for k in SEQ_ARGS)), ("h", "cache"),
                    what)

    def check_forward(self, v: dict, rtol: float | None = None) -> None:
        """h of every step against the reference; a known mistake is named."""
        what = f"lstm_forward({shapes(v, SEQ_ARGS)})"
        h, _ = self.forward(v)
        want, _ = self.reference.lstm_forward(*(v[k] for k in SEQ_ARGS))
        c0 = np.zeros(v["h0"].shape)
        variants = {k: ((hc[0],), en, zh) for k, (hc, en, zh) in forward_mistakes(
            v["x"], v["h0"], c0, v["Wx"], v["Wh"], v["b"], sequence=True).items()}
        named((h,), (want,), variants, f"h of {what}", HINTS["forward"])
        assert_close(h, want, what=f"h of {what}", hint=HINTS["forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_backward(self, v: dict, rtol: float | None = None, numerical: bool = True
                       ) -> None:
        """dx, dh0, dWx, dWh, db by central differences of L = Σ h ⊙ dh of the student's
        forward when it is right (and rtol is None and numerical), else against the reference's
        (numerical=False saves the many forward calls of a long sequence); gradients
        that are not carried back from step t + 1 are named."""
        what = f"lstm_backward(dh {v['dh'].shape}, cache)"
        _, cache = self.forward(v)
        grads = unpack(self.submission.lstm_backward(v["dh"], cache), SEQ_GRADS, what)
        want_h, want_cache = self.reference.lstm_forward(*(v[k] for k in SEQ_ARGS))
        want = self.reference.lstm_backward(v["dh"], want_cache)
        right = agrees(lambda: self.forward(v)[0], want_h)
        if right and not all(same(a, b) for a, b in zip(grads, want, strict=True)):
            named(grads, want, self.uncarried(v), what, HINTS["backward"])
        if right and rtol is None and numerical:
            gradcheck(lambda p: self.forward({**v, **p})[0],
                      dict(zip(SEQ_ARGS, grads, strict=True)), {k: v[k] for k in SEQ_ARGS},
                      dout=v["dh"], name="lstm_backward", hint=HINTS["backward"])
            return
        self._against(grads, want, SEQ_GRADS, what, rtol, right, "lstm_forward",
                      HINTS["backward"])

    def uncarried(self, v: dict) -> dict:
        """{label: (grads, en, zh)}: BPTT run here through the student's own step functions with
        the cell state's (or the hidden state's) gradient dropped between steps; empty when the
        step functions cannot run."""
        try:
            return {
                "no_dc": (self._bptt(v, carry_c=False),
                          "these are the gradients of a loop that passes dc_next = 0 into every "
                          "step: the cell state's gradient is not carried back from step t + 1 "
                          "(give lstm_step_backward the dprev_c that step t + 1 returned)",
                          "這是每一步都傳入 dc_next = 0 的迴圈算出的梯度：細胞狀態的梯度沒有從"
                          "第 t + 1 步傳回來（要把第 t + 1 步回傳的 dprev_c 交給 "
                          "lstm_step_backward）"),
                "no_dh": (self._bptt(v, carry_h=False),
                          "these are the gradients of a loop that uses dh[:, t] alone: the hidden "
                          "state's gradient from step t + 1 is not added (use dh[:, t] + dh_next)",
                          "這是只用 dh[:, t] 的迴圈算出的梯度：沒有加上第 t + 1 步傳回的隱藏狀態"
                          "梯度（要用 dh[:, t] + dh_next）"),
            }
        except AssertionError:  # the student's step functions fail: nothing to name
            return {}

    def _bptt(self, v: dict, carry_c: bool = True, carry_h: bool = True) -> tuple:
        x, dh = np.asarray(v["x"], dtype=float), np.asarray(v["dh"], dtype=float)
        N, T, D = x.shape
        h, c = v["h0"], np.zeros(v["h0"].shape)
        caches = []
        for t in range(T):
            h, c, cache = unpack(self.submission.lstm_step_forward(
                x[:, t], h, c, v["Wx"], v["Wh"], v["b"]), ("next_h", "next_c", "cache"))
            caches.append(cache)
        zeros = np.zeros(dh.shape[::2])
        dx, dh_next, dc_next, total = np.zeros(x.shape), zeros, zeros, [0.0, 0.0, 0.0]
        for t in reversed(range(T)):
            step = unpack(self.submission.lstm_step_backward(
                dh[:, t] + (dh_next if carry_h else 0.0), dc_next if carry_c else zeros,
                caches[t]), STEP_GRADS)
            dx[:, t], dh_next, dc_next = step[:3]
            total = [s + g for s, g in zip(total, step[3:], strict=True)]
        return (dx, dh_next, *total)

    # --- the cache is read, never written ---

    def check_cache_kept(self, step: dict, seq: dict) -> None:
        """Each backward, called twice with the same cache, gives the same gradients."""
        _, _, cache = self.step(step)
        calls = [self.submission.lstm_step_backward(step["dnext_h"], step["dnext_c"], cache)
                 for _ in range(2)]
        self._same_twice(calls, STEP_GRADS, "lstm_step_backward")
        _, cache = self.forward(seq)
        calls = [self.submission.lstm_backward(seq["dh"], cache) for _ in range(2)]
        self._same_twice(calls, SEQ_GRADS, "lstm_backward")

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
def lstm(submission, reference, rng) -> LSTM:
    return LSTM(submission, reference, rng)


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
            fail(f"after {what} your LSTM's mean squared error is {loss:.4g}; expected below "
                 f"{target} (the reference reaches {want[-1]:.3g}; predicting x_t itself "
                 f"scores {np.mean((x - y) ** 2):.3g})",
                 f"{what} 之後你的 LSTM 的均方誤差是 {loss:.4g}；應該低於 {target}"
                 f"（參考答案達到 {want[-1]:.3g}；直接預測 x_t 是 {np.mean((x - y) ** 2):.3g}）",
                 HINTS["training"])

    def loss(self, params, x, y, what: str) -> float:
        """Mean squared error of the returned params, from the student's lstm_forward and the
        read-out ŷ = h Wy + by computed here."""
        try:
            p = {k: np.asarray(params[k], dtype=float) for k in TRAINED_KEYS}
        except (TypeError, KeyError, ValueError, IndexError):
            fail(f"{what} did not return params as a dict of Wx, Wh, b, Wy, by",
                 f"{what} 回傳的 params 不是含 Wx、Wh、b、Wy、by 的 dict")
        h0 = np.zeros((x.shape[0], p["Wh"].shape[0]))
        h, _ = pair(self.submission.lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"]),
                    ("h", "cache"))
        pred = np.asarray(h, dtype=float) @ p["Wy"] + p["by"]
        return float(np.mean((pred - y) ** 2)) if pred.shape == y.shape else float("inf")


@pytest.fixture
def training(submission, reference) -> Training:
    return Training(submission, reference)
