r"""`gradcheck`: an analytic gradient against central differences of the student's forward.

    numerical_i = (L(x + h e_i) − L(x − h e_i)) / 2h,      L = f(x)  or  Σ f(x) ⊙ dout
    error = max_i |a_i − n_i| / max(max_i (|a_i| + |n_i|), TINY)

All coordinates are checked for tensors of at most `max_coords` entries; larger ones get
`max_coords` sampled coordinates plus one random direction v, where the directional
derivative (L(x + h v) − L(x − h v)) / 2h must equal ⟨a, v⟩. A failure names the worst
index with both values and, where the pattern shows it, the likely cause (diagnosis.py).
Several parameters at once (`x` and `analytic` as dicts) are judged one by one, so the
message says which gradient is right and which is wrong.

The forward is the student's own, so a constant forward with a zero gradient would pass:
checks always compare the forward with the reference as well (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from grader.compare import as_array
from grader.diagnosis import diagnose, format_index, worst_index
from grader.failures import SubmissionFailure
from grader.i18n import Text, msg
from grader.remote import CALLS

H = 1e-5  # step: truncation error O(h²) ≈ 1e-10 and round-off O(ε/h) ≈ 1e-11 balance here
GRAD_RTOL = 1e-6  # float64 central differences of smooth O(1) losses land near 1e-9
TINY = 1e-12  # below this total magnitude a gradient counts as zero
MAX_COORDS = 64  # coordinates checked one by one before sampling starts


def _scalar(value, dout) -> float:
    """L from the forward's output: the value itself, or Σ value ⊙ dout."""
    if dout is not None:
        value = np.asarray(value, float)
        if value.shape != dout.shape:
            raise SubmissionFailure(msg("forward_shape", shape=value.shape, expected=dout.shape))
        return float(np.sum(value * dout))
    array = np.asarray(value, float)
    if array.size != 1:
        raise SubmissionFailure(msg("expected_number_got_array", what="forward",
                                    shape=array.shape), msg("hint_reduce"))
    return float(array.reshape(()))


def _coordinates(shape, max_coords: int, rng) -> list[tuple[int, ...]]:
    size = int(np.prod(shape))
    flat = range(size) if size <= max_coords else rng.choice(size, max_coords, replace=False)
    return [tuple(int(i) for i in np.unravel_index(int(k), shape)) for k in sorted(flat)]


def numerical_gradient(loss: Callable[[np.ndarray], float], x: np.ndarray,
                       coords: list[tuple[int, ...]], h: float = H) -> np.ndarray:
    """Central differences of `loss` at the given coordinates of x; NaN elsewhere."""
    grad = np.full(x.shape, np.nan)
    for index in coords:
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (loss(x + step) - loss(x - step)) / (2 * h)
    return grad


def _judge(name: str, analytic, x: np.ndarray, loss, *, rtol, h, max_coords, rng, batch):
    """None if `analytic` is the gradient of `loss` at x, else the failure's message parts."""
    what = CALLS.describe(analytic) or name
    if x.ndim == 0 and isinstance(analytic, (int, float, np.number)):
        analytic = np.asarray(analytic, float)  # the gradient of a 0-d parameter is a number
    analytic = as_array(analytic, x, what)
    if not np.all(np.isfinite(analytic)):
        index = worst_index(~np.isfinite(analytic) * 1.0)
        return [msg("not_finite", what=what, value=analytic[index], index=format_index(index)),
                msg("hint_stability")]
    coords = _coordinates(x.shape, max_coords, rng)
    numeric = numerical_gradient(loss, x, coords, h)
    if not np.all(np.isfinite(numeric[tuple(np.array(coords).T)])):
        return [msg("grad_forward_not_finite", name=name), msg("hint_stability")]
    mask = ~np.isnan(numeric)
    a, n = np.where(mask, analytic, 0.0), np.where(mask, numeric, 0.0)
    error = np.abs(a - n)
    denominator = max(float(np.max(np.abs(a) + np.abs(n))), TINY)
    if np.max(error) / denominator > rtol:
        index = worst_index(error)
        checked = f" ({len(coords)} of {x.size})" if len(coords) < x.size else ""
        relative = f"{np.max(error) / denominator:.2e}"
        return [msg("grad_mismatch", what=what, shape=x.shape, error=relative, checked=checked),
                msg("grad_worst", index=format_index(index), yours=f"{a[index]:.6g}",
                    numerical=f"{n[index]:.6g}"),
                diagnose(a[mask].reshape(-1) if not mask.all() else a,
                         n[mask].reshape(-1) if not mask.all() else n, batch)]
    if len(coords) < x.size:
        return _judge_direction(name, analytic, x, loss, rtol=rtol, h=h, rng=rng)
    return None


def _judge_direction(name, analytic, x, loss, *, rtol, h, rng):
    """Directional derivative along a random unit vector v: ⟨a, v⟩ vs central difference."""
    v = rng.standard_normal(x.shape)
    v /= np.linalg.norm(v)
    numeric = (loss(x + h * v) - loss(x - h * v)) / (2 * h)
    yours = float(np.sum(analytic * v))
    if abs(yours - numeric) / max(abs(yours) + abs(numeric), TINY) > rtol:
        return [msg("grad_direction", name=name, yours=f"{yours:.6g}", numerical=f"{numeric:.6g}")]
    return None


def gradcheck(f: Callable, analytic, x, *, dout=None, rtol: float = GRAD_RTOL, h: float = H,
              max_coords: int = MAX_COORDS, seed: int = 0, batch: int | None = None,
              name: str = "gradient", hint: Text | None = None) -> None:
    """Fail with a diagnosis unless `analytic` is the gradient of f at x.

    f: x -> a number (or an array, then L = Σ f(x) ⊙ dout). x: an ndarray, or a dict
    {name: ndarray} with `analytic` a dict of the same names and f taking that dict.
    """
    if max_coords < 1:
        raise ValueError(f"gradcheck: max_coords must be at least 1, got {max_coords}")
    rng = np.random.default_rng(seed)
    dout = None if dout is None else np.asarray(dout, float)
    if not isinstance(x, dict):
        x = np.asarray(x, float)
        parts = _judge(name, analytic, x, lambda p: _scalar(f(p), dout), rtol=rtol, h=h,
                       max_coords=max_coords, rng=rng, batch=batch)
        if parts:
            raise SubmissionFailure(*parts, hint or "")
        return
    _gradcheck_many(f, analytic, x, dout, rtol=rtol, h=h, max_coords=max_coords, rng=rng,
                    batch=batch, hint=hint)


def _gradcheck_many(f, analytic: dict, params: dict, dout, *, hint, **options) -> None:
    """Each parameter judged alone, the others fixed; the message lists right and wrong."""
    params = {k: np.asarray(v, float) for k, v in params.items()}
    wrong, right = [], []
    for key, value in params.items():
        def loss(p, key=key):
            return _scalar(f({**params, key: p}), dout)
        if not isinstance(analytic, dict) or key not in analytic:
            wrong.append((key, [msg("grad_missing", name=key)]))
            continue
        try:
            parts = _judge(key, analytic[key], value, loss, **options)
        except SubmissionFailure as failure:  # a wrongly shaped gradient, a list ...
            parts = failure.parts
        (wrong if parts else right).append((key, parts) if parts else key)
    if wrong:
        summary = msg("grad_some_wrong", wrong=", ".join(k for k, _ in wrong),
                      right=", ".join(right) or "—")
        details = [part for _, parts in wrong for part in parts]
        raise SubmissionFailure(summary, *details, hint or "")
