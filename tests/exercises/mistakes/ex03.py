"""Exercise 03 (gradient descent): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

WRONG = {
    "df_as_the_slide_prints_it": ("""
        def df(x):
            return _out(10 * np.asarray(x, dtype=np.float64) + 2)
        """, {"test_df"}, ["df(x=1.0) returned 12, expected 8", "the slide prints 10x + 2"]),
    "numerical_derivative_one_sided": ("""
        def numerical_derivative(fn, x, h=H):
            x = np.asarray(x, dtype=np.float64)
            return _out((np.asarray(fn(x + h)) - np.asarray(fn(x))) / h)
        """, {"test_numerical_derivative"}, ["returned 8.00005, expected 8", "error O(h)"]),
    "path_without_the_start": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            path = []
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x), dtype=np.float64)
                x = x - step
                path.append(x)
                if _diverged(x) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_path", "test_gradient_descent_vector_start",
              "test_gradient_descent_stopping"}, ["the path must begin with x0 itself"]),
    "path_without_the_last_iterate": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            path = [x]
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x.copy()), dtype=np.float64)
                if np.abs(step).max() <= tol:
                    break
                x = x - step
                path.append(x)
                if _diverged(x):
                    break
            return np.array(path)
        """, {"test_gradient_descent_path", "test_gradient_descent_vector_start",
              "test_gradient_descent_stopping"}, ["stopped one step early, at x_32"]),
    "divergence_noticed_only_at_inf": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            path = [np.array(x0, dtype=np.float64)]
            for _ in range(max_steps):
                x = path[-1]
                step = lr * np.asarray(grad(x), dtype=np.float64)
                path.append(x - step)
                if not np.isfinite(path[-1]).all() or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_stopping"}, ["went on after x_569"]),
    "x0_updated_in_place": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.asarray(x0, dtype=np.float64)
            path = [x.copy()]
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x), dtype=np.float64)
                x -= step
                path.append(x.copy())
                if _diverged(x) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_vector_start", "test_inputs_not_modified"},
        ["changed its input x0 in place"]),
    "lr_regime_strict_at_one": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            q = lr * curvature
            if q < 1:
                return MONOTONE
            if q < 2:
                return OSCILLATING
            return CYCLING if q == 2 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.1) returned 'oscillating', expected 'monotone'"]),
    "lr_regime_oscillating_only_from_0_2": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            q = lr * curvature
            if q <= 2:
                return MONOTONE
            if q < 4:
                return OSCILLATING
            return CYCLING if q == 4 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.1001) returned 'monotone'", "(1 − ηc)^k"]),
    "lr_regime_ignores_the_curvature": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            if lr <= 0.1:
                return MONOTONE
            if lr < 0.2:
                return OSCILLATING
            return CYCLING if lr == 0.2 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.3, 2.0) returned 'diverging'"]),
    "line_mse_grad_without_the_2": ("""
        def line_mse_grad(x, y, w, b):
            r = w * x + b - y
            return float(np.mean(r * x)), float(np.mean(r))
        """, {"test_line_mse_grad"}, ["half the right ones", "the 2 comes from the square"]),
    "fit_line_gd_without_the_2": ("""
        def fit_line_gd(x, y, lr, max_steps=MAX_STEPS, tol=TOL, w0=0.0, b0=0.0):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

            def grad(theta):
                r = theta[0] * x + theta[1] - y
                return np.array([np.mean(r * x), np.mean(r)])

            params = gradient_descent(grad, np.array([w0, b0]), lr, max_steps, tol)
            return params, np.array([np.mean((w * x + b - y) ** 2) for w, b in params])
        """, {"test_fit_line_gd"}, ["yours 5.77162, expected 11.5432"]),
    "fit_line_regresses_x_on_y": ("""
        def fit_line(x, y):
            w, b = np.polyfit(y, x, 1)
            return w, b
        """, {"test_fit_line"}, ["w of fit_line(x (9,), y (9,)) returned 0.160828"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "numerical_derivative_in_float32": ("""
        def numerical_derivative(fn, x, h=H):
            return (fn(x + h) - fn(x - h)) / (2 * h)
        """, {"test_numerical_derivative_other_functions"}),
    "gradient_descent_always_takes_a_step": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            path = [np.array(x0, dtype=np.float64)]
            while True:
                x = path[-1]
                step = lr * np.asarray(grad(x.copy()), dtype=np.float64)
                path.append(x - step)
                if len(path) > max_steps or _diverged(path[-1]) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_path_edge_cases"}),
}

# Exercise 03 written in other correct ways: each keeps full marks, hidden checks included.
CORRECT = {
    "fit_line_returns_np_polyfit": """
        def fit_line(x, y):
            return np.polyfit(x, y, 1)
        """,
    "fit_line_by_lstsq": """
        def fit_line(x, y):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            (w, b), *_ = np.linalg.lstsq(np.vstack([x, np.ones_like(x)]).T, y, rcond=None)
            return w, b
        """,
    "textbook_sums_in_the_input_dtype": """
        def fit_line(x, y):
            n = len(x)
            sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()
            w = (n * sxy - sx * sy) / (n * sxx - sx * sx)
            return w, (sy - w * sx) / n

        def line_mse(x, y, w, b):
            return np.mean((w * x + b - y) ** 2)

        def line_mse_grad(x, y, w, b):
            r = w * x + b - y
            return 2 * np.mean(r * x), 2 * np.mean(r)
        """,
    "preallocated_path_and_fraction_thresholds": """
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            out = np.empty((max_steps + 1,) + x.shape)
            out[0] = x
            k = 0
            while k < max_steps:
                g = np.asarray(grad(out[k].copy()), dtype=np.float64)
                with np.errstate(over="ignore", invalid="ignore"):
                    out[k + 1] = out[k] - lr * g
                k += 1
                if not np.all(np.isfinite(out[k])) or np.max(np.abs(out[k])) > DIVERGENCE_LIMIT:
                    break
                if np.max(np.abs(lr * g)) <= tol:
                    break
            return out[:k + 1].copy()

        def lr_regime(lr, curvature=F_CURVATURE):
            if lr <= 1 / curvature:
                return MONOTONE
            if lr < 2 / curvature:
                return OSCILLATING
            return CYCLING if lr == 2 / curvature else DIVERGING
        """,
    "fit_line_gd_from_gradient_descent_and_line_mse_grad": """
        def fit_line_gd(x, y, lr, max_steps=MAX_STEPS, tol=TOL, w0=0.0, b0=0.0):
            def grad(theta):
                return np.array(line_mse_grad(x, y, theta[0], theta[1]))

            params = gradient_descent(grad, np.array([w0, b0], dtype=np.float64), lr,
                                      max_steps, tol)
            return params, np.array([line_mse(x, y, w, b) for w, b in params])
        """,
}
