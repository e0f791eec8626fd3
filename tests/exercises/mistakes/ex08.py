"""Exercise 08 (regularisation): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables).

Some mistakes cost more than one check, by design: a wrong batch-norm forward also fails the
backward check (a gradient of the wrong function is judged against the reference's, with a hint
to fix the forward first), and a seeded function with a wrong scale also fails the check of the
documented draws. A different but correct draw costs only that check (the README's
"Randomness" section says why).
"""

WRONG = {
    "dropout_without_the_scaling": ("""
        def dropout_mask(shape, p, seed):
            return (np.random.default_rng(seed).random(tuple(shape)) >= p).astype(float)
        """, {"test_dropout_mask", "test_seeded_draws_as_documented"},
        ["the kept units are 1, not 1/(1 − p)", "so that E[mask] = 1"]),
    "dropout_in_eval_mode": ("""
        def dropout_forward(x, p, train=True, seed=None, mask=None):
            x = np.asarray(x, dtype=np.float64)
            m = dropout_mask(x.shape, p, seed) if mask is None else np.asarray(mask, float)
            return x * m, m
        """, {"test_dropout_eval_is_identity"},
        ["dropout was applied in eval mode", "train=False the layer is the identity"]),
    "dropout_keeps_with_probability_p": ("""
        def dropout_mask(shape, p, seed):
            keep = np.random.default_rng(seed).random(tuple(shape)) < p
            return keep / (1.0 - p)
        """, {"test_dropout_mask", "test_seeded_draws_as_documented"},
        ["p is the DROP probability", "kept where u < p"]),
    "dropout_rescales_the_given_mask": ("""
        def dropout_forward(x, p, train=True, seed=None, mask=None):
            x = np.asarray(x, dtype=np.float64)
            if not train:
                return x.copy(), np.ones_like(x)
            if mask is None:
                return x * dropout_mask(x.shape, p, seed), dropout_mask(x.shape, p, seed)
            m = np.asarray(mask, dtype=np.float64) / (1.0 - p)
            return x * m, m
        """, {"test_dropout_forward_train", "test_dropout_backward"},
        ["already scaled by 1/(1 − p)", "your dropout_forward does not match the reference"]),
    "dropout_backward_with_the_unscaled_mask": ("""
        def dropout_backward(dout, cache):
            return np.asarray(dout, dtype=np.float64) * (np.asarray(cache) > 0)
        """, {"test_dropout_backward"}, ["dx = dout times the 0/1 pattern of kept units"]),
    "dropout_mask_other_correct_draw": ("""
        def dropout_mask(shape, p, seed):
            keep = np.random.default_rng(seed).random(tuple(shape)) < 1.0 - p
            return keep / (1.0 - p)
        """, {"test_seeded_draws_as_documented"},
        ["a valid mask, but kept where u < 1 − p", "the documented call"]),
    "batchnorm_unbiased_variance": ("""
        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            x = np.asarray(x, dtype=np.float64)
            if not train:
                return _bn_eval(x, gamma, beta, running_mean, running_var, eps)
            mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
            std = np.sqrt(var + eps)
            x_hat = (x - mu) / std
            new_m = momentum * np.asarray(running_mean) + (1 - momentum) * mu
            new_v = momentum * np.asarray(running_var) + (1 - momentum) * var
            return gamma * x_hat + beta, (x - mu, std, x_hat, np.asarray(gamma), True), new_m, new_v
        """, {"test_batchnorm_forward", "test_batchnorm_running_statistics",
              "test_batchnorm_backward"},
        ["the batch variance is the unbiased one (divided by N − 1)",
         "the running variance averages the unbiased (N − 1) batch variance",
         "fix the forward first"]),
    "batchnorm_eps_outside_the_root": ("""
        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            x = np.asarray(x, dtype=np.float64)
            rm, rv = np.asarray(running_mean, float), np.asarray(running_var, float)
            mu, var = (x.mean(axis=0), x.var(axis=0)) if train else (rm, rv)
            std = np.sqrt(var) + eps
            x_hat = (x - mu) / std
            if train:
                rm, rv = momentum * rm + (1 - momentum) * mu, momentum * rv + (1 - momentum) * var
            return gamma * x_hat + beta, (x - mu, std, x_hat, np.asarray(gamma), train), rm, rv
        """, {"test_batchnorm_forward", "test_batchnorm_eval", "test_batchnorm_backward"},
        ["eps is added outside the square root"]),
    "batchnorm_momentum_reversed": ("""
        _right_forward = batchnorm_forward

        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            return _right_forward(x, gamma, beta, running_mean, running_var, train,
                                  1.0 - momentum, eps)
        """, {"test_batchnorm_running_statistics"},
        ["the momentum is reversed", "the OLD running value keeps the weight momentum"]),
    "batchnorm_over_the_features": ("""
        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            x = np.asarray(x, dtype=np.float64)
            if not train:
                return _bn_eval(x, gamma, beta, running_mean, running_var, eps)
            mu, var = x.mean(axis=1), x.var(axis=1)
            std = np.sqrt(var + eps)[:, None]
            x_hat = (x - mu[:, None]) / std
            new_m = momentum * np.asarray(running_mean).mean() + (1 - momentum) * mu
            new_v = momentum * np.asarray(running_var).mean() + (1 - momentum) * var
            return (gamma * x_hat + beta, (x - mu[:, None], std, x_hat, np.asarray(gamma), True),
                    new_m, new_v)
        """, {"test_batchnorm_forward", "test_batchnorm_running_statistics",
              "test_batchnorm_backward"},
        ["each sample was normalised over its features (axis=1)",
         "the statistics were taken over the features (axis=1)"]),
    "batchnorm_backward_treats_mean_and_var_as_constants": ("""
        def batchnorm_backward(dout, cache):
            xc, std, x_hat, gamma, train = cache
            dout = np.asarray(dout, dtype=np.float64)
            return dout * gamma / std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
        """, {"test_batchnorm_backward"},
        ["treats μ and σ² as constants", "two more terms"]),
    "batchnorm_backward_without_the_variance_path": ("""
        def batchnorm_backward(dout, cache):
            xc, std, x_hat, gamma, train = cache
            dout = np.asarray(dout, dtype=np.float64)
            g = dout * gamma
            dx = (g - g.mean(axis=0)) / std if train else g / std
            return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
        """, {"test_batchnorm_backward"}, ["but not the one through σ²"]),
    "batchnorm_eval_with_the_batch_statistics": ("""
        _right_forward = batchnorm_forward

        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            out, cache, m, v = _right_forward(x, gamma, beta, running_mean, running_var, True,
                                              momentum, eps)
            if not train:
                m, v = np.asarray(running_mean, float), np.asarray(running_var, float)
            return out, cache, m, v
        """, {"test_batchnorm_eval"}, ["eval normalised with the batch's statistics"]),
    "l2_grad_without_the_2": ("""
        def l2_grad(w, lam):
            return lam * np.asarray(w, dtype=np.float64)
        """, {"test_l2_penalty_and_gradient"},
        ["λw is the gradient of ½ λ Σ w²", "the derivative of λ Σ w² is 2λw"]),
    "l2_penalty_with_a_half": ("""
        def l2_penalty(w, lam):
            return float(0.5 * lam * np.sum(np.asarray(w, dtype=np.float64) ** 2))
        """, {"test_l2_penalty_and_gradient"}, ["is ½ λ Σ w²", "no ½"]),
    "l1_grad_one_at_zero": ("""
        def l1_grad(w, lam):
            return lam * np.where(np.asarray(w, dtype=np.float64) >= 0, 1.0, -1.0)
        """, {"test_l1_penalty_and_gradient"}, ["is not 0 where w = 0"]),
    "he_init_with_lecun_variance": ("""
        def he_init(n_in, n_out, seed):
            return np.random.default_rng(seed).normal(0.0, np.sqrt(1.0 / n_in), (n_in, n_out))
        """, {"test_he_init", "test_seeded_draws_as_documented"},
        ["that is LeCun's 1/n_in; he_init needs He's 2/n_in", "scaled by 0.7071"]),
    "xavier_init_with_the_variance_as_scale": ("""
        def xavier_init(n_in, n_out, seed):
            return np.random.default_rng(seed).normal(0.0, 2.0 / (n_in + n_out), (n_in, n_out))
        """, {"test_xavier_init", "test_seeded_draws_as_documented"},
        ["the variance was passed where NumPy expects the standard deviation"]),
    "xavier_init_uniform": ("""
        def xavier_init(n_in, n_out, seed):
            limit = np.sqrt(6.0 / (n_in + n_out))
            return np.random.default_rng(seed).uniform(-limit, limit, size=(n_in, n_out))
        """, {"test_seeded_draws_as_documented"},
        ["xavier_init(5, 4, seed=", "not the documented draw"]),
    "init_ignores_the_seed": ("""
        def he_init(n_in, n_out, seed):
            return np.random.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))
        """, {"test_he_init", "test_seeded_draws_as_documented"},
        ["not from the global np.random"]),
    "clip_by_norm_per_tensor": ("""
        def clip_by_norm(grads, max_norm):
            out = []
            for g in grads:
                g = np.asarray(g, dtype=np.float64)
                norm = np.linalg.norm(g)
                out.append(g * max_norm / norm if norm > max_norm else g)
            return out
        """, {"test_clip_by_norm"},
        ["each tensor was clipped by its own norm", "ONE factor from the global norm"]),
    "clip_by_norm_always_rescales": ("""
        def clip_by_norm(grads, max_norm):
            scale = max_norm / global_norm(grads)
            return [np.asarray(g, dtype=np.float64) * scale for g in grads]
        """, {"test_clip_by_norm"}, ["were scaled UP to max_norm"]),
    "clip_by_value_upper_side_only": ("""
        def clip_by_value(grads, clip):
            return [np.minimum(np.asarray(g, dtype=np.float64), clip) for g in grads]
        """, {"test_clip_by_value"}, ["only the upper side was clipped"]),
    "global_norm_sums_the_norms": ("""
        def global_norm(grads):
            return float(sum(np.linalg.norm(np.asarray(g, dtype=np.float64)) for g in grads))
        """, {"test_global_norm", "test_clip_by_norm"}, ["the sum of the tensors' norms"]),
    "experiment_without_the_sigmoid_derivative": ("""
        def gradient_norms_experiment(activation, depth=10, width=32, N=64, seed=0,
                                      weight_scale=1.0):
            rng = np.random.default_rng(seed)
            std = math.sqrt(1.0 / width) if activation == "sigmoid" else math.sqrt(2.0 / width)
            std = std * weight_scale
            ws = [rng.normal(size=(width, width)) * std for _ in range(depth)]
            hs, zs = [rng.normal(size=(N, width))], []
            for w in ws:
                zs.append(hs[-1] @ w)
                hs.append(1 / (1 + np.exp(-zs[-1])) if activation == "sigmoid"
                          else np.maximum(zs[-1], 0))
            dh = rng.normal(size=(N, width)) / N
            norms = np.zeros(depth)
            for i in range(depth - 1, -1, -1):
                dz = dh if activation == "sigmoid" else dh * (zs[i] > 0)
                norms[i] = np.linalg.norm(hs[i].T @ dz)
                dh = dz @ ws[i].T
            return norms
        """, {"test_vanishing_and_exploding_gradients", "test_gradient_norms_values"},
        ["multiply dh by σ'(z) = h(1 − h) at every layer",
         "gradient_norms_experiment('sigmoid', depth=6, width=16, N=20"]),
    "experiment_norms_in_reverse_order": ("""
        _right_experiment = gradient_norms_experiment

        def gradient_norms_experiment(activation, depth=10, width=32, N=64, seed=0,
                                      weight_scale=1.0):
            return _right_experiment(activation, depth, width, N, seed, weight_scale)[::-1].copy()
        """, {"test_vanishing_and_exploding_gradients", "test_gradient_norms_values"},
        ["the order is reversed", "the layer next to the INPUT"]),
    "experiment_ignores_weight_scale": ("""
        _right_experiment = gradient_norms_experiment

        def gradient_norms_experiment(activation, depth=10, width=32, N=64, seed=0,
                                      weight_scale=1.0):
            return _right_experiment(activation, depth, width, N, seed)
        """, {"test_vanishing_and_exploding_gradients"},
        ["weight_scale=2 should multiply every norm by 2^(depth − 1) = 512"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "batchnorm_hard_codes_momentum_and_eps": ("""
        _right_forward = batchnorm_forward

        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            return _right_forward(x, gamma, beta, running_mean, running_var, train)
        """, {"test_batchnorm_other_settings"}),
    "clip_by_norm_divides_by_a_zero_norm": ("""
        def clip_by_norm(grads, max_norm):
            scale = min(1.0, max_norm / global_norm(grads))
            return [np.asarray(g, dtype=np.float64) * scale for g in grads]
        """, {"test_clipping_edge_cases"}),
}

# Correct submissions written differently from the reference and _solutions_08: full marks
CORRECT = {
    "loops_over_features_and_the_cs231n_closed_form": """
        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            x = np.asarray(x, dtype=np.float64)
            N, D = x.shape
            out, x_hat = np.empty((N, D)), np.empty((N, D))
            inv, new_m, new_v = np.empty(D), np.empty(D), np.empty(D)
            for j in range(D):
                col = x[:, j]
                if train:
                    mu = sum(col) / N
                    var = sum((c - mu) ** 2 for c in col) / N
                    new_m[j] = momentum * running_mean[j] + (1 - momentum) * mu
                    new_v[j] = momentum * running_var[j] + (1 - momentum) * var
                else:
                    mu, var = running_mean[j], running_var[j]
                    new_m[j], new_v[j] = mu, var
                inv[j] = 1.0 / math.sqrt(var + eps)
                x_hat[:, j] = (col - mu) * inv[j]
                out[:, j] = gamma[j] * x_hat[:, j] + beta[j]
            return out, {"x_hat": x_hat, "inv": inv, "gamma": np.array(gamma, float),
                         "train": train}, new_m, new_v

        def batchnorm_backward(dout, cache):
            dout = np.asarray(dout, dtype=np.float64)
            x_hat, inv, gamma = cache["x_hat"], cache["inv"], cache["gamma"]
            N = dout.shape[0]
            dbeta = dout.sum(axis=0)
            dgamma = np.sum(dout * x_hat, axis=0)
            if not cache["train"]:
                return dout * gamma * inv, dgamma, dbeta
            dx = (gamma * inv / N) * (N * dout - dbeta - x_hat * dgamma)
            return dx, dgamma, dbeta
        """,
    "float32_arithmetic_when_given_float32": """
        def _keep(a):
            a = np.asarray(a)
            return a if a.dtype == np.float32 else a.astype(np.float64)

        def dropout_forward(x, p, train=True, seed=None, mask=None):
            x = _keep(x)
            if not train:
                return x.copy(), np.ones_like(x)
            m = dropout_mask(x.shape, p, seed) if mask is None else _keep(mask)
            return x * m, m

        def l1_penalty(w, lam):
            return float(lam * np.abs(_keep(w)).sum())

        def l2_penalty(w, lam):
            w = _keep(w)
            return float(lam * (w * w).sum())

        def l2_grad(w, lam):
            return (2 * lam) * _keep(w)

        def clip_by_value(grads, clip):
            return [np.clip(_keep(g), -clip, clip) for g in grads]

        def clip_by_norm(grads, max_norm):
            grads = [_keep(g) for g in grads]
            norm = np.sqrt(sum(float(np.vdot(g, g)) for g in grads))
            return [g * min(1.0, max_norm / (norm + 1e-12)) for g in grads]

        def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True,
                              momentum=BN_MOMENTUM, eps=BN_EPS):
            x, gamma, beta = _keep(x), _keep(gamma), _keep(beta)
            rm, rv = _keep(running_mean), _keep(running_var)
            mu, var = (x.mean(axis=0), x.var(axis=0)) if train else (rm, rv)
            inv = 1 / np.sqrt(var + x.dtype.type(eps))
            x_hat = (x - mu) * inv
            if train:
                rm, rv = momentum * rm + (1 - momentum) * mu, momentum * rv + (1 - momentum) * var
            return gamma * x_hat + beta, (x_hat, gamma, inv, train), rm.copy(), rv.copy()

        def batchnorm_backward(dout, cache):
            x_hat, gamma, inv, train = cache
            dout = _keep(dout)
            g = dout * gamma
            dgamma, dbeta = (dout * x_hat).sum(axis=0), dout.sum(axis=0)
            if not train:
                return g * inv, dgamma, dbeta
            dx = inv * (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0))
            return dx, dgamma, dbeta
        """,
    "named_tuple_caches_and_one_concatenated_norm": """
        from typing import NamedTuple

        class Mask(NamedTuple):
            mask: np.ndarray

        _right_dropout_forward = dropout_forward

        def dropout_forward(x, p, train=True, seed=None, mask=None):
            out, m = _right_dropout_forward(x, p, train, seed, mask)
            return out, Mask(m)

        def dropout_backward(dout, cache):
            return np.asarray(dout, dtype=np.float64) * cache.mask

        def global_norm(grads):
            flat = np.concatenate([np.ravel(np.asarray(g, dtype=np.float64)) for g in grads])
            return float(np.linalg.norm(flat))

        def xavier_init(n_in, n_out, seed):
            std = math.sqrt(2.0 / (n_in + n_out))
            return np.random.default_rng(seed).standard_normal((n_in, n_out)) * std

        def he_init(n_in, n_out, seed):
            return np.random.default_rng(seed).normal(scale=math.sqrt(2.0 / n_in),
                                                      size=(n_in, n_out))

        def dropout_mask(shape, p, seed):
            u = np.random.default_rng(seed).random(size=tuple(shape))
            mask = np.zeros(u.shape)
            mask[u >= p] = 1.0 / (1.0 - p)
            return mask
        """,
}
