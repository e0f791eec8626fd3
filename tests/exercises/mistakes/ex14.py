"""Exercise 14 (autoencoder and VAE): its wrong submissions and correct variants, graded by
tests/exercises/test_wrong_submissions.py (its docstring explains the tables)."""

# The alternative solution _solutions_14.py composes its functions as the stub suggests:
# vae_gradients calls the encoder, reparameterize, the decoder, reconstruction_loss and
# kl_divergence; autoencoder_gradients the decoder and reconstruction_loss; train_vae
# vae_gradients. So a wrong building block also costs the checks built on it (their messages
# name the block that disagrees).
VAE = {"test_vae_gradients", "test_train_vae"}
BLAME_KL = "your kl_divergence disagrees with the reference"

WRONG = {
    "kl_with_the_wrong_sign": ("""
        def kl_divergence(mu, logvar):
            mu, logvar = _f(mu), _f(logvar)
            n = len(mu)
            kl = 0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar)) / n
            return float(kl), -mu / n, -0.5 * (np.exp(logvar) - 1) / n
        """, {"test_kl_divergence"} | VAE,
        ["the sign is wrong: KL = −½ Σ (1 + log σ² − μ² − σ²) / N is ≥ 0", BLAME_KL,
         "your vae_gradients disagrees with the reference"]),
    "kl_summed_over_the_batch": ("""
        def kl_divergence(mu, logvar):
            mu, logvar = _f(mu), _f(logvar)
            kl = -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar))
            return float(kl), mu, 0.5 * (np.exp(logvar) - 1)
        """, {"test_kl_divergence"} | VAE,
        ["KL is summed over the batch; the convention here is a sum over the latent dimensions "
         "and a MEAN over the N samples", BLAME_KL]),
    "kl_gradient_for_logvar_without_the_half": ("""
        def kl_divergence(mu, logvar):
            mu, logvar = _f(mu), _f(logvar)
            n = len(mu)
            kl = -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar)) / n
            return float(kl), mu / n, (np.exp(logvar) - 1) / n
        """, {"test_kl_divergence"} | VAE,
        ["∂KL/∂log σ² is missing its ½", BLAME_KL]),
    "kl_gradient_for_logvar_with_sigma_not_variance": ("""
        def kl_divergence(mu, logvar):
            mu, logvar = _f(mu), _f(logvar)
            n = len(mu)
            kl = -0.5 * np.sum(1 + logvar - mu**2 - np.exp(logvar)) / n
            return float(kl), mu / n, 0.5 * (np.exp(0.5 * logvar) - 1) / n
        """, {"test_kl_divergence"} | VAE,
        ["∂KL/∂log σ² uses σ where it needs σ² = exp(log σ²)", BLAME_KL]),
    "reparameterize_with_the_variance": ("""
        def reparameterize(mu, logvar, eps):
            return _f(mu) + np.exp(_f(logvar)) * _f(eps)
        """, {"test_reparameterisation"} | VAE,
        ["z = μ + σ² ε: exp(log σ²) is the variance",
         "your reparameterize disagrees with the reference"]),
    "reparameterize_draws_its_own_noise": ("""
        def reparameterize(mu, logvar, eps):
            mu = _f(mu)
            return mu + np.exp(0.5 * _f(logvar)) * np.random.standard_normal(mu.shape)
        """, {"test_reparameterisation"} | VAE,
        ["gave another z for the same arguments: it draws its own noise",
         "your reparameterize disagrees with the reference"]),
    "no_gradient_through_z": ("""
        def vae_gradients(params, x, eps, beta=1.0):
            eps = _f(eps)
            mu, logvar, enc_cache = encoder_forward(x, params["encoder"])
            z = reparameterize(mu, logvar, eps)
            x_hat, dec_cache = decoder_forward(z, params["decoder"])
            rec, dx_hat = reconstruction_loss(x_hat, x)
            kl, dmu_kl, dlogvar_kl = kl_divergence(mu, logvar)
            _, dec = decoder_backward(dx_hat, dec_cache)
            enc = encoder_backward(beta * dmu_kl, beta * dlogvar_kl, enc_cache)
            return rec + beta * kl, {"encoder": enc, "decoder": dec}
        """, VAE,
        ["the encoder gets only the KL term's gradients: the reconstruction's gradient must "
         "flow back through z"]),
    "reparameterisation_gradient_without_the_half": ("""
        def vae_gradients(params, x, eps, beta=1.0):
            eps = _f(eps)
            mu, logvar, enc_cache = encoder_forward(x, params["encoder"])
            z = reparameterize(mu, logvar, eps)
            x_hat, dec_cache = decoder_forward(z, params["decoder"])
            rec, dx_hat = reconstruction_loss(x_hat, x)
            kl, dmu_kl, dlogvar_kl = kl_divergence(mu, logvar)
            dz, dec = decoder_backward(dx_hat, dec_cache)
            dlogvar = dz * eps * np.exp(0.5 * logvar) + beta * dlogvar_kl
            enc = encoder_backward(dz + beta * dmu_kl, dlogvar, enc_cache)
            return rec + beta * kl, {"encoder": enc, "decoder": dec}
        """, VAE, ["encoder.W_logvar"]),
    "decoder_backward_without_the_tanh_derivative": ("""
        def decoder_backward(dx_hat, cache):
            z, h, W1, W2 = cache
            g = _f(dx_hat)
            da = g @ W2.T
            grads = {"W1": z.T @ da, "b1": da.sum(0), "W2": h.T @ g, "b2": g.sum(0)}
            return da @ W1.T, grads
        """, {"test_decoder", "test_autoencoder_gradients"} | VAE,
        ["tanh's derivative (1 − h²) is missing",
         "your decoder_backward disagrees with the reference"]),
    "reconstruction_averaged_over_the_features_too": ("""
        def reconstruction_loss(x_hat, x):
            diff = _f(x_hat) - _f(x)
            return float(np.mean(diff**2)), 2 * diff / diff.size
        """, {"test_reconstruction_loss", "test_autoencoder_gradients"} | VAE,
        ["averaged over the features too (Keras's mse)",
         "your reconstruction_loss disagrees with the reference"]),
    "train_vae_draws_the_noise_before_the_rows": ("""
        def train_vae(data, steps=STEPS, batch_size=BATCH, lr=LR, beta=1.0, hidden=HIDDEN,
                      z_dim=Z_DIM, seed=0):
            data = _f(data)
            params = init_vae_params(data.shape[1], hidden, z_dim, seed)
            rng = np.random.default_rng(seed + 1)
            losses = []
            for _ in range(steps):
                eps = rng.standard_normal((batch_size, z_dim))
                rows = rng.integers(0, len(data), size=batch_size)
                loss, grads = vae_gradients(params, data[rows], eps, beta)
                losses.append(loss)
                params = {net: {k: w - lr * grads[net][k] for k, w in p.items()}
                          for net, p in params.items()}
            return params, np.array(losses)
        """, {"test_train_vae"}, ["the losses of train_vae(data (200, 8), steps=3"]),
}

HIDDEN_ONLY = {
    "beta_ignored": ("""
        _vae_gradients = vae_gradients

        def vae_gradients(params, x, eps, beta=1.0):
            return _vae_gradients(params, x, eps)
        """, {"test_other_sizes_and_beta", "test_train_with_beta_and_three_latent_dimensions"}),
    "latent_codes_squeezed": ("""
        def encoder_forward(x, params):
            x = _f(x)
            p = {k: _f(v) for k, v in params.items()}
            h = np.tanh(x @ p["W1"] + p["b1"])
            mu = np.squeeze(h @ p["W_mu"] + p["b_mu"])
            logvar = np.squeeze(h @ p["W_logvar"] + p["b_logvar"])
            return mu, logvar, (x, h, p)
        """, {"test_other_sizes_and_beta"}),
}

CORRECT = {
    "loops_over_samples": """
        def kl_divergence(mu, logvar):
            mu, logvar = _f(mu), _f(logvar)
            n = len(mu)
            total = 0.0
            for m, lv in zip(mu, logvar):
                total += sum(0.5 * (a * a + np.exp(b) - 1.0 - b) for a, b in zip(m, lv))
            return float(total / n), mu / n, 0.5 * np.expm1(logvar) / n

        def reparameterize(mu, logvar, eps):
            mu, logvar, eps = _f(mu), _f(logvar), _f(eps)
            z = np.empty_like(mu)
            for i in range(len(mu)):
                z[i] = mu[i] + np.exp(logvar[i] / 2) * eps[i]
            return z
        """,
    "vae_gradients_in_one_piece": """
        def vae_gradients(params, x, eps, beta=1.0):
            x, eps = _f(x), _f(eps)
            e = {k: _f(v) for k, v in params["encoder"].items()}
            d = {k: _f(v) for k, v in params["decoder"].items()}
            n = len(x)
            he = np.tanh(x @ e["W1"] + e["b1"])
            mu, lv = he @ e["W_mu"] + e["b_mu"], he @ e["W_logvar"] + e["b_logvar"]
            s = np.exp(lv / 2)
            z = mu + s * eps
            hd = np.tanh(z @ d["W1"] + d["b1"])
            r = hd @ d["W2"] + d["b2"] - x
            loss = np.sum(r * r) / n + beta * np.sum(mu * mu + s * s - 1 - lv) / (2 * n)
            g = 2 * r / n
            dad = (g @ d["W2"].T) * (1 - hd * hd)
            dz = dad @ d["W1"].T
            dmu = dz + beta * mu / n
            dlv = dz * eps * s / 2 + beta * (s * s - 1) / (2 * n)
            dae = (dmu @ e["W_mu"].T + dlv @ e["W_logvar"].T) * (1 - he * he)
            return float(loss), {
                "encoder": {"W1": x.T @ dae, "b1": dae.sum(0), "W_mu": he.T @ dmu,
                            "b_mu": dmu.sum(0), "W_logvar": he.T @ dlv, "b_logvar": dlv.sum(0)},
                "decoder": {"W1": z.T @ dad, "b1": dad.sum(0), "W2": hd.T @ g, "b2": g.sum(0)}}
        """,
}
