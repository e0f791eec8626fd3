"""Exercise 15 (scaled dot-product attention): its wrong submissions and correct variants, graded
by tests/exercises/test_wrong_submissions.py (its docstring explains the tables).

attention_forward / attention_backward build on the softmax, and multi-head attention builds on
both: a mistake in a building block also costs the checks of what is built on it, by design (their
hints say to fix the block first); each entry lists every check it loses, and the block's own
check names the mistake.
"""

ATTENTION_USERS = {"test_attention_forward", "test_attention_backward",
                   "test_multihead_attention"}  # who calls attention_forward
BACKWARD_USERS = {"test_attention_backward", "test_multihead_attention"}

WRONG = {
    "no_scaling": ("""
        def attention_forward(Q, K, V, mask=None):
            Q, K, V = _f(Q), _f(K), _f(V)
            P = masked_softmax(np.einsum("nqd,nkd->nqk", Q, K), mask)
            return np.einsum("nqk,nkm->nqm", P, V), {"Q": Q, "K": K, "V": V, "P": P}
        """, ATTENTION_USERS, ["the scores were not scaled", "Q Kᵀ / √D"]),
    "scaled_by_D": ("""
        def attention_forward(Q, K, V, mask=None):
            Q, K, V = _f(Q), _f(K), _f(V)
            P = masked_softmax(np.einsum("nqd,nkd->nqk", Q, K) / Q.shape[-1], mask)
            return np.einsum("nqk,nkm->nqm", P, V), {"Q": Q, "K": K, "V": V, "P": P}
        """, ATTENTION_USERS, ["the scores were divided by D", "1/√D"]),
    "softmax_over_the_queries": ("""
        def attention_forward(Q, K, V, mask=None):
            Q, K, V = _f(Q), _f(K), _f(V)
            S = np.einsum("nqd,nkd->nkq", Q, K) / np.sqrt(Q.shape[-1])  # (N, Tk, Tq)
            m = None if mask is None else np.swapaxes(
                np.broadcast_to(mask, (Q.shape[0], Q.shape[1], K.shape[1])), 1, 2)
            P = np.swapaxes(masked_softmax(S, m), 1, 2)
            return np.einsum("nqk,nkm->nqm", P, V), {"Q": Q, "K": K, "V": V, "P": P}
        """, ATTENTION_USERS, ["the softmax ran over the queries", "last axis"]),
    "mask_applied_after_the_softmax": ("""
        def attention_forward(Q, K, V, mask=None):
            Q, K, V = _f(Q), _f(K), _f(V)
            P = masked_softmax(np.einsum("nqd,nkd->nqk", Q, K) / np.sqrt(Q.shape[-1]))
            if mask is not None:
                P = P * mask
            return np.einsum("nqk,nkm->nqm", P, V), {"Q": Q, "K": K, "V": V, "P": P}
        """, ATTENTION_USERS, ["the mask was applied after the softmax", "not renormalised"]),
    "mask_polarity_inverted": ("""
        _right_softmax = masked_softmax

        def masked_softmax(scores, mask=None):
            return _right_softmax(scores, None if mask is None else ~np.asarray(mask, bool))
        """, {"test_masked_softmax"} | ATTENTION_USERS,
        ["the mask polarity is inverted", "True means the query MAY attend"]),
    "softmax_without_max_subtraction": ("""
        def masked_softmax(scores, mask=None):
            s = _f(scores)
            e = np.exp(s) if mask is None else np.where(mask, np.exp(s), 0.0)
            return e / e.sum(axis=-1, keepdims=True)
        """, {"test_masked_softmax"}, ["exp overflowed", "subtract each row's maximum"]),
    "dK_from_dS_not_its_transpose": ("""
        def attention_backward(dout, cache):
            Q, K, V, P = cache["Q"], cache["K"], cache["V"], cache["P"]
            dout = _f(dout)
            dS = masked_softmax_backward(dout @ np.swapaxes(V, 1, 2), P) / np.sqrt(Q.shape[-1])
            return dS @ K, dS @ Q, np.swapaxes(P, 1, 2) @ dout
        """, BACKWARD_USERS, ["dK was computed from dS instead of its transpose dSᵀ"]),
    "dQ_without_the_scale": ("""
        def attention_backward(dout, cache):
            Q, K, V, P = cache["Q"], cache["K"], cache["V"], cache["P"]
            dout = _f(dout)
            dS = masked_softmax_backward(dout @ np.swapaxes(V, 1, 2), P)
            return (dS @ K, np.swapaxes(dS, 1, 2) @ Q / np.sqrt(Q.shape[-1]),
                    np.swapaxes(P, 1, 2) @ dout)
        """, BACKWARD_USERS, ["dQ is missing the factor 1/√D"]),
    "softmax_backward_without_the_sum": ("""
        def masked_softmax_backward(dP, P):
            return _f(P) * _f(dP)
        """, {"test_masked_softmax_backward"} | BACKWARD_USERS,
        ["dS = P ⊙ dP misses the softmax's coupling term"]),
    "causal_mask_transposed": ("""
        def causal_mask(T):
            return np.triu(np.ones((T, T), dtype=bool))
        """, {"test_causal_mask"}, ["is transposed", "BELOW the diagonal"]),
    "causal_mask_without_the_diagonal": ("""
        def causal_mask(T):
            return np.tril(np.ones((T, T), dtype=bool), k=-1)
        """, {"test_causal_mask"}, ["excludes the diagonal", "j ≤ i, not j < i"]),
    "causal_mask_of_integers": ("""
        def causal_mask(T):
            return np.tril(np.ones((T, T), dtype=np.int64))
        """, {"test_causal_mask"}, ["the mask is boolean"]),
    "multihead_scaled_by_the_model_width": ("""
        _right_attention = attention_forward

        def attention_forward(Q, K, V, mask=None, _width=None):
            Q = _f(Q)
            if _width is not None:  # the heads scaled by 1/√D instead of 1/√(D/h)
                Q = Q * np.sqrt(Q.shape[-1] / _width)
            return _right_attention(Q, K, V, mask)

        def multihead_attention_forward(x, params, num_heads, mask=None):
            x = _f(x)
            W = {k: _f(params[k]) for k in ("Wq", "Wk", "Wv", "Wo")}
            q, k, v = (split_heads(x @ W[n], num_heads) for n in ("Wq", "Wk", "Wv"))
            if mask is not None:
                mask = np.repeat(np.broadcast_to(mask, (x.shape[0],) + x.shape[1:2] * 2),
                                 num_heads, axis=0)
            out, c = attention_forward(q, k, v, mask, _width=x.shape[-1])
            concat = merge_heads(out, num_heads)
            return concat @ W["Wo"], {"x": x, "W": W, "concat": concat, "c": c, "h": num_heads}
        """, {"test_multihead_attention"}, ["scaled by 1/√D of the model width", "1/√(D/h)"]),
}

HIDDEN_ONLY = {
    "nan_for_a_fully_masked_row": ("""
        def masked_softmax(scores, mask=None):
            s = _f(scores)
            if mask is not None:
                s = np.where(mask, s, -np.inf)
            e = np.exp(s - s.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        """, {"test_fully_masked_rows"}),
    "multihead_mask_tiled_instead_of_repeated": ("""
        def multihead_attention_forward(x, params, num_heads, mask=None):
            x = _f(x)
            W = {k: _f(params[k]) for k in ("Wq", "Wk", "Wv", "Wo")}
            q, k, v = (split_heads(x @ W[n], num_heads) for n in ("Wq", "Wk", "Wv"))
            if mask is not None and np.ndim(mask) == 3:  # heads are n-major: repeat, not tile
                mask = np.tile(mask, (num_heads, 1, 1))
            out, c = attention_forward(q, k, v, mask)
            concat = merge_heads(out, num_heads)
            return concat @ W["Wo"], {"x": x, "W": W, "concat": concat, "c": c, "h": num_heads}

        def multihead_attention_backward(dout, cache):
            x, W, h = cache["x"], cache["W"], cache["h"]
            dout = _f(dout)
            N, T, D = x.shape
            grads = {"Wo": cache["concat"].reshape(N * T, D).T @ dout.reshape(N * T, D)}
            dq, dk, dv = attention_backward(split_heads(dout @ W["Wo"].T, h), cache["c"])
            dx = np.zeros_like(x)
            for key, d in (("Wq", dq), ("Wk", dk), ("Wv", dv)):
                d = merge_heads(d, h)
                grads[key] = x.reshape(N * T, D).T @ d.reshape(N * T, D)
                dx += d @ W[key].T
            return dx, grads
        """, {"test_huge_scores_and_per_sample_masks"}),
}

CORRECT = {
    "loops_over_the_batch_with_matmul": """
        def attention_forward(Q, K, V, mask=None):
            Q, K, V = _f(Q), _f(K), _f(V)
            N, Tq, D = Q.shape
            m = np.ones((N, Tq, K.shape[1]), bool) if mask is None else \\
                np.broadcast_to(np.asarray(mask, bool), (N, Tq, K.shape[1]))
            P = np.stack([masked_softmax(Q[n] @ K[n].T / np.sqrt(D), m[n]) for n in range(N)])
            out = np.stack([P[n] @ V[n] for n in range(N)])
            return out, (Q, K, V, P)

        def attention_backward(dout, cache):
            Q, K, V, P = cache
            dout = _f(dout)
            c = 1.0 / np.sqrt(Q.shape[2])
            dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
            for n in range(Q.shape[0]):
                dV[n] = P[n].T @ dout[n]
                dP = dout[n] @ V[n].T
                dS = P[n] * (dP - (dP * P[n]).sum(axis=1, keepdims=True))
                dQ[n] = c * dS @ K[n]
                dK[n] = c * dS.T @ Q[n]
            return dQ, dK, dV
        """,
    "outputs_in_the_input_dtype": """
        _f64_attention = attention_forward

        def attention_forward(Q, K, V, mask=None):
            out, cache = _f64_attention(Q, K, V, mask)
            return out.astype(np.result_type(Q, K, V)), cache
        """,
    "minus_inf_and_nan_to_num": """
        def masked_softmax(scores, mask=None):
            s = _f(scores)
            if mask is not None:
                s = np.where(mask, s, -np.inf)
            with np.errstate(invalid="ignore"):
                e = np.exp(s - s.max(axis=-1, keepdims=True))
                return np.nan_to_num(e / e.sum(axis=-1, keepdims=True))
        """,
    "multihead_by_reshaping_with_a_repeated_mask": """
        def multihead_attention_forward(x, params, num_heads, mask=None):
            x = _f(x)
            W = {k: _f(params[k]) for k in ("Wq", "Wk", "Wv", "Wo")}
            q, k, v = (split_heads(x @ W[n], num_heads) for n in ("Wq", "Wk", "Wv"))
            if mask is not None:
                N, T = x.shape[:2]
                mask = np.repeat(np.broadcast_to(mask, (N, T, T)), num_heads, axis=0)
            out, c = attention_forward(q, k, v, mask)
            concat = merge_heads(out, num_heads)
            return concat @ W["Wo"], {"x": x, "W": W, "concat": concat, "c": c, "h": num_heads}

        def multihead_attention_backward(dout, cache):
            x, W, h = cache["x"], cache["W"], cache["h"]
            dout = _f(dout)
            N, T, D = x.shape
            grads = {"Wo": cache["concat"].reshape(N * T, D).T @ dout.reshape(N * T, D)}
            dq, dk, dv = attention_backward(split_heads(dout @ W["Wo"].T, h), cache["c"])
            dx = np.zeros_like(x)
            for key, d in (("Wq", dq), ("Wk", dk), ("Wv", dv)):
                d = merge_heads(d, h)
                grads[key] = x.reshape(N * T, D).T @ d.reshape(N * T, D)
                dx += d @ W[key].T
            return dx, grads
        """,
}
