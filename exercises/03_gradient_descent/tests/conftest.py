"""What the visible and the hidden checks of exercise 03 share, as pytest fixtures.

The check files cannot import each other (the grader imports them by path and unloads them
after every run), so their data and judging helpers live here, where pytest hands them to any
check that names them as an argument:

    iq         the course's IQ table (x, y), read from datasets/iq_table.csv as arrays
    numpy_fn   numpy_fn(name): a NumPy function (np.sin, ...) living in the student's worker
    descent    the student's gradient_descent judged against a trusted replay of its rule
    regimes    the student's lr_regime judged against the reference
    lines      the student's line_mse, line_mse_grad, fit_line and fit_line_gd judged

A function passed to the student's code must live in the worker (only data crosses the
boundary), so the checks pass the student's own df, or NumPy's elementwise functions reached
through the student's module (`np`, imported by the stub). The reference cannot be asked for a
path (it would need the function, and a released bundle replays only data), so the expected
path is computed here, by the rule of gradient_descent's docstring, from the values of the same
function in the worker: a wrong df never costs a correct gradient_descent its points.
"""

from pathlib import Path

import numpy as np
import pytest

from grader.checks import agrees, assert_close, fail, gradient_check, pair, tip
from grader.compare import RTOL
from grader.remote import CALLS

IQ_CSV = Path(__file__).resolve().parents[3] / "datasets" / "iq_table.csv"
BLOCK = 8  # path entries judged together: a diverging path grows ~25-fold within one block,
# so every entry is held to a tolerance scaled to its own neighbourhood, not to the last 1e100

PATH_HINT = tip("return every iterate x_0, x_1, …, x_K as one array, x_0 = x0 first; stop after "
                "the first step with max|x_{k+1} − x_k| <= tol (keep that iterate), after "
                "max_steps steps, or at the first x that is not finite or has |x| > "
                "DIVERGENCE_LIMIT (keep it too)",
                "回傳每一個迭代點 x_0, x_1, …, x_K 組成的陣列，第一個是 x_0 = x0；在第一個 "
                "max|x_{k+1} − x_k| <= tol 的步驟之後停止（保留那個點）、在 max_steps 步之後停止，"
                "或在第一個非有限值或 |x| > DIVERGENCE_LIMIT 的點停止（也保留它）")
REGIME_HINT = tip("the error obeys e_k = (1 − ηc)^k e_0 with c = curvature: monotone when ηc <= 1, "
                  "oscillating when 1 < ηc < 2, cycling when ηc = 2, diverging when ηc > 2",
                  "誤差滿足 e_k = (1 − ηc)^k e_0，c = curvature：ηc <= 1 單調收斂、1 < ηc < 2 "
                  "振盪收斂、ηc = 2 來回循環、ηc > 2 發散")
LINE_MSE_HINT = tip("line_mse is a mean over the N points: np.mean((w * x + b - y) ** 2)",
                    "line_mse 是對 N 個點取平均：np.mean((w * x + b - y) ** 2)")
LINE_GRAD_HINT = tip("with r = w x + b − y: ∂/∂w = (2/N) Σ r x and ∂/∂b = (2/N) Σ r; the 2 comes "
                     "from the square",
                     "令 r = w x + b − y：∂/∂w = (2/N) Σ r x、∂/∂b = (2/N) Σ r；2 來自平方的微分")
FIT_HINT = tip("w = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² and b = ȳ − w x̄ (np.polyfit(x, y, 1) gives the "
               "same (w, b))",
               "w = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²、b = ȳ − w x̄（np.polyfit(x, y, 1) 也得到同樣的 "
               "(w, b)）")
FIT_GD_HINT = tip("descend on θ = (w, b) from (w0, b0) with θ ← θ − η ∇line_mse(θ) and "
                  "gradient_descent's stopping rule; return the path of θ, shape (K + 1, 2), and "
                  "line_mse at every θ, shape (K + 1,)",
                  "對 θ = (w, b) 從 (w0, b0) 開始做 θ ← θ − η ∇line_mse(θ)，停止規則與 "
                  "gradient_descent 相同；回傳 θ 的路徑（形狀 (K + 1, 2)）與每個 θ 的 line_mse"
                  "（形狀 (K + 1,)）")


# --- data ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def iq() -> tuple[np.ndarray, np.ndarray]:
    """The nine-row IQ table of seed 001: x the 髒話因子 ("swear factor"), y the IQ, (9,) each."""
    table = np.loadtxt(IQ_CSV, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)  # (9, 2)
    return table[:, 0].copy(), table[:, 1].copy()


@pytest.fixture
def numpy_fn(submission):
    """numpy_fn(name): NumPy's elementwise function `name` as the worker sees it, to pass to the
    student's code (np.sin, np.cos, np.square ...). A file without `np` (the stub imports
    numpy as np) fails with "your file does not define `np`"."""
    def get(name: str):
        return getattr(submission.np, name)
    return get


def as_pair(value, names: tuple[str, str], what: str | None = None) -> tuple:
    """A pair of numbers (w, b) or (dw, db): a tuple, a list or an array of shape (2,)."""
    if isinstance(value, np.ndarray) and value.shape == (2,):
        return float(value[0]), float(value[1])
    return pair(value, names, what)


def _matches(yours, want) -> bool:
    """Whether `yours` is an array of want's shape with the same values (tolerance RTOL)."""
    if not isinstance(yours, np.ndarray) or yours.shape != want.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(yours.astype(float) - want)
        return bool(np.all(error <= RTOL * (np.abs(want) + np.max(np.abs(want), initial=0.0))))


# --- gradient descent -------------------------------------------------------------------------


class Descent:
    """The student's gradient_descent, judged step by step against the rule it documents."""

    def __init__(self, submission, reference):
        self.submission = submission
        self.max_steps, self.tol = reference.MAX_STEPS, reference.TOL
        self.limit = reference.DIVERGENCE_LIMIT

    def expected(self, grad, x0, lr, max_steps=None, tol=None) -> np.ndarray:
        """The path x_0 = x0, x_{k+1} = x_k − η grad(x_k) with the documented stopping rule,
        computed here from grad's values in the worker."""
        max_steps = self.max_steps if max_steps is None else max_steps
        tol = self.tol if tol is None else tol
        x = np.array(x0, dtype=np.float64)  # (), or (D,)
        path = [x]
        for _ in range(max_steps):
            step = lr * np.asarray(grad(x.copy()), dtype=np.float64)
            x = x - step
            path.append(x)
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > self.limit:
                break
            if np.max(np.abs(step)) <= tol:
                break
        return np.stack(path)

    def check(self, grad, x0, lr, hint=PATH_HINT, **options) -> np.ndarray:
        """Run the student's gradient_descent(grad, x0, lr, **options) and judge its path."""
        path = self.submission.gradient_descent(grad, x0, lr, **options)
        check_path(path, self.expected(grad, x0, lr, **options), hint)
        return path


def check_path(path, want: np.ndarray, hint=PATH_HINT, what: str | None = None) -> None:
    """The student's path equals `want`, with the usual mistakes named: the start left out,
    one iterate too few or too many, a wrong number of steps."""
    what = what or CALLS.describe(path) or "gradient_descent"
    K = len(want) - 1
    if isinstance(path, np.ndarray) and path.ndim == want.ndim and len(path):
        n = len(path)
        if n == K and _matches(path, want[1:]):
            fail(f"{what} returned x_1 … x_K but not the start: the path must begin with x0 "
                 f"itself (x_0 = {want[0]}), then x_1 = {want[1]}, …",
                 f"{what} 回傳了 x_1 … x_K，卻少了起點：路徑必須從 x0 本身開始"
                 f"（x_0 = {want[0]}），接著是 x_1 = {want[1]}、…", hint)
        if n == K and _matches(path, want[:-1]):
            fail(f"{what} stopped one step early, at x_{K - 1}: keep the iterate that ends the "
                 f"run (the one after the step that is at most tol, or the first beyond "
                 f"DIVERGENCE_LIMIT), x_{K} = {want[-1]}",
                 f"{what} 早了一步停在 x_{K - 1}：結束時的那個迭代點也要保留（步長不超過 tol "
                 f"的那一步之後的點，或第一個超過 DIVERGENCE_LIMIT 的點），x_{K} = {want[-1]}",
                 hint)
        if n > K + 1 and _matches(path[:K + 1], want):
            fail(f"{what} went on after x_{K} = {want[-1]} and returned {n - 1} steps; it should "
                 f"stop there, after {K} steps",
                 f"{what} 在 x_{K} = {want[-1]} 之後還繼續，共回傳 {n - 1} 步；應該在那裡停止，"
                 f"共 {K} 步", hint)
        if n != K + 1:
            fail(f"{what} returned a path of {n} iterates ({n - 1} steps); expected {K + 1} "
                 f"(x_0 … x_{K}, {K} steps)",
                 f"{what} 回傳了 {n} 個迭代點（{n - 1} 步）；應該是 {K + 1} 個"
                 f"（x_0 … x_{K}，{K} 步）", hint)
    assert_close_blocks(path, want, what=what, hint=hint)


def assert_close_blocks(yours, want: np.ndarray, *, what: str, hint=None) -> None:
    """assert_close on the whole sequence (its type and shape), then on blocks of BLOCK
    entries, each with a tolerance scaled to its own values."""
    assert_close(yours, want, what=what, hint=hint)
    for start in range(0, len(want), BLOCK):
        stop = min(start + BLOCK, len(want))
        assert_close(yours[start:stop], want[start:stop], what=f"{what}[{start}:{stop}]",
                     hint=hint)


@pytest.fixture
def descent(submission, reference) -> Descent:
    """The student's gradient_descent with its judge."""
    return Descent(submission, reference)


# --- learning-rate regimes ----------------------------------------------------------------------


@pytest.fixture
def regimes(submission, reference):
    """regimes(lr, curvature=None, hint=REGIME_HINT): the student's lr_regime names the
    reference's regime."""
    def check(lr: float, curvature: float | None = None, hint=REGIME_HINT) -> None:
        args = (lr,) if curvature is None else (lr, curvature)
        got, want = submission.lr_regime(*args), reference.lr_regime(*args)
        c = reference.F_CURVATURE if curvature is None else curvature
        call = "lr_regime(" + ", ".join(f"{a!r}" for a in args) + ")"
        if not isinstance(got, str) or got != want:
            fail(f"{call} returned {got!r}, expected {want!r} (η·c = {lr * c:.6g})",
                 f"{call} 回傳了 {got!r}，應該是 {want!r}（η·c = {lr * c:.6g}）", hint)
    return check


# --- the regression line ----------------------------------------------------------------------


class Lines:
    """The student's line functions, each judged against the reference on given data."""

    def __init__(self, submission, reference):
        self.submission, self.reference = submission, reference

    def pair(self, name: str, *args) -> tuple:
        """The student's line_mse_grad or fit_line on args, as a pair of numbers."""
        result = getattr(self.submission, name)(*args)
        return as_pair(result, ("dw", "db") if name == "line_mse_grad" else ("w", "b"),
                       CALLS.describe(result) or name)

    def mse(self, x, y, w, b, **options) -> None:
        assert_close(self.submission.line_mse(x, y, w, b), self.reference.line_mse(x, y, w, b),
                     hint=LINE_MSE_HINT, **options)

    def grad(self, x, y, w, b) -> None:
        """line_mse_grad by central differences of the student's own line_mse where that
        agrees with the reference, else against the reference gradient."""
        sub, ref = self.submission, self.reference
        result = sub.line_mse_grad(x, y, w, b)
        what = f"(dw, db) of {CALLS.describe(result) or 'line_mse_grad'}"
        dw, db = as_pair(result, ("dw", "db"), what)
        gradient_check(lambda theta: sub.line_mse(x, y, theta[0], theta[1]), np.array([dw, db]),
                       np.array([w, b], dtype=np.float64), name=what, hint=LINE_GRAD_HINT,
                       forward_is_right=agrees(lambda: sub.line_mse(x, y, w, b),
                                               ref.line_mse(x, y, w, b)),
                       expected=np.array(ref.line_mse_grad(x, y, w, b)))

    def fit(self, x, y, **options) -> tuple[float, float]:
        """fit_line(x, y) equals the reference's (w, b); returns the student's pair."""
        result = self.submission.fit_line(x, y)
        call = CALLS.describe(result) or "fit_line"
        w, b = as_pair(result, ("w", "b"), call)
        want_w, want_b = self.reference.fit_line(x, y)
        options.setdefault("hint", FIT_HINT)
        assert_close(w, want_w, what=f"w of {call}", **options)
        assert_close(b, want_b, what=f"b of {call}", **options)
        return w, b

    def fit_gd(self, x, y, lr, **kwargs) -> tuple[np.ndarray, object, str]:
        """The student's fit_line_gd(x, y, lr, **kwargs) as (params (K + 1, 2), losses, the
        call), or a failure saying what came back instead."""
        result = self.submission.fit_line_gd(x, y, lr, **kwargs)
        call = CALLS.describe(result) or "fit_line_gd"
        params, losses = pair(result, ("params", "losses"), call)
        if not (isinstance(params, np.ndarray) and params.ndim == 2 and params.shape[1] == 2
                and len(params) >= 1):
            got = f"shape {params.shape}" if isinstance(params, np.ndarray) \
                else type(params).__name__
            fail(f"the params of {call} are a {got}; expected an array of shape (K + 1, 2), "
                 f"one row (w_k, b_k) per iterate",
                 f"{call} 的 params 是 {got}；應該是形狀 (K + 1, 2) 的陣列，每個迭代點一列 "
                 f"(w_k, b_k)", FIT_GD_HINT)
        return params, losses, call

    def fit_gd_path(self, x, y, lr, **kwargs) -> None:
        """fit_line_gd's params and losses equal the reference's, iterate by iterate."""
        params, losses, call = self.fit_gd(x, y, lr, **kwargs)
        want_params, want_losses = self.reference.fit_line_gd(x, y, lr, **kwargs)
        check_path(params, want_params, FIT_GD_HINT, what=f"the params of {call}")
        for column, name in enumerate(("w_k", "b_k")):  # each on its own scale
            assert_close_blocks(params[:, column], want_params[:, column],
                                what=f"{name} of {call}", hint=FIT_GD_HINT)
        assert_close_blocks(losses, want_losses, what=f"the losses of {call}", hint=FIT_GD_HINT)


@pytest.fixture
def lines(submission, reference) -> Lines:
    """The student's line functions with their judges."""
    return Lines(submission, reference)
