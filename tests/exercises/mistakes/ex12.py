"""Exercise 12 (GRU): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# The alternative solution _solutions_12.py builds gru_forward from gru_step_forward and
# gru_backward from gru_step_backward, and train_sine (given) uses both: a wrong step also
# costs the sequence checks and the training, whose messages point back at the step.
STEP_AND_ALL = {"test_gru_step_forward", "test_gru_step_backward", "test_gru_forward",
                "test_gru_backward", "test_learns_sine_waves"}
BACKWARD_AND_ALL = {"test_gru_step_backward", "test_gru_backward", "test_learns_sine_waves"}

WRONG = {
    # its backward is right for the right forward: judged against the reference's gradients
    # (its forward is wrong), it keeps the points of gru_step_backward
    "update_gate_the_other_way_round": ("""
        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            x, prev_h, Wx, Wh, bx, bh = map(_f, (x, prev_h, Wx, Wh, bx, bh))
            H = prev_h.shape[1]
            ax, ah = x @ Wx + bx, prev_h @ Wh + bh
            r = _sig(ax[:, :H] + ah[:, :H])
            z = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
            hn = ah[:, 2 * H:]
            n = np.tanh(ax[:, 2 * H:] + r * hn)
            return z * n + (1.0 - z) * prev_h, (x, prev_h, Wx, Wh, r, z, n, hn)
        """, STEP_AND_ALL - {"test_gru_step_backward"},
        ["the update gate is used the other way round", "z keeps the OLD state"]),
    "reset_before_the_matmul": ("""
        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            x, prev_h, Wx, Wh, bx, bh = map(_f, (x, prev_h, Wx, Wh, bx, bh))
            H = prev_h.shape[1]
            ax, ah = x @ Wx + bx, prev_h @ Wh + bh
            r = _sig(ax[:, :H] + ah[:, :H])
            z = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
            hn = (r * prev_h) @ Wh[:, 2 * H:] + bh[2 * H:]
            n = np.tanh(ax[:, 2 * H:] + hn)
            return (1.0 - z) * n + z * prev_h, (x, prev_h, Wx, Wh, r, z, n, hn / r)
        """, STEP_AND_ALL, ["the reset gate is applied before the matmul, (r ⊙ prev_h) Wh_n",
                            "this exercise follows PyTorch"]),
    "dprev_h_without_the_z_path": ("""
        _right_step_backward = gru_step_backward

        def gru_step_backward(dnext_h, cache):
            grads = list(_right_step_backward(dnext_h, cache))
            grads[1] = grads[1] - dnext_h * cache[5]
            return tuple(grads)
        """, BACKWARD_AND_ALL, ["dprev_h is missing the direct path",
                                "add dnext_h ⊙ z to dah @ Whᵀ"]),
    "dprev_h_only_the_z_path": ("""
        _right_step_backward = gru_step_backward

        def gru_step_backward(dnext_h, cache):
            grads = list(_right_step_backward(dnext_h, cache))
            grads[1] = dnext_h * cache[5]
            return tuple(grads)
        """, BACKWARD_AND_ALL, ["dprev_h = dnext_h ⊙ z is only the direct path"]),
    "hidden_state_gradient_not_carried_back": ("""
        def gru_backward(dh, cache):
            dh = _f(dh)
            N, T, H = dh.shape
            dx = np.zeros((N, T, cache[0][0].shape[1]))
            total = [0.0, 0.0, 0.0, 0.0]
            for t in range(T - 1, -1, -1):
                dx[:, t], dh_prev, *grads = gru_step_backward(dh[:, t], cache[t])
                total = [s + g for s, g in zip(total, grads)]
            return (dx, dh_prev, *total)
        """, {"test_gru_backward", "test_learns_sine_waves"},
        ["the hidden state's gradient from step t + 1 is not added"]),
    "gate_blocks_z_before_r": ("""
        _right_step_forward = gru_step_forward

        def _zrn(W):
            H = W.shape[-1] // 3
            return np.concatenate([W[..., H:2 * H], W[..., :H], W[..., 2 * H:]], axis=-1)

        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            return _right_step_forward(x, prev_h, *(_zrn(_f(w)) for w in (Wx, Wh, bx, bh)))
        """, STEP_AND_ALL, ["the blocks are read in the order z, r, n"]),
    "bias_of_the_candidate_outside_the_reset": ("""
        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            x, prev_h, Wx, Wh, bx, bh = map(_f, (x, prev_h, Wx, Wh, bx, bh))
            H = prev_h.shape[1]
            ax, ah = x @ Wx + bx, prev_h @ Wh + bh
            r = _sig(ax[:, :H] + ah[:, :H])
            z = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
            hn = prev_h @ Wh[:, 2 * H:]
            n = np.tanh(ax[:, 2 * H:] + r * hn + bh[2 * H:])
            return (1.0 - z) * n + z * prev_h, (x, prev_h, Wx, Wh, r, z, n, hn)
        """, STEP_AND_ALL, ["bh_n is added outside the reset"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "batch_axis_squeezed": ("""
        _right_forward = gru_forward

        def gru_forward(x, h0, Wx, Wh, bx, bh):
            h, caches = _right_forward(x, h0, Wx, Wh, bx, bh)
            return np.squeeze(h), caches
        """, {"test_edge_shapes"}),
}

# Correct submissions written differently from the reference and _solutions_12: full marks
CORRECT = {
    "loops_over_the_batch": """
        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            x, prev_h, Wx, Wh, bx, bh = map(_f, (x, prev_h, Wx, Wh, bx, bh))
            N, H = prev_h.shape
            r, z, n, hn = (np.empty((N, H)) for _ in range(4))
            for k in range(N):
                ax, ah = x[k] @ Wx + bx, prev_h[k] @ Wh + bh
                r[k] = _sig(ax[:H] + ah[:H])
                z[k] = _sig(ax[H:2 * H] + ah[H:2 * H])
                hn[k] = ah[2 * H:]
                n[k] = np.tanh(ax[2 * H:] + r[k] * hn[k])
            return (1.0 - z) * n + z * prev_h, (x, prev_h, Wx, Wh, r, z, n, hn)

        def gru_step_backward(dnext_h, cache):
            x, prev_h, Wx, Wh, r, z, n, hn = cache
            N, H = prev_h.shape
            dax, dah = np.empty((N, 3 * H)), np.empty((N, 3 * H))
            for k in range(N):
                d = dnext_h[k]
                dn = d * (1 - z[k]) * (1 - n[k] ** 2)
                dr = dn * hn[k] * r[k] * (1 - r[k])
                dz = d * (prev_h[k] - n[k]) * z[k] * (1 - z[k])
                dax[k] = np.concatenate([dr, dz, dn])
                dah[k] = np.concatenate([dr, dz, dn * r[k]])
            dprev_h = dah @ Wh.T + dnext_h * z
            return dax @ Wx.T, dprev_h, x.T @ dax, prev_h.T @ dah, dax.sum(0), dah.sum(0)
        """,
    "separate_weights_per_gate_concatenated_at_the_end": """
        def _gates(W):
            return np.split(_f(W), 3, axis=-1)  # r, z, n

        def gru_step_forward(x, prev_h, Wx, Wh, bx, bh):
            x, prev_h = _f(x), _f(prev_h)
            (xr, xz, xn), (hr, hz, hn_w) = _gates(Wx), _gates(Wh)
            (bxr, bxz, bxn), (bhr, bhz, bhn) = _gates(bx), _gates(bh)
            r = _sig(x @ xr + bxr + prev_h @ hr + bhr)
            z = _sig(x @ xz + bxz + prev_h @ hz + bhz)
            hn = prev_h @ hn_w + bhn
            n = np.tanh(x @ xn + bxn + r * hn)
            return (1.0 - z) * n + z * prev_h, (x, prev_h, _f(Wx), _f(Wh), r, z, n, hn)

        def gru_step_backward(dnext_h, cache):
            x, prev_h, Wx, Wh, r, z, n, hn = cache
            dn = dnext_h * (1 - z) * (1 - n**2)
            dr = dn * hn * r * (1 - r)
            dz = dnext_h * (prev_h - n) * z * (1 - z)
            dxs, dhs = (dr, dz, dn), (dr, dz, dn * r)
            dx = sum(d @ w.T for d, w in zip(dxs, _gates(Wx)))
            dprev_h = sum(d @ w.T for d, w in zip(dhs, _gates(Wh))) + dnext_h * z
            dWx = np.concatenate([x.T @ d for d in dxs], axis=1)
            dWh = np.concatenate([prev_h.T @ d for d in dhs], axis=1)
            dbx = np.concatenate([d.sum(axis=0) for d in dxs])
            dbh = np.concatenate([d.sum(axis=0) for d in dhs])
            return dx, dprev_h, dWx, dWh, dbx, dbh
        """,
    "float32_arithmetic_for_float32_input": """
        def _f(a):
            a = np.asarray(a)
            return a if a.dtype == np.float32 else a.astype(np.float64)

        def _sig(a):
            return (1 / (1 + np.exp(-np.clip(a, -80, 80)))).astype(a.dtype)
        """,
}
