"""Tests of reference.gradient_descent and reference.data: the seeds' f, regimes, the IQ line."""

from fractions import Fraction

import numpy as np
import pytest

from reference import gradient_descent as gd
from reference.data import DATA_DIR, IQ_TABLE, iq_table

VALUE_RTOL = 1e-12  # float64 against exact arithmetic: a few ulps apart at most
DERIV_ATOL = 1e-8  # central differences with h = 1e-5 on |f| <= 300: rounding 1e-16·300/1e-5
LINE_RTOL = 1e-6  # GD on the raw IQ table stops (step <= 1e-10) about 4e-7 short in b ≈ 65
POINTS = [-3.0, -1.0, 0.0, 0.2, 0.5, 1.0, 2.5, 7.0]

# seed 001's table, as exact decimals for an independent oracle
IQ_X = ["15.35", "14.35", "13.9", "10.7", "18.4", "12.20", "15.606", "17.70", "20.33"]
IQ_Y = ["80", "81", "85", "90", "91", "95", "101", "102", "110"]


# --- the seeds' f -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, fx, dfx",
    [(0.0, 4.0, -2.0), (1.0, 7.0, 8.0), (-1.0, 11.0, -12.0), (0.2, 3.8, 0.0), (2.0, 20.0, 18.0)],
)
def test_f_and_df_by_hand(x, fx, dfx):
    """5x² − 2x + 4 and 10x − 2 by hand; the slide's 10x + 2 would give +2 at 0 and 12 at 1."""
    assert gd.f(x) == pytest.approx(fx, rel=VALUE_RTOL, abs=1e-15)
    assert gd.df(x) == pytest.approx(dfx, rel=VALUE_RTOL, abs=1e-15)


def test_minimum_constants():
    assert (gd.F_ARGMIN, gd.F_MIN, gd.F_CURVATURE) == pytest.approx((0.2, 3.8, 10.0))
    assert gd.df(gd.F_ARGMIN) == pytest.approx(0.0, abs=1e-15)


def test_f_and_df_are_elementwise():
    x = np.array([[0.0, 1.0], [-1.0, 2.0]])
    np.testing.assert_allclose(gd.f(x), [[4.0, 7.0], [11.0, 20.0]], rtol=VALUE_RTOL)
    np.testing.assert_allclose(gd.df(x), [[-2.0, 8.0], [-12.0, 18.0]], rtol=VALUE_RTOL)
    assert isinstance(gd.f(1.0), float) and isinstance(gd.df(1.0), float)


@pytest.mark.parametrize("x", POINTS)
def test_df_matches_the_numerical_derivative(x):
    assert gd.numerical_derivative(gd.f, x) == pytest.approx(gd.df(x), abs=DERIV_ATOL)


def test_numerical_derivative_is_second_order_on_a_non_quadratic():
    """cos is the derivative of sin; the error falls ~100 times when h falls 10 times."""
    x = np.linspace(-3.0, 3.0, 13)
    err_big = np.max(np.abs(gd.numerical_derivative(np.sin, x, h=1e-2) - np.cos(x)))
    err_small = np.max(np.abs(gd.numerical_derivative(np.sin, x, h=1e-3) - np.cos(x)))
    assert 80.0 < err_big / err_small < 120.0
    np.testing.assert_allclose(gd.numerical_derivative(np.sin, x), np.cos(x), atol=1e-9)


def test_numerical_derivative_rejects_a_bad_step():
    with pytest.raises(ValueError, match=r"h must be > 0, got -0.001"):
        gd.numerical_derivative(gd.f, 1.0, h=-1e-3)


# --- gradient descent and the learning-rate regimes ----------------------------------------------


def test_first_steps_by_hand():
    """From x0 = 3 with η = 0.05: x1 = 3 − 0.05·28 = 1.6, x2 = 1.6 − 0.05·14 = 0.9."""
    path = gd.gradient_descent(gd.df, 3.0, 0.05, max_steps=2)
    np.testing.assert_allclose(path, [3.0, 1.6, 0.9], rtol=VALUE_RTOL)


def test_path_starts_at_x0_and_stops_by_the_rule():
    path = gd.gradient_descent(gd.df, 3.0, 0.05)
    assert path.ndim == 1 and path[0] == 3.0
    assert path[-1] == pytest.approx(gd.F_ARGMIN, abs=1e-9)
    steps = np.abs(np.diff(path))
    assert steps[-1] <= gd.TOL < steps[-2]  # stopped at the first small step, not later
    assert len(gd.gradient_descent(gd.df, 3.0, 0.05, max_steps=0)) == 1


@pytest.mark.parametrize(
    "lr, regime",
    [(0.05, gd.MONOTONE), (0.1, gd.MONOTONE), (0.15, gd.OSCILLATING), (0.199, gd.OSCILLATING),
     (0.2, gd.CYCLING), (0.201, gd.DIVERGING), (0.25, gd.DIVERGING)],
)
def test_regime_thresholds_for_the_seeds_f(lr, regime):
    """f'' = 10: η <= 0.1 monotone, 0.1 < η < 0.2 oscillates, η = 0.2 cycles, η > 0.2 diverges."""
    assert gd.lr_regime(lr) == regime
    assert gd.lr_regime(lr * 2.0, curvature=5.0) == regime  # only η·f'' matters


def test_paths_behave_as_their_regime_says():
    err = {lr: gd.gradient_descent(gd.df, 3.0, lr, max_steps=60) - gd.F_ARGMIN
           for lr in (0.05, 0.15, 0.2, 0.25)}
    # 0.05: e_k = 0.5^k e_0, one sign, shrinking to x*
    assert np.all(err[0.05] >= 0) and np.all(np.diff(err[0.05]) <= 0)
    assert abs(err[0.05][-1]) < 1e-9
    # 0.15: e_k = (−0.5)^k e_0, alternating signs, shrinking to x*
    e = err[0.15][:30]
    assert np.all(np.sign(e[1:]) == -np.sign(e[:-1])) and abs(err[0.15][-1]) < 1e-9
    # 0.2: e_k = (−1)^k e_0, for ever
    np.testing.assert_allclose(np.abs(err[0.2]), 2.8, rtol=1e-12)
    # 0.25: e_k = (−1.5)^k e_0
    np.testing.assert_allclose(err[0.25][:20], 2.8 * (-1.5) ** np.arange(20), rtol=1e-12)


def test_divergence_stops_before_overflow():
    path = gd.gradient_descent(gd.df, 3.0, 0.25)
    assert len(path) < gd.MAX_STEPS and np.all(np.isfinite(path))
    assert abs(path[-1]) > gd.DIVERGENCE_LIMIT >= np.max(np.abs(path[:-1]))


def test_gradient_descent_in_two_dimensions():
    """A bowl ½(x² + 4y²) with η = 0.2: each coordinate shrinks by 0.8 and 0.2 per step."""
    path = gd.gradient_descent(lambda v: v * [1.0, 4.0], [1.0, 1.0], 0.2, max_steps=3)
    assert path.shape == (4, 2)
    np.testing.assert_allclose(path[:, 0], 0.8 ** np.arange(4), rtol=VALUE_RTOL)
    np.testing.assert_allclose(path[:, 1], 0.2 ** np.arange(4), rtol=VALUE_RTOL)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"lr": 0.0}, r"lr must be > 0, got 0.0"),
     ({"lr": -0.1}, r"lr must be > 0, got -0.1"),
     ({"max_steps": -1}, r"max_steps must be >= 0, got -1"),
     ({"max_steps": 2.5}, r"max_steps must be an integer, got 2.5"),
     ({"tol": -1.0}, r"tol must be >= 0, got -1.0"),
     ({"x0": float("nan")}, r"x0 must be finite, got nan")],
)
def test_gradient_descent_rejects_bad_input(kwargs, message):
    args = {"grad": gd.df, "x0": 3.0, "lr": 0.05} | kwargs
    with pytest.raises(ValueError, match=message):
        gd.gradient_descent(**args)


def test_lr_regime_rejects_bad_input():
    with pytest.raises(ValueError, match=r"lr must be > 0, got -0.1"):
        gd.lr_regime(-0.1)
    with pytest.raises(ValueError, match=r"curvature must be > 0 .*got -2.0"):
        gd.lr_regime(0.1, curvature=-2.0)


# --- the IQ table and its regression line --------------------------------------------------------


def test_iq_table_is_the_seeds_table():
    x, y = iq_table()
    assert x.shape == y.shape == (9,) and x.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(x, [float(v) for v in IQ_X])
    np.testing.assert_array_equal(y, [float(v) for v in IQ_Y])
    assert (DATA_DIR / IQ_TABLE).is_file()


def test_iq_table_rejects_another_file(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"columns swear_factor,iq, got header 'a,b'"):
        iq_table(path)
    with pytest.raises(FileNotFoundError, match=r"missing.csv"):
        iq_table(tmp_path / "missing.csv")


def exact_least_squares() -> tuple[Fraction, Fraction]:
    """The normal equations in exact rational arithmetic on the slide's decimals."""
    xs, ys = [Fraction(v) for v in IQ_X], [Fraction(v) for v in IQ_Y]
    n = len(xs)
    sx, sy = sum(xs), sum(ys)
    sxx, sxy = sum(a * a for a in xs), sum(a * b for a, b in zip(xs, ys, strict=True))
    w = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return w, (sy - w * sx) / n


def test_closed_form_on_the_iq_table_against_exact_and_polyfit():
    x, y = iq_table()
    w, b = gd.fit_line(x, y)
    w_exact, b_exact = exact_least_squares()
    assert (w, b) == pytest.approx((float(w_exact), float(b_exact)), rel=1e-12)
    assert (w, b) == pytest.approx(tuple(np.polyfit(x, y, 1)), rel=1e-10)
    assert (w, b) == pytest.approx((1.7908, 65.2126), abs=1e-4)  # "about 1.79x + 65.2"


def test_the_slides_line_is_not_the_least_squares_line():
    """The slide draws IQ = 3.33x + 50 (116.6 at x = 20); the best line predicts ≈ 101."""
    x, y = iq_table()
    w, b = gd.fit_line(x, y)
    assert gd.line_mse(x, y, w, b) < gd.line_mse(x, y, 3.33, 50.0)
    assert 3.33 * 20 + 50 == pytest.approx(116.6)
    assert w * 20 + b == pytest.approx(101.03, abs=0.01)


def test_line_mse_grad_matches_central_differences():
    x, y = iq_table()
    for w, b in [(0.0, 0.0), (1.5, 60.0), (3.33, 50.0)]:
        dw, db = gd.line_mse_grad(x, y, w, b)
        num_dw = gd.numerical_derivative(lambda v, b=b: gd.line_mse(x, y, float(v), b), w)
        num_db = gd.numerical_derivative(lambda v, w=w: gd.line_mse(x, y, w, float(v)), b)
        assert (dw, db) == pytest.approx((num_dw, num_db), rel=1e-6)
    assert gd.line_mse_grad(x, y, *gd.fit_line(x, y)) == pytest.approx((0.0, 0.0), abs=1e-9)


def test_gradient_descent_on_mse_reaches_the_closed_form():
    x, y = iq_table()
    params, losses = gd.fit_line_gd(x, y, lr=0.004, max_steps=200_000)
    assert params.shape == (len(losses), 2) and len(losses) < 200_001
    np.testing.assert_array_equal(params[0], [0.0, 0.0])
    np.testing.assert_allclose(params[-1], gd.fit_line(x, y), rtol=LINE_RTOL)
    assert losses[0] == pytest.approx(np.mean(y**2))  # the line y = 0
    assert losses[-1] == pytest.approx(gd.line_mse(x, y, *gd.fit_line(x, y)), rel=1e-9)
    assert np.all(np.diff(losses) <= 1e-12)  # η < 2/λ_max: every step lowers a quadratic loss


def test_gradient_descent_on_mse_first_step_by_hand():
    """From (0, 0) the residuals are −y: dw = −2 mean(x y), db = −2 mean(y)."""
    x, y = iq_table()
    params, losses = gd.fit_line_gd(x, y, lr=0.001, max_steps=1)
    np.testing.assert_allclose(
        params[1], [0.002 * np.mean(x * y), 0.002 * np.mean(y)], rtol=VALUE_RTOL)
    assert losses[1] == pytest.approx(gd.line_mse(x, y, *params[1]), rel=VALUE_RTOL)


def test_gradient_descent_on_mse_diverges_above_the_largest_curvature():
    x, y = iq_table()
    params, losses = gd.fit_line_gd(x, y, lr=0.0042, max_steps=2000)  # 2/λ_max ≈ 0.00406
    assert losses[-1] > 1e6 * losses[0]


@pytest.mark.parametrize(
    "x, y, message",
    [([1.0, 2.0, 3.0], [1.0, 2.0], r"shape \(N,\), got \(3,\) and \(2,\)"),
     ([[1.0, 2.0]], [[1.0, 2.0]], r"shape \(N,\), got \(1, 2\) and \(1, 2\)"),
     ([1.0], [2.0], r"N >= 2 points, got N = 1"),
     ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], r"every x equals 2.0")],
)
def test_line_functions_reject_bad_input(x, y, message):
    for fn in (gd.fit_line, lambda a, b: gd.fit_line_gd(a, b, 0.01),
               lambda a, b: gd.line_mse(a, b, 1.0, 0.0)):
        with pytest.raises(ValueError, match=message):
            fn(x, y)


def test_no_argument_is_mutated():
    x, y = iq_table()
    x0, xs = np.array([3.0, -1.0]), np.linspace(-1.0, 1.0, 5)
    kept = [a.copy() for a in (x, y, x0, xs)]
    gd.fit_line(x, y)
    gd.fit_line_gd(x, y, 0.004, max_steps=10)
    gd.line_mse_grad(x, y, 1.0, 2.0)
    gd.gradient_descent(lambda v: v, x0, 0.1, max_steps=5)
    gd.f(xs), gd.df(xs), gd.numerical_derivative(gd.f, xs)
    for before, after in zip(kept, (x, y, x0, xs), strict=True):
        np.testing.assert_array_equal(before, after)


def test_grad_cannot_change_the_path_by_writing_to_its_argument():
    def greedy(v):
        v[...] = 100.0  # a grad that writes to its input must not move the iterate
        return np.zeros_like(v)

    path = gd.gradient_descent(greedy, np.array([1.0, 2.0]), 0.1, max_steps=3)
    np.testing.assert_array_equal(path, [[1.0, 2.0]] * 2)
