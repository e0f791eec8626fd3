"""Visible checks of exercise 14 (autoencoder and VAE): what `grade exercise 14` runs.

The reconstruction loss, the decoder and a plain autoencoder's gradients, the VAE's encoder,
the reparameterisation with the given noise, the KL term and its gradients, the VAE's loss and
gradients through z (central differences of the student's own loss, ε fixed), and training: the
first steps against the reference (the documented draws), then a short run whose loss falls.
"""

from grader.checks import points

SHORT_RUN = 300  # steps of the short run (the reference takes ~0.03 s; its loss falls to ~0.55×)


@points(1)
def test_reconstruction_loss(vae, rng):
    """the reconstruction loss (1/N) Σ (x̂ − x)² and its gradient

    zh-TW: 重建損失 (1/N) Σ (x̂ − x)² 與它的梯度
    """
    vae.check_reconstruction(rng.normal(size=(5, 3)), rng.normal(size=(5, 3)))


@points(2)
def test_decoder(vae, rng):
    """the decoder x̂ = tanh(z W1 + b1) W2 + b2 and its gradients, dz included

    zh-TW: 解碼器 x̂ = tanh(z W1 + b1) W2 + b2 與它的梯度（包括 dz）
    """
    params, _, eps = vae.inputs()
    vae.check_decoder(eps, params["decoder"], rng.normal(size=(5, 3)))


@points(2)
def test_autoencoder_gradients(vae, rng):
    """a plain autoencoder's loss and gradients: encoder → code → decoder

    zh-TW: 一般自編碼器的損失與梯度：編碼器 → 編碼 → 解碼器
    """
    params, x, _ = vae.inputs()
    params = {"encoder": {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)},
              "decoder": params["decoder"]}
    vae.check_autoencoder(params, x)


@points(2)
def test_encoder(vae, rng):
    """the VAE's encoder: μ and log σ², and its gradients

    zh-TW: VAE 的編碼器：μ 與 log σ²，以及它的梯度
    """
    params, x, _ = vae.inputs()
    vae.check_encoder(x, params["encoder"], rng.normal(size=(5, 2)), rng.normal(size=(5, 2)))


@points(2)
def test_reparameterisation(vae, rng):
    """the reparameterisation z = μ + exp(½ log σ²) ⊙ ε with the given ε

    zh-TW: 重新參數化 z = μ + exp(½ log σ²) ⊙ ε，使用給定的 ε
    """
    vae.check_reparameterize(rng.normal(size=(6, 2)), rng.normal(size=(6, 2)),
                             rng.normal(size=(6, 2)))


@points(2)
def test_kl_divergence(vae, rng):
    """KL(N(μ, σ²) ‖ N(0, I)) averaged over the batch, and its gradients

    zh-TW: KL(N(μ, σ²) ‖ N(0, I))（對批次平均）與它的梯度
    """
    vae.check_kl(rng.normal(size=(6, 3)), rng.normal(size=(6, 3)))


@points(3)
def test_vae_gradients(vae):
    """the VAE's loss R + KL and its gradients, through z to μ and log σ²

    zh-TW: VAE 的損失 R + KL 與它的梯度，經過 z 傳回 μ 與 log σ²
    """
    params, x, eps = vae.inputs()
    vae.check_vae_gradients(params, x, eps)


@points(2)
def test_train_vae(vae, reference):
    """train_vae: the first steps as the reference's, then a short run whose loss falls

    zh-TW: train_vae：前幾步與參考答案相同，短暫訓練後損失下降
    """
    data, _ = reference.make_data(200, seed=3)
    vae.check_train_first_steps(data, steps=3, batch_size=6, hidden=5, seed=2)
    vae.check_loss_falls(data, SHORT_RUN)
