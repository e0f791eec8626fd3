"""Exercise 04 (perceptron and dense layers): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# Exercise 04: its alternative solution is _solutions_04.py, where training uses private
# helpers (_scores, _sign, _batch_epoch, _online_epoch), so a mistake in one function stays there.
WRONG = {
    "add_bias_column_forgets_the_ones": ("""
        def add_bias_column(x):
            return np.asarray(x, dtype=np.float64)
        """, {"test_add_bias_column"}, ["returned shape (4, 2), expected (4, 3)",
                                        "np.hstack([np.ones((N, 1)), x])"]),
    "bias_column_at_the_end": ("""
        def add_bias_column(x):
            x = np.asarray(x, dtype=np.float64)
            return np.hstack([x, np.ones((len(x), 1))])
        """, {"test_add_bias_column"}, ["12 of 12 entries are wrong", "put the ones in front"]),
    "predict_forgets_the_bias": ("""
        def perceptron_predict(x, w):
            return np.sign(np.asarray(x, dtype=np.float64) @ np.asarray(w)[1:])
        """, {"test_perceptron_predict"}, ["perceptron_predict(x (8, 3), w (4,))",
                                           "w[0] is the bias"]),
    "predict_puts_the_boundary_on_the_plus_side": ("""
        def perceptron_predict(x, w):
            return np.where(_scores(x, w) >= 0, 1.0, -1.0)
        """, {"test_perceptron_predict"}, ["yours 1, expected 0", "0 for a point on the boundary"]),
    "batch_update_without_1_over_n": ("""
        def _batch_epoch(x, y, w, lr):
            y_hat = _sign(_scores(x, w))
            X = np.hstack([np.ones((len(x), 1)), x])
            wrong = int(np.sum(y_hat != y))
            return (w + lr * X.T @ (y - y_hat) if wrong else w), wrong
        """, {"test_one_batch_epoch"}, ["w of perceptron_train(x (10, 3)", "rule='batch'",
                                        "divide by the number of samples N"]),
    "batch_update_forgets_the_bias_column": ("""
        def _batch_epoch(x, y, w, lr):
            y_hat = _sign(_scores(x, w))
            wrong = int(np.sum(y_hat != y))
            step = np.concatenate([[0.0], x.T @ (y - y_hat)])
            return (w + lr * step / len(y) if wrong else w), wrong
        """, {"test_one_batch_epoch", "test_training_separates"},
        ["1 of 4 entries are wrong; worst at [0]", "X = [1 | x]", "(1000 epochs)"]),
    "online_rule_updates_after_the_epoch": ("""
        def _online_epoch(x, y, w, lr):
            return _batch_epoch(x, y, w, lr * len(y))
        """, {"test_one_online_epoch", "test_training_separates", "test_epoch_limit_on_xor"},
        ["rule='online'", "the next sample already sees the new w"]),
    "train_one_epoch_too_many": ("""
        def perceptron_train(x, y, lr=LR, max_epochs=MAX_EPOCHS, w0=None, rule="batch"):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            w = np.zeros(x.shape[1] + 1) if w0 is None else np.array(w0, dtype=np.float64)
            epoch = _batch_epoch if rule == "batch" else _online_epoch
            mistakes = []
            for _ in range(max_epochs + 1):
                w, count = epoch(x, y, w, lr)
                mistakes.append(count)
                if count == 0:
                    break
            return w, np.asarray(mistakes)
        """, {"test_one_batch_epoch", "test_one_online_epoch", "test_epoch_limit_on_xor"},
        ["made the mistakes [5, 5] per epoch; expected [5]", "or after max_epochs epochs"]),
    "train_mutates_w0": ("""
        def perceptron_train(x, y, lr=LR, max_epochs=MAX_EPOCHS, w0=None, rule="batch"):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            w = np.zeros(x.shape[1] + 1) if w0 is None else w0
            epoch = _batch_epoch if rule == "batch" else _online_epoch
            mistakes = []
            while len(mistakes) < max_epochs and (not mistakes or mistakes[-1]):
                new, count = epoch(x, y, w, lr)
                w[...] = new
                mistakes.append(count)
            return w.copy(), np.asarray(mistakes)
        """, {"test_one_batch_epoch", "test_one_online_epoch", "test_inputs_not_modified"},
        ["changed its input w0 in place", "must not modify its arguments"]),
    "dense_forward_without_bias": ("""
        def dense_forward(x, w, b):
            x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
            return x @ w, (x, w)
        """, {"test_dense_forward"}, ["dense_forward(x (4, 5), w (5, 3), b (3,))",
                                      "b of shape (M,) is added to every row"]),
    "db_summed_over_the_wrong_axis": ("""
        def dense_backward(dout, cache):
            x, w = cache
            return dout @ w.T, x.T @ dout, dout.sum(axis=1)
        """, {"test_dense_backward"}, ["wrong gradients: b; right: x, w",
                                       "returned shape (3,), expected (2,)",
                                       "db = dout.sum(axis=0)"]),
    "dw_transposed": ("""
        def dense_backward(dout, cache):
            x, w = cache
            return dout @ w.T, dout.T @ x, dout.sum(axis=0)
        """, {"test_dense_backward"}, ["wrong gradients: w; right: x, b",
                                       "the transpose of the right one"]),
    "dx_twice_too_large": ("""
        def dense_backward(dout, cache):
            x, w = cache
            return 2 * dout @ w.T, x.T @ dout, dout.sum(axis=0)
        """, {"test_dense_backward"}, ["wrong gradients: x; right: w, b", "2 times too large"]),
    "counts_without_biases": ("""
        def dense_parameter_counts(sizes, use_bias=True):
            sizes = list(sizes)
            return [a * b for a, b in zip(sizes[:-1], sizes[1:])]
        """, {"test_parameter_counts_seed_mlp", "test_parameter_counts_any_layers"},
        ["returned [235200, 60000, 20000, 1000]; expected [235500, 60200, 20100, 1010]",
         "(n_in + 1) · n_out"]),
    "counts_ignore_use_bias": ("""
        def dense_parameter_counts(sizes, use_bias=True):
            sizes = list(sizes)
            return [(a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])]
        """, {"test_parameter_counts_without_bias"}, ["use_bias=False) returned [235500",
                                                      "only its n_in · n_out weights"]),
    "counts_one_bias_per_input": ("""
        def dense_parameter_counts(sizes, use_bias=True):
            sizes = list(sizes)
            return [a * (b + use_bias) for a, b in zip(sizes[:-1], sizes[1:])]
        """, {"test_parameter_counts_seed_mlp", "test_parameter_counts_any_layers"},
        ["returned [235984, 60300, 20200, 1100]"]),
    "count_parameters_as_a_list": ("""
        def count_parameters(sizes, use_bias=True):
            return list(dense_parameter_counts(sizes, use_bias))
        """, {"test_parameter_counts_seed_mlp", "test_parameter_counts_any_layers",
              "test_parameter_counts_without_bias"}, ["expected one whole number"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "perceptron_w_sized_for_the_notes_two_features": ("""
        def perceptron_train(x, y, lr=LR, max_epochs=MAX_EPOCHS, w0=None, rule="batch"):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            w = np.zeros(3) if w0 is None else np.array(w0, dtype=np.float64)
            epoch = _batch_epoch if rule == "batch" else _online_epoch
            mistakes = []
            while len(mistakes) < max_epochs and (not mistakes or mistakes[-1]):
                w, count = epoch(x, y, w, lr)
                mistakes.append(count)
            return w, np.asarray(mistakes)
        """, {"test_more_features_and_samples"}),
}

# Exercise 04 written in other correct ways: each keeps full marks, hidden checks included.
CORRECT = {
    "vectorised_like_the_notes": """
        def add_bias_column(x):
            x = np.asarray(x, dtype=np.float64)
            return np.hstack([np.ones((x.shape[0], 1)), x])

        def perceptron_predict(x, w):
            return np.sign(add_bias_column(x) @ np.asarray(w, dtype=np.float64))

        def _batch_epoch(x, y, w, lr):
            X = add_bias_column(x)
            y_hat = np.sign(X @ w)
            wrong = int(np.count_nonzero(y_hat != y))
            return (w + lr * X.T.dot(y - y_hat) / int(X.shape[0]) if wrong else w), wrong
        """,
    "dense_layer_keeps_the_input_dtype": """
        def dense_forward(x, w, b):
            return np.dot(x, w) + b, (x, w)

        def dense_backward(dout, cache):
            x, w = cache
            return np.dot(dout, w.T), np.dot(x.T, dout), np.sum(dout, axis=0)
        """,
    "counts_as_python_ints_in_a_loop": """
        def dense_parameter_counts(sizes, use_bias=True):
            counts = []
            for n_in, n_out in zip(list(sizes)[:-1], list(sizes)[1:]):
                counts.append(int(n_in) * int(n_out) + (int(n_out) if use_bias else 0))
            return counts

        def count_parameters(sizes, use_bias=True):
            total = 0
            for count in dense_parameter_counts(sizes, use_bias):
                total += count
            return total
        """,
}
