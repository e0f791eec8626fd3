"""Exercise 02 (activations): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

WRONG = {
    "sigmoid_without_care": ("""
        def sigmoid_forward(x):
            out = 1 / (1 + np.exp(-x))
            return out, (out,)
        """, {"test_sigmoid_stable"},
        ["RuntimeWarning: overflow encountered in exp", "np.exp(-np.abs(x))"]),
    "softmax_without_max_shift": ("""
        def softmax_forward(x):
            e = np.exp(x)
            out = e / e.sum(axis=-1, keepdims=True)
            return out, (out,)
        """, {"test_softmax_stable"},
        ["returned nan", "softmax_forward(x (1, 3))", "subtract the row maximum"]),
    "relu_backward_returns_dout": ("""
        def relu_backward(dout, cache):
            return dout
        """, {"test_relu_backward"},
        ["disagrees with central differences", "numerical 0", "multiply dout by the mask"]),
    "softmax_backward_only_the_diagonal": ("""
        def softmax_backward(dout, cache):
            (s,) = cache
            return dout * s * (1 - s)
        """, {"test_softmax_backward"},
        ["disagrees with central differences", "softmax is not element-wise"]),
    "tanh_backward_forgets_dout": ("""
        def tanh_backward(dout, cache):
            (out,) = cache
            return 1 - out ** 2
        """, {"test_tanh_backward"}, ["disagrees with central differences"]),
    "relu_forward_mutates_x": ("""
        def relu_forward(x):
            x[x < 0] = 0
            return x, (x > 0,)
        """, {"test_relu_forward", "test_relu_backward", "test_inputs_not_modified"},
        ["relu_forward(x (7,)) changed its input x in place"]),
    "relu_forward_returns_a_list": ("""
        def relu_forward(x):
            return np.maximum(x, 0).tolist(), (x > 0,)
        """, {"test_relu_forward"}, ["relu_forward(x (7,)) returned a list"]),
    "sigmoid_forward_without_cache": ("""
        def sigmoid_forward(x):
            return 0.5 * (1 + np.tanh(0.5 * x))
        """, {"test_sigmoid_forward", "test_sigmoid_backward", "test_sigmoid_stable",
              "test_inputs_not_modified"}, ["expected a pair (out, cache)"]),
    "elu_exp_overflows_in_the_unused_branch": ("""
        def elu_forward(x, alpha=1.0):
            out = np.where(x > 0, x, alpha * np.expm1(x))
            return out, (x, out, alpha)
        """, {"test_tanh_and_elu_at_large_inputs"},
        ["elu_forward(x (6,)) warned: RuntimeWarning: overflow", "np.minimum(x, 0)"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "leaky_relu_backward_ignores_alpha": ("""
        def leaky_relu_backward(dout, cache):
            (slope,) = cache
            return np.where(slope == 1.0, dout, 0.01 * dout)
        """, {"test_other_alphas", "test_derivative_at_zero"}),
    "elu_with_exp_minus_1": ("""
        def elu_forward(x, alpha=1.0):
            out = np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))
            return out, (x, out, alpha)
        """, {"test_elu_precision_near_zero"}),
    "relu_backward_active_at_zero": ("""
        def relu_forward(x):
            return np.maximum(x, 0), (x >= 0,)
        """, {"test_derivative_at_zero"}),
}

# correct variants beyond the alternative solution (none yet)
CORRECT: dict[str, str] = {}
