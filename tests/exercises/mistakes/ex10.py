"""Exercise 10 (recurrent networks): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables).

The exercise builds up: the sequence losses call rnn_forward / rnn_backward, training calls
many_to_one_loss and clip_gradients, the experiment calls the step functions. A mistake in a
building block therefore also costs the checks of what is built on it, by design (their hints
say to fix the block first); each table entry lists every check it loses, and the block's own
check names the mistake.
"""

STEP_USERS = {"test_rnn_step_backward", "test_rnn_backward", "test_many_to_one_loss",
              "test_one_to_many_loss", "test_many_to_many_loss", "test_train_many_to_one",
              "test_gradient_through_time_values"}  # who calls rnn_step_backward
BPTT_USERS = {"test_rnn_backward", "test_many_to_one_loss", "test_one_to_many_loss",
              "test_many_to_many_loss", "test_train_many_to_one"}  # who calls rnn_backward

WRONG = {
    "bptt_does_not_carry_dh_back": ("""
        def rnn_backward(dh, cache):
            dh = _f(dh)
            dxs, total, dprev = [], None, None
            for t in range(len(cache) - 1, -1, -1):
                dx_t, dprev, *dw = rnn_step_backward(dh[:, t, :], cache[t])
                dxs.append(dx_t)
                total = dw if total is None else [a + g for a, g in zip(total, dw)]
            return (np.stack(dxs[::-1], axis=1), dprev, *total)
        """, BPTT_USERS,
        ["the gradient from step t + 1 is not carried back", "dprev_h"]),
    "dWh_from_h_t": ("""
        def rnn_step_backward(dnext_h, cache):
            da = _f(dnext_h) * (1.0 - np.square(cache["h"]))
            return (da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da,
                    cache["h"].T @ da, da.sum(axis=0))
        """, STEP_USERS, ["dWh was accumulated from h_t", "h_{t−1}ᵀ da_t"]),
    "tanh_derivative_from_the_preactivation": ("""
        def rnn_step_forward(x, prev_h, Wx, Wh, b):
            x, prev_h, Wx, Wh, b = map(_f, (x, prev_h, Wx, Wh, b))
            a = x @ Wx + prev_h @ Wh + b
            return np.tanh(a), {"x": x, "prev": prev_h, "Wx": Wx, "Wh": Wh, "a": a}

        def rnn_step_backward(dnext_h, cache):
            da = _f(dnext_h) * (1.0 - cache["a"] ** 2)
            return (da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da,
                    cache["prev"].T @ da, da.sum(axis=0))
        """, STEP_USERS, ["the pre-activation, 1 − a²", "1 − tanh(a)² = 1 − h²"]),
    "tanh_applied_twice_in_the_derivative": ("""
        def rnn_step_backward(dnext_h, cache):
            da = _f(dnext_h) * (1.0 - np.tanh(cache["h"]) ** 2)
            return (da @ cache["Wx"].T, da @ cache["Wh"].T, cache["x"].T @ da,
                    cache["prev"].T @ da, da.sum(axis=0))
        """, STEP_USERS, ["1 − tanh(h)², applying tanh a second time"]),
    "weight_gradients_overwritten_each_step": ("""
        def rnn_backward(dh, cache):
            dh = _f(dh)
            dxs, dprev = [], np.zeros_like(cache[0]["prev"])
            for t in range(len(cache) - 1, -1, -1):
                dx_t, dprev, dWx, dWh, db = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
                dxs.append(dx_t)
            return np.stack(dxs[::-1], axis=1), dprev, dWx, dWh, db
        """, BPTT_USERS, ["only the first step's gradients", "summed over t = 1 … T"]),
    "weight_gradients_of_the_last_step_only": ("""
        def rnn_backward(dh, cache):
            dh = _f(dh)
            dxs, dprev, last = [], np.zeros_like(cache[0]["prev"]), None
            for t in range(len(cache) - 1, -1, -1):
                dx_t, dprev, *dw = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
                dxs.append(dx_t)
                last = dw if last is None else last
            return (np.stack(dxs[::-1], axis=1), dprev, *last)
        """, BPTT_USERS, ["only the last step's gradients", "summed over t = 1 … T"]),
    "dh0_missing": ("""
        _right_backward = rnn_backward

        def rnn_backward(dh, cache):
            dx, dh0, dWx, dWh, db = _right_backward(dh, cache)
            return dx, np.zeros_like(dh0), dWx, dWh, db
        """, {"test_rnn_backward"}, ["dh0 is all zeros", "the first step sends back"]),
    "dh0_not_returned": ("""
        _right_backward = rnn_backward

        def rnn_backward(dh, cache):
            dx, dh0, dWx, dWh, db = _right_backward(dh, cache)
            return dx, dWx, dWh, db

        def _every_step(params, x, y, mask):
            p, h, cache = _run(params, x)
            scores, out_cache = temporal_affine_forward(h, p["Wy"], p["by"])
            loss, dscores = temporal_softmax_loss(scores, y, mask)
            dh, dWy, dby = temporal_affine_backward(dscores, out_cache)
            _, dWx, dWh, db = rnn_backward(dh, cache)
            return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": dWy, "by": dby}

        def many_to_one_loss(params, x, y):
            ys = np.repeat(np.asarray(y)[:, None], np.shape(x)[1], axis=1)
            mask = np.zeros(ys.shape)
            mask[:, -1] = 1.0
            return _every_step(params, _f(x), ys, mask)
        """, {"test_rnn_backward"}, ["returned a tuple of 4", "(dx, dh0, dWx, dWh, db)"]),
    "many_to_one_loss_at_every_step": ("""
        def many_to_one_loss(params, x, y):
            ys = np.repeat(np.asarray(y)[:, None], np.shape(x)[1], axis=1)
            return _every_step(params, _f(x), ys, None)
        """, {"test_many_to_one_loss", "test_train_many_to_one"},
        ["the loss was applied at every step", "ONE output, from the last hidden state"]),
    "many_to_one_reads_the_first_state": ("""
        def many_to_one_loss(params, x, y):
            x = _f(x)
            return _every_step(params, x[:, :1], np.asarray(y)[:, None], None)
        """, {"test_many_to_one_loss", "test_train_many_to_one"},
        ["the FIRST hidden state", "h[:, -1]"]),
    "one_to_many_feeds_x_once": ("""
        def one_to_many_loss(params, x, y):
            x = _f(x)
            xs = np.zeros((x.shape[0], np.asarray(y).shape[1], x.shape[1]))
            xs[:, 0] = x
            return _every_step(params, xs, y, None)
        """, {"test_one_to_many_loss"}, ["fed at the first step only", "RepeatVector"]),
    "softmax_loss_averaged_over_all_steps": ("""
        _right_loss = temporal_softmax_loss

        def temporal_softmax_loss(scores, y, mask=None):
            loss, d = _right_loss(scores, y, mask)
            T = np.shape(scores)[1]
            return loss / T, d / T
        """, {"test_temporal_softmax_loss", "test_many_to_many_loss", "test_one_to_many_loss"},
        ["averaged over N·T", "SUMMED over the steps"]),
    "mask_ignored": ("""
        _right_loss = temporal_softmax_loss

        def temporal_softmax_loss(scores, y, mask=None):
            return _right_loss(scores, y)
        """, {"test_temporal_softmax_loss", "test_many_to_many_loss"},
        ["the mask was ignored"]),
    "clipping_each_tensor_by_its_own_norm": ("""
        def clip_gradients(grads, max_norm):
            clipped = {k: clip_by_norm([g], max_norm)[0] for k, g in grads.items()}
            return clipped, global_norm(list(grads.values()))
        """, {"test_clip_gradients"}, ["each tensor was clipped by its own norm", "GLOBAL norm"]),
    "clip_returns_the_norm_after_clipping": ("""
        def clip_gradients(grads, max_norm):
            clipped = clip_by_norm(list(grads.values()), max_norm)
            return dict(zip(grads, clipped)), global_norm(clipped)
        """, {"test_clip_gradients"}, ["the norm AFTER clipping"]),
    "rnn_forward_returns_the_states_before_each_step": ("""
        _right_forward = rnn_forward

        def rnn_forward(x, h0, Wx, Wh, b):
            h, caches = _right_forward(x, h0, Wx, Wh, b)
            return np.concatenate([_f(h0)[:, None], h[:, :-1]], axis=1), caches
        """, {"test_rnn_forward", "test_many_to_one_loss", "test_one_to_many_loss",
              "test_many_to_many_loss", "test_train_many_to_one"},
        ["the state BEFORE step t", "h[:, t] is the state after step t"]),
    "experiment_norms_in_reverse_order": ("""
        _right_experiment = gradient_through_time

        def gradient_through_time(radius, T=30, N=8, D=4, H=16, input_scale=0.1, seed=0):
            norms, grads = _right_experiment(radius, T, N, D, H, input_scale, seed)
            return norms[::-1], grads
        """, {"test_vanishing_and_exploding_gradients", "test_gradient_through_time_values"},
        ["the order is reversed", "the norms are in reverse order"]),
    "experiment_with_a_gaussian_recurrent_matrix": ("""
        def gradient_through_time(radius, T=30, N=8, D=4, H=16, input_scale=0.1, seed=0):
            rng = np.random.default_rng(seed)
            W0 = rng.normal(size=(H, H))
            Wh = radius * W0 / np.max(np.abs(np.linalg.eigvals(W0)))
            Wx = rng.normal(size=(D, H)) * input_scale / np.sqrt(D)
            x = rng.normal(size=(N, T, D))
            G = rng.normal(size=(N, H))
            _, caches = rnn_forward(x, np.zeros((N, H)), Wx, Wh, np.zeros(H))
            norms, dh, grads = [], G, {"Wx": 0.0, "Wh": 0.0, "b": 0.0}
            for t in reversed(range(T)):
                norms.append(np.linalg.norm(dh))
                _, dh, gx, gh, gb = rnn_step_backward(dh, caches[t])
                grads = {"Wx": grads["Wx"] + gx, "Wh": grads["Wh"] + gh, "b": grads["b"] + gb}
            return np.array(norms[::-1]), grads
        """, {"test_vanishing_and_exploding_gradients", "test_gradient_through_time_values"},
        ["every ratio is at most 0.5", "Wh = radius · orthogonal(...)"]),
}

HIDDEN_ONLY = {
    "many_to_many_needs_a_mask": ("""
        def many_to_many_loss(params, x, y, mask=None):
            return _every_step(params, _f(x), y, _f(mask) > 0)
        """, {"test_float32_inputs", "test_masks_and_clipping_edge_cases"}),
    "experiment_ignores_input_scale": ("""
        _right_experiment = gradient_through_time

        def gradient_through_time(radius, T=30, N=8, D=4, H=16, input_scale=0.1, seed=0):
            return _right_experiment(radius, T, N, D, H, 0.1, seed)
        """, {"test_experiment_and_training_other_settings"}),
    "clipping_divides_zero_by_zero": ("""
        def clip_gradients(grads, max_norm):
            norm = global_norm(list(grads.values()))
            return {k: _f(g) * min(1.0, max_norm / norm) for k, g in grads.items()}, norm
        """, {"test_masks_and_clipping_edge_cases"}),
    "many_to_one_squeezes_away_the_batch": ("""
        def many_to_one_loss(params, x, y):
            x = _f(x)
            p, h, cache = _run(params, x)
            last = h[:, -1, :]
            scores = last @ p["Wy"] + p["by"]
            loss, dscores = temporal_softmax_loss(scores[:, None, :], np.asarray(y)[:, None])
            dscores = dscores.squeeze()
            dh = np.zeros_like(h)
            dh[:, -1, :] = dscores @ p["Wy"].T
            _, _, dWx, dWh, db = rnn_backward(dh, cache)
            return loss, {"Wx": dWx, "Wh": dWh, "b": db, "Wy": last.T @ dscores,
                          "by": dscores.sum(axis=0)}
        """, {"test_smallest_shapes"}),
}

CORRECT = {
    "loops_over_the_batch": """
        def rnn_step_forward(x, prev_h, Wx, Wh, b):
            x, prev_h, Wx, Wh, b = map(_f, (x, prev_h, Wx, Wh, b))
            h = np.empty((x.shape[0], Wh.shape[0]))
            for n in range(x.shape[0]):
                h[n] = np.tanh(x[n] @ Wx + prev_h[n] @ Wh + b)
            return h, {"x": x, "prev": prev_h, "Wx": Wx, "Wh": Wh, "h": h}

        def rnn_step_backward(dnext_h, cache):
            dnext_h = _f(dnext_h)
            dx, dprev = np.empty_like(cache["x"]), np.empty_like(cache["prev"])
            dWx, dWh = np.zeros_like(cache["Wx"]), np.zeros_like(cache["Wh"])
            db = np.zeros(cache["Wh"].shape[0])
            for n in range(dnext_h.shape[0]):
                da = dnext_h[n] * (1.0 - cache["h"][n] ** 2)
                dx[n], dprev[n] = cache["Wx"] @ da, cache["Wh"] @ da
                dWx += np.outer(cache["x"][n], da)
                dWh += np.outer(cache["prev"][n], da)
                db += da
            return dx, dprev, dWx, dWh, db
        """,
    "preactivations_in_the_cache": """
        def rnn_step_forward(x, prev_h, Wx, Wh, b):
            x, prev_h, Wx, Wh, b = map(_f, (x, prev_h, Wx, Wh, b))
            a = x @ Wx + prev_h @ Wh + b
            return np.tanh(a), (x, prev_h, Wx, Wh, a)

        def rnn_step_backward(dnext_h, cache):
            x, prev_h, Wx, Wh, a = cache
            da = _f(dnext_h) / np.cosh(a) ** 2  # tanh'(a) = sech²(a) = 1 − tanh(a)²
            return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)

        def rnn_forward(x, h0, Wx, Wh, b):
            x = _f(x)
            h, caches = _f(h0), []
            for t in range(x.shape[1]):
                h, c = rnn_step_forward(x[:, t], h, Wx, Wh, b)
                caches.append(c)
            return np.stack([np.tanh(c[4]) for c in caches], axis=1), caches

        def rnn_backward(dh, cache):
            dh = _f(dh)
            dxs, dprev, total = [], np.zeros_like(cache[0][1]), 0.0
            for t in reversed(range(len(cache))):
                dx_t, dprev, *dw = rnn_step_backward(dh[:, t] + dprev, cache[t])
                dxs.insert(0, dx_t)
                total = total + np.concatenate([g.ravel() for g in dw])
            D, H = cache[0][2].shape
            return (np.stack(dxs, axis=1), dprev, total[:D * H].reshape(D, H),
                    total[D * H:D * H + H * H].reshape(H, H), total[D * H + H * H:])
        """,
    "computes_in_the_input_dtype": """
        def _f(a):
            a = np.asarray(a)
            return a if a.dtype in (np.float32, np.float64) else a.astype(np.float64)
        """,
    "one_array_cache_with_h0_in_front": """
        def rnn_forward(x, h0, Wx, Wh, b):
            x, Wx, Wh, b = _f(x), _f(Wx), _f(Wh), _f(b)
            N, T, _ = x.shape
            hs = np.zeros((N, T + 1, Wh.shape[0]))
            hs[:, 0] = _f(h0)
            for t in range(T):
                hs[:, t + 1] = np.tanh(x[:, t] @ Wx + hs[:, t] @ Wh + b)
            return hs[:, 1:].copy(), {"x": x, "hs": hs, "Wx": Wx, "Wh": Wh}

        def rnn_backward(dh, cache):
            x, hs, Wx, Wh = cache["x"], cache["hs"], cache["Wx"], cache["Wh"]
            dh = _f(dh)
            T = x.shape[1]
            dx = np.zeros_like(x)
            dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
            carry = np.zeros_like(hs[:, 0])
            for t in range(T, 0, -1):
                da = (dh[:, t - 1] + carry) * (1 - hs[:, t] ** 2)
                dx[:, t - 1] = da @ Wx.T
                carry = da @ Wh.T
                dWx += x[:, t - 1].T @ da
                dWh += hs[:, t - 1].T @ da
                db += da.sum(0)
            return dx, carry, dWx, dWh, db
        """,
    "many_to_one_masked_clipping_by_the_helpers_experiment_through_rnn_backward": """
        def many_to_one_loss(params, x, y):
            ys = np.repeat(np.asarray(y)[:, None], np.shape(x)[1], axis=1)
            mask = np.zeros(ys.shape, dtype=bool)
            mask[:, -1] = True
            return _every_step(params, _f(x), ys, mask)

        def clip_gradients(grads, max_norm):
            keys = list(grads)
            values = [grads[k] for k in keys]
            return dict(zip(keys, clip_by_norm(values, max_norm))), global_norm(values)

        def gradient_through_time(radius, T=30, N=8, D=4, H=16, input_scale=0.1, seed=0):
            rng = np.random.default_rng(seed)
            Wh = radius * orthogonal(rng.normal(size=(H, H)))
            Wx = rng.normal(size=(D, H)) * input_scale / np.sqrt(D)
            x = rng.normal(size=(N, T, D))
            G = rng.normal(size=(N, H))
            h, cache = rnn_forward(x, np.zeros((N, H)), Wx, Wh, np.zeros(H))
            dh = np.zeros_like(h)
            dh[:, -1] = G
            _, _, dWx, dWh, db = rnn_backward(dh, cache)
            norms = np.empty(T)
            g = G
            for t in range(T - 1, -1, -1):
                norms[t] = np.linalg.norm(g)
                g = (g * (1 - h[:, t] ** 2)) @ Wh.T
            return norms, {"Wx": dWx, "Wh": dWh, "b": db}
        """,
}
