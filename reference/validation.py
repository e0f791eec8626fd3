"""Checks of arguments shared by the reference modules: errors a caller can trigger are
ValueErrors that name the function, the argument and the value."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def as_finite_float(name: str, a_name: str, a: ArrayLike) -> FloatArray:
    """a as a float64 array, after checking it is real-valued and finite."""
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {a_name} must be real numbers, got {a!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: {a_name} must be finite, got {a!r}")
    return arr
