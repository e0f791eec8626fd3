"""Exercise 11 (LSTM): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# The alternative solution _solutions_11.py builds lstm_forward from lstm_step_forward and
# lstm_backward from lstm_step_backward, and train_sine (given) uses both: a wrong step also
# costs the sequence checks and the training, whose messages point back at the step.
STEP_AND_ALL = {"test_lstm_step_forward", "test_lstm_step_backward", "test_lstm_forward",
                "test_lstm_backward", "test_learns_sine_waves"}

WRONG = {
    "forget_gate_through_tanh": ("""
        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            x, prev_h, prev_c, Wx, Wh, b = map(_f, (x, prev_h, prev_c, Wx, Wh, b))
            H = prev_h.shape[1]
            a = x @ Wx + prev_h @ Wh + b
            i, f, o = _sig(a[:, :H]), np.tanh(a[:, H:2 * H]), _sig(a[:, 2 * H:3 * H])
            g = np.tanh(a[:, 3 * H:])
            next_c = f * prev_c + i * g
            return o * np.tanh(next_c), next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
        """, STEP_AND_ALL, ["the forget gate goes through tanh"]),
    # its backward is right for the right forward: judged against the reference's gradients
    # (its forward is wrong), it keeps the points of lstm_step_backward
    "h_is_o_times_c": ("""
        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            x, prev_h, prev_c, Wx, Wh, b = map(_f, (x, prev_h, prev_c, Wx, Wh, b))
            H = prev_h.shape[1]
            a = x @ Wx + prev_h @ Wh + b
            i, f, o = _sig(a[:, :H]), _sig(a[:, H:2 * H]), _sig(a[:, 2 * H:3 * H])
            g = np.tanh(a[:, 3 * H:])
            next_c = f * prev_c + i * g
            return o * next_c, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
        """, STEP_AND_ALL - {"test_lstm_step_backward"},
        ["h = o ⊙ c: the cell state is squashed before it is shown"]),
    "gate_blocks_in_pytorch_order": ("""
        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            x, prev_h, prev_c, Wx, Wh, b = map(_f, (x, prev_h, prev_c, Wx, Wh, b))
            H = prev_h.shape[1]
            a = x @ Wx + prev_h @ Wh + b
            i, f, o = _sig(a[:, :H]), _sig(a[:, H:2 * H]), _sig(a[:, 3 * H:])
            g = np.tanh(a[:, 2 * H:3 * H])
            next_c = f * prev_c + i * g
            return o * np.tanh(next_c), next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
        """, STEP_AND_ALL,
        ["the gate blocks are read in the order i, f, g, o (PyTorch's and Keras' order)",
         "this exercise's order is i, f, o, g"]),
    "dprev_c_without_the_forget_gate": ("""
        _right_step_backward = lstm_step_backward

        def lstm_step_backward(dnext_h, dnext_c, cache):
            grads = list(_right_step_backward(dnext_h, dnext_c, cache))
            grads[2] = grads[2] / cache[6]
            return tuple(grads)
        """, {"test_lstm_step_backward", "test_lstm_backward", "test_learns_sine_waves"},
        ["dprev_c is missing the forget gate's factor",
         "wrong gradients: x, h0, Wx, Wh, b; right: —"]),
    "cell_state_gradient_not_carried_back": ("""
        def lstm_backward(dh, cache):
            dh = _f(dh)
            N, T, H = dh.shape
            dx = np.zeros((N, T, cache[0][0].shape[1]))
            dWx, dWh, db = 0.0, 0.0, 0.0
            dh_prev = np.zeros((N, H))
            for t in range(T - 1, -1, -1):
                dx[:, t], dh_prev, _, dWx_t, dWh_t, db_t = lstm_step_backward(
                    dh[:, t] + dh_prev, np.zeros((N, H)), cache[t])
                dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
            return dx, dh_prev, dWx, dWh, db
        """, {"test_lstm_backward", "test_learns_sine_waves"},
        ["the cell state's gradient is not carried back from step t + 1"]),
    "hidden_state_gradient_not_carried_back": ("""
        def lstm_backward(dh, cache):
            dh = _f(dh)
            N, T, H = dh.shape
            dx = np.zeros((N, T, cache[0][0].shape[1]))
            dWx, dWh, db = 0.0, 0.0, 0.0
            dh_prev, dc_prev = np.zeros((N, H)), np.zeros((N, H))
            for t in range(T - 1, -1, -1):
                dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = lstm_step_backward(
                    dh[:, t], dc_prev, cache[t])
                dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
            return dx, dh_prev, dWx, dWh, db
        """, {"test_lstm_backward", "test_learns_sine_waves"},
        ["the hidden state's gradient from step t + 1 is not added"]),
    "cell_state_restarted_every_step": ("""
        def lstm_forward(x, h0, Wx, Wh, b):
            x, h = _f(x), _f(h0)
            hs, caches = [], []
            for t in range(x.shape[1]):
                h, _, cache = lstm_step_forward(x[:, t, :], h, np.zeros_like(h), Wx, Wh, b)
                hs.append(h)
                caches.append(cache)
            return np.stack(hs, axis=1), caches
        """, {"test_lstm_forward", "test_lstm_backward", "test_learns_sine_waves"},
        ["the cell state is not carried: every step starts again from c = 0",
         "fix the forward first"]),
    "backward_scales_its_cache_in_place": ("""
        _right_step_backward = lstm_step_backward

        def lstm_step_backward(dnext_h, dnext_c, cache):
            grads = _right_step_backward(dnext_h, dnext_c, cache)
            cache[9][...] *= 1.5  # next_c changed for the next call
            return grads
        """, {"test_lstm_step_backward", "test_lstm_backward",
              "test_backward_leaves_the_cache_alone"},
        ["lstm_step_backward(dnext_h (3, 5), dnext_c (3, 5), cache=tuple of 10) changed its "
         "input cache[9] in place", "cache[0][9], cache[1][9]"]),
    "backward_scales_its_cache_object_in_place": ("""
        class StepCache(tuple):  # not a plain tuple: it stays in the worker, checks see a handle
            pass

        _right_step_forward, _right_step_backward = lstm_step_forward, lstm_step_backward

        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            next_h, next_c, parts = _right_step_forward(x, prev_h, prev_c, Wx, Wh, b)
            return next_h, next_c, StepCache(parts)

        def lstm_step_backward(dnext_h, dnext_c, cache):
            grads = _right_step_backward(dnext_h, dnext_c, cache)
            cache[9][...] *= 1.5
            return grads
        """, {"test_backward_leaves_the_cache_alone"},
        ["lstm_step_backward gave other dx, dprev_h, dprev_c, dWx, dWh, db when called again",
         "it changes its cache in place"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "batch_axis_squeezed": ("""
        _right_forward = lstm_forward

        def lstm_forward(x, h0, Wx, Wh, b):
            h, caches = _right_forward(x, h0, Wx, Wh, b)
            return np.squeeze(h), caches
        """, {"test_edge_shapes"}),
}

# Correct submissions written differently from the reference and _solutions_11: full marks
CORRECT = {
    "loops_over_the_batch": """
        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            x, prev_h, prev_c, Wx, Wh, b = map(_f, (x, prev_h, prev_c, Wx, Wh, b))
            N, H = prev_h.shape
            next_h, next_c, gates = np.empty((N, H)), np.empty((N, H)), np.empty((N, 4 * H))
            for n in range(N):
                a = x[n] @ Wx + prev_h[n] @ Wh + b
                gates[n] = np.concatenate([_sig(a[:3 * H]), np.tanh(a[3 * H:])])
                i, f, o, g = np.split(gates[n], 4)
                next_c[n] = f * prev_c[n] + i * g
                next_h[n] = o * np.tanh(next_c[n])
            i, f, o, g = np.split(gates, 4, axis=1)
            return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)

        def lstm_step_backward(dnext_h, dnext_c, cache):
            x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
            N, H = prev_h.shape
            da = np.empty((N, 4 * H))
            dprev_c = np.empty((N, H))
            for n in range(N):
                tc = np.tanh(next_c[n])
                dc = dnext_c[n] + dnext_h[n] * o[n] * (1 - tc * tc)
                da[n] = np.concatenate([dc * g[n] * i[n] * (1 - i[n]),
                                        dc * prev_c[n] * f[n] * (1 - f[n]),
                                        dnext_h[n] * tc * o[n] * (1 - o[n]),
                                        dc * i[n] * (1 - g[n] ** 2)])
                dprev_c[n] = dc * f[n]
            return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
        """,
    "separate_weights_per_gate_concatenated_at_the_end": """
        def _gate_weights(W):
            return np.split(_f(W), 4, axis=-1)  # i, f, o, g

        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            x, prev_h, prev_c = _f(x), _f(prev_h), _f(prev_c)
            nets = [x @ wx + prev_h @ wh + bb for wx, wh, bb in
                    zip(_gate_weights(Wx), _gate_weights(Wh), _gate_weights(b))]
            i, f, o = (_sig(a) for a in nets[:3])
            g = np.tanh(nets[3])
            next_c = f * prev_c + i * g
            return o * np.tanh(next_c), next_c, (x, prev_h, prev_c, _f(Wx), _f(Wh), i, f, o, g,
                                                 next_c)

        def lstm_step_backward(dnext_h, dnext_c, cache):
            x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
            tc = np.tanh(next_c)
            dc = dnext_c + dnext_h * o * (1 - tc**2)
            das = [dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tc * o * (1 - o),
                   dc * i * (1 - g**2)]
            dx = sum(d @ w.T for d, w in zip(das, _gate_weights(Wx)))
            dprev_h = sum(d @ w.T for d, w in zip(das, _gate_weights(Wh)))
            dWx = np.concatenate([x.T @ d for d in das], axis=1)
            dWh = np.concatenate([prev_h.T @ d for d in das], axis=1)
            db = np.concatenate([d.sum(axis=0) for d in das])
            return dx, dprev_h, dc * f, dWx, dWh, db
        """,
    "float32_arithmetic_for_float32_input": """
        def _f(a):
            a = np.asarray(a)
            return a if a.dtype == np.float32 else a.astype(np.float64)

        def _sig(a):
            return (1 / (1 + np.exp(-np.clip(a, -80, 80)))).astype(a.dtype)
        """,
}
