"""What the visible and the hidden checks of exercise 06 share, as pytest fixtures.

    updates   updates(name, grads, w0, **hyper): run the student's optimizer `name` over a
              sequence of gradients, passing its own returned state back in each time, and judge
              every iterate against the reference run the same way; a mismatch that matches a
              known mistake (heavy ball for the EMA momentum and back, Adam without bias
              correction, AdamW's decay inside the adaptive division) is named

The gradients are a fixed sequence (not ∇f at the student's w), so a wrong step shows at the step
where it happens. The known mistakes are computed here in NumPy, never by asking the reference
(a released bundle replays only the reference answers its checks recorded).
"""

import numpy as np
import pytest

from grader.checks import assert_close, fail, pair, tip
from grader.remote import CALLS

HINTS = {
    "sgd": tip("w − lr · dw, a new array", "w − lr · dw，回傳新的陣列"),
    "momentum": tip("the seeds' form: m = γ m + (1 − γ) g, then w − lr · m (m starts at 0)",
                    "講義的形式：m = γ m + (1 − γ) g，再算 w − lr · m（m 從 0 開始）"),
    "heavy_ball": tip("the heavy ball: v = γ v + lr · g, then w − v (v starts at 0)",
                      "重球法：v = γ v + lr · g，再算 w − v（v 從 0 開始）"),
    "nesterov": tip("v = γ v + lr · g, then w − (γ v + lr · g): one more look-ahead than the "
                    "heavy ball",
                    "v = γ v + lr · g，再算 w − (γ v + lr · g)：比重球法多往前看一步"),
    "adagrad": tip("G = G + g², then w − lr · g / (√G + eps)",
                   "G = G + g²，再算 w − lr · g / (√G + eps)"),
    "adadelta": tip("v = ρv + (1 − ρ)g²; Δ = −√(D + eps)/√(v + eps) · g with the old D; then "
                    "D = ρD + (1 − ρ)Δ² and w + lr · Δ",
                    "v = ρv + (1 − ρ)g²；Δ = −√(D + eps)/√(v + eps) · g（用舊的 D）；再算 "
                    "D = ρD + (1 − ρ)Δ² 與 w + lr · Δ"),
    "rmsprop": tip("v = ρ v + (1 − ρ) g², then w − lr · g / (√v + eps)",
                   "v = ρ v + (1 − ρ) g²，再算 w − lr · g / (√v + eps)"),
    "adam": tip("t = t + 1; m and v as moving averages; m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ); "
                "w − lr · m̂ / (√v̂ + eps); keep t in the state",
                "t = t + 1；m、v 是移動平均；m̂ = m / (1 − β₁ᵗ)、v̂ = v / (1 − β₂ᵗ)；"
                "w − lr · m̂ / (√v̂ + eps)；t 要存在 state 裡"),
    "adamw": tip("Adam's m̂ / (√v̂ + eps) from dw alone, then w − lr · (that + weight_decay · w)",
                 "只用 dw 算出 Adam 的 m̂ / (√v̂ + eps)，再算 w − lr · (它 + weight_decay · w)"),
}


# --- known mistakes, computed here ---------------------------------------------------------------


def _mistakes(name, grads, w0, hyper):
    """{label: (path, en, zh)} of the plausible wrong versions of `name`."""
    lr = hyper.get("lr", {"adadelta": 1.0, "rmsprop": 1e-3, "adam": 1e-3, "adamw": 1e-3}
                   .get(name, 1e-2))
    gamma = hyper.get("gamma", 0.9)
    out = {}

    def path(step):
        w, mem, ws = np.array(w0, dtype=np.float64), {}, []
        for t, g in enumerate(grads, start=1):
            w = step(w, np.asarray(g, dtype=np.float64), t, mem)
            ws.append(w)
        return np.array(ws)

    def heavy(w, g, t, mem):
        mem["v"] = gamma * mem.get("v", 0.0) + lr * g
        return w - mem["v"]

    def ema(w, g, t, mem):
        mem["m"] = gamma * mem.get("m", 0.0) + (1 - gamma) * g
        return w - lr * mem["m"]

    def adam_like(corrected=True, l2=0.0, decoupled=0.0):
        b1, b2 = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999)
        eps = hyper.get("eps", 1e-8)

        def step(w, g, t, mem):
            g = g + l2 * w
            mem["m"] = b1 * mem.get("m", 0.0) + (1 - b1) * g
            mem["v"] = b2 * mem.get("v", 0.0) + (1 - b2) * g * g
            m, v = mem["m"], mem["v"]
            if corrected:
                m, v = m / (1 - b1**t), v / (1 - b2**t)
            return w - lr * (m / (np.sqrt(v) + eps) + decoupled * w)
        return step

    if name == "momentum":
        out["heavy ball"] = (path(heavy),
                             "this is the heavy ball v = γv + lr·g, not the seeds' EMA momentum "
                             "m = γm + (1 − γ)g with w − lr·m: its steps are 1/(1 − γ) times "
                             "larger",
                             "這是重球法 v = γv + lr·g，不是講義的 EMA 動量 m = γm + (1 − γ)g "
                             "再算 w − lr·m：步長大了 1/(1 − γ) 倍")
    if name in ("heavy_ball", "nesterov"):
        out["ema"] = (path(ema),
                      "this is the seeds' EMA momentum m = γm + (1 − γ)g, w − lr·m; here the "
                      "velocity is v = γv + lr·g (no 1 − γ) and the step is w − v",
                      "這是講義的 EMA 動量 m = γm + (1 − γ)g、w − lr·m；這裡的速度是 "
                      "v = γv + lr·g（沒有 1 − γ），更新是 w − v")
    if name == "nesterov":
        out["heavy ball"] = (path(heavy),
                             "this is the heavy ball w − v; Nesterov steps w − (γv + lr·g), "
                             "looking one momentum step further ahead",
                             "這是重球法 w − v；Nesterov 的更新是 w − (γv + lr·g)，多往前看一步")
    if name in ("adam", "adamw"):
        wd = hyper.get("weight_decay", 0.0 if name == "adam" else 1e-2)
        l2, dec = (wd, 0.0) if name == "adam" else (0.0, wd)
        out["uncorrected"] = (path(adam_like(False, l2, dec)),
                              "the bias correction is missing: divide m by (1 − β₁ᵗ) and v by "
                              "(1 − β₂ᵗ), with t = 1 at the first update (kept in the state)",
                              "少了偏差校正：m 要除以 (1 − β₁ᵗ)、v 要除以 (1 − β₂ᵗ)，第一次更新 "
                              "t = 1（t 存在 state 裡）")
    if name == "adamw":
        wd = hyper.get("weight_decay", 1e-2)
        out["l2"] = (path(adam_like(True, wd, 0.0)),
                     "the decay went into the gradient (Adam with L2): AdamW leaves dw alone and "
                     "subtracts lr · weight_decay · w outside the division by √v̂",
                     "衰減被加進梯度了（Adam 加 L2）：AdamW 不改 dw，而是在除以 √v̂ 之外另外減去 "
                     "lr · weight_decay · w")
    return out


def _same(yours, want) -> bool:
    if not isinstance(yours, np.ndarray) or yours.shape != want.shape:
        return False
    scale = np.max(np.abs(want), initial=1e-300)
    return bool(np.all(np.abs(yours - want) <= 1e-6 * (np.abs(want) + scale)))


class Updates:
    """The student's optimizers, run step by step and judged against the reference."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def __call__(self, name, grads, w0, rtol=None, **hyper):
        """Run `name` over grads from w0 (state threaded); return the student's last state."""
        sub, ref = getattr(self.submission, name), getattr(self.reference, name)
        w_s, s_s, w_r, s_r = w0, None, w0, None
        ws, wants = [], []
        for g in grads:
            result = sub(w_s, g, s_s, **hyper)
            call = CALLS.describe(result) or name
            w_s, s_s = pair(result, ("next_w", "next_state"), call)
            if not isinstance(s_s, dict):
                fail(f"{call} returned a state of type {type(s_s).__name__}; expected a dict "
                     f"(an empty dict {{}} when there is nothing to remember)",
                     f"{call} 回傳的 state 型別是 {type(s_s).__name__}；應該是 dict"
                     f"（沒有要記住的東西時回傳空的 {{}}）", HINTS[name])
            w_r, s_r = ref(w_r, g, s_r, **hyper)
            ws.append(w_s)
            wants.append(np.asarray(w_r))
        want = np.array(wants)
        yours = np.array([np.asarray(w, dtype=np.float64) for w in ws]) \
            if all(isinstance(w, np.ndarray) and w.shape == want.shape[1:] for w in ws) else None
        if yours is not None and not _same(yours, want):
            for _, (alt, en, zh) in _mistakes(name, grads, w0, hyper).items():
                if _same(yours, alt):
                    fail(f"{name} over {len(grads)} steps: {en}", f"{name} 的 {len(grads)} 步："
                         f"{zh}", HINTS[name])
        options = {} if rtol is None else {"rtol": rtol}
        for k, (w, w_want) in enumerate(zip(ws, wants, strict=True), start=1):
            assert_close(w, w_want, what=f"next_w of {name} at step {k} (state passed back in)",
                         hint=HINTS[name], **options)
        return s_s


@pytest.fixture
def updates(submission, reference) -> Updates:
    return Updates(submission, reference)
