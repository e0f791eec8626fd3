"""What the visible and the hidden checks of exercise 04 share, as pytest fixtures.

The check files cannot import each other (the grader imports them by path and unloads them
after every run), so their data builders and judging helpers live here, where pytest hands
them to any check that names them as an argument:

    separable    separable(N, D): a linearly separable set (x, y) with a margin, from the rng
    perceptron   the student's perceptron_train judged against the reference's
    dense        the student's dense_forward / dense_backward judged against the reference's
    counts       the student's parameter counts judged against the reference's
"""

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradcheck, pair, tip
from grader.compare import RTOL

MARGIN = 0.2  # every point at least this far from the true boundary: converges in tens of epochs
STOP_HINT = tip("count the mistakes of every epoch, append the count, and stop after the first "
                "epoch with 0 mistakes (that 0 is the last entry), or after max_epochs epochs",
                "記錄每個 epoch 的錯誤數，並在第一個錯誤數為 0 的 epoch 之後停止"
                "（最後一個數字就是那個 0），或在 max_epochs 個 epoch 之後停止")
DENSE_HINT = tip("out = x @ w + b: (N, D) @ (D, M) gives (N, M), and b of shape (M,) is added to "
                 "every row by broadcasting",
                 "out = x @ w + b：(N, D) @ (D, M) 得到 (N, M)，"
                 "形狀 (M,) 的 b 會藉由廣播加到每一列")
DENSE_BACKWARD_HINT = tip("dx = dout @ w.T (N, D), dw = x.T @ dout (D, M), db = dout.sum(axis=0) "
                          "(M,): each gradient has the shape of what it is the gradient of",
                          "dx = dout @ w.T (N, D)、dw = x.T @ dout (D, M)、"
                          "db = dout.sum(axis=0) (M,)：每個梯度的形狀都和它對應的變數相同")


@pytest.fixture
def separable(rng):
    """separable(N, D): x (N, D) and labels y = sign(x · u + c) in {−1, +1}, every point at
    least MARGIN from the boundary x · u + c = 0 (u a unit vector)."""
    def draw(N: int, D: int) -> tuple[np.ndarray, np.ndarray]:
        u = rng.normal(size=D)
        u /= np.linalg.norm(u)
        c = rng.uniform(-2.0, 2.0)
        y = rng.choice([-1.0, 1.0], size=N)
        x = rng.normal(scale=2.0, size=(N, D))
        distance = x @ u + c  # signed distance to the boundary
        x += ((y * (MARGIN + np.abs(distance))) - distance)[:, None] * u  # onto y's side
        return x, y
    return draw


def as_counts(value, what: str) -> list[int]:
    """A list, tuple or 1-D array of whole numbers as a list of Python ints, or a failure."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        items = value.tolist()
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        kind = f"array of shape {value.shape}" if isinstance(value, np.ndarray) \
            else type(value).__name__
        fail(f"{what} returned a {kind}; expected a list of whole numbers",
             f"{what} 回傳了 {kind}；應該回傳一串整數（list）")
    if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
               and float(v).is_integer() for v in items):
        fail(f"{what} returned {items!r}; expected whole numbers",
             f"{what} 回傳了 {items!r}；應該是整數")
    return [int(v) for v in items]


def as_count(value, what: str) -> int:
    """One whole number as a Python int, or a failure."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not float(value).is_integer():
        kind = f"array of shape {value.shape}" if isinstance(value, np.ndarray) \
            else repr(value) if isinstance(value, float) else type(value).__name__
        fail(f"{what} returned {kind}; expected one whole number",
             f"{what} 回傳了 {kind}；應該回傳一個整數")
    return int(value)


def described(name: str, *args, **kwargs) -> str:
    """How a call is named in a message: perceptron_train(x (20, 2), y (20,), rule='online')."""
    def shown(label: str, value) -> str:
        if not isinstance(value, np.ndarray):
            return f"{label}={value!r}"
        dtype = "" if value.dtype == np.float64 else f"{value.dtype} "
        return f"{label} {dtype}{value.shape}"
    parts = [shown(label, value) for label, value in (*args, *kwargs.items())]
    return f"{name}({', '.join(parts)})"


class Perceptron:
    """The student's perceptron_train next to the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check_train(self, x, y, *, rtol: float = RTOL, same_w: bool = True, hint=None,
                    **kwargs) -> tuple:
        """The student's (w, mistakes) equal the reference's: the same count of mistakes in
        every epoch, and (if same_w) w within rtol. Returns the student's (w, mistakes)."""
        what = described("perceptron_train", ("x", x), ("y", y), **kwargs)
        w, mistakes = pair(self.submission.perceptron_train(x, y, **kwargs), ("w", "mistakes"),
                           what)
        want_w, want_mistakes = self.reference.perceptron_train(x, y, **kwargs)
        mistakes, want_mistakes = as_counts(mistakes, what), [int(m) for m in want_mistakes]
        if mistakes != want_mistakes:
            fail(f"{what} made the mistakes {short(mistakes)} per epoch; expected "
                 f"{short(want_mistakes)}", f"{what} 每個 epoch 的錯誤數是 {short(mistakes)}；"
                 f"應該是 {short(want_mistakes)}",
                 STOP_HINT if len(mistakes) != len(want_mistakes) or not hint else hint)
        if same_w:
            assert_close(w, want_w, rtol=rtol, what=f"w of {what}", hint=hint)
        else:  # any scale of w: only its kind, shape and finiteness are judged here
            assert_close(w, np.asarray(want_w), rtol=np.inf, what=f"w of {what}", hint=hint)
        return w, mistakes


def short(counts: list[int], shown: int = 12) -> str:
    """A list of counts, its middle elided when long: [4, 2, … (30 more) …, 1, 0]."""
    if len(counts) <= shown:
        return str(counts)
    head, tail = counts[:shown // 2], counts[-shown // 2:]
    return (f"[{', '.join(map(str, head))}, … ({len(counts) - len(head) - len(tail)} more) …, "
            f"{', '.join(map(str, tail))}] ({len(counts)} epochs)")


def triple(result, what: str) -> tuple:
    """(dx, dw, db) from dense_backward, or a failure saying what came back."""
    if isinstance(result, (tuple, list)) and len(result) == 3:
        return tuple(result)
    kind = f"{type(result).__name__} of {len(result)}" if isinstance(result, (tuple, list)) \
        else type(result).__name__
    fail(f"{what} returned a {kind}; expected three gradients (dx, dw, db)",
         f"{what} 回傳了 {kind}；應該回傳三個梯度 (dx, dw, db)")


class Dense:
    """The student's dense layer, dense_forward(x, w, b) -> (out, cache) and
    dense_backward(dout, cache) -> (dx, dw, db), judged against the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def forward(self, x, w, b) -> tuple:
        """The student's (out, cache), or a failure when dense_forward does not return a pair."""
        return pair(self.submission.dense_forward(x, w, b), what=self.described(x, w, b))

    @staticmethod
    def described(x, w, b) -> str:
        return described("dense_forward", ("x", x), ("w", w), ("b", b))

    def check_forward(self, x, w, b, *, rtol: float = RTOL, hint=DENSE_HINT) -> tuple:
        """The student's out equals the reference's; returns the student's (out, cache)."""
        out, cache = self.forward(x, w, b)
        assert_close(out, self.reference.dense_forward(x, w, b)[0], rtol=rtol,
                     what=self.described(x, w, b), hint=hint)
        return out, cache

    def check_backward(self, x, w, b, dout, *, rtol: float = RTOL,
                       hint=DENSE_BACKWARD_HINT) -> None:
        """dx, dw and db by central differences of L = Σ dense_forward(x, w, b) ⊙ dout, the
        student's own forward, where that forward agrees with the reference; the reference's
        gradients otherwise. Each gradient is judged alone, so a message names the wrong ones."""
        out, cache = self.forward(x, w, b)
        grads = triple(self.submission.dense_backward(dout, cache),
                       f"dense_backward(dout {dout.shape}, cache)")
        want_out, want_cache = self.reference.dense_forward(x, w, b)
        expected = self.reference.dense_backward(dout, want_cache)
        analytic = dict(zip(("x", "w", "b"), grads, strict=True))
        if x.dtype == np.float64 and agrees(lambda: out, want_out):
            gradcheck(lambda p: self.forward(p["x"], p["w"], p["b"])[0], analytic,
                      {"x": x, "w": w, "b": b}, dout=dout, name="dense_backward", hint=hint)
            return
        for name, yours, want in zip(("dx", "dw", "db"), grads, expected, strict=True):
            assert_close(yours, want, rtol=rtol, what=f"{name} of dense_backward", hint=hint)


@pytest.fixture
def perceptron(submission, reference) -> Perceptron:
    """The student's perceptron_train next to the reference's."""
    return Perceptron(submission, reference)


@pytest.fixture
def dense(submission, reference) -> Dense:
    """The student's dense layer next to the reference's."""
    return Dense(submission, reference)


@pytest.fixture
def counts(submission, reference):
    """counts(sizes, **options): dense_parameter_counts and count_parameters equal the
    reference's for the layer sizes `sizes`."""
    def check(sizes, *, hint=None, **options) -> None:
        per_layer = described("dense_parameter_counts", ("sizes", sizes), **options)
        got = as_counts(submission.dense_parameter_counts(sizes, **options), per_layer)
        want = list(reference.dense_parameter_counts(sizes, **options))
        if got != want:
            fail(f"{per_layer} returned {got}; expected {want}",
                 f"{per_layer} 回傳了 {got}；應該是 {want}", *([hint] if hint else []))
        total = described("count_parameters", ("sizes", sizes), **options)
        got = as_count(submission.count_parameters(sizes, **options), total)
        want = int(reference.count_parameters(sizes, **options))
        if got != want:
            fail(f"{total} returned {got:,}; expected {want:,}".replace(",", " "),
                 f"{total} 回傳了 {got:,}；應該是 {want:,}".replace(",", " "),
                 *([hint] if hint else []))
    return check
