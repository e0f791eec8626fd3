"""`assert_close`: compare a student's value with the expected one, and explain a mismatch.

Order of the checks, each for a pitfall of `np.allclose` (see DESIGN.md): the kind of value
(a list is not an array, an array is not a number), the exact shape (no broadcasting), NaN
and infinity where the expected value is finite, then the size of the error with a tolerance
scaled to the expected magnitude, so a zero answer never passes for a tiny true value.
"""

from __future__ import annotations

import numbers

import numpy as np

from grader.diagnosis import diagnose, format_index, worst_index
from grader.failures import SubmissionFailure
from grader.i18n import Text, msg
from grader.remote import CALLS, Remote

RTOL = 1e-6  # equivalent float64 formulations agree to ~1e-12; clip vs +eps differs by ~1e-7
TINY = 1e-12  # the smallest expected magnitude a tolerance is scaled to


def _fail(*parts, hint: Text | None = None):
    raise SubmissionFailure(*parts, hint or "") from None


def kind_of(value) -> str:
    """The student's type name, also for an object that stayed in the worker."""
    if isinstance(value, Remote):
        return str(value._tag.get("type", "object"))
    return type(value).__name__


def _as_number(value, what: str, hint) -> float:
    """A scalar answer: Python/NumPy numbers or 0-d arrays; a longer array is a mistake."""
    if isinstance(value, (bool, np.bool_)):
        _fail(msg("expected_number_got", what=what, got="bool"), hint=hint)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return float(value)
    if isinstance(value, np.ndarray):
        _fail(msg("expected_number_got_array", what=what, shape=value.shape),
              msg("hint_reduce"), hint=hint)
    _fail(msg("expected_number_got", what=what, got=kind_of(value)), hint=hint)


def as_array(value, expected: np.ndarray, what: str, hint=None) -> np.ndarray:
    """`value` as a float array of `expected`'s shape, or a failure saying why not."""
    if isinstance(value, (list, tuple)):
        _fail(msg("expected_array_got", what=what, got=kind_of(value)),
              msg("hint_np_array"), hint=hint)
    if not isinstance(value, np.ndarray):
        _fail(msg("expected_array_got", what=what, got=kind_of(value)), hint=hint)
    if value.shape != expected.shape:
        parts = [msg("wrong_shape", what=what, shape=value.shape, expected=expected.shape)]
        if value.shape == expected.shape[::-1]:
            parts.append(msg("diag_transposed"))
        elif value.size == expected.size:
            parts.append(msg("hint_reshape"))
        _fail(*parts, hint=hint)
    return value.astype(float, copy=False)


def distinct(yours: float, want: float) -> tuple[str, str]:
    """The two numbers to 6 significant digits, or with as many more as it takes (up to 17)
    for the texts to differ: a real difference must not read "yours 1.08004, expected 1.08004"."""
    for digits in (6, 9, 12, 17):
        shown = f"{yours:.{digits}g}", f"{want:.{digits}g}"
        if shown[0] != shown[1]:
            return shown
    return shown


def _slice(array: np.ndarray, index: tuple[int, ...]) -> str:
    """A few entries around the worst one, for the message."""
    if array.ndim == 0:
        return f"{float(array):.6g}"
    row = array[index[:-1]] if array.ndim > 1 else array
    start = max(0, index[-1] - 2)
    values = ", ".join(f"{v:.4g}" for v in row[start:start + 5])
    return f"[{'… ' if start else ''}{values}{' …' if start + 5 < row.shape[0] else ''}]"


def _same_non_finite(yours: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Where `want` is NaN or ±inf, `yours` must be the same (NaN is never a number)."""
    return (np.isnan(yours) & np.isnan(want)) | (np.isinf(want) & (yours == want))


def assert_close(actual, expected, *, rtol: float = RTOL, what: str | None = None,
                 hint: Text | None = None, batch: int | None = None) -> None:
    """Fail with a student-facing message unless `actual` matches `expected`.

    expected: a number or an ndarray (the reference's answer, never the student's).
    |actual − expected| ≤ rtol · (|expected| + max|expected|) elementwise over the finite
    expected entries; where the expected value is NaN or ±inf, the same is required.
    `what` names the value (default: the call that produced `actual`); `batch` lets the
    diagnosis recognise a missing or extra division by the batch size.
    """
    what = what or CALLS.describe(actual) or "the value"
    scalar = not isinstance(expected, np.ndarray) or expected.ndim == 0
    if scalar:
        yours, want = np.asarray(_as_number(actual, what, hint)), np.asarray(float(expected))
    else:
        want = np.asarray(expected, float)
        yours = as_array(actual, want, what, hint)
    finite = np.isfinite(want)
    bad_values = (~np.isfinite(yours) & finite) | (~finite & ~_same_non_finite(yours, want))
    if bad_values.any():
        index = worst_index(bad_values.astype(float))
        _fail(msg("not_finite", what=what, value=yours[index], index=format_index(index))
              if finite[index] else msg("differs_scalar", what=what, yours=yours[index],
                                        expected=want[index]),
              msg("hint_stability"), hint=hint)
    scale = max(float(np.max(np.abs(want[finite]), initial=0.0)), TINY)
    error = np.where(finite, np.abs(np.where(finite, yours - want, 0.0)), 0.0)
    bad = error > rtol * (np.abs(np.where(finite, want, 0.0)) + scale)
    if not bad.any():
        return
    index = worst_index(np.where(bad, error, 0.0))
    shown_yours, shown_want = distinct(float(yours[index]), float(want[index]))
    parts = [msg("differs_scalar", what=what, yours=shown_yours, expected=shown_want) if scalar
             else msg("differs", what=what, bad=int(bad.sum()), total=bad.size,
                      index=format_index(index), yours=shown_yours, expected=shown_want),
             "" if scalar else msg("slices", yours=_slice(yours, index),
                                   expected=_slice(want, index)),
             diagnose(yours, want, batch)]
    _fail(*parts, hint=hint)
