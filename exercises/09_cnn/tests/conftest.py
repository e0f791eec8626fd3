"""What the visible and the hidden checks of exercise 09 share, as pytest fixtures.

    sizes    conv_output_size and conv_param_count, a known wrong formula named
    layers   Layers(submission, reference, rng): each layer's forward against the reference
             (the shape first, with the size formula it came from when a known one fits, then
             the values, a known mistake named); each backward's known mistakes named, then the
             gradients by central differences of the student's own forward when that forward is
             right, else against the reference's gradients
    network  the small CNN: cnn_forward, cnn_backward, train_cnn, judged the same way
    digits   the first 128 of the course's 16×16 digits, read here with NumPy from
             datasets/digits16-*.gz

The known mistakes are computed here in NumPy (sliding windows and einsum, never by asking the
reference: a released bundle replays only the reference answers its checks recorded).
"""

import gzip
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from grader.checks import (
    agrees,
    assert_close,
    fail,
    forward_first,
    gradcheck,
    named,
    pair,
    tip,
    unpack,
)
from grader.i18n import Text

DATA = Path(__file__).resolve().parents[3] / "datasets"
RELU_SHIFT = 0.8  # b1 of the CNN checks: a window all below 0 makes a missing ReLU show
GRAD_COORDS = 16  # coordinates per parameter in a gradient check: each is two worker calls

HINTS = {
    "size": tip("H_out = (H + 2·pad − K) // stride + 1: pad on both sides, whole windows only "
                "(floor), +1 for the first window",
                "H_out = (H + 2·pad − K) // stride + 1：兩側都補 pad、只算完整的窗（取整數）、"
                "第一個窗要 +1"),
    "count": tip("F kernels of C·KH·KW weights each, plus one bias per kernel: F·(C·KH·KW + 1)",
                 "F 個卷積核，每個有 C·KH·KW 個權重，再加每個卷積核一個偏差：F·(C·KH·KW + 1)"),
    "conv": tip("out[n, f, i, j] = b[f] + Σ x_pad[n, :, i·s : i·s + KH, j·s : j·s + KW] · w[f] "
                "(cross-correlation: the kernel is not flipped; x_pad has pad zeros on every "
                "side)",
                "out[n, f, i, j] = b[f] + Σ x_pad[n, :, i·s : i·s + KH, j·s : j·s + KW] · w[f]"
                "（互相關：卷積核不翻轉；x_pad 四邊各補 pad 個 0）"),
    "conv_backward": tip("for every (n, f, i, j): dx_pad[window] += dout · w[f], dw[f] += dout · "
                         "x_pad[window] (summed over n, i, j), db[f] = Σ_{n,i,j} dout; cut the "
                         "padding off dx_pad",
                         "對每個 (n, f, i, j)：dx_pad[窗] += dout · w[f]、dw[f] += dout · "
                         "x_pad[窗]（對 n、i、j 加總）、db[f] = Σ_{n,i,j} dout；最後把 dx_pad "
                         "的 padding 切掉"),
    "pool": tip("out[n, c, i, j] = max of x[n, c, i·s : i·s + pool, j·s : j·s + pool]; the "
                "backward sends each dout to that window's FIRST maximum only (np.argmax)",
                "out[n, c, i, j] = x[n, c, i·s : i·s + pool, j·s : j·s + pool] 的最大值；反向"
                "時每個 dout 只送給該窗「第一個」最大值（np.argmax）"),
    "flatten": tip("x.reshape(N, -1): row-major (C, H, W) order; the backward reshapes back",
                   "x.reshape(N, -1)：以列優先 (C, H, W) 的順序；反向時 reshape 回原形狀"),
    "transpose": tip("each x[n, c, i, j] adds x · w[c, o] into full[n, o, i·s : i·s + KH, "
                     "j·s : j·s + KW]; then cut pad rows/columns from every side and add b[o]",
                     "每個 x[n, c, i, j] 把 x · w[c, o] 加到 full[n, o, i·s : i·s + KH, "
                     "j·s : j·s + KW]；再從四邊切掉 pad 列/行並加上 b[o]"),
    "filter": tip("out[i, j] = Σ_{a,b} image[i + a, j + b] · kernel[a, b] where the kernel fits: "
                  "(H − KH + 1, W − KW + 1), no flip, no padding, no clipping",
                  "out[i, j] = Σ_{a,b} image[i + a, j + b] · kernel[a, b]，只算卷積核放得下的位置："
                  "(H − KH + 1, W − KW + 1)，不翻轉、不補零、不截斷"),
    "cnn": tip("conv (stride 1, pad K // 2) -> relu -> maxpool 2×2 -> flatten -> dense, each with "
               "your own layer functions; the backward runs them in reverse",
               "conv（stride 1、pad K // 2）-> relu -> 2×2 maxpool -> flatten -> dense，每一步都"
               "用你自己的層函式；反向傳播依相反順序執行"),
    "train": tip("params = cnn_init(C, H, W, F, 3, classes, seed); rng = "
                 "np.random.default_rng(seed) once; each epoch order = rng.permutation(N), "
                 "batches order[k : k + batch_size]; params − lr · grads after each batch",
                 "params = cnn_init(C, H, W, F, 3, classes, seed)；rng = "
                 "np.random.default_rng(seed) 只建立一次；每個 epoch order = rng.permutation(N)，"
                 "批次為 order[k : k + batch_size]；每個批次之後 params − lr · grads"),
}


# --- plumbing ------------------------------------------------------------------------------------


def shapes(*arrays) -> str:
    return ", ".join(str(tuple(a.shape)) for a in arrays)


# --- the layers in NumPy, for the known mistakes ------------------------------------------------


def windows(x, KH: int, KW: int, stride: int, before: int = 0, after: int = 0) -> np.ndarray:
    """(N, C, H_out, W_out, KH, KW) windows of x zero-padded by `before` / `after`."""
    xp = np.pad(np.asarray(x, float), ((0, 0), (0, 0), (before, after), (before, after)))
    return sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]


def correlate(x, w, stride: int = 1, before: int = 0, after: int = 0) -> np.ndarray:
    """Σ_{c,a,b} window · w[f]: (N, C, H, W), (F, C, KH, KW) -> (N, F, H_out, W_out)."""
    w = np.asarray(w, float)
    return np.einsum("nchwab,fcab->nfhw", windows(x, *w.shape[2:], stride, before, after), w)


def size_formulas(H: int, K: int, s: int, p: int) -> dict:
    """{label: (length, en, zh)}: one output length as the usual wrong formulas give it."""
    return {
        "pad_once": ((H + p - K) // s + 1, "the padding was counted once; it goes on BOTH "
                     "sides: H + 2·pad", "padding 只算了一次；兩側都要補：H + 2·pad"),
        "no_pad": ((H - K) // s + 1, "the padding was ignored", "忽略了 padding"),
        "no_stride": (H + 2 * p - K + 1, "the stride was ignored: the windows move `stride` "
                      "pixels at a time, so divide by it", "忽略了 stride：窗一次移動 stride "
                      "格，所以要除以它"),
        "ceil": (-(-(H + 2 * p - K) // s) + 1, "rounded up: a window that would run past the "
                 "padded input is not used, so round DOWN (//)", "無條件進位了：超出補零後輸入的窗"
                 "不算，所以要無條件捨去（//）"),
        "no_one": ((H + 2 * p - K) // s, "the +1 is missing: the first window sits at 0 before "
                   "any step", "少了 +1：第一個窗在還沒移動之前就已經在位置 0"),
    }


def judge_shape(out, want_shape: tuple, what: str, hint: Text, sizes=None) -> None:
    """Fail when out has another shape than want_shape, naming the size formula it fits.
    sizes: (H, W, KH, KW, s, p) of a convolution whose output this is."""
    if not isinstance(out, np.ndarray) or out.shape == want_shape or out.ndim != len(want_shape):
        return
    if sizes is not None and out.shape[:2] == want_shape[:2]:
        H, W, KH, KW, s, p = sizes
        rows, cols = size_formulas(H, KH, s, p), size_formulas(W, KW, s, p)
        for key, (length, en, zh) in rows.items():
            if (length, cols[key][0]) == out.shape[2:]:
                fail(f"{what} has shape {out.shape}, expected {want_shape}: {en}",
                     f"{what} 的形狀是 {out.shape}，應該是 {want_shape}：{zh}", HINTS["size"])
    fail(f"{what} has shape {out.shape}, expected {want_shape}",
         f"{what} 的形狀是 {out.shape}，應該是 {want_shape}", hint)


def conv_mistakes(x, w, b, s: int, p: int) -> dict:
    """{label: (out, en, zh)}: the convolution's forward as the usual mistakes compute it."""
    b = np.asarray(b, float)[:, None, None]
    F, C, KH, KW = np.shape(w)
    N, _, H, W = np.shape(x)
    Ho, Wo = (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1
    out = {"flipped": (correlate(x, np.asarray(w)[:, :, ::-1, ::-1], s, p, p) + b,
                       "the kernel was flipped (rotated by 180°): that is the convolution of "
                       "signal processing; a deep-learning conv layer (and PyTorch) lays the "
                       "kernel on the image as it is: a cross-correlation",
                       "卷積核被翻轉了（旋轉 180°）：那是訊號處理的卷積；深度學習的卷積層（與 "
                       "PyTorch）把卷積核原樣疊在圖上：也就是互相關"),
           "no_bias": (correlate(x, w, s, p, p), "b was not added: each filter's output gets "
                       "its bias b[f] (「卷積後加起來+b1」)",
                       "沒有加上 b：每個濾波器的輸出都要加上它的偏差 b[f]（「卷積後加起來+b1」）")}
    if s > 1:
        out["step"] = (correlate(x, w, 1, p, p)[:, :, :Ho, :Wo] + b,
                       f"the output size is right but the windows moved 1 pixel at a time; "
                       f"window (i, j) starts at (i·stride, j·stride) with stride = {s}",
                       f"輸出大小正確，但窗一次只移動 1 格；第 (i, j) 個窗從 "
                       f"(i·stride, j·stride) 開始，stride = {s}")
    if p > 0:
        out["one_side"] = (correlate(x, w, s, 2 * p, 0)[:, :, :Ho, :Wo] + b,
                           "all the padding went on one side (top/left); put `pad` zeros on "
                           "every side", "所有的 padding 都補在同一側（上/左）；四邊各補 pad 個 0")
    return out


def per_sample_dw(x, dout, KH: int, KW: int, s: int, p: int) -> np.ndarray:
    """The convolution's dw of each sample alone: (N, F, C, KH, KW)."""
    return np.einsum("nfhw,nchwab->nfcab", np.asarray(dout, float),
                     windows(x, KH, KW, s, p, p)[:, :, :dout.shape[2], :dout.shape[3]])


def sum_mistakes(per_sample: np.ndarray, what: str) -> dict:
    """{label: (value, en, zh)}: a gradient that must be summed over the batch, summed wrong."""
    total = per_sample.sum(axis=0)
    N = len(per_sample)
    return {"first": (per_sample[0], f"{what} holds the first sample's contribution only: sum "
                      "over the whole batch", f"{what} 只有第一個樣本的貢獻：要對整個批次加總"),
            "last": (per_sample[-1], f"{what} holds the last sample's contribution only: it was "
                     "overwritten (=) inside the loop instead of accumulated (+=)",
                     f"{what} 只有最後一個樣本的貢獻：在迴圈裡被覆寫（=）了，應該累加（+=）"),
            "mean": (total / N, f"{what} was divided by the batch size N = {N}: a layer's "
                     "gradient is the plain sum over the batch (the loss already averages)",
                     f"{what} 被除以批次大小 N = {N}：層的梯度就是對批次的加總（平均已經在損失"
                     "函數裡做過了）")}


def db_shape_mistake(db, N: int, F: int, Ho: int, Wo: int, what: str) -> None:
    """Fail naming the missing sum when db has the shape of a partial sum."""
    if not isinstance(db, np.ndarray):
        return
    if db.shape == (N, F) and N != F:
        fail(f"{what} has shape (N, F) = {db.shape}: it was summed over the positions but not "
             "over the batch; db[f] = Σ over n, i and j", f"{what} 的形狀是 (N, F) = "
             f"{db.shape}：只對位置加總、沒有對批次加總；db[f] = 對 n、i、j 全部加總",
             HINTS["conv_backward"])
    if db.shape in ((F, Ho, Wo), (N, F, Ho, Wo)):
        fail(f"{what} has shape {db.shape}: the sum over the output positions (i, j) is "
             "missing; db[f] = Σ over n, i and j, shape (F,)", f"{what} 的形狀是 {db.shape}：少了"
             "對輸出位置 (i, j) 的加總；db[f] = 對 n、i、j 全部加總，形狀 (F,)",
             HINTS["conv_backward"])


def pool_windows(x, pool: int, stride: int) -> np.ndarray:
    """(N, C, H_out, W_out, pool·pool) window elements in row-major order."""
    view = windows(x, pool, pool, stride)
    return view.reshape(*view.shape[:4], pool * pool)


def pool_backward_mistakes(x, dout, pool: int, stride: int) -> dict:
    """{label: (dx, en, zh)}: max-pooling's backward as the usual mistakes compute it."""
    x, dout = np.asarray(x, float), np.asarray(dout, float)
    win = pool_windows(x, pool, stride)
    is_max = win == win.max(axis=-1, keepdims=True)  # (N, C, Ho, Wo, pool²)
    last = np.zeros_like(is_max)
    index = pool * pool - 1 - np.argmax(is_max[..., ::-1], axis=-1)
    np.put_along_axis(last, index[..., None], True, axis=-1)
    share = {"every": (np.ones_like(win), "the gradient went to every element of the window; "
                       "only the window's maximum (「地區老大」) gets it",
                       "梯度送給了窗裡的每個元素；只有窗的最大值（「地區老大」）才拿到梯度"),
             "average": (np.full(win.shape, 1.0 / pool ** 2), "the gradient was spread evenly "
                         "over the window (average pooling's backward); max-pooling sends it to "
                         "the maximum only", "梯度被平均分給整個窗（平均池化的反向傳播）；最大池化"
                         "只把它送給最大值"),
             "all_maxima": (is_max * 1.0, "every tied maximum of a window got the gradient; the "
                            "rule is: the FIRST maximum in row-major order only (np.argmax), so "
                            "the gradient is not duplicated",
                            "窗裡並列的每個最大值都拿到了梯度；規則是：只給列優先順序中「第一個」"
                            "最大值（np.argmax），梯度才不會被重複計算"),
             "last_max": (last * 1.0, "the gradient went to the LAST of tied maxima; the rule is "
                          "the first one, as np.argmax picks",
                          "梯度送給了並列最大值中的「最後一個」；規則是第一個，"
                          "和 np.argmax 的選法相同")}
    out = {}
    N, C, H, W = x.shape
    for label, (weights, en, zh) in share.items():
        dx = np.zeros((N, C, H, W))
        parts = weights * dout[..., None]  # (N, C, Ho, Wo, pool²)
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                block = parts[:, :, i, j].reshape(N, C, pool, pool)
                dx[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool] += block
        out[label] = (dx, en, zh)
    return out


def dilate(x, s: int) -> np.ndarray:
    """x with s − 1 zeros between neighbouring pixels:
    (N, C, H, W) -> (N, C, (H − 1)s + 1, (W − 1)s + 1)."""
    N, C, H, W = np.shape(x)
    out = np.zeros((N, C, (H - 1) * s + 1, (W - 1) * s + 1))
    out[:, :, ::s, ::s] = x
    return out


def transpose_mistakes(x, w, b, s: int, p: int) -> dict:
    """{label: (out, en, zh)}: the transposed convolution computed as a plain convolution of the
    zero-inserted input without rotating the kernel."""
    KH = np.shape(w)[2]
    unrotated = correlate(dilate(x, s), np.asarray(w).transpose(1, 0, 2, 3), 1,
                          KH - 1 - p, KH - 1 - p) + np.asarray(b, float)[:, None, None]
    return {"unrotated": (unrotated, "this is a plain convolution of the zero-inserted input "
                          "with the kernel as it is; written that way, a transposed convolution "
                          "needs the kernel rotated by 180° (w[:, :, ::-1, ::-1], channel axes "
                          "swapped); or scatter each x[n, c, i, j] · w[c] into the output",
                          "這是把插零後的輸入與原樣的卷積核做普通卷積；用這種寫法時，轉置卷積需要把"
                          "卷積核旋轉 180°（w[:, :, ::-1, ::-1]，並交換兩個通道軸）；或直接把每個 "
                          "x[n, c, i, j] · w[c] 撒到輸出上")}


def transpose_sizes(H: int, K: int, s: int, p: int) -> dict:
    """{label: (length, en, zh)}: a transposed convolution's output length, wrong."""
    return {"conv": ((H + 2 * p - K) // s + 1, "this is a plain convolution's output size; a "
                     "transposed convolution ENLARGES: (H − 1)·stride − 2·pad + K",
                     "這是普通卷積的輸出大小；轉置卷積會「放大」：(H − 1)·stride − 2·pad + K"),
            "uncut": ((H - 1) * s + K, "the padding was not cut off: remove `pad` rows and "
                      "columns from every side of the full output",
                      "沒有切掉 padding：要從完整輸出的四邊各切掉 pad 列與 pad 行"),
            "added": ((H - 1) * s + 2 * p + K, "the padding was added, as in a convolution; a "
                      "transposed convolution CUTS it: (H − 1)·stride − 2·pad + K",
                      "padding 被加上去了（像普通卷積那樣）；轉置卷積是把它「切掉」："
                      "(H − 1)·stride − 2·pad + K")}


def judge_transpose_shape(out, want_shape: tuple, sizes: tuple, what: str) -> None:
    if not isinstance(out, np.ndarray) or out.shape == want_shape or out.ndim != 4:
        return
    H, W, KH, KW, s, p = sizes
    rows, cols = transpose_sizes(H, KH, s, p), transpose_sizes(W, KW, s, p)
    for key, (length, en, zh) in rows.items():
        if out.shape[:2] == want_shape[:2] and (length, cols[key][0]) == out.shape[2:]:
            fail(f"{what} has shape {out.shape}, expected {want_shape}: {en}",
                 f"{what} 的形狀是 {out.shape}，應該是 {want_shape}：{zh}", HINTS["transpose"])
    fail(f"{what} has shape {out.shape}, expected {want_shape}",
         f"{what} 的形狀是 {out.shape}，應該是 {want_shape}", HINTS["transpose"])


# --- sizes and counts ----------------------------------------------------------------------------


class Sizes:
    """The student's conv_output_size and conv_param_count next to the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check_output_size(self, cases: list) -> None:
        """conv_output_size(H, K, stride, pad) for every case; a float or a known wrong formula
        (the same for every case) is named."""
        got = [self.submission.conv_output_size(*case) for case in cases]
        want = [self.reference.conv_output_size(*case) for case in cases]
        calls = [f"conv_output_size(H={H}, K={K}, stride={s}, pad={p})" for H, K, s, p in cases]
        for value, call in zip(got, calls, strict=True):
            if isinstance(value, (float, np.floating)):
                fail(f"{call} returned the float {value!r}; a size is a whole number: use "
                     "integer division //", f"{call} 回傳了浮點數 {value!r}；大小是整數："
                     "請用整數除法 //", HINTS["size"])
        if got == want:
            return
        for key, (_, en, zh) in size_formulas(*cases[0]).items():
            if all(v == size_formulas(*case)[key][0] for v, case in zip(got, cases, strict=True)):
                fail(f"conv_output_size: {en}", f"conv_output_size：{zh}", HINTS["size"])
        k = next(k for k, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
        fail(f"{calls[k]} returned {got[k]!r}, expected {want[k]}",
             f"{calls[k]} 回傳了 {got[k]!r}，應該是 {want[k]}", HINTS["size"])

    def check_param_count(self, cases: list) -> None:
        """conv_param_count(C, F, KH, KW, use_bias) for every case, with and without biases;
        the known wrong counts are named."""
        for C, F, KH, KW in cases:
            for use_bias in (True, False):
                call = f"conv_param_count(C={C}, F={F}, KH={KH}, KW={KW}, use_bias={use_bias})"
                got = self.submission.conv_param_count(C, F, KH, KW, use_bias)
                want = self.reference.conv_param_count(C, F, KH, KW, use_bias)
                if got == want:
                    continue
                weights = F * C * KH * KW
                known = {weights: ("the F biases are missing: every kernel has one bias "
                                   "(「卷積後加起來+b1」)", "少了 F 個偏差：每個卷積核都有一個偏差"
                                   "（「卷積後加起來+b1」）"),
                         F * (KH * KW + use_bias): ("the input channels are missing: each kernel "
                                                    "has a KH×KW slice per channel, C·KH·KW "
                                                    "weights", "少了輸入通道：每個卷積核在每個"
                                                    "通道各有一片 KH×KW，共 C·KH·KW 個權重"),
                         weights + C * use_bias: ("one bias per INPUT channel; there is one per "
                                                  "kernel (F)", "每個「輸入」通道一個偏差；應該是"
                                                  "每個卷積核（F）一個")}
                en, zh = known.get(got, (f"returned {got!r}, expected {want}",
                                         f"回傳了 {got!r}，應該是 {want}"))
                fail(f"{call}: {en}", f"{call}：{zh}", HINTS["count"])


@pytest.fixture
def sizes(submission, reference) -> Sizes:
    return Sizes(submission, reference)


# --- the layers' checks --------------------------------------------------------------------------


def conv_call(name: str, x, w, s: int, p: int) -> str:
    return f"{name}(x {x.shape}, w {w.shape}, b ({w.shape[0]},), stride={s}, pad={p})"


class Layers:
    """The student's layers next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def conv_inputs(self, N, C, H, W, F, KH, KW, dtype=np.float64) -> tuple:
        """x (N, C, H, W), w (F, C, KH, KW), b (F,), drawn here."""
        rng = self.rng
        return tuple(a.astype(dtype) for a in (rng.normal(size=(N, C, H, W)),
                                               rng.normal(size=(F, C, KH, KW)),
                                               rng.normal(size=F)))

    # convolution

    def conv_forward(self, name: str, x, w, b, s: int, p: int) -> tuple:
        """(out, cache) of the student's `name`, out judged against the reference."""
        call = conv_call(name, x, w, s, p)
        out, cache = pair(getattr(self.submission, name)(x, w, b, s, p), ("out", "cache"), call)
        want, _ = getattr(self.reference, name)(x, w, b, s, p)
        sizes = (*x.shape[2:], *w.shape[2:], s, p)
        judge_shape(out, want.shape, f"out of {call}", HINTS["conv"], sizes)
        named(out, want, conv_mistakes(x, w, b, s, p), f"out of {call}", HINTS["conv"])
        assert_close(out, want, what=f"out of {call}", hint=HINTS["conv"],
                     **({"rtol": 1e-4} if x.dtype == np.float32 else {}))
        return out, cache

    def conv_backward(self, forward: str, backward: str, x, w, b, s: int, p: int) -> None:
        """dx, dw, db of the student's `backward`: the known summing mistakes named, then
        central differences of the student's own forward (when it is right) or the reference."""
        sub_forward = getattr(self.submission, forward)
        call = conv_call(forward, x, w, s, p)
        _, cache = pair(sub_forward(x, w, b, s, p), ("out", "cache"), call)
        want_out, want_cache = getattr(self.reference, forward)(x, w, b, s, p)
        dout = self.rng.normal(size=want_out.shape).astype(x.dtype)
        what = f"{backward}(dout {dout.shape}, cache of {call})"
        dx, dw, db = unpack(getattr(self.submission, backward)(dout, cache), ("dx", "dw", "db"),
                            what)
        want = getattr(self.reference, backward)(dout, want_cache)
        hint = HINTS["conv_backward"]
        N, F = dout.shape[:2]
        db_shape_mistake(db, N, F, *dout.shape[2:], f"db of {what}")
        if N > 1:
            named(dw, want[1], sum_mistakes(per_sample_dw(x, dout, *w.shape[2:], s, p), "dw"),
                  f"dw of {what}", hint)
            named(db, want[2], sum_mistakes(np.asarray(dout, float).sum(axis=(2, 3)), "db"),
                  f"db of {what}", hint)
        right = agrees(lambda: sub_forward(x, w, b, s, p)[0], want_out)
        if right and x.dtype == np.float64:
            def out(params):
                return sub_forward(params["x"], params["w"], params["b"], s, p)[0]
            gradcheck(out, {"x": dx, "w": dw, "b": db}, {"x": x, "w": w, "b": b}, dout=dout,
                      batch=N, max_coords=GRAD_COORDS, name=backward, hint=hint)
            return
        options = {"rtol": 1e-4} if x.dtype == np.float32 else {}
        for value, expected, label in zip((dx, dw, db), want, ("dx", "dw", "db"), strict=True):
            assert_close(value, expected, what=f"{label} of {what}",
                         hint=hint if right else forward_first(forward), **options)

    # max-pooling and flatten

    def pool_forward(self, x, pool: int, stride: int) -> tuple:
        call = f"maxpool_forward(x {x.shape}, pool={pool}, stride={stride})"
        out, cache = pair(self.submission.maxpool_forward(x, pool, stride), ("out", "cache"),
                          call)
        want, _ = self.reference.maxpool_forward(x, pool, stride)
        judge_shape(out, want.shape, f"out of {call}", HINTS["pool"],
                    (*x.shape[2:], pool, pool, stride, 0))
        average = pool_windows(x, pool, stride).mean(axis=-1)
        named(out, want, {"average": (average, "this is average pooling; max-pooling keeps "
                                      "the largest value of each window (「把地區老大抓出來」)",
                                      "這是平均池化；最大池化保留每個窗的最大值"
                                      "（「把地區老大抓出來」）")}, f"out of {call}",
              HINTS["pool"])
        assert_close(out, want, what=f"out of {call}", hint=HINTS["pool"],
                     **({"rtol": 1e-4} if x.dtype == np.float32 else {}))
        return out, cache

    def pool_backward(self, x, pool: int = 2, stride: int = 2, numerical: bool = True) -> None:
        """dx of maxpool_backward: known mistakes named, then central differences of the
        student's own forward (random x: no ties) or the reference (x with ties)."""
        call = f"maxpool_forward(x {x.shape}, pool={pool}, stride={stride})"
        sub = self.submission
        _, cache = pair(sub.maxpool_forward(x, pool, stride), ("out", "cache"), call)
        want_out, want_cache = self.reference.maxpool_forward(x, pool, stride)
        dout = self.rng.normal(size=want_out.shape).astype(x.dtype)
        what = f"maxpool_backward(dout {dout.shape}, cache of {call})"
        dx = sub.maxpool_backward(dout, cache)
        want = self.reference.maxpool_backward(dout, want_cache)
        named(dx, want, pool_backward_mistakes(x, dout, pool, stride), f"dx of {what}",
              HINTS["pool"])
        right = agrees(lambda: sub.maxpool_forward(x, pool, stride)[0], want_out)
        if right and numerical:
            gradcheck(lambda v: sub.maxpool_forward(v, pool, stride)[0], dx, x, dout=dout,
                      max_coords=GRAD_COORDS, name="maxpool_backward", hint=HINTS["pool"])
            return
        assert_close(dx, want, what=f"dx of {what}",
                     hint=HINTS["pool"] if right else forward_first("maxpool_forward"),
                     **({"rtol": 1e-4} if x.dtype == np.float32 else {}))

    def flatten(self, x) -> None:
        call = f"flatten_forward(x {x.shape})"
        out, cache = pair(self.submission.flatten_forward(x), ("out", "cache"), call)
        want, want_cache = self.reference.flatten_forward(x)
        N = x.shape[0]
        if isinstance(out, np.ndarray) and out.shape == want.shape[::-1] and N != want.shape[1]:
            fail(f"out of {call} has shape {out.shape}: one ROW per sample, (N, C·H·W) = "
                 f"{want.shape}", f"{call} 的輸出形狀是 {out.shape}：每個樣本一「列」，"
                 f"(N, C·H·W) = {want.shape}", HINTS["flatten"])
        named(out, want, {"fortran": (np.asarray(x).reshape(N, -1, order="F"),
                                      "flattened in column-major (Fortran) order; use row-major "
                                      "(C) order, x.reshape(N, -1)",
                                      "以行優先（Fortran）順序攤平了；請用列優先（C）順序 "
                                      "x.reshape(N, -1)")},
              f"out of {call}", HINTS["flatten"])
        assert_close(out, want, what=f"out of {call}", hint=HINTS["flatten"])
        dout = self.rng.normal(size=want.shape)
        dx = self.submission.flatten_backward(dout, cache)
        assert_close(dx, self.reference.flatten_backward(dout, want_cache),
                     what=f"flatten_backward(dout {dout.shape}, cache of {call})",
                     hint=HINTS["flatten"])

    # transposed convolution

    def transpose_inputs(self, N, C_in, H, W, C_out, KH, KW, dtype=np.float64) -> tuple:
        rng = self.rng
        return tuple(a.astype(dtype) for a in (rng.normal(size=(N, C_in, H, W)),
                                               rng.normal(size=(C_in, C_out, KH, KW)),
                                               rng.normal(size=C_out)))

    def transpose_forward(self, x, w, b, s: int, p: int) -> None:
        call = (f"conv_transpose2d_forward(x {x.shape}, w {w.shape}, b ({w.shape[1]},), "
                f"stride={s}, pad={p})")
        out, _ = pair(self.submission.conv_transpose2d_forward(x, w, b, s, p), ("out", "cache"),
                      call)
        want, _ = self.reference.conv_transpose2d_forward(x, w, b, s, p)
        judge_transpose_shape(out, want.shape, (*x.shape[2:], *w.shape[2:], s, p),
                              f"out of {call}")
        named(out, want, transpose_mistakes(x, w, b, s, p), f"out of {call}", HINTS["transpose"])
        assert_close(out, want, what=f"out of {call}", hint=HINTS["transpose"],
                     **({"rtol": 1e-4} if x.dtype == np.float32 else {}))

    def transpose_backward(self, x, w, b, s: int, p: int) -> None:
        sub = self.submission
        call = (f"conv_transpose2d_forward(x {x.shape}, w {w.shape}, b ({w.shape[1]},), "
                f"stride={s}, pad={p})")
        _, cache = pair(sub.conv_transpose2d_forward(x, w, b, s, p), ("out", "cache"), call)
        want_out, want_cache = self.reference.conv_transpose2d_forward(x, w, b, s, p)
        dout = self.rng.normal(size=want_out.shape)
        what = f"conv_transpose2d_backward(dout {dout.shape}, cache of {call})"
        dx, dw, db = unpack(sub.conv_transpose2d_backward(dout, cache), ("dx", "dw", "db"), what)
        want = self.reference.conv_transpose2d_backward(dout, want_cache)
        N, C_out = dout.shape[:2]
        db_shape_mistake(db, N, C_out, *dout.shape[2:], f"db of {what}")
        right = agrees(lambda: sub.conv_transpose2d_forward(x, w, b, s, p)[0], want_out)
        if right:
            def out(params):
                return sub.conv_transpose2d_forward(params["x"], params["w"], params["b"], s,
                                                    p)[0]
            gradcheck(out, {"x": dx, "w": dw, "b": db}, {"x": x, "w": w, "b": b}, dout=dout,
                      batch=N, max_coords=GRAD_COORDS, name="conv_transpose2d_backward",
                      hint=HINTS["transpose"])
            return
        for value, expected, label in zip((dx, dw, db), want, ("dx", "dw", "db"), strict=True):
            assert_close(value, expected, what=f"{label} of {what}",
                         hint=forward_first("conv_transpose2d_forward"))

    # image filters

    def filter(self, image, kernel, label: str) -> None:
        kernel = np.asarray(kernel, float)
        call = f"filter_image(image {image.shape}, {label} {kernel.shape})"
        out = self.submission.filter_image(image, kernel)
        want = self.reference.filter_image(image, kernel)
        if isinstance(out, np.ndarray) and out.shape == image.shape:
            fail(f"{call} has the image's shape {out.shape}: the seed's filter is used where the "
                 f"kernel fits, giving (H − KH + 1, W − KW + 1) = {want.shape}; no padding",
                 f"{call} 的形狀和影像一樣是 {out.shape}：講義的濾鏡只用在卷積核放得下的位置，"
                 f"得到 (H − KH + 1, W − KW + 1) = {want.shape}；不補零", HINTS["filter"])
        valid = correlate(image[None, None], kernel[None, None])[0, 0]
        named(out, want, {
            "flipped": (correlate(image[None, None], kernel[None, None, ::-1, ::-1])[0, 0],
                        "the kernel was flipped; the seed lays it on the image as it is (「把"
                        "Kernel疊上去,每個獨自相乘後加總」)", "卷積核被翻轉了；講義是把它原樣疊在"
                        "圖上（「把Kernel疊上去,每個獨自相乘後加總」）"),
            "clipped": (np.clip(valid, 0.0, 1.0), "the result was clipped to [0, 1]; return the "
                        "sums as they are (a figure may clip, the filter does not)",
                        "結果被截斷到 [0, 1]；請原樣回傳加總（畫圖時可以截斷，濾鏡本身不截斷）")},
              call, HINTS["filter"])
        assert_close(out, want, what=call, hint=HINTS["filter"])


@pytest.fixture
def layers(submission, reference, rng) -> Layers:
    return Layers(submission, reference, rng)


# --- the small CNN -------------------------------------------------------------------------------


def read_digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n of the course's 16×16 digits: x (n, 1, 16, 16) in [0, 1], y (n,) int64."""
    def idx(name: str) -> np.ndarray:
        with gzip.open(DATA / name, "rb") as fh:
            data = fh.read()
        dims = np.frombuffer(data, ">u4", count=data[3], offset=4)
        return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)
    images, labels = idx("digits16-images-idx3-ubyte.gz"), idx("digits16-labels-idx1-ubyte.gz")
    return images[:n, None] / 255.0, labels[:n].astype(np.int64)


@pytest.fixture(scope="session")
def digits() -> tuple[np.ndarray, np.ndarray]:
    return read_digits(128)  # the checks train on at most 128 of them


def cnn_numpy(params: dict, x, y=None, relu: bool = True):
    """The small CNN in NumPy: scores, or (loss, grads) when y is given (known mistakes)."""
    W1, b1, W2, b2 = (np.asarray(params[k], float) for k in ("W1", "b1", "W2", "b2"))
    K = W1.shape[2]
    x = np.asarray(x, float)
    z = correlate(x, W1, 1, K // 2, K // 2) + b1[:, None, None]
    h = np.maximum(z, 0.0) if relu else z
    win = pool_windows(h, 2, 2)  # (N, F, H/2, W/2, 4)
    arg = win.argmax(axis=-1)
    flat = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0].reshape(len(x), -1)
    scores = flat @ W2 + b2
    if y is None:
        return scores
    N = len(x)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # finite, even far off
    loss = float(-np.mean(log_p[np.arange(N), y]))
    dscores = np.exp(log_p)
    dscores[np.arange(N), y] -= 1.0
    dscores /= N
    dpooled = (dscores @ W2.T).reshape(arg.shape)
    dwin = (np.arange(4) == arg[..., None]) * dpooled[..., None]  # (N, F, H/2, W/2, 4)
    dh = dwin.reshape(*arg.shape, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(h.shape)
    dz = dh * (z > 0) if relu else dh
    dW1 = np.einsum("nfhw,nchwab->fcab", dz, windows(x, K, K, 1, K // 2, K // 2))
    return loss, {"W1": dW1, "b1": dz.sum(axis=(0, 2, 3)), "W2": flat.T @ dscores,
                  "b2": dscores.sum(axis=0)}


def train_mistakes(params0: dict, x, y, epochs: int, batch_size: int, lr: float, seed: int
                   ) -> dict:
    """{label: (losses, en, zh)}: train_cnn's losses as the usual mistakes give them."""
    N = len(x)

    def run(orders, sign=1.0):
        params, losses = dict(params0), []
        for order in orders:
            for k in range(0, N, batch_size):
                batch = order[k:k + batch_size]
                loss, grads = cnn_numpy(params, x[batch], y[batch])
                params = {key: params[key] - sign * lr * grads[key] for key in params}
                losses.append(loss)
        return np.array(losses)

    rng = np.random.default_rng(seed)
    right = [rng.permutation(N) for _ in range(epochs)]
    again = [np.random.default_rng(seed).permutation(N) for _ in range(epochs)]
    return {"unshuffled": (run([np.arange(N)] * epochs), "the batches were taken in the data's "
                           "order: shuffle every epoch with order = rng.permutation(N)",
                           "批次是照資料原本的順序取的：每個 epoch 都要用 order = "
                           "rng.permutation(N) 打亂"),
            "same_order": (run(again), "every epoch used the same order: a generator created "
                           "inside the epoch loop restarts; create rng = "
                           "np.random.default_rng(seed) once, before the loop",
                           "每個 epoch 的順序都一樣：在 epoch 迴圈裡建立的亂數產生器會重新開始；"
                           "rng = np.random.default_rng(seed) 只在迴圈前建立一次"),
            "ascent": (run(right, -1.0), "the parameters moved UP the gradient (params + lr · "
                       "grads): gradient descent subtracts", "參數往梯度的「上坡」移動了"
                       "（params + lr · grads）：梯度下降是減去梯度")}


class Network:
    """The student's small CNN next to the reference's."""

    def __init__(self, submission, reference, rng):
        self.submission, self.reference, self.rng = submission, reference, rng

    def setup(self, N: int = 4, C: int = 1, H: int = 8, W: int = 8, F: int = 3,
              classes: int = 4) -> tuple:
        """params from the reference's cnn_init (a seed drawn here) with biases drawn here, b1
        around −0.8 so that some pooling windows are all negative and the ReLU shows; x
        (N, C, H, W) in [0, 1) and dscores (N, classes) drawn here."""
        seed = int(self.rng.integers(1000))
        params = self.reference.cnn_init(C, H, W, F, 3, classes, seed)
        params = {**params, "b1": self.rng.normal(scale=0.1, size=F) - RELU_SHIFT,
                  "b2": self.rng.normal(scale=0.1, size=classes)}
        return params, self.rng.random((N, C, H, W)), self.rng.normal(size=(N, classes))

    def forward(self, params: dict, x) -> tuple:
        call = f"cnn_forward(params, x {x.shape})"
        scores, cache = pair(self.submission.cnn_forward(params, x), ("scores", "cache"), call)
        want, _ = self.reference.cnn_forward(params, x)
        named(scores, want, {"relu": (cnn_numpy(params, x, relu=False), "the ReLU after the "
                                      "convolution is missing: the seeds' recipe is Conv + "
                                      "ReLU + Maxpool", "卷積之後少了 ReLU：講義的配方是 "
                                      "Conv + ReLU + Maxpool")},
              f"scores of {call}", HINTS["cnn"])
        assert_close(scores, want, what=f"scores of {call}", hint=HINTS["cnn"])
        return scores, cache

    def backward(self, params: dict, x, dscores) -> None:
        sub = self.submission
        call = f"cnn_forward(params, x {x.shape})"
        _, cache = pair(sub.cnn_forward(params, x), ("scores", "cache"), call)
        what = f"cnn_backward(dscores {dscores.shape}, cache of {call})"
        grads = sub.cnn_backward(dscores, cache)
        if not isinstance(grads, dict) or set(grads) != {"W1", "b1", "W2", "b2"}:
            fail(f"{what} returned {type(grads).__name__}"
                 f"{' with the keys ' + str(sorted(grads)) if isinstance(grads, dict) else ''}; "
                 "expected a dict with the keys W1, b1, W2, b2",
                 f"{what} 回傳了 {type(grads).__name__}；應該回傳含 W1、b1、W2、b2 的 dict",
                 HINTS["cnn"])
        want_out, want_cache = self.reference.cnn_forward(params, x)
        want = self.reference.cnn_backward(dscores, want_cache)
        if agrees(lambda: sub.cnn_forward(params, x)[0], want_out):
            gradcheck(lambda p: sub.cnn_forward(p, x)[0], grads, dict(params), dout=dscores,
                      max_coords=GRAD_COORDS, name="cnn_backward", hint=HINTS["cnn"])
            return
        for key in ("W1", "b1", "W2", "b2"):
            assert_close(grads[key], want[key], what=f"grads[{key!r}] of {what}",
                         hint=forward_first("cnn_forward"))

    def train(self, x, y, epochs: int, batch_size: int, lr: float = 0.1, F: int = 4,
              seed: int = 0) -> None:
        """The student's losses and final parameters against the reference's; known mistakes
        named."""
        call = (f"train_cnn(x {x.shape}, y ({len(y)},), epochs={epochs}, batch_size="
                f"{batch_size}, lr={lr}, F={F}, seed={seed})")
        params, losses = pair(self.submission.train_cnn(x, y, epochs, batch_size, lr, F, 10,
                                                        seed), ("params", "losses"), call)
        want_params, want_losses = self.reference.train_cnn(x, y, epochs, batch_size, lr, F,
                                                            10, seed)
        init = self.reference.cnn_init(x.shape[1], *x.shape[2:], F, 3, 10, seed)
        named(losses, want_losses, train_mistakes(init, x, y, epochs, batch_size, lr, seed),
              f"losses of {call}", HINTS["train"])
        assert_close(losses, want_losses, what=f"losses of {call}", hint=HINTS["train"])
        if not isinstance(params, dict):
            fail(f"{call} returned params of type {type(params).__name__}; expected the dict of "
                 "the trained parameters", f"{call} 回傳的 params 型別是 "
                 f"{type(params).__name__}；應該是訓練後參數的 dict", HINTS["train"])
        for key in ("W1", "b1", "W2", "b2"):
            assert_close(params.get(key), want_params[key], what=f"params[{key!r}] of {call}",
                         hint=HINTS["train"])


@pytest.fixture
def network(submission, reference, rng) -> Network:
    return Network(submission, reference, rng)
