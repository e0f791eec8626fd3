"""Exercise 13 (GAN): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# The alternative solution _solutions_13.py composes its functions as the stub suggests:
# discriminator_gradients calls discriminator_loss and the networks, the steps call the
# gradients, train_step the steps and train_gan train_step. So a wrong building block also costs
# the checks of what is built on it (their messages name the block that disagrees).
GAME = {"test_train_gan_first_steps", "test_train_step_schedule"}

WRONG = {
    "generator_loss_is_the_saturating_one": ("""
        def generator_loss(fake_logits):
            f = _f(fake_logits)
            return float(-softplus(f).mean()), -_sig(f) / len(f)
        """, {"test_generator_loss_is_non_saturating",
              "test_generator_gradients_flow_through_the_discriminator",
              "test_generator_step_keeps_d_frozen"} | GAME,
        ["this is the saturating loss log(1 − D(G(z)))",
         "is the saturating mean log(1 − D(G(z)))",
         "your generator_loss disagrees with the reference"]),
    "discriminator_loss_with_the_labels_swapped": ("""
        def discriminator_loss(real_logits, fake_logits):
            s, f = _f(real_logits), _f(fake_logits)
            loss = softplus(s).mean() + softplus(-f).mean()
            return float(loss), _sig(s) / len(s), -_sig(-f) / len(f)
        """, {"test_discriminator_loss", "test_discriminator_gradients",
              "test_discriminator_step_keeps_g_fixed",
              "test_training_moves_g_toward_the_target"} | GAME,
        ["the labels are swapped", "your discriminator_loss disagrees with the reference"]),
    "log_sigmoid_computed_naively": ("""
        def discriminator_loss(real_logits, fake_logits):
            s, f = _f(real_logits), _f(fake_logits)
            loss = -np.mean(np.log(_sig(s))) - np.mean(np.log(1.0 - _sig(f)))
            return float(loss), (_sig(s) - 1.0) / len(s), _sig(f) / len(f)

        def generator_loss(fake_logits):
            f = _f(fake_logits)
            return float(-np.mean(np.log(_sig(f)))), (_sig(f) - 1.0) / len(f)
        """, {"test_losses_are_stable_for_large_logits"},
        ["discriminator_loss at logits [-800.0, -60.0, 60.0, 800.0] returned inf: not finite",
         "log(1 − sigmoid(s)) overflow or take log(0)"]),
    "softplus_as_log_of_one_plus_exp": ("""
        def softplus(x):
            return np.log(1.0 + np.exp(_f(x)))
        """, {"test_losses_are_stable_for_large_logits"},
        ["softplus at logits", "log(1 + exp(s)) overflows at s = 800"]),
    "discriminator_loss_as_one_mean_over_both_batches": ("""
        def discriminator_loss(real_logits, fake_logits):
            s, f = _f(real_logits), _f(fake_logits)
            n = len(s) + len(f)
            loss = (softplus(-s).sum() + softplus(f).sum()) / n
            return float(loss), -_sig(-s) / n, _sig(f) / n
        """, {"test_discriminator_loss", "test_discriminator_gradients",
              "test_discriminator_step_keeps_g_fixed"} | GAME,
        ["one mean over all N + M samples"]),
    "leaky_relu_slope_on_the_positive_side": ("""
        def discriminator_forward(x, params, alpha=ALPHA):
            x = _f(x)
            W1, W2 = _f(params["W1"]), _f(params["W2"])
            a = x @ W1 + _f(params["b1"])
            slope = np.where(a > 0, alpha, 1.0)
            h = a * slope
            return (h @ W2)[:, 0] + _f(params["b2"])[0], (x, slope, h, W1, W2)
        """, {"test_discriminator_forward", "test_discriminator_backward",
              "test_discriminator_gradients",
              "test_generator_gradients_flow_through_the_discriminator",
              "test_discriminator_step_keeps_g_fixed", "test_generator_step_keeps_d_frozen",
              "test_discriminator_accuracy", "test_training_moves_g_toward_the_target"} | GAME,
        ["the LeakyReLU slope α is applied to the positive side",
         "your discriminator_forward does not match the reference here",
         "your discriminator_forward disagrees with the reference"]),
    "discriminator_backward_without_the_slope": ("""
        def discriminator_backward(dlogits, cache):
            x, slope, h, W1, W2 = cache
            g = _f(dlogits)
            da = np.outer(g, W2[:, 0]) * (slope == 1.0)
            grads = {"W1": x.T @ da, "b1": da.sum(axis=0), "W2": (h.T @ g)[:, None],
                     "b2": np.array([g.sum()])}
            return da @ W1.T, grads
        """, {"test_discriminator_backward", "test_discriminator_gradients",
              "test_generator_gradients_flow_through_the_discriminator",
              "test_discriminator_step_keeps_g_fixed"} | GAME,
        ["wrong gradients: x, W1, b1; right: W2, b2",
         "your discriminator_backward disagrees with the reference"]),
    "discriminator_gradients_of_the_real_batch_only": ("""
        def discriminator_gradients(params, x_real, z):
            fake, _ = generator_forward(z, params["G"])
            s, real_cache = discriminator_forward(x_real, params["D"])
            f, fake_cache = discriminator_forward(fake, params["D"])
            loss, dreal, dfake = discriminator_loss(s, f)
            return loss, discriminator_backward(dreal, real_cache)[1]
        """, {"test_discriminator_gradients", "test_discriminator_step_keeps_g_fixed",
              "test_training_moves_g_toward_the_target"} | GAME,
        ["only the real batch's gradients",
         "your discriminator_gradients disagrees with the reference"]),
    "generator_gradient_without_the_chain_through_d": ("""
        def generator_gradients(params, z):
            fake, g_cache = generator_forward(z, params["G"])
            f, d_cache = discriminator_forward(fake, params["D"])
            loss, dfake = generator_loss(f)
            return loss, generator_backward(dfake[:, None], g_cache)
        """, {"test_generator_gradients_flow_through_the_discriminator",
              "test_training_moves_g_toward_the_target"} | GAME,
        ["∂L_G/∂s̃ (the gradient at D's OUTPUT) was passed to generator_backward as if it were "
         "∂L_G/∂x̃", "your generator_step disagrees with the reference"]),
    "generator_step_also_updates_d": ("""
        def generator_step(params, state, z, lr=LR):
            fake, g_cache = generator_forward(z, params["G"])
            f, d_cache = discriminator_forward(fake, params["D"])
            loss, dfake = generator_loss(f)
            dx, d_grads = discriminator_backward(dfake, d_cache)
            g, g_memory = _adam(params["G"], generator_backward(dx, g_cache),
                                _memory(state, "G"), lr)
            d, d_memory = _adam(params["D"], d_grads, _memory(state, "D"), lr)
            return {"G": g, "D": d}, {"G": g_memory, "D": d_memory}, loss
        """, {"test_generator_step_keeps_d_frozen"} | GAME,
        ["changed D's parameters. In G's step D is frozen"]),
    "fakes_not_detached_in_the_discriminator_step": ("""
        def discriminator_step(params, state, x_real, z, lr=LR):
            loss, d_grads = discriminator_gradients(params, x_real, z)
            fake, g_cache = generator_forward(z, params["G"])
            s, _ = discriminator_forward(x_real, params["D"])
            f, d_cache = discriminator_forward(fake, params["D"])
            dx, _ = discriminator_backward(discriminator_loss(s, f)[2], d_cache)
            g, g_memory = _adam(params["G"], generator_backward(dx, g_cache),
                                _memory(state, "G"), lr)
            d, d_memory = _adam(params["D"], d_grads, _memory(state, "D"), lr)
            return {"G": g, "D": d}, {"G": g_memory, "D": d_memory}, loss
        """, {"test_discriminator_step_keeps_g_fixed"} | GAME,
        ["changed G's parameters. In D's step G is fixed", "detached"]),
    "steps_with_plain_sgd": ("""
        def _adam(net, grads, memory, lr):
            return {k: _f(net[k]) - lr * _f(grads[k]) for k in KEYS}, None
        """, {"test_discriminator_step_keeps_g_fixed", "test_generator_step_keeps_d_frozen",
              "test_training_moves_g_toward_the_target"} | GAME,
        ["this is a plain gradient step w − lr·g"]),
    "adam_with_its_default_beta1": ("""
        BETA1 = 0.9
        """, {"test_discriminator_step_keeps_g_fixed", "test_generator_step_keeps_d_frozen"}
        | GAME, ["Adam with β₁ = 0.9 (adam's default); pass beta1=BETA1 = 0.5"]),
    "generator_trained_first": ("""
        def train_step(params, state, x_real, z_d, z_g, lr=LR):
            params, state, g_loss = generator_step(params, state, z_g, lr)
            d_losses = []
            for batch, noise in zip(_f(x_real), _f(z_d), strict=True):
                params, state, loss = discriminator_step(params, state, batch, noise, lr)
                d_losses.append(loss)
            return params, state, np.array(d_losses), g_loss
        """, GAME, ["G was trained first; the seeds' order is D first (G fixed)"]),
    "generator_step_with_the_old_discriminator": ("""
        def train_step(params, state, x_real, z_d, z_g, lr=LR):
            start = params
            d_losses = []
            for batch, noise in zip(_f(x_real), _f(z_d), strict=True):
                params, state, loss = discriminator_step(params, state, batch, noise, lr)
                d_losses.append(loss)
            moved, state, g_loss = generator_step(start, state, z_g, lr)
            return {"G": moved["G"], "D": params["D"]}, state, np.array(d_losses), g_loss
        """, GAME, ["G's step used D's parameters from before D's steps"]),
    "accuracy_counts_the_wrong_side": ("""
        def discriminator_accuracy(params, x_real, z):
            real, _ = discriminator_forward(x_real, params["D"])
            fake, _ = discriminator_forward(generator_forward(z, params["G"])[0], params["D"])
            return float(np.concatenate([real <= 0, fake > 0]).mean())
        """, {"test_discriminator_accuracy"}, ["counts the wrong side"]),
    "train_gan_draws_the_noise_first": ("""
        def train_gan(data, steps=STEPS, batch_size=BATCH, k=1, lr=LR, hidden=HIDDEN,
                      z_dim=Z_DIM, seed=0):
            data = _f(data)
            params, state = init_gan_params(data, z_dim, hidden, seed), None
            rng = np.random.default_rng(seed + 1)
            history = {"d_loss": np.zeros(steps), "g_loss": np.zeros(steps)}
            for t in range(steps):
                z_d = rng.normal(size=(k, batch_size, z_dim))
                z_g = rng.normal(size=(batch_size, z_dim))
                x_real = data[rng.integers(0, len(data), size=(k, batch_size))]
                params, state, d_losses, g_loss = train_step(params, state, x_real, z_d, z_g,
                                                             lr)
                history["d_loss"][t], history["g_loss"][t] = np.mean(d_losses), g_loss
            return params, history
        """, {"test_train_gan_first_steps"},
        ["history['d_loss'] of train_gan", "each step draws x_real = data[rng.integers"]),
    "batch_norm_per_pixel_over_the_batch_only": ("""
        def _bn(y, gamma, beta):
            mu = y.mean(axis=0, keepdims=True)
            inv = 1.0 / np.sqrt(y.var(axis=0, keepdims=True) + BN_EPS)
            y_hat = (y - mu) * inv
            return (_f(gamma)[:, None, None] * y_hat + _f(beta)[:, None, None],
                    (y_hat, inv, _f(gamma)))
        """, {"test_generator_blocks", "test_discriminator_blocks"},
        ["batch norm normalised each pixel of each channel over the batch only"]),
    "last_generator_block_with_batch_norm": ("""
        def generator_block_forward(x, w, b, gamma, beta, stride=2, pad=1, last=False):
            y, conv = conv_transpose2d_forward(x, w, b, stride, pad)
            y_bn, bn = _bn(y, gamma, beta)
            if last:
                out = np.tanh(y_bn)
                return out, ("tanh", conv, bn, out)
            return np.maximum(y_bn, 0.0), ("relu", conv, bn, y_bn)
        """, {"test_generator_blocks"}, ["the last block applies batch norm"]),
    "discriminator_block_with_relu": ("""
        def discriminator_block_forward(x, w, b, gamma, beta, stride=2, pad=1, batchnorm=True,
                                        alpha=ALPHA):
            y, conv = conv2d_forward(x, w, b, stride, pad)
            bn = None
            if batchnorm:
                y, bn = _bn(y, gamma, beta)
            return np.maximum(y, 0.0), (("leaky", 0.0), conv, bn, y)
        """, {"test_discriminator_blocks"},
        ["this is ReLU; DCGAN's discriminator uses LeakyReLU"]),
}

# Mistakes only the hidden checks find: (the mistake, the hidden checks it loses)
HIDDEN_ONLY = {
    "at_most_two_discriminator_steps": ("""
        def train_step(params, state, x_real, z_d, z_g, lr=LR):
            d_losses = []
            for i in range(min(2, len(x_real))):
                params, state, loss = discriminator_step(params, state, x_real[i], z_d[i], lr)
                d_losses.append(loss)
            params, state, g_loss = generator_step(params, state, z_g, lr)
            return params, state, np.array(d_losses), g_loss
        """, {"test_more_discriminator_steps"}),
    "gradient_squeezed_to_a_number_for_one_fake": ("""
        def generator_loss(fake_logits):
            f = _f(fake_logits)
            return float(softplus(-f).mean()), np.squeeze(-_sig(-f) / len(f))
        """, {"test_losses_of_one_sample"}),
    "generator_block_ignores_stride_and_pad": ("""
        def generator_block_forward(x, w, b, gamma, beta, stride=2, pad=1, last=False):
            y, conv = conv_transpose2d_forward(x, w, b, 2, 1)
            if last:
                out = np.tanh(y)
                return out, ("tanh", conv, None, out)
            y_bn, bn = _bn(y, gamma, beta)
            return np.maximum(y_bn, 0.0), ("relu", conv, bn, y_bn)
        """, {"test_blocks_other_shapes"}),
}

# Correct submissions written differently from the reference and _solutions_13: full marks
CORRECT = {
    "softplus_as_max_plus_log1p": """
        def softplus(x):
            x = _f(x)
            return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))

        def discriminator_loss(real_logits, fake_logits):
            s, f = _f(real_logits), _f(fake_logits)
            loss = np.sum(softplus(-s)) / s.size + np.sum(softplus(f)) / f.size
            p_real = 1.0 / (1.0 + np.exp(-np.clip(s, -500, 500)))
            p_fake = 1.0 / (1.0 + np.exp(-np.clip(f, -500, 500)))
            return float(loss), (p_real - 1.0) / s.size, p_fake / f.size
        """,
    "loops_over_samples": """
        import math

        def _sp(v):
            return max(v, 0.0) + math.log1p(math.exp(-abs(v)))

        def _sg(v):
            return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))

        def discriminator_loss(real_logits, fake_logits):
            s, f = [float(v) for v in real_logits], [float(v) for v in fake_logits]
            loss = sum(_sp(-v) for v in s) / len(s) + sum(_sp(v) for v in f) / len(f)
            dreal = np.array([(_sg(v) - 1.0) / len(s) for v in s])
            dfake = np.array([_sg(v) / len(f) for v in f])
            return loss, dreal, dfake

        def discriminator_backward(dlogits, cache):
            x, slope, h, W1, W2 = cache
            dx = np.zeros_like(x)
            grads = {"W1": np.zeros_like(W1), "b1": np.zeros(W1.shape[1]),
                     "W2": np.zeros_like(W2), "b2": np.zeros(1)}
            for n in range(x.shape[0]):
                g = float(dlogits[n])
                da = g * W2[:, 0] * slope[n]
                dx[n] = W1 @ da
                grads["W1"] += np.outer(x[n], da)
                grads["b1"] += da
                grads["W2"][:, 0] += g * h[n]
                grads["b2"][0] += g
            return dx, grads
        """,
    "float32_arithmetic_for_float32_input": """
        def _keep(a):
            a = np.asarray(a)
            return a if a.dtype == np.float32 else a.astype(np.float64)

        def softplus(x):
            x = _keep(x)
            return np.logaddexp(x.dtype.type(0), x)

        def _sig32(x):
            x = _keep(x)
            return x.dtype.type(0.5) * (1 + np.tanh(x / 2))

        def discriminator_loss(real_logits, fake_logits):
            s, f = _keep(real_logits), _keep(fake_logits)
            loss = softplus(-s).mean() + softplus(f).mean()
            return float(loss), (_sig32(s) - 1) / len(s), _sig32(f) / len(f)

        def generator_loss(fake_logits):
            f = _keep(fake_logits)
            return float(softplus(-f).mean()), (_sig32(f) - 1) / len(f)

        def generator_forward(z, params):
            z = _keep(z)
            a = z @ _keep(params["W1"]) + _keep(params["b1"])
            h = np.maximum(a, 0)
            W2 = _keep(params["W2"])
            return h @ W2 + _keep(params["b2"]), (z, a, h, W2)

        def discriminator_forward(x, params, alpha=ALPHA):
            x = _keep(x)
            W1, W2 = _keep(params["W1"]), _keep(params["W2"])
            a = x @ W1 + _keep(params["b1"])
            slope = np.where(a > 0, 1, alpha).astype(a.dtype)
            h = a * slope
            return (h @ W2)[:, 0] + _keep(params["b2"])[0], (x, slope, h, W1, W2)
        """,
}
