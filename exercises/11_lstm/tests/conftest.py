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
    training   train_sine (given) on the student's LSTM: the first losses, then a final loss

Both come from grader/cell_checks.py, which judges exercise 12's GRU the same way; this file
declares what is the LSTM's own (names, hints, known mistakes). Known forward mistakes are
computed here in NumPy, never by asking the reference (a released bundle replays only the
reference answers its checks recorded).
"""

import numpy as np

from grader.cell_checks import HIDDEN_NOT_CARRIED, Cell, fixtures, reorderings, sigma
from grader.checks import tip

ORDER = "ifog"  # the gate blocks of a = x Wx + prev_h Wh + b, in this exercise's order

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
}


# --- known forward mistakes, computed here -------------------------------------------------------


def run_lstm(x, h0, c0, Wx, Wh, b, *, order=ORDER, forget=sigma, squash=np.tanh, carry=True):
    """(h, c), both (N, T, H): the LSTM as a given reading of it computes them. The gate blocks
    of a are taken in `order`, f = forget(a_f), next_h = o ⊙ squash(next_c), and each step
    starts from the previous c (carry) or from c0 again."""
    x, h, c0, Wx, Wh, b = (np.asarray(v, dtype=float) for v in (x, h0, c0, Wx, Wh, b))
    H = h.shape[1]
    block = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}
    c, hs, cs = c0, [], []
    for t in range(x.shape[1]):
        a = x[:, t] @ Wx + h @ Wh + b
        i, f, o = sigma(a[:, block["i"]]), forget(a[:, block["f"]]), sigma(a[:, block["o"]])
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
    for order, shown in reorderings(ORDER):
        en, zh = (" (PyTorch's and Keras' order)", "（PyTorch 與 Keras 的順序）") \
            if order == "ifgo" else ("", "")
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


class LSTM(Cell):
    """The student's LSTM functions judged against the reference's (grader/cell_checks.py)."""

    NAME, PREFIX, GATES = "LSTM", "lstm", 4
    STATES = ("h", "c")  # prev_h, prev_c -> next_h, next_c
    PARAMS = ("Wx", "Wh", "b")
    HINTS = HINTS
    JUDGED = ("next_c", "next_h")  # next_h = o ⊙ tanh(next_c): a wrong next_c comes first
    UNCARRIED = {  # the cell state's gradient, or the hidden state's, not passed back
        "no_dc": ("dnext_c",
                  "these are the gradients of a loop that passes dc_next = 0 into every "
                  "step: the cell state's gradient is not carried back from step t + 1 "
                  "(give lstm_step_backward the dprev_c that step t + 1 returned)",
                  "這是每一步都傳入 dc_next = 0 的迴圈算出的梯度：細胞狀態的梯度沒有從"
                  "第 t + 1 步傳回來（要把第 t + 1 步回傳的 dprev_c 交給 "
                  "lstm_step_backward）"),
        "no_dh": HIDDEN_NOT_CARRIED,
    }

    def mistakes(self, x, states: tuple, weights: tuple, sequence: bool) -> dict:
        """forward_mistakes from the first states (h0, c0)."""
        return forward_mistakes(x, *states, *weights, sequence=sequence)

    def step_backward_mistakes(self, want: dict, v: dict) -> tuple[str, dict]:
        """dprev_c without the factor f, or without the path through next_h."""
        a = np.asarray(v["x"], float) @ v["Wx"] + np.asarray(v["prev_h"], float) @ v["Wh"] \
            + v["b"]
        H = a.shape[1] // 4
        f = sigma(a[:, H:2 * H])
        variants = {
            "no_f": ((np.asarray(want["dprev_c"]) / f,),
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
        return "dprev_c", variants


lstm, training = fixtures(LSTM)  # the fixtures the checks ask for
