"""Recognise the usual ways a number or a gradient is wrong, and say so to the student.

Given what the student computed (`yours`) and what is right (`expected`), both float arrays
of one shape, `diagnose` returns a message for a known pattern: a constant factor (2, ½, the
batch size N), a flipped sign, a transposed matrix, all zeros. None when no pattern fits.
"""

from __future__ import annotations

import numpy as np

from grader.i18n import Text, msg

RATIO_SPREAD = 1e-3  # ratios yours/expected that agree to 0.1 % are "a constant factor"
SIGNIFICANT = 1e-3  # entries smaller than this fraction of the largest are too noisy for ratios


def _constant_ratio(yours: np.ndarray, expected: np.ndarray) -> float | None:
    """yours / expected when it is the same on every significant entry, else None."""
    scale = np.max(np.abs(expected), initial=0.0)
    mask = np.abs(expected) > SIGNIFICANT * scale
    if scale == 0 or not mask.any():
        return None
    ratios = yours[mask] / expected[mask]
    ratio = float(np.median(ratios))
    if ratio != 0 and np.all(np.abs(ratios - ratio) <= RATIO_SPREAD * abs(ratio)):
        return ratio
    return None


def _is(ratio: float, target: float) -> bool:
    return abs(ratio - target) <= RATIO_SPREAD * abs(target)


def _factor_message(ratio: float, batch: int | None, single: bool) -> Text | None:
    """The named factors (−1, 2, ½, ±N, 1/N); any other constant only for arrays, since
    between two single numbers there is always some ratio."""
    if _is(ratio, -1.0):
        return msg("diag_sign")
    if _is(ratio, 2.0):
        return msg("diag_factor_2")
    if _is(ratio, 0.5):
        return msg("diag_factor_half")
    if batch and batch > 1 and _is(ratio, float(batch)):
        return msg("diag_batch_missing", n=batch)
    if batch and batch > 1 and _is(ratio, 1.0 / batch):
        return msg("diag_batch_twice", n=batch)
    if batch and batch > 1 and _is(ratio, -float(batch)):
        return msg("diag_batch_sign", n=batch)
    return None if single else msg("diag_factor", factor=f"{ratio:.4g}")


def diagnose(yours: np.ndarray, expected: np.ndarray, batch: int | None = None) -> Text | None:
    """A message naming the pattern that turns `expected` into `yours`, if one does."""
    yours, expected = np.asarray(yours, float), np.asarray(expected, float)
    if yours.shape != expected.shape or not np.all(np.isfinite(yours)):
        return None
    if not yours.any() and expected.any():
        return msg("diag_zeros")
    ratio = _constant_ratio(yours, expected)
    if ratio is not None and not _is(ratio, 1.0):
        return _factor_message(ratio, batch, single=yours.size == 1)
    if (expected.ndim == 2 and expected.shape[0] == expected.shape[1] > 1
            and np.allclose(yours, expected.T, rtol=1e-6, atol=1e-12 * np.abs(expected).max())):
        return msg("diag_transposed")
    return None


def worst_index(error: np.ndarray) -> tuple[int, ...]:
    """The index of the largest entry (NaN counts as largest)."""
    error = np.where(np.isnan(error), np.inf, error)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(error)), error.shape))


def format_index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]" if index else "(scalar)"
