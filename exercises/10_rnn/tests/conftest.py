"""What the visible and the hidden checks of exercise 10 share, as pytest fixtures.

    cell        rnn_step_forward / rnn_step_backward and rnn_forward / rnn_backward: the forward
                against the reference, then every gradient by central differences of the
                student's own forward (each argument judged alone) when that forward is right,
                else against the reference's gradients; the known BPTT mistakes are named first
    output      temporal_affine_forward / backward and temporal_softmax_loss (mask, /N)
    shapes      many_to_one_loss, one_to_many_loss, many_to_many_loss: the loss against the
                reference (a known wrong shape of the loss is named), the grads by central
                differences of the student's own loss
    clipping    clip_gradients on dicts of gradients: one factor from the global norm
    training    train_many_to_one: its first losses against the reference, then an accuracy
    experiment  gradient_through_time by its shape (whatever the draws) and by its values

The known mistakes are computed here in NumPy (`rnn_states`, `bptt`, `sequence_loss`), never
by asking the reference: a released bundle replays only the reference answers its checks
recorded while grading the reference solution and the stub. For the same reason every reference
call a visible check can need is made whatever the student's answers (the reference's gradients
before the branch on whether the student's forward is right).
"""

import numpy as np
import pytest

from grader.checks import (
    agrees,
    assert_close,
    fail,
    forward_first,
    gradcheck,
    pair,
    same,
    tip,
    unpack,
)
from grader.i18n import Text

PARAM_KEYS = ("Wx", "Wh", "b", "Wy", "by")
RNN_KEYS = ("Wx", "Wh", "b")
CELL_ARGS = ("x", "h0", "Wx", "Wh", "b")  # rnn_forward's arguments, in order
STEP_ARGS = ("x", "prev_h", "Wx", "Wh", "b")  # rnn_step_forward's
STEP_GRADS = ("dx", "dprev_h", "dWx", "dWh", "db")
SEQ_GRADS = ("dx", "dh0", "dWx", "dWh", "db")
VANISH_RADIUS, EXPLODE_RADIUS = 0.5, 3.0  # spectral radii of the shape check
VANISHED = 1e-6  # radius 0.5 over T = 30: norms[0] / norms[-1] ≤ 0.5^29 ≈ 2e-9
EXPLODED = 100.0  # radius 3, input_scale 0.1: norms[0] / norms[-1] ≥ 320 for every seed < 1000
BOUND_SLACK = 1e-9  # ‖∂L/∂h_{t−1}‖ ≤ radius ‖∂L/∂h_t‖ holds exactly, up to rounding
EACH_RTOL = 5e-7  # a scalar's tolerance is rtol · 2|expected|: 1e-6 of each norm itself
FIRST_STEPS = 10  # train_many_to_one's losses compared step by step with the reference's
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 10 steps
TARGET_ACCURACY = 0.95  # the reference reaches 100 % on make_sequences(100, 8, seed=0)
ACCURACY_STEPS = 150  # ... after 100 steps already; half the default keeps the check quick

HINTS = {
    "step_forward": tip("next_h = np.tanh(x @ Wx + prev_h @ Wh + b): (N, D) @ (D, H) + "
                        "(N, H) @ (H, H) + (H,)",
                        "next_h = np.tanh(x @ Wx + prev_h @ Wh + b)：(N, D) @ (D, H) + "
                        "(N, H) @ (H, H) + (H,)"),
    "step_backward": tip("da = dnext_h * (1 - next_h**2); dx = da @ Wx.T, dprev_h = da @ Wh.T, "
                         "dWx = x.T @ da, dWh = prev_h.T @ da, db = da.sum(axis=0)",
                         "da = dnext_h * (1 - next_h**2)；dx = da @ Wx.T、dprev_h = da @ Wh.T、"
                         "dWx = x.T @ da、dWh = prev_h.T @ da、db = da.sum(axis=0)"),
    "forward": tip("h_t = tanh(x[:, t] @ Wx + h_{t−1} @ Wh + b) for t = 0 … T − 1, starting from "
                   "h0; h[:, t] holds h_t and has shape (N, T, H)",
                   "對 t = 0 … T − 1 計算 h_t = tanh(x[:, t] @ Wx + h_{t−1} @ Wh + b)，從 h0 開始；"
                   "h[:, t] 存 h_t，形狀是 (N, T, H)"),
    "backward": tip("go back from t = T − 1 to 0 with dnext = 0 at first: rnn_step_backward("
                    "dh[:, t] + dnext, cache of step t) gives dx[:, t], the new dnext and this "
                    "step's dWx, dWh, db, which you add up; dh0 is the last dnext",
                    "從 t = T − 1 倒著走到 0，一開始 dnext = 0：rnn_step_backward(dh[:, t] + "
                    "dnext, 第 t 步的 cache) 給出 dx[:, t]、新的 dnext，以及這一步的 dWx、dWh、db，"
                    "把它們加總；dh0 是最後的 dnext"),
    "affine": tip("out = h @ W + b on (N, T, H); backward: dh = dout @ W.T, dW = Σ over n and t "
                  "of h_ntᵀ dout_nt (reshape to (N·T, H) and (N·T, M)), db = dout.sum((0, 1))",
                  "在 (N, T, H) 上 out = h @ W + b；反向：dh = dout @ W.T、dW = 對 n 與 t 加總 "
                  "h_ntᵀ dout_nt（reshape 成 (N·T, H) 與 (N·T, M)）、db = dout.sum((0, 1))"),
    "softmax": tip("log p = scores − max − log Σ exp(scores − max) along the last axis; loss = "
                   "−Σ mask · log p[y] / N (a sum over the steps, divided by the batch size N); "
                   "dscores = mask · (softmax − onehot(y)) / N",
                   "沿最後一軸 log p = scores − max − log Σ exp(scores − max)；loss = "
                   "−Σ mask · log p[y] / N（對時間步加總，再除以批次大小 N）；"
                   "dscores = mask · (softmax − onehot(y)) / N"),
    "many_to_one_loss": tip("h = rnn_forward(x, zeros (N, H), Wx, Wh, b); scores = h[:, -1] @ Wy "
                            "+ by: ONE output from the last hidden state; backward: dh is zero "
                            "except dh[:, -1] = dscores @ Wy.T (if rnn_backward fails its own "
                            "check, fix that first)",
                            "h = rnn_forward(x, zeros (N, H), Wx, Wh, b)；scores = h[:, -1] @ Wy "
                            "+ by：只有一個輸出，來自最後一個隱藏狀態；反向：dh 除了 "
                            "dh[:, -1] = dscores @ Wy.T 之外都是 0（如果 rnn_backward "
                            "自己的檢查也失敗，請先修正它）"),
    "one_to_many_loss": tip("feed the same x at every step: np.repeat(x[:, None, :], T, axis=1) "
                            "(Keras' RepeatVector) with T = y.shape[1], then an output and a loss "
                            "at every step as in many_to_many_loss (if rnn_backward fails its "
                            "own check, fix that first)",
                            "每一步都輸入同一個 x：np.repeat(x[:, None, :], T, axis=1)（Keras 的 "
                            "RepeatVector），T = y.shape[1]，然後像 many_to_many_loss 一樣每一步"
                            "都有輸出與損失（如果 rnn_backward 自己的檢查也失敗，請先修正它）"),
    "many_to_many_loss": tip("h = rnn_forward(...); scores = temporal_affine_forward(h, Wy, by); "
                             "loss, dscores = temporal_softmax_loss(scores, y, mask); then "
                             "backward through both (if one of them or rnn_backward fails its "
                             "own check, fix that first)",
                             "h = rnn_forward(...)；scores = temporal_affine_forward(h, Wy, by)；"
                             "loss, dscores = temporal_softmax_loss(scores, y, mask)；再依序反向"
                             "（如果其中之一或 rnn_backward 自己的檢查也失敗，請先修正它）"),
    "clip": tip("norm = sqrt(Σ over every tensor of Σ g²); scale = min(1, max_norm / (norm + "
                "1e-12)); return ({k: g · scale}, norm)",
                "norm = sqrt(所有張量的 Σ g² 之和)；scale = min(1, max_norm / (norm + 1e-12))；"
                "回傳 ({k: g · scale}, norm)"),
    "train": tip("params = init_rnn_params(D, H, C, seed) with C = y.max() + 1; each step: loss, "
                 "grads = many_to_one_loss(params, x, y); record the loss; grads = "
                 "clip_gradients(grads, max_norm)[0]; params[k] - lr * grads[k] for every k "
                 "(fix many_to_one_loss and clip_gradients first if their checks fail)",
                 "params = init_rnn_params(D, H, C, seed)，C = y.max() + 1；每一步：loss, grads = "
                 "many_to_one_loss(params, x, y)；記錄損失；grads = clip_gradients(grads, "
                 "max_norm)[0]；對每個 k 算 params[k] - lr * grads[k]（如果 many_to_one_loss 或 "
                 "clip_gradients 的檢查失敗，請先修正它們）"),
    "experiment": tip("rng = np.random.default_rng(seed); Wh = radius * orthogonal(rng.normal("
                      "size=(H, H))), then Wx = rng.normal(size=(D, H)) * input_scale / "
                      "np.sqrt(D), then x = rng.normal(size=(N, T, D)), then G = "
                      "rng.normal(size=(N, H)); forward with rnn_step_forward from h0 = 0, b = 0; "
                      "back from dh = G: norms[t] = ‖dh‖ before step t's rnn_step_backward",
                      "rng = np.random.default_rng(seed)；Wh = radius * orthogonal(rng.normal("
                      "size=(H, H)))，再 Wx = rng.normal(size=(D, H)) * input_scale / "
                      "np.sqrt(D)，再 x = rng.normal(size=(N, T, D))，最後 G = "
                      "rng.normal(size=(N, H))；從 h0 = 0、b = 0 用 rnn_step_forward 正向；"
                      "從 dh = G 往回：在第 t 步的 rnn_step_backward 之前 norms[t] = ‖dh‖"),
}


# --- plumbing ------------------------------------------------------------------------------------


def as_grads(value, keys: tuple[str, ...], what: str, hint: Text) -> dict:
    """A dict with exactly `keys`, or a failure saying what came back."""
    if isinstance(value, dict) and set(value) == set(keys):
        return value
    kind = f"dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
    fail(f"{what} returned a {kind}; expected a dict with the keys {', '.join(keys)}",
         f"{what} 回傳了 {kind}；應該回傳鍵為 {', '.join(keys)} 的 dict", hint)


def shapes_of(values: dict) -> str:
    return ", ".join(f"{k} {np.shape(v)}" for k, v in values.items())


# --- the known mistakes, in NumPy ----------------------------------------------------------------


def rnn_states(x, h0, Wx, Wh, b) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activations a and hidden states h, both (N, T, H), of the vanilla RNN."""
    x, h0, Wx, Wh, b = (np.asarray(v, dtype=float) for v in (x, h0, Wx, Wh, b))
    N, T, _ = x.shape
    a = np.empty((N, T, h0.shape[1]))
    h = np.empty_like(a)
    prev = h0
    for t in range(T):
        a[:, t] = x[:, t] @ Wx + prev @ Wh + b
        prev = h[:, t] = np.tanh(a[:, t])
    return a, h


def bptt(values: dict, dh, *, carry: bool = True, slope: str = "h", wh_input: str = "prev",
         steps: str = "all") -> tuple:
    """(dx, dh0, dWx, dWh, db) of the RNN with at most one known mistake switched on:
    carry=False: dh_t gets only its own upstream gradient; slope "a": tanh' = 1 − a²,
    "tanh": 1 − tanh(h)²; wh_input "next": dWh from h_t; steps "last" / "first": the weights'
    gradients of one step only."""
    x, h0, Wx, Wh, b = (np.asarray(values[k], dtype=float) for k in CELL_ARGS)
    dh = np.asarray(dh, dtype=float)
    a, h = rnn_states(x, h0, Wx, Wh, b)
    T = x.shape[1]
    dx, dnext = np.zeros_like(x), np.zeros_like(h0)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    kept = {"all": range(T), "last": [T - 1], "first": [0]}[steps]
    for t in reversed(range(T)):
        total = dh[:, t] + dnext if carry else dh[:, t]
        derivative = {"h": 1 - h[:, t] ** 2, "a": 1 - a[:, t] ** 2,
                      "tanh": 1 - np.tanh(h[:, t]) ** 2}[slope]
        da = total * derivative
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], dnext = da @ Wx.T, da @ Wh.T
        if t in kept:
            dWx += x[:, t].T @ da
            dWh += (h[:, t] if wh_input == "next" else prev).T @ da
            db += da.sum(axis=0)
    return dx, dnext, dWx, dWh, db


TANH_MISTAKES = {  # label: (bptt options, outputs it changes, en, zh)
    "preactivation": ({"slope": "a"}, (0, 1, 2, 3, 4),
                      "tanh' was computed from the pre-activation, 1 − a²; the derivative of "
                      "tanh at a is 1 − tanh(a)² = 1 − h², from the step's OUTPUT h_t",
                      "tanh' 用了激活前的值 1 − a²；tanh 在 a 的導數是 1 − tanh(a)² = 1 − h²，"
                      "要用這一步的「輸出」h_t"),
    "tanh_twice": ({"slope": "tanh"}, (0, 1, 2, 3, 4),
                   "tanh' was computed as 1 − tanh(h)², applying tanh a second time to h, which "
                   "is already tanh(a): the derivative is 1 − h²",
                   "tanh' 算成 1 − tanh(h)²，對已經是 tanh(a) 的 h 又套了一次 tanh：導數是 "
                   "1 − h²"),
    "dWh_from_h_t": ({"wh_input": "next"}, (3,),
                     "dWh was accumulated from h_t, the step's output; Wh multiplies the PREVIOUS "
                     "state, so dWh = Σ_t h_{t−1}ᵀ da_t (h0 at the first step)",
                     "dWh 用了這一步的輸出 h_t 累加；Wh 乘的是「前一個」狀態，所以 "
                     "dWh = Σ_t h_{t−1}ᵀ da_t（第一步用 h0）"),
}
BPTT_MISTAKES = {
    "no_carry": ({"carry": False}, (0, 1, 2, 3, 4),
                 "the gradient from step t + 1 is not carried back: each step got only its own "
                 "upstream dh[:, t]; BPTT's total gradient at h_t is dh[:, t] plus the dprev_h "
                 "that step t + 1 sends back",
                 "沒有把第 t + 1 步的梯度傳回來：每一步只拿到自己的 dh[:, t]；BPTT 在 h_t 的總梯度"
                 "是 dh[:, t] 加上第 t + 1 步傳回的 dprev_h"),
    "last_step_only": ({"steps": "last"}, (2, 3, 4),
                       "dWx, dWh and db are only the last step's gradients; the same weights are "
                       "used at every step, so their gradients are summed over t = 1 … T",
                       "dWx、dWh 與 db 只有最後一步的梯度；每一步都用同一組權重，所以它們的梯度"
                       "要對 t = 1 … T 加總"),
    "first_step_only": ({"steps": "first"}, (2, 3, 4),
                        "dWx, dWh and db are only the first step's gradients (each step "
                        "overwrote them); the same weights are used at every step, so their "
                        "gradients are summed over t = 1 … T (+=, starting from zeros)",
                        "dWx、dWh 與 db 只有第一步的梯度（每一步都覆蓋了前面的值）；每一步都用同一"
                        "組權重，所以它們的梯度要對 t = 1 … T 加總（從 0 開始用 +=）"),
    **TANH_MISTAKES,
}


def name_bptt_mistake(grads: tuple, values: dict, dh, mistakes: dict, what: str, hint: Text,
                      names: tuple[str, ...]) -> None:
    """Fail naming the mistake when the student's gradients equal one of `mistakes` on the
    outputs it changes (and that variant differs from the right answer there)."""
    right = bptt(values, dh)
    if all(same(g, r) for g, r in zip(grads, right, strict=True)):
        return
    for options, changed, en, zh in mistakes.values():
        wrong = bptt(values, dh, **options)
        if all(same(grads[i], wrong[i]) for i in changed) and \
                not all(same(wrong[i], right[i]) for i in changed):
            fail(f"{what}: {en}", f"{what}：{zh}", hint)
    dh0 = grads[1]
    if names[1] == "dh0" and (dh0 is None or (isinstance(dh0, np.ndarray) and dh0.size and
                                              not np.any(dh0) and np.any(right[1]))):
        fail(f"{what}: dh0 is {'None' if dh0 is None else 'all zeros'}: ∂L/∂h0 is the dprev_h "
             "that the first step sends back (h0 reaches h_1 through Wh); return it",
             f"{what}：dh0 是 {'None' if dh0 is None else '全零'}：∂L/∂h0 就是第一步傳回的 "
             "dprev_h（h0 經過 Wh 影響 h_1）；請回傳它", hint)


def sequence_loss(params: dict, x, y, mask=None, *, read: str = "last") -> float:
    """−(1/N) Σ mask · log softmax(h Wy + by)[y] of the RNN from h0 = 0, read where `read` says:
    "last" (h_T only, y (N,)), "first" (h_1 only, y (N,)), "every" (y (N,) at every step) or
    "all" (y (N, T), an output per step)."""
    p = {k: np.asarray(params[k], dtype=float) for k in PARAM_KEYS}
    x = np.asarray(x, dtype=float)
    N, T, _ = x.shape
    _, h = rnn_states(x, np.zeros((N, p["Wh"].shape[0])), p["Wx"], p["Wh"], p["b"])
    y = np.asarray(y)
    top = {"last": h[:, -1:], "first": h[:, :1], "every": h, "all": h}[read]
    labels = np.repeat(y[:, None], top.shape[1], axis=1) if y.ndim == 1 else y
    scores = top @ p["Wy"] + p["by"]  # (N, T', C)
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(log_p, labels[:, :, None], axis=2)[:, :, 0]  # (N, T')
    weights = np.ones(picked.shape) if mask is None else np.asarray(mask, dtype=float)
    return -float(np.sum(weights * picked)) / N


# --- the cell: one step and the whole sequence ---------------------------------------------------


def cell_values(rng, N: int = 3, T: int = 4, D: int = 3, H: int = 5, dtype=np.float64) -> dict:
    """x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), b (H,), dh (N, T, H), drawn from rng, with
    weights small enough that tanh is neither linear nor saturated."""
    values = {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(scale=0.5, size=(N, H)),
              "Wx": rng.normal(scale=0.6, size=(D, H)), "Wh": rng.normal(scale=0.5, size=(H, H)),
              "b": rng.normal(scale=0.3, size=H), "dh": rng.normal(size=(N, T, H))}
    return {k: v.astype(dtype) for k, v in values.items()}


def step_values(values: dict) -> dict:
    """The first step of cell_values as rnn_step_forward's arguments, with dnext_h."""
    return {"x": values["x"][:, 0], "prev_h": values["h0"], "Wx": values["Wx"],
            "Wh": values["Wh"], "b": values["b"], "dnext_h": values["dh"][:, 0]}


class Cell:
    """The student's RNN step and sequence next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def values(self, N: int = 3, T: int = 4, D: int = 3, H: int = 5, dtype=np.float64) -> dict:
        return cell_values(self.rng, N, T, D, H, dtype)

    def step_values(self, N: int = 3, D: int = 4, H: int = 5, dtype=np.float64) -> dict:
        return step_values(cell_values(self.rng, N, 1, D, H, dtype))

    # one step

    def step(self, v: dict) -> tuple:
        args = [v[k] for k in STEP_ARGS]
        return pair(self.submission.rnn_step_forward(*args), ("next_h", "cache"),
                    f"rnn_step_forward({shapes_of({k: v[k] for k in STEP_ARGS})})")

    def check_step_forward(self, v: dict, rtol: float | None = None) -> None:
        next_h, _ = self.step(v)
        want, _ = self.reference.rnn_step_forward(*[v[k] for k in STEP_ARGS])
        assert_close(next_h, want, what=f"next_h of rnn_step_forward("
                     f"{shapes_of({k: v[k] for k in STEP_ARGS})})", hint=HINTS["step_forward"],
                     **({} if rtol is None else {"rtol": rtol}))

    def check_step_backward(self, v: dict, rtol: float | None = None) -> None:
        """The five gradients: a known mistake named, then central differences of the student's
        own step (each argument alone) when it is right, else the reference's gradients."""
        _, cache = self.step(v)
        what = f"rnn_step_backward(dnext_h {v['dnext_h'].shape}, cache)"
        grads = unpack(self.submission.rnn_step_backward(v["dnext_h"], cache), STEP_GRADS, what)
        seq = {"x": v["x"][:, None], "h0": v["prev_h"], "Wx": v["Wx"], "Wh": v["Wh"],
               "b": v["b"]}
        as_seq = (grads[0][:, None] if isinstance(grads[0], np.ndarray) and grads[0].ndim == 2
                  else grads[0],) + tuple(grads[1:])
        name_bptt_mistake(as_seq, seq, v["dnext_h"][:, None], TANH_MISTAKES, what,
                          HINTS["step_backward"], STEP_GRADS)
        args = [v[k] for k in STEP_ARGS]
        want_h, want_cache = self.reference.rnn_step_forward(*args)
        want = self.reference.rnn_step_backward(v["dnext_h"], want_cache)  # always: recorded
        if rtol is None and agrees(lambda: self.step(v)[0], want_h):
            gradcheck(lambda p: self.step(p)[0], dict(zip(STEP_ARGS, grads, strict=True)),
                      {k: v[k] for k in STEP_ARGS}, dout=v["dnext_h"], name="rnn_step_backward",
                      hint=HINTS["step_backward"])
            return
        hint = HINTS["step_backward"] if rtol else forward_first("rnn_step_forward")
        for name, g, w in zip(STEP_GRADS, grads, want, strict=True):
            assert_close(g, w, what=f"{name} of {what}", hint=hint,
                         **({} if rtol is None else {"rtol": rtol}))

    # the sequence

    def forward(self, v: dict) -> tuple:
        args = [v[k] for k in CELL_ARGS]
        return pair(self.submission.rnn_forward(*args), ("h", "cache"),
                    f"rnn_forward({shapes_of({k: v[k] for k in CELL_ARGS})})")

    def check_forward(self, v: dict, rtol: float | None = None) -> None:
        h, _ = self.forward(v)
        want, _ = self.reference.rnn_forward(*[v[k] for k in CELL_ARGS])
        N, T, H = want.shape
        if isinstance(h, np.ndarray) and h.shape == (N, H) and T > 1:
            fail(f"rnn_forward returned h of shape {h.shape}, the last hidden state only; it "
                 f"returns every state, (N, T, H) = {(N, T, H)}",
                 f"rnn_forward 回傳的 h 形狀是 {h.shape}，只有最後一個隱藏狀態；"
                 f"它要回傳每一個狀態，(N, T, H) = {(N, T, H)}", HINTS["forward"])
        if isinstance(h, np.ndarray) and h.shape == want.shape and T > 1:
            shifted = np.concatenate([np.asarray(v["h0"], float)[:, None], want[:, :-1]], axis=1)
            if same(h, shifted):
                fail("rnn_forward: h[:, t] holds h_{t−1}, the state BEFORE step t (h0 first); "
                     "h[:, t] is the state after step t, h_t = tanh(x_t Wx + h_{t−1} Wh + b)",
                     "rnn_forward：h[:, t] 存的是第 t 步「之前」的狀態 h_{t−1}（從 h0 開始）；"
                     "h[:, t] 應該是第 t 步之後的狀態 h_t = tanh(x_t Wx + h_{t−1} Wh + b)",
                     HINTS["forward"])
        assert_close(h, want, what=f"h of rnn_forward({shapes_of({k: v[k] for k in CELL_ARGS})})",
                     hint=HINTS["forward"], **({} if rtol is None else {"rtol": rtol}))

    def check_backward(self, v: dict, rtol: float | None = None) -> None:
        """BPTT: a known mistake named, then central differences of the student's own
        rnn_forward (each argument alone) when it is right, else the reference's gradients."""
        _, cache = self.forward(v)
        what = f"rnn_backward(dh {v['dh'].shape}, cache)"
        grads = unpack(self.submission.rnn_backward(v["dh"], cache), SEQ_GRADS, what)
        name_bptt_mistake(grads, {k: v[k] for k in CELL_ARGS}, v["dh"], BPTT_MISTAKES, what,
                          HINTS["backward"], SEQ_GRADS)
        args = [v[k] for k in CELL_ARGS]
        want_h, want_cache = self.reference.rnn_forward(*args)
        want = self.reference.rnn_backward(v["dh"], want_cache)  # always: recorded
        if rtol is None and agrees(lambda: self.forward(v)[0], want_h):
            gradcheck(lambda p: self.forward(p)[0], dict(zip(CELL_ARGS, grads, strict=True)),
                      {k: v[k] for k in CELL_ARGS}, dout=v["dh"], name="rnn_backward",
                      hint=HINTS["backward"])
            return
        hint = HINTS["backward"] if rtol else forward_first("rnn_forward")
        for name, g, w in zip(SEQ_GRADS, grads, want, strict=True):
            assert_close(g, w, what=f"{name} of {what}", hint=hint,
                         **({} if rtol is None else {"rtol": rtol}))


@pytest.fixture
def cell(submission, reference, rng) -> Cell:
    return Cell(submission, reference, rng)


# --- the output layer and the loss over time -----------------------------------------------------


class Output:
    """temporal_affine_forward / backward and temporal_softmax_loss next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def affine(self, h, W, b) -> tuple:
        return pair(self.submission.temporal_affine_forward(h, W, b), ("out", "cache"),
                    f"temporal_affine_forward(h {h.shape}, W {W.shape}, b {b.shape})")

    def check_affine(self, N: int, T: int, H: int, M: int, dtype=np.float64,
                     rtol: float | None = None) -> None:
        """The output against the reference, dh, dW, db by central differences."""
        rng = self.rng
        v = {k: a.astype(dtype) for k, a in (("h", rng.normal(size=(N, T, H))),
                                             ("W", rng.normal(size=(H, M))),
                                             ("b", rng.normal(size=M)))}
        dout = rng.normal(size=(N, T, M)).astype(dtype)
        options = {} if rtol is None else {"rtol": rtol}
        out, cache = self.affine(v["h"], v["W"], v["b"])
        want_out, want_cache = self.reference.temporal_affine_forward(v["h"], v["W"], v["b"])
        call = f"temporal_affine_forward(h {(N, T, H)}, W {(H, M)}, b {(M,)})"
        assert_close(out, want_out, what=f"out of {call}", hint=HINTS["affine"], **options)
        what = f"temporal_affine_backward(dout {dout.shape}, cache)"
        grads = unpack(self.submission.temporal_affine_backward(dout, cache),
                       ("dh", "dW", "db"), what)
        if rtol is None:
            gradcheck(lambda p: self.affine(p["h"], p["W"], p["b"])[0],
                      dict(zip(("h", "W", "b"), grads, strict=True)), v, dout=dout,
                      name="temporal_affine_backward", hint=HINTS["affine"])
            return
        want = self.reference.temporal_affine_backward(dout, want_cache)
        for name, g, w in zip(("dh", "dW", "db"), grads, want, strict=True):
            assert_close(g, w, what=f"{name} of {what}", hint=HINTS["affine"], **options)

    def check_softmax(self, N: int, T: int, C: int, mask: bool = True, dtype=np.float64,
                      rtol: float | None = None) -> None:
        """The loss against the reference (a wrong division or an ignored mask named), dscores by
        central differences of the student's own loss."""
        rng = self.rng
        scores = rng.normal(scale=2.0, size=(N, T, C)).astype(dtype)
        y = rng.integers(0, C, size=(N, T))
        m = (rng.random((N, T)) < 0.6) if mask else None
        if m is not None:
            m[0, 0], m[-1, -1] = True, False  # at least one step counts and one does not
        args = (scores, y) if m is None else (scores, y, m)
        call = (f"temporal_softmax_loss(scores {scores.shape}, y {y.shape}"
                f"{'' if m is None else f', mask {m.shape}'})")
        loss, dscores = pair(self.submission.temporal_softmax_loss(*args), ("loss", "dscores"),
                             call)
        want_loss, want_d = self.reference.temporal_softmax_loss(*args)
        judge_loss_convention(loss, want_loss, softmax_variants(scores, y, m), call,
                              HINTS["softmax"])
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(loss, want_loss, what=f"loss of {call}", hint=HINTS["softmax"], **options)
        if rtol is None:
            gradcheck(lambda s: self.submission.temporal_softmax_loss(s, *args[1:])[0], dscores,
                      scores, name="temporal_softmax_loss", batch=N, hint=HINTS["softmax"])
        else:
            assert_close(dscores, want_d, what=f"dscores of {call}", hint=HINTS["softmax"],
                         **options)


def softmax_variants(scores, y, mask) -> dict:
    """{label: (loss, en, zh)} of temporal_softmax_loss's known wrong conventions."""
    scores = np.asarray(scores, dtype=float)
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    picked = np.take_along_axis(log_p, np.asarray(y)[:, :, None], axis=2)[:, :, 0]
    N = picked.shape[0]
    w = np.ones(picked.shape) if mask is None else np.asarray(mask, dtype=float)
    return loss_conventions(-float(np.sum(w * picked)), -float(np.sum(picked)), N, picked.size,
                            float(w.sum()), mask is not None)


def loss_conventions(masked_sum: float, full_sum: float, N: int, NT: int, counted: float,
                     has_mask: bool) -> dict:
    """{label: (loss, en, zh)}: dividing by N·T or by the counted steps, or ignoring the mask."""
    out = {"NT": (masked_sum / NT, "the loss was averaged over N·T; it is SUMMED over the "
                  "steps and divided by the batch size N only",
                  "損失對 N·T 取了平均；應該對時間步「加總」，只除以批次大小 N")}
    if has_mask:
        out["counted"] = (masked_sum / max(counted, 1.0),
                          "the loss was divided by the number of counted steps (mask.sum()); it "
                          "is divided by the batch size N",
                          "損失除以了計入的步數（mask.sum()）；應該除以批次大小 N")
        out["mask"] = (full_sum / N, "the mask was ignored: steps with mask 0 (padding) add "
                       "nothing to the loss", "忽略了 mask：mask 為 0 的步（填充）不計入損失")
    return out


def judge_loss_convention(loss, want: float, variants: dict, what: str, hint: Text) -> None:
    """Fail naming the convention when the loss equals a known variant (not the right value)."""
    if same(loss, want):
        return
    for value, en, zh in variants.values():
        if same(loss, value) and not same(value, want):
            fail(f"{what}: {en}", f"{what}：{zh}", hint)


@pytest.fixture
def output(submission, reference, rng) -> Output:
    return Output(submission, reference, rng)


# --- the seeds' sequence shapes ------------------------------------------------------------------


def random_params(rng, D: int, H: int, C: int, dtype=np.float64) -> dict:
    params = {"Wx": rng.normal(scale=0.7, size=(D, H)), "Wh": rng.normal(scale=0.4, size=(H, H)),
              "b": rng.normal(scale=0.3, size=H), "Wy": rng.normal(size=(H, C)),
              "by": rng.normal(size=C)}
    return {k: v.astype(dtype) for k, v in params.items()}


def shape_mistakes(kind: str, params: dict, x, y, mask) -> dict:
    """{label: (loss, en, zh)} of the known wrong versions of the sequence shape `kind`."""
    if kind == "many_to_one_loss":
        steps = np.asarray(x).shape[1]
        every = sequence_loss(params, x, y, read="every")
        return {
            "every": (every, "the loss was applied at every step; many-to-one has ONE output, "
                      "from the last hidden state h_T = h[:, -1], and one loss per sequence",
                      "每一步都算了損失；多對一只有「一個」輸出，來自最後的隱藏狀態 "
                      "h_T = h[:, -1]，每個序列一個損失"),
            "every_mean": (every / steps, "the loss was applied at every step and averaged "
                           "over T; many-to-one has ONE output, from the last hidden state "
                           "h_T = h[:, -1]",
                           "每一步都算了損失並對 T 平均；多對一只有「一個」輸出，來自最後的隱藏"
                           "狀態 h_T = h[:, -1]"),
            "first": (sequence_loss(params, x, y, read="first"),
                      "the output was read from h[:, 0], the FIRST hidden state, which has seen "
                      "only x_1; many-to-one reads the LAST one, h[:, -1]",
                      "輸出取自 h[:, 0]，也就是只看過 x_1 的「第一個」隱藏狀態；多對一要取"
                      "「最後一個」h[:, -1]"),
        }
    if kind == "one_to_many_loss":
        x = np.asarray(x, dtype=float)
        T = np.asarray(y).shape[1]
        first_only = np.zeros((x.shape[0], T, x.shape[1]))
        first_only[:, 0] = x
        return {"first_only": (sequence_loss(params, first_only, y, read="all"),
                               "x was fed at the first step only (zeros afterwards); here the "
                               "one input is repeated at every step (Keras' RepeatVector)",
                               "x 只在第一步輸入（之後是 0）；這裡要把同一個輸入在每一步重複"
                               "輸入（Keras 的 RepeatVector）")}
    x = np.asarray(x, dtype=float)
    N, T = np.asarray(y).shape
    counted = N * T if mask is None else float(np.asarray(mask, dtype=float).sum())
    masked = sequence_loss(params, x, y, mask, read="all") * N
    full = sequence_loss(params, x, y, read="all") * N
    return loss_conventions(masked, full, N, N * T, counted, mask is not None)


class Shapes:
    """many_to_one_loss, one_to_many_loss and many_to_many_loss next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def data(self, kind: str, N: int, T: int, D: int, H: int, C: int, dtype=np.float64,
             mask: bool = False) -> tuple:
        """(params, x, y, mask) for `kind`, drawn from the check's rng."""
        rng = self.rng
        params = random_params(rng, D, H, C, dtype)
        x = rng.normal(size=(N, D) if kind == "one_to_many_loss" else (N, T, D)).astype(dtype)
        y = rng.integers(0, C, size=(N,) if kind == "many_to_one_loss" else (N, T))
        m = None
        if mask:
            m = rng.random((N, T)) < 0.6
            m[0, 0], m[-1, -1] = True, False
        return params, x, y, m

    def call(self, kind: str, params, x, y, mask):
        args = (params, x, y) if mask is None else (params, x, y, mask)
        return getattr(self.submission, kind)(*args)

    def check(self, kind: str, params: dict, x, y, mask=None, rtol: float | None = None) -> None:
        """The loss against the reference (a known wrong shape named); the grads by central
        differences of the student's own loss when it is right, else the reference's."""
        extra = "" if mask is None else f", mask {mask.shape}"
        what = f"{kind}(params ({shapes_of(params)}), x {x.shape}, y {y.shape}{extra})"
        hint = HINTS[kind]
        loss, grads = pair(self.call(kind, params, x, y, mask), ("loss", "grads"), what)
        grads = as_grads(grads, PARAM_KEYS, what, hint)
        args = (params, x, y) if mask is None else (params, x, y, mask)
        want_loss, want_grads = getattr(self.reference, kind)(*args)
        judge_loss_convention(loss, want_loss, shape_mistakes(kind, params, x, y, mask), what,
                              hint)
        options = {} if rtol is None else {"rtol": rtol}
        assert_close(loss, want_loss, what=f"loss of {what}", hint=hint, **options)
        if rtol is None:
            gradcheck(lambda p: self.call(kind, p, x, y, mask)[0], grads, params, name=kind,
                      hint=hint)
            return
        for key in PARAM_KEYS:
            assert_close(grads[key], want_grads[key], what=f"d{key} of {what}", hint=hint,
                         **options)


@pytest.fixture
def shapes(submission, reference, rng) -> Shapes:
    return Shapes(submission, reference, rng)


# --- clipping ------------------------------------------------------------------------------------


class Clipping:
    """The student's clip_gradients next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def gradients(self, scale: float = 3.0, dtype=np.float64, keys=RNN_KEYS) -> dict:
        """A dict of gradients of an RNN cell (D = 3, H = 4), drawn here."""
        shapes = {"Wx": (3, 4), "Wh": (4, 4), "b": (4,), "Wy": (4, 2), "by": (2,)}
        return {k: (scale * self.rng.normal(size=shapes[k])).astype(dtype) for k in keys}

    def check(self, grads: dict, max_norm: float, rtol: float | None = None) -> None:
        what = f"clip_gradients(grads ({shapes_of(grads)}), max_norm={max_norm})"
        hint = HINTS["clip"]
        clipped, norm = pair(self.submission.clip_gradients(grads, max_norm),
                             ("clipped", "norm"), what)
        clipped = as_grads(clipped, tuple(grads), what, hint)
        g64 = {k: np.asarray(g, dtype=float) for k, g in grads.items()}
        total = float(np.sqrt(sum(np.sum(g * g) for g in g64.values())))
        per_tensor = {k: g * min(1.0, max_norm / max(float(np.linalg.norm(g)), 1e-300))
                      for k, g in g64.items()}
        if len(grads) > 1 and total > max_norm and \
                all(same(clipped[k], per_tensor[k]) for k in grads):
            fail(f"{what}: each tensor was clipped by its own norm; clip by the GLOBAL norm of "
                 "all of them: ONE factor min(1, max_norm / ‖g‖) for every tensor, so the update "
                 "keeps its direction (clip_by_norm of the whole list, not of each tensor)",
                 f"{what}：每個張量各自依自己的範數修剪；要依所有梯度的「全域」範數修剪：每個張量"
                 "共用一個係數 min(1, max_norm / ‖g‖)，更新的方向才不變（對整個 list 呼叫 "
                 "clip_by_norm，而不是對每個張量）", hint)
        if 0 < total < max_norm and all(same(clipped[k], g64[k] * max_norm / total)
                                        for k in grads):
            fail(f"{what}: the gradients (global norm {total:.3g}) were scaled UP to max_norm; "
                 "gradients already below max_norm stay as they are",
                 f"{what}：梯度（全域範數 {total:.3g}）被放大到 max_norm；已經小於 max_norm 的"
                 "梯度應保持不變", hint)
        options = {} if rtol is None else {"rtol": rtol}
        want_clipped, want_norm = self.reference.clip_gradients(grads, max_norm)
        if total > max_norm and same(norm, min(total, max_norm)) and not same(norm, want_norm):
            fail(f"{what} returned the norm AFTER clipping ({max_norm:g}); return ‖g‖ before "
                 f"clipping ({total:.4g}), which tells how large the gradient was",
                 f"{what} 回傳了修剪「之後」的範數（{max_norm:g}）；要回傳修剪之前的 ‖g‖"
                 f"（{total:.4g}），它告訴我們梯度原本有多大", hint)
        for key in grads:
            assert_close(clipped[key], want_clipped[key], what=f"clipped[{key!r}] of {what}",
                         hint=hint, **options)
        assert_close(norm, want_norm, what=f"the norm returned by {what}", hint=hint, **options)


@pytest.fixture
def clipping(submission, reference, rng) -> Clipping:
    return Clipping(submission, reference, rng)


# --- training ------------------------------------------------------------------------------------


def many_to_one_accuracy(params, x, y, what: str) -> float:
    """Accuracy of the student's returned params, computed here: argmax of h_T Wy + by."""
    try:
        p = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_KEYS}
        _, h = rnn_states(x, np.zeros((x.shape[0], p["Wh"].shape[0])), p["Wx"], p["Wh"],
                          p["b"])
        scores = h[:, -1] @ p["Wy"] + p["by"]
    except (TypeError, KeyError, ValueError, IndexError):
        fail(f"{what} did not return params as a dict of Wx (D, H), Wh (H, H), b (H,), "
             "Wy (H, C), by (C,)",
             f"{what} 回傳的 params 不是含 Wx (D, H)、Wh (H, H)、b (H,)、Wy (H, C)、by (C,) 的 "
             "dict")
    if not np.all(np.isfinite(scores)):
        fail(f"{what} returned params whose scores are not finite",
             f"{what} 回傳的 params 算出的 scores 不是有限值")
    return float(np.mean(np.argmax(scores, axis=1) == y))


class Training:
    """train_many_to_one judged on the trusted side: its first losses against the reference's
    from the same start, then the accuracy of a full run."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    @staticmethod
    def sequences(N: int, T: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """make_sequences(N, T, seed) of the stub, drawn here: x (N, T, 1), y = [Σ_t x > 0]."""
        x = np.random.default_rng(seed).normal(size=(N, T, 1))
        return x, (x.sum(axis=(1, 2)) > 0).astype(np.int64)

    def check_history(self, x, y, steps: int = FIRST_STEPS, **options) -> None:
        extra = "".join(f", {k}={v}" for k, v in options.items())
        what = f"loss history of train_many_to_one(x {x.shape}, y {y.shape}, steps={steps}{extra})"
        _, history = pair(self.submission.train_many_to_one(x, y, steps=steps, **options),
                          ("params", "history"), what)
        _, want = self.reference.train_many_to_one(x, y, steps=steps, **options)
        history = np.asarray(history, dtype=float) if isinstance(history, (list, tuple)) \
            else history
        assert_close(history, want, rtol=HISTORY_RTOL, what=what, hint=HINTS["train"])

    def check_accuracy(self, x, y, at_least: float = TARGET_ACCURACY) -> None:
        what = f"train_many_to_one(x {x.shape}, y {y.shape}, steps={ACCURACY_STEPS})"
        params, _ = pair(self.submission.train_many_to_one(x, y, steps=ACCURACY_STEPS),
                         ("params", "history"), what)
        got = many_to_one_accuracy(params, x, y, what)
        if not got >= at_least:
            fail(f"after {what} the RNN classifies {got:.1%} of the sequences correctly; "
                 f"expected at least {at_least:.0%}",
                 f"{what} 之後 RNN 只分對 {got:.1%} 的序列；應該至少 {at_least:.0%}",
                 HINTS["train"])


@pytest.fixture
def training(submission, reference) -> Training:
    return Training(submission, reference)


# --- the experiment ------------------------------------------------------------------------------


SHAPE_HINT = tip("going back one step multiplies ∂L/∂h by diag(1 − h²) Whᵀ: ‖Whᵀ‖ = radius and "
                 "|tanh'| ≤ 1, so with radius < 1 the norm shrinks at least geometrically "
                 "(vanishing); with radius 3 it grows (exploding). norms[0] is ∂L/∂h_1, the "
                 "FIRST step; norms[-1] = ‖G‖",
                 "往回走一步就把 ∂L/∂h 乘上 diag(1 − h²) Whᵀ：‖Whᵀ‖ = radius 且 |tanh'| ≤ 1，"
                 "所以 radius < 1 時範數至少以等比速度變小（梯度消失）；radius 3 時變大（梯度"
                 "爆炸）。norms[0] 是第一步的 ∂L/∂h_1；norms[-1] = ‖G‖")


class Experiment:
    """The student's gradient_through_time: its shape (any draws) and its values."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def run(self, radius: float, seed: int, T: int = 30, **settings) -> tuple:
        extra = "".join(f", {k}={v}" for k, v in settings.items())
        call = f"gradient_through_time({radius}, T={T}, seed={seed}{extra})"
        norms, grads = pair(self.submission.gradient_through_time(radius, T=T, seed=seed,
                                                                  **settings),
                            ("norms", "grads"), call)
        assert_close(norms, np.ones(T), rtol=np.inf, what=f"norms of {call}", hint=SHAPE_HINT)
        grads = as_grads(grads, RNN_KEYS, call, SHAPE_HINT)
        if not np.all(norms > 0):
            fail(f"{call} returned norms that are not all positive: "
                 f"{np.round(norms, 6).tolist()[:6]}",
                 f"{call} 回傳的範數不全是正數：{np.round(norms, 6).tolist()[:6]}", SHAPE_HINT)
        return norms.astype(float), grads, call

    def check_shape(self, seed: int) -> None:
        """radius 0.5: every step back shrinks the norm by at least 0.5 (an orthogonal Wh scaled
        by 0.5, whatever the draws), so norms[0] vanishes; radius 3: norms[0] explodes."""
        small, _, call = self.run(VANISH_RADIUS, seed)
        if small[0] > small[-1] and small[-1] < VANISHED * small[0]:
            fail(f"{call}: norms[0] = {small[0]:.3g} is the largest and norms[-1] = "
                 f"{small[-1]:.3g} the smallest; the order is reversed: norms[t − 1] is "
                 "‖∂L/∂h_t‖, so norms[-1] = ‖G‖ (the last step) and norms[0] the first step",
                 f"{call}：norms[0] = {small[0]:.3g} 最大、norms[-1] = {small[-1]:.3g} 最小；"
                 "順序反了：norms[t − 1] 是 ‖∂L/∂h_t‖，所以 norms[-1] = ‖G‖（最後一步），"
                 "norms[0] 是第一步", SHAPE_HINT)
        ratio = small[:-1] / small[1:]
        if np.any(ratio > VANISH_RADIUS * (1 + BOUND_SLACK)) or not \
                small[0] < VANISHED * small[-1]:
            worst = int(np.argmax(ratio))
            fail(f"{call}: norms[{worst}] / norms[{worst + 1}] = {ratio[worst]:.4g} and norms[0] "
                 f"/ norms[-1] = {small[0] / small[-1]:.3g}; one step back multiplies by "
                 f"diag(1 − h²) Whᵀ with ‖Wh‖ = {VANISH_RADIUS}, so every ratio is at most "
                 f"{VANISH_RADIUS} and the first norm is below {VANISHED:g} of the last: Wh = "
                 "radius · orthogonal(...), dh_{t−1} = dprev_h of step t",
                 f"{call}：norms[{worst}] / norms[{worst + 1}] = {ratio[worst]:.4g}，norms[0] / "
                 f"norms[-1] = {small[0] / small[-1]:.3g}；往回一步是乘上 diag(1 − h²) Whᵀ，"
                 f"‖Wh‖ = {VANISH_RADIUS}，所以每個比值最多 {VANISH_RADIUS}，第一個範數小於最後"
                 f"一個的 {VANISHED:g}：Wh = radius · orthogonal(...)，dh_{{t−1}} = 第 t 步的 "
                 "dprev_h", SHAPE_HINT)
        large, _, call = self.run(EXPLODE_RADIUS, seed)
        if not large[0] > EXPLODED * large[-1]:
            fail(f"{call}: norms[0] / norms[-1] = {large[0] / large[-1]:.3g}; with spectral "
                 f"radius {EXPLODE_RADIUS} and small inputs the gradient at the first step "
                 f"should be more than {EXPLODED:g} times ‖G‖ (exploding)",
                 f"{call}：norms[0] / norms[-1] = {large[0] / large[-1]:.3g}；譜半徑 "
                 f"{EXPLODE_RADIUS}、輸入很小時，第一步的梯度應該超過 ‖G‖ 的 {EXPLODED:g} 倍"
                 "（梯度爆炸）", SHAPE_HINT)

    def check_values(self, radius: float, seed: int, T: int = 30, **settings) -> None:
        """norms and grads equal the reference's for the documented draws, each norm relative to
        itself (they span many decades)."""
        norms, grads, call = self.run(radius, seed, T, **settings)
        want_norms, want_grads = self.reference.gradient_through_time(radius, T=T, seed=seed,
                                                                      **settings)
        if same(norms, want_norms[::-1]) and not same(norms, want_norms):
            fail(f"{call}: the norms are in reverse order: norms[t − 1] is ‖∂L/∂h_t‖, so "
                 "norms[0] belongs to the first step",
                 f"{call}：範數的順序反了：norms[t − 1] 是 ‖∂L/∂h_t‖，所以 norms[0] 屬於第一步",
                 HINTS["experiment"])
        assert_close(norms, want_norms, what=f"norms of {call}", hint=HINTS["experiment"])
        for t, w in enumerate(want_norms):
            assert_close(norms[t], w, what=f"norms[{t}] of {call}", hint=HINTS["experiment"],
                         rtol=EACH_RTOL)
        for key in RNN_KEYS:
            assert_close(grads[key], want_grads[key], what=f"grads[{key!r}] of {call}",
                         hint=HINTS["experiment"])


@pytest.fixture
def experiment(submission, reference) -> Experiment:
    return Experiment(submission, reference)
