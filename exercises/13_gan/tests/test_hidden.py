"""Hidden checks of exercise 13 (GAN): run only when the instructor grades.

What a submission tuned to the visible checks can miss: 2-D data and other sizes (N ≠ M, other
Z and H) through every gradient and step, float32 inputs, more than two D steps per round and
train_gan with k = 2, DCGAN's first generator block (noise 1×1 → 4×4, stride 1, no padding)
and other strides and slopes, and losses of a single sample.
"""

import numpy as np

from grader.checks import points

FLOAT32_RTOL = 1e-4  # float32 rounds at 6e-8; a few products, sums and exps of O(1) values
LR = 0.02


@points(2)
def test_two_dimensional_data(game, rng):
    """2-D data, Z = 3, H = 5, N = 7, M = 4 through every gradient and one step of each player

    zh-TW: 2 維資料、Z = 3、H = 5、N = 7、M = 4：每個梯度與兩個玩家各一次更新
    """
    params, x, z = game.inputs(D=2, Z=3, H=5, N=7, M=4)
    game.check_generator_backward(z, params["G"], rng.normal(size=(4, 2)))
    game.check_discriminator_backward(x, params["D"], rng.normal(size=7))
    game.check_discriminator_gradients(params, x, z)
    game.check_generator_gradients(params, z)
    game.check_discriminator_step(params, x, z, lr=LR, steps=1)
    game.check_generator_step(params, z, lr=LR, steps=1)


@points(2)
def test_float32_inputs(game, rng):
    """float32 logits, parameters and samples give the float64 answers

    zh-TW: float32 的 logits、參數與樣本也得到 float64 的答案
    """
    f32 = np.float32
    s, f = rng.normal(scale=2.0, size=5).astype(f32), rng.normal(scale=2.0, size=4).astype(f32)
    game.check_discriminator_loss(s, f, rtol=FLOAT32_RTOL)
    game.check_generator_loss(f, rtol=FLOAT32_RTOL)
    params, x, z = game.inputs(D=2, dtype=f32)
    game.check_generator_forward(z, params["G"], rtol=FLOAT32_RTOL)
    game.check_discriminator_forward(x, params["D"], rtol=FLOAT32_RTOL)
    game.check_discriminator_backward(x, params["D"], rng.normal(size=len(x)).astype(f32),
                                      rtol=FLOAT32_RTOL)
    game.check_discriminator_gradients(params, x, z, rtol=FLOAT32_RTOL)
    game.check_generator_gradients(params, z, rtol=FLOAT32_RTOL)


@points(2)
def test_more_discriminator_steps(game, training, reference, rng):
    """train_step with k = 3 D steps, and train_gan's first steps with k = 2 on 2-D data

    zh-TW: k = 3 次 D 更新的 train_step，以及 2 維資料上 k = 2 的 train_gan 前幾步
    """
    params, _, _ = game.inputs(N=4, M=3)
    game.check_train_step(params, rng.normal(size=(3, 4, 1)), rng.normal(size=(3, 3, 2)),
                          rng.normal(size=(3, 2)), lr=LR)
    data = rng.normal(size=(60, 2)) * [1.0, 0.3] + [2.0, -1.0]
    training.check_first_steps(data, steps=3, batch_size=6, k=2, hidden=4, z_dim=3, seed=5,
                               lr=0.01)


@points(2)
def test_blocks_other_shapes(blocks):
    """DCGAN blocks: noise 1×1 → 4×4 (stride 1, no padding), stride 1 and α = 0.1 in D

    zh-TW: DCGAN 區塊：雜訊 1×1 → 4×4（stride 1、不補零），D 的 stride 1 與 α = 0.1
    """
    blocks.check("generator", blocks.inputs("generator", N=3, C_in=4, C_out=2, H=1, K=4),
                 stride=1, pad=0)
    blocks.check("generator", blocks.inputs("generator", C_in=3, C_out=1, H=3, K=4), last=True,
                 stride=2, pad=1)
    blocks.check("discriminator", blocks.inputs("discriminator", C_in=1, C_out=2, H=3, K=2),
                 stride=1, pad=0, alpha=0.1)


@points(1)
def test_losses_of_one_sample(game, rng):
    """the losses with a single real sample or a single fake (N = 1, M = 1)

    zh-TW: 只有一個真樣本或一個假樣本時的損失（N = 1、M = 1）
    """
    game.check_discriminator_loss(rng.normal(size=1), rng.normal(size=9))
    game.check_discriminator_loss(rng.normal(size=8), rng.normal(size=1))
    game.check_generator_loss(rng.normal(size=1))
    game.check_generator_loss(rng.normal(size=1), saturating=True)
