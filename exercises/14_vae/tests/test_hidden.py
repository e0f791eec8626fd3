"""Hidden checks of exercise 14 (autoencoder and VAE): run only when the instructor grades.

What a submission tuned to the visible checks can miss: other sizes (one sample, one latent
dimension) and β ≠ 1 through the VAE's gradients, float32 inputs, and training with β, another
batch size and three latent dimensions.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a few products, sums, tanh and exp of O(1) values


@points(2)
def test_other_sizes_and_beta(vae, rng):
    """one sample, one latent dimension, and β = 0.5 and 0 in the VAE's gradients

    zh-TW: 一個樣本、一個潛在維度，以及 β = 0.5 與 0 時 VAE 的梯度
    """
    params, x, eps = vae.inputs(D=2, H=3, Z=1, N=1)
    vae.check_kl(rng.normal(size=(1, 1)), rng.normal(size=(1, 1)))
    vae.check_vae_gradients(params, x, eps, beta=0.5)
    params, x, eps = vae.inputs(D=4, H=2, Z=3, N=3)
    vae.check_vae_gradients(params, x, eps, beta=0.0)


@points(2)
def test_float32_inputs(vae, rng):
    """float32 parameters and samples give the float64 answers

    zh-TW: float32 的參數與樣本也得到 float64 的答案
    """
    f32 = np.float32
    params, x, eps = vae.inputs(dtype=f32)
    vae.check_reconstruction(x, x[::-1], rtol=FLOAT32_RTOL)
    vae.check_reparameterize(x[:, :2], eps, eps[::-1], rtol=FLOAT32_RTOL)
    vae.check_kl(x[:, :2], eps, rtol=FLOAT32_RTOL)
    vae.check_vae_gradients(params, x, eps, rtol=FLOAT32_RTOL)


@points(2)
def test_train_with_beta_and_three_latent_dimensions(vae, reference):
    """train_vae's first steps with β = 2, batch 4, Z = 3 and another learning rate

    zh-TW: β = 2、批次 4、Z = 3 與另一個學習率時 train_vae 的前幾步
    """
    data, _ = reference.make_data(50, seed=7)
    vae.check_train_first_steps(data, steps=4, batch_size=4, lr=0.05, beta=2.0, hidden=3,
                                z_dim=3, seed=4)
