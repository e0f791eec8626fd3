"""Exercises graded by the real engine on deliberately wrong submissions, and on a correct one
written differently from the reference.

Each wrong submission is the alternative solution (_solutions.py; _solutions_03.py and
_solutions_04.py for exercises 03 and 04) with one mistake appended as a redefinition: it must
lose exactly the checks the mistake concerns, and the message must name the mistake. The
alternative solution itself must get full marks, hidden checks included.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import by_name
from tests.exercises import _solutions_03, _solutions_04, _solutions_05, _solutions_06
from tests.exercises._solutions import solution_source

SOLUTIONS = solution_source()
# exercises whose alternative solution has a file of its own (default: SOLUTIONS)
SOURCES = {"03": _solutions_03.solution_source(), "04": _solutions_04.solution_source(),
           "05": _solutions_05.solution_source(), "06": _solutions_06.solution_source()}


def with_mistake(override: str, exercise: str = "01") -> str:
    """The exercise's alternative solution with the functions in `override` redefined at its
    end."""
    return SOURCES.get(exercise, SOLUTIONS) + "\n\n" + textwrap.dedent(override)




def lost_checks(result) -> dict[str, str]:
    """{check name: message} of the checks that did not pass."""
    return {name: check.message for name, check in by_name(result).items() if not check.passed}


@pytest.mark.parametrize("exercise", ["01", "02", "03", "04", "05", "06"])
def test_alternative_solution_gets_full_marks(grade_source, exercise):
    result = grade_source(exercise, SOURCES.get(exercise, SOLUTIONS), hidden=True)
    assert lost_checks(result) == {}
    assert result.score == result.max_score > 0
    assert {c.visibility for c in result.checks} == {"visible", "hidden"}


# name: (the mistake, the checks it loses, words their messages contain)
WRONG_LOSSES = {
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


WRONG_ACTIVATIONS = {
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


# Exercise 04: its alternative solution is _solutions_04.py, where training uses private
# helpers (_scores, _sign, _batch_epoch, _online_epoch), so a mistake in one function stays there.
WRONG_PERCEPTRON_DENSE = {
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


WRONG_GRADIENT_DESCENT = {
    "df_as_the_slide_prints_it": ("""
        def df(x):
            return _out(10 * np.asarray(x, dtype=np.float64) + 2)
        """, {"test_df"}, ["df(x=1.0) returned 12, expected 8", "the slide prints 10x + 2"]),
    "numerical_derivative_one_sided": ("""
        def numerical_derivative(fn, x, h=H):
            x = np.asarray(x, dtype=np.float64)
            return _out((np.asarray(fn(x + h)) - np.asarray(fn(x))) / h)
        """, {"test_numerical_derivative"}, ["returned 8.00005, expected 8", "error O(h)"]),
    "path_without_the_start": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            path = []
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x), dtype=np.float64)
                x = x - step
                path.append(x)
                if _diverged(x) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_path", "test_gradient_descent_vector_start",
              "test_gradient_descent_stopping"}, ["the path must begin with x0 itself"]),
    "path_without_the_last_iterate": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            path = [x]
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x.copy()), dtype=np.float64)
                if np.abs(step).max() <= tol:
                    break
                x = x - step
                path.append(x)
                if _diverged(x):
                    break
            return np.array(path)
        """, {"test_gradient_descent_path", "test_gradient_descent_vector_start",
              "test_gradient_descent_stopping"}, ["stopped one step early, at x_32"]),
    "divergence_noticed_only_at_inf": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            path = [np.array(x0, dtype=np.float64)]
            for _ in range(max_steps):
                x = path[-1]
                step = lr * np.asarray(grad(x), dtype=np.float64)
                path.append(x - step)
                if not np.isfinite(path[-1]).all() or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_stopping"}, ["went on after x_569"]),
    "x0_updated_in_place": ("""
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.asarray(x0, dtype=np.float64)
            path = [x.copy()]
            for _ in range(max_steps):
                step = lr * np.asarray(grad(x), dtype=np.float64)
                x -= step
                path.append(x.copy())
                if _diverged(x) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_gradient_descent_vector_start", "test_inputs_not_modified"},
        ["changed its input x0 in place"]),
    "lr_regime_strict_at_one": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            q = lr * curvature
            if q < 1:
                return MONOTONE
            if q < 2:
                return OSCILLATING
            return CYCLING if q == 2 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.1) returned 'oscillating', expected 'monotone'"]),
    "lr_regime_oscillating_only_from_0_2": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            q = lr * curvature
            if q <= 2:
                return MONOTONE
            if q < 4:
                return OSCILLATING
            return CYCLING if q == 4 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.1001) returned 'monotone'", "(1 − ηc)^k"]),
    "lr_regime_ignores_the_curvature": ("""
        def lr_regime(lr, curvature=F_CURVATURE):
            if lr <= 0.1:
                return MONOTONE
            if lr < 0.2:
                return OSCILLATING
            return CYCLING if lr == 0.2 else DIVERGING
        """, {"test_lr_regime"}, ["lr_regime(0.3, 2.0) returned 'diverging'"]),
    "line_mse_grad_without_the_2": ("""
        def line_mse_grad(x, y, w, b):
            r = w * x + b - y
            return float(np.mean(r * x)), float(np.mean(r))
        """, {"test_line_mse_grad"}, ["half the right ones", "the 2 comes from the square"]),
    "fit_line_gd_without_the_2": ("""
        def fit_line_gd(x, y, lr, max_steps=MAX_STEPS, tol=TOL, w0=0.0, b0=0.0):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

            def grad(theta):
                r = theta[0] * x + theta[1] - y
                return np.array([np.mean(r * x), np.mean(r)])

            params = gradient_descent(grad, np.array([w0, b0]), lr, max_steps, tol)
            return params, np.array([np.mean((w * x + b - y) ** 2) for w, b in params])
        """, {"test_fit_line_gd"}, ["yours 5.77162, expected 11.5432"]),
    "fit_line_regresses_x_on_y": ("""
        def fit_line(x, y):
            w, b = np.polyfit(y, x, 1)
            return w, b
        """, {"test_fit_line"}, ["w of fit_line(x (9,), y (9,)) returned 0.160828"]),
}


# Exercise 05: its alternative solution is _solutions_05.py, where two_layer_loss calls
# two_layer_backward and train calls two_layer_loss, so a wrong backward also costs the loss and
# training checks (their messages point back at the backward).
WRONG_BACKPROP = {
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


WRONG_OPTIMIZERS = {
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


WRONG = {**{("01", case): value for case, value in WRONG_LOSSES.items()},
         **{("02", case): value for case, value in WRONG_ACTIVATIONS.items()},
         **{("03", case): value for case, value in WRONG_GRADIENT_DESCENT.items()},
         **{("04", case): value for case, value in WRONG_PERCEPTRON_DENSE.items()},
         **{("05", case): value for case, value in WRONG_BACKPROP.items()},
         **{("06", case): value for case, value in WRONG_OPTIMIZERS.items()}}


@pytest.mark.parametrize(("exercise", "case"), sorted(WRONG))
def test_wrong_submissions_lose_exactly_their_checks(grade_source, exercise, case):
    mistake, lost, words = WRONG[exercise, case]
    result = grade_source(exercise, with_mistake(mistake, exercise))
    failed = lost_checks(result)
    assert set(failed) == lost, failed
    assert all(check.outcome == "failed" for check in result.checks if not check.passed)
    text = "\n".join(failed.values())
    for word in words:
        assert word in text, text
    assert result.exit_code == (1 if lost else 0)


# Mistakes only the hidden checks find: (exercise, the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "bce_adds_eps_instead_of_clipping": ("01", """
        def binary_cross_entropy(p, y):
            return float(-np.mean(y * np.log(p + EPS) + (1 - y) * np.log(1 - p + EPS)))
        """, {"test_probabilities_near_eps"}),
    "hinge_grad_active_at_the_margin": ("01", WRONG_LOSSES["hinge_grad_active_at_the_margin"][0],
                                        {"test_gradients_at_the_kinks"}),
    "leaky_relu_backward_ignores_alpha": ("02", """
        def leaky_relu_backward(dout, cache):
            (slope,) = cache
            return np.where(slope == 1.0, dout, 0.01 * dout)
        """, {"test_other_alphas", "test_derivative_at_zero"}),
    "elu_with_exp_minus_1": ("02", """
        def elu_forward(x, alpha=1.0):
            out = np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))
            return out, (x, out, alpha)
        """, {"test_elu_precision_near_zero"}),
    "relu_backward_active_at_zero": ("02", """
        def relu_forward(x):
            return np.maximum(x, 0), (x >= 0,)
        """, {"test_derivative_at_zero"}),
    "perceptron_w_sized_for_the_notes_two_features": ("04", """
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
    "numerical_derivative_in_float32": ("03", """
        def numerical_derivative(fn, x, h=H):
            return (fn(x + h) - fn(x - h)) / (2 * h)
        """, {"test_numerical_derivative_other_functions"}),
    "gradient_descent_always_takes_a_step": ("03", """
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            path = [np.array(x0, dtype=np.float64)]
            while True:
                x = path[-1]
                step = lr * np.asarray(grad(x.copy()), dtype=np.float64)
                path.append(x - step)
                if len(path) > max_steps or _diverged(path[-1]) or np.abs(step).max() <= tol:
                    break
            return np.array(path)
        """, {"test_path_edge_cases"}),
    "momentum_hard_codes_gamma": ("06", """
        def momentum(w, dw, state=None, lr=1e-2, gamma=0.9):
            w, g = _f(w), _f(dw)
            m = 0.9 * _get(state, "m", w) + 0.1 * g
            return w - lr * m, {"m": m}
        """, {"test_other_hyper_parameters"}),
}

# Exercise 05's mini-batch order is judged only by a hidden check
HIDDEN_ONLY.update({
    "backprop_train_ignores_batch_size": ("05", """
        _full_train = train

        def train(X, y, H=16, lr=LR, steps=STEPS, seed=0, batch_size=None):
            return _full_train(X, y, H, lr, steps, seed)
        """, {"test_mini_batch_training"}),
    "backprop_train_draws_a_new_permutation_every_step": ("05", """
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
})


@pytest.mark.parametrize("case", sorted(HIDDEN_ONLY))
def test_mistakes_only_hidden_checks_find(grade_source, case):
    exercise, mistake, lost = HIDDEN_ONLY[case]
    result = grade_source(exercise, with_mistake(mistake, exercise), hidden=True)
    failed = lost_checks(result)
    assert set(failed) == lost, failed
    assert all(check.visibility == "hidden" for check in result.checks if not check.passed)


# Exercise 04 written in other correct ways: each keeps full marks, hidden checks included.
CORRECT_PERCEPTRON_DENSE = {
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


@pytest.mark.parametrize("case", sorted(CORRECT_PERCEPTRON_DENSE))
def test_correct_variants_of_04_keep_full_marks(grade_source, case):
    result = grade_source("04", with_mistake(CORRECT_PERCEPTRON_DENSE[case], "04"), hidden=True)
    assert lost_checks(result) == {}
    assert result.score == result.max_score > 0


# Exercise 03 written in other correct ways: each keeps full marks, hidden checks included.
CORRECT_GRADIENT_DESCENT = {
    "fit_line_returns_np_polyfit": """
        def fit_line(x, y):
            return np.polyfit(x, y, 1)
        """,
    "fit_line_by_lstsq": """
        def fit_line(x, y):
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
            (w, b), *_ = np.linalg.lstsq(np.vstack([x, np.ones_like(x)]).T, y, rcond=None)
            return w, b
        """,
    "textbook_sums_in_the_input_dtype": """
        def fit_line(x, y):
            n = len(x)
            sx, sy, sxx, sxy = x.sum(), y.sum(), (x * x).sum(), (x * y).sum()
            w = (n * sxy - sx * sy) / (n * sxx - sx * sx)
            return w, (sy - w * sx) / n

        def line_mse(x, y, w, b):
            return np.mean((w * x + b - y) ** 2)

        def line_mse_grad(x, y, w, b):
            r = w * x + b - y
            return 2 * np.mean(r * x), 2 * np.mean(r)
        """,
    "preallocated_path_and_fraction_thresholds": """
        def gradient_descent(grad, x0, lr, max_steps=MAX_STEPS, tol=TOL):
            x = np.array(x0, dtype=np.float64)
            out = np.empty((max_steps + 1,) + x.shape)
            out[0] = x
            k = 0
            while k < max_steps:
                g = np.asarray(grad(out[k].copy()), dtype=np.float64)
                with np.errstate(over="ignore", invalid="ignore"):
                    out[k + 1] = out[k] - lr * g
                k += 1
                if not np.all(np.isfinite(out[k])) or np.max(np.abs(out[k])) > DIVERGENCE_LIMIT:
                    break
                if np.max(np.abs(lr * g)) <= tol:
                    break
            return out[:k + 1].copy()

        def lr_regime(lr, curvature=F_CURVATURE):
            if lr <= 1 / curvature:
                return MONOTONE
            if lr < 2 / curvature:
                return OSCILLATING
            return CYCLING if lr == 2 / curvature else DIVERGING
        """,
    "fit_line_gd_from_gradient_descent_and_line_mse_grad": """
        def fit_line_gd(x, y, lr, max_steps=MAX_STEPS, tol=TOL, w0=0.0, b0=0.0):
            def grad(theta):
                return np.array(line_mse_grad(x, y, theta[0], theta[1]))

            params = gradient_descent(grad, np.array([w0, b0], dtype=np.float64), lr,
                                      max_steps, tol)
            return params, np.array([line_mse(x, y, w, b) for w, b in params])
        """,
}


@pytest.mark.parametrize("case", sorted(CORRECT_GRADIENT_DESCENT))
def test_correct_variants_of_03_keep_full_marks(grade_source, case):
    result = grade_source("03", with_mistake(CORRECT_GRADIENT_DESCENT[case], "03"), hidden=True)
    assert lost_checks(result) == {}
    assert result.score == result.max_score > 0


# Correct submissions written differently from the reference and _solutions_06: full marks
CORRECT_OPTIMIZERS = {
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


@pytest.mark.parametrize("case", sorted(CORRECT_OPTIMIZERS))
def test_correct_variants_of_06_keep_full_marks(grade_source, case):
    result = grade_source("06", with_mistake(CORRECT_OPTIMIZERS[case], "06"), hidden=True)
    assert lost_checks(result) == {}
    assert result.score == result.max_score > 0
