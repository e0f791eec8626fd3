"""Exercise 06 (optimizers): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

WRONG = {
    "momentum_as_heavy_ball": ("""
        def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
            w, g = _f(w), _f(dw)
            v = gamma * _get(state, "m", w) + lr * g
            return w - v, {"m": v}
        """, {"test_momentum_ema"}, ["this is the heavy ball v = γv + lr·g"]),
    "heavy_ball_as_the_seeds_ema": ("""
        def heavy_ball(w, dw, state=None, lr=1e-2, gamma=0.9):
            w, g = _f(w), _f(dw)
            v = gamma * _get(state, "v", w) + (1.0 - gamma) * g
            return w - lr * v, {"v": v}
        """, {"test_heavy_ball"}, ["this is the seeds' EMA momentum"]),
    "nesterov_as_heavy_ball": ("""
        def nesterov(w, dw, state=None, lr=1e-2, gamma=0.9):
            return heavy_ball(w, dw, state, lr, gamma)
        """, {"test_nesterov"}, ["Nesterov steps w − (γv + lr·g)"]),
    "adam_without_bias_correction": ("""
        def adam(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS, weight_decay=0.0):
            w, g = _f(w), _f(dw)
            g = g + weight_decay * w
            m = beta1 * _get(state, "m", w) + (1.0 - beta1) * g
            v = beta2 * _get(state, "v", w) + (1.0 - beta2) * g * g
            return w - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v}
        """, {"test_adam", "test_adam_first_step_is_about_lr", "test_adamw"},
        ["the bias correction is missing", "about 3.2 lr"]),
    "adam_forgets_t": ("""
        def adam(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS, weight_decay=0.0):
            w, g = _f(w), _f(dw)
            g = g + weight_decay * w
            m = beta1 * _get(state, "m", w) + (1.0 - beta1) * g
            v = beta2 * _get(state, "v", w) + (1.0 - beta2) * g * g
            m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
            return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v}
        """, {"test_adam", "test_adamw"}, ["next_w of adam at step 2 (state passed back in)"]),
    "adamw_decay_inside_the_adaptive_term": ("""
        def adamw(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS,
                  weight_decay=1e-2):
            return adam(w, dw, state, lr, beta1, beta2, eps, weight_decay=weight_decay)
        """, {"test_adamw"}, ["the decay went into the gradient (Adam with L2)"]),
    "rmsprop_state_ignored": ("""
        def rmsprop(w, dw, state=None, lr=1e-3, rho=0.9, eps=EPS):
            w, g = _f(w), _f(dw)
            v = (1.0 - rho) * g * g
            return w - lr * g / (np.sqrt(v) + eps), {"v": v}
        """, {"test_rmsprop"}, ["next_w of rmsprop at step 2 (state passed back in)"]),
    "adagrad_state_as_a_tuple": ("""
        def adagrad(w, dw, state=None, lr=1e-2, eps=EPS):
            w, g = _f(w), _f(dw)
            G = (0.0 if state is None else state[0]) + g * g
            return w - lr * g / (np.sqrt(G) + eps), (G,)
        """, {"test_adagrad"}, ["expected a dict"]),
    "adadelta_with_the_new_d": ("""
        def adadelta(w, dw, state=None, lr=1.0, rho=0.95, eps=ADADELTA_EPS):
            w, g = _f(w), _f(dw)
            v = rho * _get(state, "v", w) + (1.0 - rho) * g**2
            D = _get(state, "D", w)
            delta = -np.sqrt(D + eps) / np.sqrt(v + eps) * g
            D = rho * D + (1.0 - rho) * delta**2
            delta = -np.sqrt(D + eps) / np.sqrt(v + eps) * g
            return w + lr * delta, {"v": v, "D": D}
        """, {"test_adadelta"}, ["next_w of adadelta at step 1"]),
    "cosine_without_the_floor": ("""
        def cosine_decay(t, lr0, total_steps, lr_min=0.0):
            return lr_min + 0.5 * (lr0 - lr_min) * (1 + math.cos(math.pi * t / total_steps))
        """, {"test_schedules"}, ["cos(π·min(t, T)/T)"]),
    "momentum_updates_w_and_state_in_place": ("""
        def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
            if state is None:
                state = {"m": np.zeros_like(w)}
            m = state["m"]
            m *= gamma
            m += (1.0 - gamma) * dw
            w -= lr * m
            return w, state
        """, {"test_momentum_ema"}, ["changed its input w in place"]),
    "step_decay_every_step": ("""
        def step_decay(t, lr0, drop=0.5, every=10):
            return lr0 * drop ** (t / every)
        """, {"test_schedules"}, ["lr0 · drop^⌊t/every⌋"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "momentum_hard_codes_gamma": ("""
        def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
            w, g = _f(w), _f(dw)
            m = 0.9 * _get(state, "m", w) + 0.1 * g
            return w - lr * m, {"m": m}
        """, {"test_other_hyper_parameters"}),
}

# Correct submissions written differently from the reference and _solutions_06: full marks
CORRECT = {
    "in_place_on_copies_and_float32_state": """
        def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
            w = np.array(w, dtype=np.float64)
            m = np.zeros_like(w) if not state else np.array(state["m"], dtype=np.float64)
            m *= gamma
            m += (1.0 - gamma) * np.asarray(dw, dtype=np.float64)
            w -= lr * m
            return w, {"m": m}

        def adam(w, dw, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=EPS, weight_decay=0.0):
            state = dict(state or {})
            w = np.array(w, dtype=np.float64)
            g = np.asarray(dw, dtype=np.float64) + weight_decay * w
            t = state.get("t", 0) + 1
            m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
            v = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            return w - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": np.int64(t)}
        """,
    "loops_over_coordinates": """
        def rmsprop(w, dw, state=None, lr=1e-3, rho=0.9, eps=EPS):
            w, g = _f(w), _f(dw)
            v = _get(state, "v", w)
            out, v_new = np.empty_like(w), np.empty_like(w)
            for i in np.ndindex(w.shape):
                v_new[i] = rho * v[i] + (1 - rho) * g[i] ** 2
                out[i] = w[i] - lr * g[i] / (math.sqrt(v_new[i]) + eps)
            return out, {"v": v_new}
        """,
}
