"""Exercise 05 (backpropagation): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# Exercise 05: its alternative solution is _solutions_05.py, where two_layer_loss calls
# two_layer_backward and train calls two_layer_loss, so a wrong backward also costs the loss and
# training checks (their messages point back at the backward).
WRONG = {
    "backward_without_the_sigmoid_derivative": ("""
        def two_layer_backward(dscores, cache):
            X, h, W2 = cache
            da = dscores @ W2.T
            return {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dscores,
                    "b2": dscores.sum(axis=0)}
        """, {"test_two_layer_backward", "test_two_layer_loss", "test_train_on_two_moons"},
        ["wrong gradients: W1, b1; right: W2, b2", "(the sigmoid's derivative)"]),
    "backward_with_a_transposed_dW2": ("""
        def two_layer_backward(dscores, cache):
            X, h, W2 = cache
            da = dscores @ W2.T * h * (1 - h)
            return {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dscores.T @ h,
                    "b2": dscores.sum(axis=0)}
        """, {"test_two_layer_backward", "test_two_layer_loss", "test_train_on_two_moons",
              "test_inputs_not_modified"},
        ["wrong gradients: W2; right: W1, b1, b2",
         "your matrix is the transpose of the right one"]),
    "bias_gradient_without_the_sum_over_the_batch": ("""
        def two_layer_backward(dscores, cache):
            X, h, W2 = cache
            da = dscores @ W2.T * h * (1 - h)
            return {"W1": X.T @ da, "b1": da.mean(axis=0), "W2": h.T @ dscores,
                    "b2": dscores.sum(axis=0)}
        """, {"test_two_layer_backward", "test_two_layer_loss", "test_train_on_two_moons"},
        ["wrong gradients: b1; right: W1, W2, b2", "0.2 times the right ones everywhere"]),
    "loss_gradient_divided_twice_by_n": ("""
        def two_layer_loss(params, X, y):
            scores, cache = two_layer_forward(X, params)
            loss, dscores = _softmax_ce(scores, np.asarray(y))
            return loss, two_layer_backward(dscores / len(y), cache)
        """, {"test_two_layer_loss", "test_train_on_two_moons"},
        ["wrong gradients: W1, b1, W2, b2; right: —", "0.1667 times the right ones",
         "already divides by N"]),
    "hand_example_with_the_slides_hidden_formula": ("""
        _right_hand_example = hand_example

        def hand_example(x=SEED_X, weights=SEED_WEIGHTS, y=SEED_Y):
            out = _right_hand_example(x, weights, y)
            for j, (a, b) in enumerate((("dw5", "dw6"), ("dw7", "dw8"))):
                hj = out[f"h{j + 1}_out"]
                s = (out[a] + out[b]) * hj * (1 - hj)
                out[f"dw{j + 1}"], out[f"dw{j + 3}"] = s * x[0], s * x[1]
            return out
        """, {"test_hand_gradients"},
        ["dw1, dw2, dw3, dw4 wrong", "dw1: yours 0.0145833, expected -0.00842148",
         "The slide adds δw5 + δw6"]),
    "forward_without_b2": ("""
        def two_layer_forward(X, params):
            X = np.asarray(X, dtype=np.float64)
            h = _hidden(X, params)
            W2 = np.asarray(params["W2"], dtype=np.float64)
            return h @ W2, (X, h, W2)
        """, {"test_two_layer_forward", "test_two_layer_loss", "test_train_on_two_moons"},
        ["scores of two_layer_forward(X (5, 3)", "@ W2 + b2"]),
    "accuracy_as_a_count": ("""
        def accuracy(params, X, y):
            scores, _ = two_layer_forward(X, params)
            return float(np.count_nonzero(scores.argmax(axis=1) == np.asarray(y)))
        """, {"test_accuracy"}, ["returned 8, expected 0.4"]),
    "train_climbs_the_gradient": ("""
        def train(X, y, H=16, lr=LR, steps=STEPS, seed=0, batch_size=None):
            X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
            params = init_params(X.shape[1], H, int(y.max()) + 1, seed)
            history = []
            for _ in range(steps):
                loss, grads = two_layer_loss(params, X, y)
                history.append(loss)
                params = {k: v + lr * grads[k] for k, v in params.items()}
            return params, history
        """, {"test_train_on_two_moons"}, ["loss history of train(X (200, 2)"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "backprop_train_ignores_batch_size": ("""
        _full_train = train

        def train(X, y, H=16, lr=LR, steps=STEPS, seed=0, batch_size=None):
            return _full_train(X, y, H, lr, steps, seed)
        """, {"test_mini_batch_training"}),
    "backprop_train_draws_a_new_permutation_every_step": ("""
        def train(X, y, H=16, lr=LR, steps=STEPS, seed=0, batch_size=None):
            X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
            params = init_params(X.shape[1], H, int(y.max()) + 1, seed)
            rng = np.random.default_rng(seed + 1)
            history = []
            for _ in range(steps):
                rows = slice(None) if batch_size is None else rng.permutation(len(y))[:batch_size]
                loss, grads = two_layer_loss(params, X[rows], y[rows])
                history.append(loss)
                params = {k: v - lr * grads[k] for k, v in params.items()}
            return params, history
        """, {"test_mini_batch_training"}),
}

# Correct submissions written differently from the reference and _solutions_05: full marks
CORRECT = {
    "backward_one_sample_at_a_time": """
        def two_layer_backward(dscores, cache):
            X, h, W2 = cache
            dscores = np.asarray(dscores, dtype=np.float64)
            grads = {"W1": np.zeros((X.shape[1], h.shape[1])), "b1": np.zeros(h.shape[1]),
                     "W2": np.zeros((h.shape[1], dscores.shape[1])),
                     "b2": np.zeros(dscores.shape[1])}
            for x_n, h_n, d_n in zip(X, h, dscores):
                da_n = (W2 @ d_n) * h_n * (1 - h_n)
                grads["W1"] += np.outer(x_n, da_n)
                grads["b1"] += da_n
                grads["W2"] += np.outer(h_n, d_n)
                grads["b2"] += d_n
            return grads
        """,
    "float32_arithmetic_for_float32_input": """
        def two_layer_forward(X, params):
            X = np.asarray(X)
            dtype = np.result_type(X, params["W1"], np.float32)
            W1, b1, W2, b2 = (np.asarray(params[k], dtype=dtype) for k in ("W1", "b1", "W2", "b2"))
            h = 1.0 / (1.0 + np.exp(-(X.astype(dtype) @ W1 + b1)))
            return h @ W2 + b2, (X.astype(dtype), h, W2)
        """,
}
