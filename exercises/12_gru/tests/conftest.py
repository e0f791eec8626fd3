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
    training   train_sine, given in the stub, on the student's GRU: its first losses against
               the reference's, then the loss of the returned parameters below a target

The judging is grader/cell_checks.py's (exercise 11's LSTM is judged by the same code); the
GRU's own names, hints and known mistakes are declared below, the mistakes computed in NumPy
and never asked of the reference, whose answers a released bundle only replays.
"""

import numpy as np

from grader.cell_checks import Cell, fixtures, reorderings, sigma
from grader.checks import tip

ORDER = "rzn"  # the blocks of x Wx + bx and prev_h Wh + bh, in this exercise's order

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
}


# --- known forward mistakes, computed here -------------------------------------------------------


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
        r = sigma(ax[:, k["r"]] + prev @ Wh[:, k["r"]] + bh[k["r"]])
        z = sigma(ax[:, k["z"]] + prev @ Wh[:, k["z"]] + bh[k["z"]])
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
    for order, shown in reorderings(ORDER):
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


class GRU(Cell):
    """The student's GRU functions judged against the reference's (grader/cell_checks.py)."""

    NAME, PREFIX, GATES = "GRU", "gru", 3
    STATES = ("h",)  # prev_h -> next_h
    PARAMS = ("Wx", "Wh", "bx", "bh")
    HINTS = HINTS

    def mistakes(self, x, states: tuple, weights: tuple, sequence: bool) -> dict:
        """forward_mistakes from h0, each h as the one state of the step."""
        return {label: ((h,), en, zh) for label, (h, en, zh) in
                forward_mistakes(x, *states, *weights, sequence=sequence).items()}

    def step_backward_mistakes(self, want: dict, v: dict) -> tuple[str, dict]:
        """dprev_h without the direct path dnext_h ⊙ z, or with that path alone."""
        x, prev_h = np.asarray(v["x"], dtype=float), np.asarray(v["prev_h"], dtype=float)
        H = prev_h.shape[1]
        a = x @ v["Wx"][:, H:2 * H] + v["bx"][H:2 * H] + prev_h @ v["Wh"][:, H:2 * H] \
            + v["bh"][H:2 * H]
        direct = v["dnext_h"] * sigma(a)  # dnext_h ⊙ z
        variants = {
            "no_z_path": ((np.asarray(want["dprev_h"]) - direct,),
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
        return "dprev_h", variants


gru, training = fixtures(GRU)  # the fixtures the checks ask for
