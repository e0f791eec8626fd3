"""Exercise 09 (convolutional networks): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables).

A mistake in a layer the small CNN uses also costs the CNN's checks, by design: the student's
cnn_forward/backward and train_cnn call the student's own layers (the fast convolution, the
max-pooling, ReLU). Mistakes in the loop convolution, the sizes, the transposed convolution and
the filters stay in their own check. Ties sent to every maximum also cost the training check:
the digits' flat background gives equal activations, so the duplicated gradient changes b1. The
"fast" convolution replaced by the loop one loses only the hidden timing check.
"""

WRONG = {
    "output_size_pads_one_side": ("""
        def conv_output_size(H, K, stride=1, pad=0):
            return (H + pad - K) // stride + 1
        """, {"test_conv_output_size"}, ["the padding was counted once", "BOTH"]),
    "param_count_without_biases": ("""
        def conv_param_count(C, F, KH, KW, use_bias=True):
            return F * C * KH * KW
        """, {"test_conv_param_count"}, ["the F biases are missing"]),
    "loop_conv_flips_the_kernel": ("""
        _right_naive = conv2d_forward_naive

        def conv2d_forward_naive(x, w, b, stride=1, pad=0):
            out, (x, _, stride, pad) = _right_naive(x, np.asarray(w)[:, :, ::-1, ::-1], b,
                                                    stride, pad)
            return out, (x, _f(w), stride, pad)
        """, {"test_conv2d_forward_naive"}, ["the kernel was flipped", "cross-correlation"]),
    "loop_conv_ignores_padding": ("""
        _right_naive = conv2d_forward_naive

        def conv2d_forward_naive(x, w, b, stride=1, pad=0):
            out, (x, w, stride, _) = _right_naive(x, w, b, stride, 0)
            return out, (x, w, stride, pad)
        """, {"test_conv2d_forward_naive"}, ["the padding was ignored"]),
    "fast_conv_windows_ignore_the_stride": ("""
        _right_fast = conv2d_forward

        def conv2d_forward(x, w, b, stride=1, pad=0):
            out, cache = _right_fast(x, w, b, 1, pad)
            H, W = np.shape(x)[2:]
            KH, KW = np.shape(w)[2:]
            Ho, Wo = 1 + (H + 2 * pad - KH) // stride, 1 + (W + 2 * pad - KW) // stride
            return out[:, :, :Ho, :Wo], {**cache, "stride": stride}
        """, {"test_conv2d_forward"}, ["the windows moved 1 pixel at a time"]),
    "loop_dw_overwritten_not_accumulated": ("""
        def conv2d_backward_naive(dout, cache):
            x, w, stride, pad = cache
            dout = _f(dout)
            N, C, H, W = x.shape
            F, _, KH, KW = w.shape
            xp = _padded(x, pad)
            dxp = np.zeros(xp.shape)
            for n in range(N):
                dw = np.zeros(w.shape)
                for i in range(dout.shape[2]):
                    for j in range(dout.shape[3]):
                        top, left = i * stride, j * stride
                        g = dout[n, :, i, j]
                        dxp[n, :, top:top + KH, left:left + KW] += np.tensordot(g, w, axes=1)
                        dw += np.multiply.outer(g, xp[n, :, top:top + KH, left:left + KW])
            return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))
        """, {"test_conv2d_backward_naive"}, ["dw holds the last sample's contribution only",
                                               "overwritten"]),
    "loop_db_not_summed_over_the_batch": ("""
        _right_naive_backward = conv2d_backward_naive

        def conv2d_backward_naive(dout, cache):
            dx, dw, _ = _right_naive_backward(dout, cache)
            return dx, dw, np.asarray(dout).sum(axis=(2, 3))
        """, {"test_conv2d_backward_naive"}, ["summed over the positions but not over the batch"]),
    "fast_dw_averaged_over_the_batch": ("""
        _right_fast_backward = conv2d_backward

        def conv2d_backward(dout, cache):
            dx, dw, db = _right_fast_backward(dout, cache)
            return dx, dw / len(dout), db
        """, {"test_conv2d_backward", "test_cnn_backward", "test_train_cnn"},
        ["dw was divided by the batch size"]),
    "maxpool_gradient_to_every_element": ("""
        def maxpool_backward(dout, cache):
            shape, _, pool, stride = cache
            dout = _f(dout)
            dx = np.zeros(shape)
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    dx[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool] += \\
                        dout[:, :, i, j][:, :, None, None]
            return dx
        """, {"test_maxpool_backward", "test_cnn_backward", "test_train_cnn"},
        ["the gradient went to every element of the window"]),
    "maxpool_gradient_averaged": ("""
        def maxpool_backward(dout, cache):
            shape, _, pool, stride = cache
            dout = _f(dout)
            dx = np.zeros(shape)
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    dx[:, :, i * stride:i * stride + pool, j * stride:j * stride + pool] += \\
                        dout[:, :, i, j][:, :, None, None] / pool ** 2
            return dx
        """, {"test_maxpool_backward", "test_cnn_backward", "test_train_cnn"},
        ["spread evenly over the window"]),
    "maxpool_ties_to_all_maxima": ("""
        def maxpool_forward(x, pool=2, stride=2):
            x = _f(x)
            out = sliding_window_view(x, (pool, pool), axis=(2, 3))[:, :, ::stride, ::stride]
            return out.max(axis=(4, 5)), (x, pool, stride)

        def maxpool_backward(dout, cache):
            x, pool, stride = cache
            dout = _f(dout)
            dx = np.zeros(x.shape)
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * stride, i * stride + pool)
                    cols = slice(j * stride, j * stride + pool)
                    window = x[:, :, rows, cols]
                    top = window.max(axis=(2, 3), keepdims=True)
                    dx[:, :, rows, cols] += (window == top) * dout[:, :, i, j][:, :, None, None]
            return dx
        """, {"test_maxpool_backward", "test_train_cnn"},
        ["every tied maximum of a window got the gradient"]),
    "transposed_conv_as_a_plain_conv_of_the_dilated_input": ("""
        def conv_transpose2d_forward(x, w, b, stride=1, pad=0):
            x, w = _f(x), _f(w)
            N, C, H, W = x.shape
            K = w.shape[2]
            dilated = np.zeros((N, C, (H - 1) * stride + 1, (W - 1) * stride + 1))
            dilated[:, :, ::stride, ::stride] = x
            out, _ = conv2d_forward(dilated, w.transpose(1, 0, 2, 3), b, 1, K - 1 - pad)
            return out, (x, w, stride, pad)
        """, {"test_conv_transpose2d_forward"}, ["rotated by 180°"]),
    "transposed_conv_is_a_conv": ("""
        def conv_transpose2d_forward(x, w, b, stride=1, pad=0):
            out, _ = conv2d_forward(x, np.asarray(w).transpose(1, 0, 2, 3), b, stride, pad)
            return out, (_f(x), _f(w), stride, pad)
        """, {"test_conv_transpose2d_forward"}, ["this is a plain convolution's output size"]),
    "filter_flips_the_kernel": ("""
        _right_filter = filter_image

        def filter_image(image, kernel):
            return _right_filter(image, np.asarray(kernel)[::-1, ::-1])
        """, {"test_filter_image"}, ["the kernel was flipped"]),
    "cnn_without_relu": ("""
        def cnn_forward(params, x):
            W1 = _f(params["W1"])
            z, conv = conv2d_forward(x, W1, params["b1"], 1, W1.shape[-1] // 2)
            pooled, pool = maxpool_forward(z, 2, 2)
            flat, shape = flatten_forward(pooled)
            scores = flat @ _f(params["W2"]) + _f(params["b2"])
            return scores, {"conv": conv, "z": np.ones_like(z), "pool": pool, "shape": shape,
                            "flat": flat, "W2": _f(params["W2"])}
        """, {"test_cnn_forward", "test_cnn_backward", "test_train_cnn"},
        ["the ReLU after the convolution is missing"]),
    "train_without_shuffling": ("""
        def train_cnn(x, y, epochs=5, batch_size=32, lr=0.1, F=8, classes=10, seed=0):
            x, y = _f(x), np.asarray(y)
            params = cnn_init(*x.shape[1:], F, 3, classes, seed)
            losses = []
            for _ in range(epochs):
                for start in range(0, len(x), batch_size):
                    idx = slice(start, start + batch_size)
                    loss, grads = cnn_loss(params, x[idx], y[idx])
                    params = {k: params[k] - lr * grads[k] for k in params}
                    losses.append(loss)
            return params, np.asarray(losses)
        """, {"test_train_cnn"}, ["the batches were taken in the data's order"]),
}

HIDDEN_ONLY = {
    "the_fast_conv_is_the_loop_conv": ("""
        def conv2d_forward(x, w, b, stride=1, pad=0):
            return conv2d_forward_naive(x, w, b, stride, pad)

        def conv2d_backward(dout, cache):
            return conv2d_backward_naive(dout, cache)
        """, {"test_fast_conv_is_vectorised"}),
    "maxpool_assumes_windows_that_do_not_overlap": ("""
        def maxpool_forward(x, pool=2, stride=2):
            x = _f(x)
            N, C, H, W = x.shape
            Ho, Wo = H // pool, W // pool
            blocks = x[:, :, :Ho * pool, :Wo * pool].reshape(N, C, Ho, pool, Wo, pool)
            flat = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(N, C, Ho, Wo, -1)
            return flat.max(axis=-1), (x.shape, flat.argmax(axis=-1), pool, stride)

        def maxpool_backward(dout, cache):
            shape, first, pool, _ = cache
            N, C, Ho, Wo = first.shape
            onehot = (np.arange(pool * pool) == first[..., None]) * _f(dout)[..., None]
            dx = np.zeros(shape)
            dx[:, :, :Ho * pool, :Wo * pool] = onehot.reshape(N, C, Ho, Wo, pool, pool) \\
                .transpose(0, 1, 2, 4, 3, 5).reshape(N, C, Ho * pool, Wo * pool)
            return dx
        """, {"test_maxpool_overlapping_windows"}),
}

# Correct submissions written differently from the reference and _solutions_09: full marks
CORRECT = {
    "im2col_with_one_matrix_product": """
        def _im2col(xp, KH, KW, stride, Ho, Wo):
            N, C = xp.shape[:2]
            cols = np.empty((C, KH, KW, N, Ho, Wo))
            for a in range(KH):
                for c in range(KW):
                    cols[:, a, c] = xp[:, :, a:a + stride * Ho:stride,
                                       c:c + stride * Wo:stride].transpose(1, 0, 2, 3)
            return cols.reshape(C * KH * KW, N * Ho * Wo)

        def conv2d_forward(x, w, b, stride=1, pad=0):
            x, w, b = _f(x), _f(w), _f(b)
            N, C, H, W = x.shape
            F, _, KH, KW = w.shape
            Ho, Wo = 1 + (H + 2 * pad - KH) // stride, 1 + (W + 2 * pad - KW) // stride
            cols = _im2col(_padded(x, pad), KH, KW, stride, Ho, Wo)
            out = (w.reshape(F, -1) @ cols + b[:, None]).reshape(F, N, Ho, Wo)
            return out.transpose(1, 0, 2, 3), (x.shape, w, stride, pad, cols)

        def conv2d_backward(dout, cache):
            (N, C, H, W), w, stride, pad, cols = cache
            F, _, KH, KW = w.shape
            Ho, Wo = dout.shape[2:]
            d = _f(dout).transpose(1, 0, 2, 3).reshape(F, -1)
            dw = (d @ cols.T).reshape(w.shape)
            dcols = (w.reshape(F, -1).T @ d).reshape(C, KH, KW, N, Ho, Wo)
            dxp = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
            for a in range(KH):
                for c in range(KW):
                    dxp[:, :, a:a + stride * Ho:stride, c:c + stride * Wo:stride] += \\
                        dcols[:, a, c].transpose(1, 0, 2, 3)
            return dxp[:, :, pad:pad + H, pad:pad + W], dw, d.sum(axis=1)
        """,
    "loops_everywhere_except_the_fast_path": """
        def maxpool_forward(x, pool=2, stride=2):
            x = _f(x)
            N, C, H, W = x.shape
            Ho, Wo = (H - pool) // stride + 1, (W - pool) // stride + 1
            out, where = np.empty((N, C, Ho, Wo)), {}
            for n in range(N):
                for c in range(C):
                    for i in range(Ho):
                        for j in range(Wo):
                            best = None
                            for a in range(pool):
                                for e in range(pool):
                                    v = x[n, c, i * stride + a, j * stride + e]
                                    if best is None or v > best:
                                        best, spot = v, (i * stride + a, j * stride + e)
                            out[n, c, i, j] = best
                            where[n, c, i, j] = spot
            return out, (x.shape, where)

        def maxpool_backward(dout, cache):
            shape, where = cache
            dx = np.zeros(shape)
            for (n, c, i, j), (r, s) in where.items():
                dx[n, c, r, s] += dout[n, c, i, j]
            return dx

        def flatten_forward(x):
            x = _f(x)
            out = np.empty((len(x), x[0].size))
            for n in range(len(x)):
                out[n] = [v for v in x[n].ravel()]
            return out, x.shape

        def conv_transpose2d_forward(x, w, b, stride=1, pad=0):
            x, w, b = _f(x), _f(w), _f(b)
            N, C_in, H, W = x.shape
            _, C_out, KH, KW = w.shape
            Hf, Wf = (H - 1) * stride + KH, (W - 1) * stride + KW
            full = np.zeros((N, C_out, Hf, Wf))
            for n in range(N):
                for c in range(C_in):
                    for i in range(H):
                        for j in range(W):
                            full[n, :, i * stride:i * stride + KH,
                                 j * stride:j * stride + KW] += x[n, c, i, j] * w[c]
            out = full[:, :, pad:Hf - pad, pad:Wf - pad] + b[:, None, None]
            return out, (x, w, stride, pad)
        """,
    "float32_arithmetic_when_given_float32": """
        def _keep(a):
            a = np.asarray(a)
            return a if a.dtype == np.float32 else a.astype(np.float64)

        def conv2d_forward(x, w, b, stride=1, pad=0):
            x, w, b = _keep(x), _keep(w), _keep(b)
            view = _view(_padded(x, pad), w.shape[2], w.shape[3], stride)
            out = np.einsum("nchwkl,fckl->nfhw", view, w, optimize=True) + b[None, :, None, None]
            return out, {"x": x, "w": w, "stride": stride, "pad": pad}

        def maxpool_forward(x, pool=2, stride=2):
            x = _keep(x)
            win = sliding_window_view(x, (pool, pool), axis=(2, 3))[:, :, ::stride, ::stride]
            flat = win.reshape(*win.shape[:4], -1)
            first = flat.argmax(axis=-1)
            return np.take_along_axis(flat, first[..., None], -1)[..., 0], \\
                (x.shape, first, pool, stride)
        """,
}
