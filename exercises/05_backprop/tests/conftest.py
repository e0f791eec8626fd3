"""What the visible and the hidden checks of exercise 05 share, as pytest fixtures.

    network    the student's two_layer_forward / two_layer_backward / two_layer_loss judged
               against the reference's: forward values first, then every gradient by central
               differences of the student's own forward, each parameter judged alone
    hand       the student's hand_example judged key by key against the reference's
    training   the student's train judged by its first losses and the accuracy it reaches
"""

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradcheck, pair, tip

KEYS = ("W1", "b1", "W2", "b2")
FORWARD_HINT = tip("scores = sigmoid(X @ W1 + b1) @ W2 + b2: (N, D) @ (D, H) + (H,), then "
                   "(N, H) @ (H, C) + (C,)",
                   "scores = sigmoid(X @ W1 + b1) @ W2 + b2：(N, D) @ (D, H) + (H,)，"
                   "再 (N, H) @ (H, C) + (C,)")
BACKWARD_HINT = tip("dW2 = h.T @ dscores, db2 = dscores.sum(axis=0), dh = dscores @ W2.T, "
                    "da = dh * h * (1 - h) (the sigmoid's derivative), dW1 = X.T @ da, "
                    "db1 = da.sum(axis=0); each gradient has its parameter's shape",
                    "dW2 = h.T @ dscores、db2 = dscores.sum(axis=0)、dh = dscores @ W2.T、"
                    "da = dh * h * (1 - h)（sigmoid 的導數）、dW1 = X.T @ da、"
                    "db1 = da.sum(axis=0)；每個梯度的形狀和它的參數相同")
LOSS_HINT = tip("loss, dscores = softmax_cross_entropy(scores, y) already divides by N: pass "
                "dscores to two_layer_backward unchanged (if two_layer_backward's own check "
                "fails too, fix that first)",
                "loss, dscores = softmax_cross_entropy(scores, y) 已經除以 N："
                "把 dscores 原封不動傳給 two_layer_backward"
                "（如果 two_layer_backward 自己的檢查也失敗，請先修正它）")
HAND_HINT = tip("chain rule: δ_Ok = (Ok − yk) Ok (1 − Ok); ∂E/∂w5 = δ_O1 H1; "
                "δ_H1 = (δ_O1 w5 + δ_O2 w6) H1 (1 − H1), ∂E/∂w1 = δ_H1 x1. The slide adds "
                "δw5 + δw6 (weight gradients) where the weights w5, w6 belong",
                "連鎖律：δ_Ok = (Ok − yk) Ok (1 − Ok)；∂E/∂w5 = δ_O1 H1；"
                "δ_H1 = (δ_O1 w5 + δ_O2 w6) H1 (1 − H1)，∂E/∂w1 = δ_H1 x1。"
                "投影片把 δw5 + δw6（權重的梯度）相加，正確的是乘上權重 w5、w6")


def net(rng, N: int = 5, D: int = 3, H: int = 4, C: int = 3, dtype=np.float64):
    """Random params (W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)), X (N, D), y (N,) in [0, C)."""
    params = {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
              "W2": rng.normal(size=(H, C)), "b2": rng.normal(size=C)}
    params = {k: v.astype(dtype) for k, v in params.items()}
    return params, rng.normal(size=(N, D)).astype(dtype), rng.integers(0, C, size=N)


def _number(value) -> str:
    try:
        return f"{float(np.asarray(value, dtype=float)):.6g}"
    except (TypeError, ValueError):
        return repr(value)[:40]


def shapes(params: dict, X) -> str:
    return (f"X {X.shape}, params W1 {params['W1'].shape}, b1 {params['b1'].shape}, "
            f"W2 {params['W2'].shape}, b2 {params['b2'].shape}")


def as_grads(value, what: str) -> dict:
    """A dict with the keys W1, b1, W2, b2, or a failure saying what came back."""
    if isinstance(value, dict) and set(value) == set(KEYS):
        return value
    kind = f"dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
    fail(f"{what} returned a {kind}; expected a dict with the keys W1, b1, W2, b2",
         f"{what} 回傳了 {kind}；應該回傳鍵為 W1、b1、W2、b2 的 dict")


class Network:
    """The student's two-layer network next to the reference's."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def forward(self, X, params) -> tuple:
        return pair(self.submission.two_layer_forward(X, params), ("scores", "cache"),
                    f"two_layer_forward({shapes(params, X)})")

    def check_forward(self, X, params, *, rtol: float | None = None) -> bool:
        """The student's scores equal the reference's; True when they do."""
        options = {} if rtol is None else {"rtol": rtol}
        scores, _ = self.forward(X, params)
        assert_close(scores, self.reference.two_layer_forward(X, params)[0],
                     what=f"scores of two_layer_forward({shapes(params, X)})", hint=FORWARD_HINT,
                     **options)
        return True

    def check_backward(self, X, params, dscores) -> None:
        """Every gradient by central differences of L = Σ scores ⊙ dscores of the student's
        forward when it agrees with the reference, else against the reference's gradients."""
        _, cache = self.forward(X, params)
        what = f"two_layer_backward(dscores {dscores.shape}, cache)"
        grads = as_grads(self.submission.two_layer_backward(dscores, cache), what)
        want_scores, want_cache = self.reference.two_layer_forward(X, params)
        # asked before the branch: a released bundle replays only the answers recorded while
        # the reference solution was graded, and that solution always takes the first branch
        expected = self.reference.two_layer_backward(dscores, want_cache)
        if agrees(lambda: self.forward(X, params)[0], want_scores):
            gradcheck(lambda p: self.forward(X, p)[0], grads, params, dout=dscores,
                      name="two_layer_backward", hint=BACKWARD_HINT)
            return
        for key in KEYS:
            assert_close(grads[key], expected[key], what=f"d{key} of {what}", hint=BACKWARD_HINT)

    def check_loss(self, params, X, y, *, rtol: float | None = None) -> None:
        """The loss equals the reference's; the grads are the gradient of the student's loss."""
        options = {} if rtol is None else {"rtol": rtol}
        what = f"two_layer_loss({shapes(params, X)}, y {y.shape})"
        loss, grads = pair(self.submission.two_layer_loss(params, X, y), ("loss", "grads"), what)
        grads = as_grads(grads, what)
        want_loss, want_grads = self.reference.two_layer_loss(params, X, y)
        assert_close(loss, want_loss, what=f"loss of {what}", hint=LOSS_HINT, **options)
        if X.dtype == np.float64:
            gradcheck(lambda p: self.submission.two_layer_loss(p, X, y)[0], grads, params,
                      name="two_layer_loss", hint=LOSS_HINT)
        else:
            for key in KEYS:
                assert_close(grads[key], want_grads[key], what=f"d{key} of {what}",
                             hint=LOSS_HINT, **options)


@pytest.fixture
def random_net(rng):
    """random_net(N, D, H, C, dtype): random params, X and y drawn from the rng."""
    def draw(N: int = 5, D: int = 3, H: int = 4, C: int = 3, dtype=np.float64):
        return net(rng, N, D, H, C, dtype)
    return draw


@pytest.fixture
def network(submission, reference) -> Network:
    return Network(submission, reference)


@pytest.fixture
def hand(submission, reference):
    """hand(keys, **inputs): the student's hand_example equals the reference's on `keys`."""
    def check(keys, **inputs) -> None:
        args = ", ".join(f"{k}={np.round(np.asarray(v, float), 4).tolist()}"
                         for k, v in inputs.items())
        what = f"hand_example({args})"
        got = submission.hand_example(**inputs)
        if not isinstance(got, dict) or not set(keys) <= set(got):
            missing = sorted(set(keys) - set(got)) if isinstance(got, dict) \
                else type(got).__name__
            fail(f"{what} returned no value for {missing}; expected a dict with the keys "
                 f"{', '.join(keys)}", f"{what} 缺少 {missing}；應該回傳含有 "
                 f"{', '.join(keys)} 的 dict")
        want = reference.hand_example(**inputs)
        wrong = [k for k in keys if not agrees(lambda k=k: got[k], want[k])]
        if wrong:
            shown = "; ".join(f"{k}: yours {_number(got[k])}, expected {want[k]:.6g}"
                              for k in wrong[:4])
            hints = [HAND_HINT] if any(k.startswith("dw") for k in wrong) else []
            fail(f"{what}: {', '.join(wrong)} wrong ({shown})",
                 f"{what}：{', '.join(wrong)} 不正確（{shown}）", *hints)
    return check


FIRST_STEPS = 20  # losses compared step by step with the reference's, from the same start
STEPS = 2000  # train's default number of steps
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 20 steps


def trained_accuracy(params, X, y, what: str) -> float:
    """Accuracy of returned params computed here (a released bundle's reference is a replay that
    only knows recorded inputs): argmax of σ(X W1 + b1) W2 + b2."""
    try:
        p = {k: np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2")}
        h = 1.0 / (1.0 + np.exp(-np.clip(X @ p["W1"] + p["b1"], -500, 500)))
        scores = h @ p["W2"] + p["b2"]
    except (TypeError, KeyError, ValueError, IndexError):
        fail(f"{what} did not return params as a dict of W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)",
             f"{what} 回傳的 params 不是含 W1 (D, H)、b1 (H,)、W2 (H, C)、b2 (C,) 的 dict")
    if scores.shape != (X.shape[0], int(y.max()) + 1) or not np.all(np.isfinite(scores)):
        fail(f"{what} returned params that give scores of shape {scores.shape} or not finite",
             f"{what} 回傳的 params 算出的 scores 形狀是 {scores.shape} 或不是有限值")
    return float(np.mean(np.argmax(scores, axis=1) == y))


class Training:
    """train(X, y, H=16, **options) judged on the trusted side: its first FIRST_STEPS losses
    against the reference's from the same start, then the accuracy of a full run."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def check(self, X, y, at_least: float, hint=None, **options) -> None:
        extra = "".join(f", {k}={v}" for k, v in options.items())
        what = f"train(X {X.shape}, y {y.shape}, H=16{extra})"
        hints = (hint,) if hint else ()
        _, history = self.submission.train(X, y, H=16, steps=FIRST_STEPS, **options)
        _, want = self.reference.train(X, y, H=16, steps=FIRST_STEPS, **options)
        assert_close(np.asarray(history, dtype=float), np.asarray(want), rtol=HISTORY_RTOL,
                     what=f"loss history of train(X {X.shape}, y {y.shape}, H=16, "
                          f"steps={FIRST_STEPS}{extra})", hint=hint)
        params, history = self.submission.train(X, y, H=16, **options)
        if len(history) != STEPS:
            fail(f"{what} returned {len(history)} losses; expected one per step, {STEPS}",
                 f"{what} 回傳了 {len(history)} 個損失；應該每一步一個，共 {STEPS} 個", *hints)
        got = trained_accuracy(params, X, y, what)
        if not got >= at_least:
            fail(f"after {what} the network classifies {got:.1%} of the points correctly; "
                 f"expected at least {at_least:.0%}",
                 f"{what} 之後網路只分對 {got:.1%} 的點；應該至少 {at_least:.0%}", *hints)


@pytest.fixture
def training(submission, reference) -> Training:
    """The student's train, judged against the reference's first losses and an accuracy."""
    return Training(submission, reference)
