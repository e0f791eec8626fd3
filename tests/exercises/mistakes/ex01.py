"""Exercise 01 (loss functions): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# name: (the mistake, the checks it loses, words their messages contain)
WRONG = {
    "mse_grad_twice_too_large": ("""
        def mse_grad(y_pred, y_true):
            return 4 * (y_pred - y_true) / y_pred.size
        """, {"test_mse_grad"}, ["2 times too large", "the derivative of mean((ŷ − y)²)"]),
    "mse_grad_without_1_over_n": ("""
        def mse_grad(y_pred, y_true):
            return 2 * (y_pred - y_true)
        """, {"test_mse_grad"}, ["N = 24 times too large", "divide by the batch size"]),
    "mse_sum_instead_of_mean": ("""
        def mse(y_pred, y_true):
            return float(np.sum((y_pred - y_true) ** 2))
        """, {"test_mse"}, ["N = 7 times too large", "mse is a mean over all elements"]),
    "half_sse_as_a_mean": ("""
        def half_sse(y_pred, y_true):
            return float(0.5 * np.mean((y_pred - y_true) ** 2))
        """, {"test_half_sse"}, ["N = 7 times too small", "a sum, not a mean"]),
    "mse_reduced_over_axis_0": ("""
        def mse(y_pred, y_true):
            return np.mean((y_pred - y_true) ** 2, axis=0)
        """, {"test_mse", "test_losses_return_one_number"},
        ["returned an array of shape (3,); expected a single number",
         "returned an array of shape (1,), not one number"]),
    "binary_cross_entropy_not_clipped": ("""
        def binary_cross_entropy(p, y):
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        """, {"test_cross_entropies_finite_at_0_and_1"},
        ["returned nan", "where a finite value was expected", "np.clip(p, EPS, 1 - EPS)"]),
    "categorical_cross_entropy_grad_not_clipped": ("""
        def categorical_cross_entropy_grad(p, y_onehot):
            return -y_onehot / p / p.shape[0]
        """, {"test_cross_entropies_finite_at_0_and_1"},
        ["where a finite value was expected", "clip probabilities"]),
    "softmax_cross_entropy_without_max_shift": ("""
        def softmax_cross_entropy(logits, labels):
            e = np.exp(logits)
            s = e / e.sum(axis=1, keepdims=True)
            rows = np.arange(len(labels))
            dlogits = s.copy()
            dlogits[rows, labels] -= 1
            return float(-np.mean(np.log(s[rows, labels]))), dlogits / len(labels)
        """, {"test_softmax_cross_entropy_stable"},
        ["returned inf", "subtract each row's maximum m before exp"]),
    "softmax_cross_entropy_log_of_clipped_softmax": ("""
        def softmax_cross_entropy(logits, labels):
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            s = e / e.sum(axis=1, keepdims=True)
            rows = np.arange(len(labels))
            dlogits = s.copy()
            dlogits[rows, labels] -= 1
            loss = -np.mean(np.log(np.clip(s[rows, labels], EPS, 1)))
            return float(loss), dlogits / len(labels)
        """, {"test_softmax_cross_entropy_stable"},
        ["returned 16.1181, expected 1000", "never take the log of a softmax"]),
    "mse_grad_mutates_its_input": ("""
        def mse_grad(y_pred, y_true):
            y_pred -= y_true
            return 2 * y_pred / y_pred.size
        """, {"test_mse_grad", "test_inputs_not_modified"},
        ["changed its input y_pred in place", "must not modify its arguments"]),
    "binary_cross_entropy_clips_in_place": ("""
        def binary_cross_entropy(p, y):
            p[p < EPS] = EPS
            p[p > 1 - EPS] = 1 - EPS
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        """, {"test_cross_entropies_finite_at_0_and_1", "test_inputs_not_modified"},
        ["changed its input p in place"]),
    "mse_grad_returns_a_list": ("""
        def mse_grad(y_pred, y_true):
            return (2 * (y_pred - y_true) / y_pred.size).tolist()
        """, {"test_mse_grad"}, ["returned a list; expected a NumPy array"]),
    "hinge_grad_active_at_the_margin": ("""
        def hinge_grad(scores, y):
            return np.where(1 - y * scores >= 0, -y, 0.0) / y.size
        """, set(), []),  # visible checks stay away from the kink: see the hidden case
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "bce_adds_eps_instead_of_clipping": ("""
        def binary_cross_entropy(p, y):
            return float(-np.mean(y * np.log(p + EPS) + (1 - y) * np.log(1 - p + EPS)))
        """, {"test_probabilities_near_eps"}),
    "hinge_grad_active_at_the_margin": (WRONG["hinge_grad_active_at_the_margin"][0],
                                        {"test_gradients_at_the_kinks"}),
}

# correct variants beyond the alternative solution (none yet)
CORRECT: dict[str, str] = {}
