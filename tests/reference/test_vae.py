"""Tests of reference.vae: the reconstruction loss, the decoder and the autoencoder, the encoder,
the reparameterisation, the KL term (closed form against a Monte-Carlo estimate), the VAE's
gradients by central differences (and PyTorch's autograd where it is installed), and training."""

import numpy as np
import pytest

from reference import vae
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12
TORCH_RTOL = 1e-10  # float64 in both: different orders of summation only
MC_SAMPLES = 200_000  # Monte-Carlo KL: standard error ~ 1/√M of the log-ratio's spread
MC_ATOL = 0.02
FALL = 0.7  # the visible check's bound on a 300-step run's loss (last 20 vs first 20 steps)


def small_vae(seed: int, D: int = 3, H: int = 4, Z: int = 2, N: int = 5):
    rng = np.random.default_rng(seed)
    params = {"encoder": {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
                          "W_mu": rng.normal(size=(H, Z)), "b_mu": rng.normal(size=Z),
                          "W_logvar": 0.5 * rng.normal(size=(H, Z)),
                          "b_logvar": rng.normal(size=Z)},
              "decoder": {"W1": rng.normal(size=(Z, H)), "b1": rng.normal(size=H),
                          "W2": rng.normal(size=(H, D)), "b2": rng.normal(size=D)}}
    return params, rng.normal(size=(N, D)), rng.normal(size=(N, Z))


def numerical_grads(loss, params: dict) -> dict:
    """Central differences of loss(params) for every tensor of a two-level params dict."""
    out = {}
    for net, p in params.items():
        out[net] = {k: numerical_gradient(
            lambda v, net=net, k=k: loss({**params, net: {**params[net], k: v}}), p[k])
            for k in p}
    return out


def assert_grads(grads: dict, expected: dict, what: str) -> None:
    assert set(grads) == set(expected), what
    for net in expected:
        assert set(grads[net]) == set(expected[net]), f"{what}: {net}"
        for k in expected[net]:
            assert rel_error(grads[net][k], expected[net][k]) < GRAD_RTOL, f"{what}: {net}.{k}"


def test_reconstruction_loss_sums_features_and_averages_the_batch():
    x_hat, x = np.arange(6.0).reshape(2, 3), np.zeros((2, 3))
    loss, dx_hat = vae.reconstruction_loss(x_hat, x)
    assert loss == pytest.approx((0 + 1 + 4 + 9 + 16 + 25) / 2, rel=VALUE_RTOL)
    np.testing.assert_allclose(dx_hat, x_hat)  # 2 (x̂ − x) / N with N = 2


@pytest.mark.parametrize("seed", SEEDS)
def test_decoder_and_autoencoder_gradients(seed):
    params, x, eps = small_vae(seed)
    dec = params["decoder"]
    dx_hat = np.random.default_rng(seed + 10).normal(size=x.shape)
    _, cache = vae.decoder_forward(eps, dec)
    dz, grads = vae.decoder_backward(dx_hat, cache)

    def out(z, p):
        return float(np.sum(vae.decoder_forward(z, p)[0] * dx_hat))
    assert rel_error(dz, numerical_gradient(lambda z: out(z, dec), eps)) < GRAD_RTOL
    for k in dec:
        num = numerical_gradient(lambda v, k=k: out(eps, {**dec, k: v}), dec[k])
        assert rel_error(grads[k], num) < GRAD_RTOL, k
    ae = {"encoder": {"W": params["encoder"]["W1"][:, :2], "b": params["encoder"]["b1"][:2]},
          "decoder": dec}
    _, grads = vae.autoencoder_gradients(ae, x)
    assert_grads(grads, numerical_grads(lambda p: vae.autoencoder_gradients(p, x)[0], ae), "ae")


@pytest.mark.parametrize("seed", SEEDS)
def test_encoder_backward(seed):
    params, x, eps = small_vae(seed)
    enc = params["encoder"]
    rng = np.random.default_rng(seed + 20)
    dmu, dlv = rng.normal(size=eps.shape), rng.normal(size=eps.shape)
    grads = vae.encoder_backward(dmu, dlv, vae.encoder_forward(x, enc)[2])
    for k in enc:
        def out(v, k=k):
            mu, lv, _ = vae.encoder_forward(x, {**enc, k: v})
            return float(np.sum(mu * dmu) + np.sum(lv * dlv))
        assert rel_error(grads[k], numerical_gradient(out, enc[k])) < GRAD_RTOL, k


def test_reparameterize_uses_the_given_noise_and_the_standard_deviation():
    mu, logvar, eps = np.array([[1.0, -2.0]]), np.log(np.array([[4.0, 0.25]])), np.ones((1, 2))
    np.testing.assert_allclose(vae.reparameterize(mu, logvar, eps), [[3.0, -1.5]])
    np.testing.assert_array_equal(vae.reparameterize(mu, logvar, eps),
                                  vae.reparameterize(mu, logvar, eps))


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_closed_form_gradients_and_monte_carlo(seed):
    rng = np.random.default_rng(seed)
    mu, logvar = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    kl, dmu, dlv = vae.kl_divergence(mu, logvar)
    assert kl > 0
    assert rel_error(dmu, numerical_gradient(lambda m: vae.kl_divergence(m, logvar)[0], mu)) \
        < GRAD_RTOL
    assert rel_error(dlv, numerical_gradient(lambda v: vae.kl_divergence(mu, v)[0], logvar)) \
        < GRAD_RTOL
    assert vae.kl_divergence(np.zeros((2, 3)), np.zeros((2, 3)))[0] == 0.0
    # E_q[log q(z) − log p(z)] by sampling z = μ + σ ε, averaged over the batch
    eps = rng.standard_normal((MC_SAMPLES, 1, 1))
    sigma = np.exp(0.5 * logvar)
    z = mu + sigma * eps
    log_ratio = (-0.5 * eps**2 - np.log(sigma)) + 0.5 * z**2  # the 2π terms cancel
    assert np.mean(np.sum(log_ratio, axis=2)) == pytest.approx(kl, abs=MC_ATOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("beta", [1.0, 0.3])
def test_vae_gradients_by_central_differences(seed, beta):
    params, x, eps = small_vae(seed)
    loss, grads = vae.vae_gradients(params, x, eps, beta)
    mu, lv, _ = vae.encoder_forward(x, params["encoder"])
    x_hat, _ = vae.decoder_forward(vae.reparameterize(mu, lv, eps), params["decoder"])
    want = vae.reconstruction_loss(x_hat, x)[0] + beta * vae.kl_divergence(mu, lv)[0]
    assert loss == pytest.approx(want, rel=VALUE_RTOL)
    assert_grads(grads, numerical_grads(lambda p: vae.vae_gradients(p, x, eps, beta)[0], params),
                 "vae")


def test_vae_gradients_match_torch_autograd():
    torch = pytest.importorskip("torch")
    params, x, eps = small_vae(7)
    loss, grads = vae.vae_gradients(params, x, eps, 0.7)
    t = {net: {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in p.items()}
         for net, p in params.items()}
    e, d = t["encoder"], t["decoder"]
    tx, teps = torch.tensor(x), torch.tensor(eps)
    h = torch.tanh(tx @ e["W1"] + e["b1"])
    mu, lv = h @ e["W_mu"] + e["b_mu"], h @ e["W_logvar"] + e["b_logvar"]
    z = mu + torch.exp(0.5 * lv) * teps
    x_hat = torch.tanh(z @ d["W1"] + d["b1"]) @ d["W2"] + d["b2"]
    n = len(x)
    total = ((x_hat - tx) ** 2).sum() / n - 0.7 * 0.5 * (1 + lv - mu**2 - lv.exp()).sum() / n
    total.backward()
    assert loss == pytest.approx(total.item(), rel=TORCH_RTOL)
    for net in t:
        for k, v in t[net].items():
            assert rel_error(grads[net][k], v.grad.numpy()) < TORCH_RTOL, f"{net}.{k}"


def test_inputs_are_not_modified_and_float32_gives_float64():
    params, x, eps = small_vae(3)
    copies = {net: {k: v.copy() for k, v in p.items()} for net, p in params.items()}
    x0, e0 = x.copy(), eps.copy()
    loss64, grads64 = vae.vae_gradients(params, x, eps)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(eps, e0)
    for net in params:
        for k in params[net]:
            np.testing.assert_array_equal(params[net][k], copies[net][k])
    p32 = {net: {k: v.astype(np.float32) for k, v in p.items()} for net, p in params.items()}
    loss32, grads32 = vae.vae_gradients(p32, x.astype(np.float32), eps.astype(np.float32))
    assert grads32["encoder"]["W1"].dtype == np.float64
    assert loss32 == pytest.approx(loss64, rel=1e-5)


def test_bad_shapes_are_named():
    params, x, eps = small_vae(0)
    with pytest.raises(ValueError, match="reparameterize"):
        vae.reparameterize(eps, eps, eps[:, :1])
    with pytest.raises(ValueError, match="encoder_forward"):
        vae.encoder_forward(x, {"W1": 1})
    with pytest.raises(ValueError, match="decoder_backward"):
        vae.decoder_backward(np.ones((2, 2)), vae.decoder_forward(eps, params["decoder"])[1])


def test_make_data_and_init_are_seeded():
    x, labels = vae.make_data(30, seed=1)
    assert x.shape == (30, vae.X_DIM) and set(labels) <= {0, 1, 2}
    np.testing.assert_array_equal(x, vae.make_data(30, seed=1)[0])
    p = vae.init_vae_params(seed=2)
    assert p["encoder"]["W_mu"].shape == (vae.HIDDEN, vae.Z_DIM)
    assert p["decoder"]["W2"].shape == (vae.HIDDEN, vae.X_DIM)


@pytest.mark.parametrize("seed", SEEDS)
def test_short_training_run_loss_falls(seed):
    data, _ = vae.make_data(200, seed=3)
    _, losses = vae.train_vae(data, steps=300, seed=seed)
    assert losses[-20:].mean() < FALL * losses[:20].mean()


def test_default_training_separates_the_classes():
    """After train_vae's default run the classes' mean codes μ lie apart in the latent plane."""
    data, labels = vae.make_data(600, seed=0)
    params, losses = vae.train_vae(data)
    assert losses[-50:].mean() < 0.6 * losses[:50].mean()
    mu, _, _ = vae.encoder_forward(data, params["encoder"])
    centres = np.array([mu[labels == c].mean(axis=0) for c in range(3)])
    spread = max(np.linalg.norm(mu[labels == c] - centres[c], axis=1).mean() for c in range(3))
    gaps = [np.linalg.norm(centres[i] - centres[j]) for i in range(3) for j in range(i)]
    assert min(gaps) > spread
