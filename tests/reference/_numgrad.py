"""Central-difference gradients and a relative error, shared by the reference tests."""

from collections.abc import Callable

import numpy as np

H = 1e-6  # float64 central differences: truncation O(h²) and rounding O(1e-16 / h) meet near here
GRAD_RTOL = 1e-6  # on O(1) inputs away from kinks the relative error lands near 1e-9


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """∂f/∂x by central differences, one coordinate at a time.  x: (...) -> (...) float64"""
    x = np.array(x, dtype=np.float64)  # a private copy, moved one coordinate at a time
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        orig = x[idx]
        x[idx] = orig + h
        f_plus = f(x.copy())
        x[idx] = orig - h
        f_minus = f(x.copy())
        x[idx] = orig
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|), 0.0 when both are all zeros; shapes must be equal."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    scale = np.max(np.abs(a) + np.abs(b), initial=0.0)
    return 0.0 if scale == 0.0 else float(np.max(np.abs(a - b)) / scale)
