"""Visible checks of exercise 13 (GAN): what `grade exercise 13` runs.

The losses on logits (values, gradients, and finite at logits of ±800), the generator and the
discriminator (forward against the reference, gradients by central differences of the student's
own forward), each player's gradients (G's through D), one step of each player (the other one
must come back unchanged), the seeds' schedule (k steps of D, then one of G), D's accuracy,
training (the first steps against the reference, then a short run that must move G's samples
toward the target), and DCGAN's generator and discriminator blocks.
"""


from grader.checks import points

LR = 0.05  # a large step: one Adam step moves every parameter by about LR
SHORT_RUN = 400  # steps of the short training run (the reference takes ~0.2 s)
MEAN_TOL = 0.5  # after 400 steps the reference's mean is within 0.16 of the data's (20 seeds)
STD_TOL = 0.4  # ... and its std within 25 % (G starts near mean 0.5, std 0.5, far from N(4, 1.25²))


@points(1)
def test_softplus(game, rng):
    """softplus(x) = log(1 + eˣ) on ordinary values

    zh-TW: 一般數值上的 softplus(x) = log(1 + eˣ)
    """
    game.check_softplus(rng.normal(scale=10.0, size=(3, 4)))


@points(2)
def test_discriminator_loss(game, rng):
    """the discriminator's loss: real labelled 1, fake 0, and its gradients

    zh-TW: 判別器的損失：真樣本標籤 1、假樣本標籤 0，以及它的梯度
    """
    game.check_discriminator_loss(rng.normal(scale=2.0, size=5), rng.normal(scale=2.0, size=7))


@points(2)
def test_generator_loss_is_non_saturating(game, rng):
    """the generator's non-saturating loss −log D(G(z)) and its gradient

    zh-TW: 生成器的非飽和損失 −log D(G(z)) 與它的梯度
    """
    game.check_generator_loss(rng.normal(scale=2.0, size=6) - 2.0)


@points(1)
def test_saturating_generator_loss(game, rng):
    """the saturating loss log(1 − D(G(z))) and its gradient

    zh-TW: 飽和損失 log(1 − D(G(z))) 與它的梯度
    """
    game.check_generator_loss(rng.normal(scale=2.0, size=6) - 2.0, saturating=True)


@points(2)
def test_losses_are_stable_for_large_logits(game):
    """softplus and the three losses stay finite and exact at logits of ±60 and ±800

    zh-TW: softplus 與三個損失在 logit 為 ±60 與 ±800 時仍是正確的有限值
    """
    game.check_stability()


@points(1)
def test_generator_forward(game, rng):
    """the generator x̃ = relu(z W1 + b1) W2 + b2

    zh-TW: 生成器 x̃ = relu(z W1 + b1) W2 + b2
    """
    params, _, z = game.inputs()
    game.check_generator_forward(z, params["G"])


@points(2)
def test_generator_backward(game, rng):
    """the generator's parameter gradients agree with central differences

    zh-TW: 生成器的參數梯度與中央差分一致
    """
    params, _, z = game.inputs(D=2)
    game.check_generator_backward(z, params["G"], rng.normal(size=(len(z), 2)))


@points(2)
def test_discriminator_forward(game, rng):
    """the discriminator's logits with LeakyReLU, at the default α and at α = 0.1

    zh-TW: 使用 LeakyReLU 的判別器 logits，預設的 α 與 α = 0.1
    """
    params, x, _ = game.inputs()
    game.check_discriminator_forward(x, params["D"])
    game.check_discriminator_forward(x, params["D"], alpha=0.1)


@points(2)
def test_discriminator_backward(game, rng):
    """the discriminator's input gradient dx and parameter gradients

    zh-TW: 判別器對輸入的梯度 dx 與參數梯度
    """
    params, x, _ = game.inputs(D=2)
    game.check_discriminator_backward(x, params["D"], rng.normal(size=len(x)))


@points(2)
def test_discriminator_gradients(game, rng):
    """L_D and its gradients with respect to D's parameters, G fixed

    zh-TW: L_D 與它對 D 參數的梯度（G 固定）
    """
    params, x, z = game.inputs()
    game.check_discriminator_gradients(params, x, z)


@points(3)
def test_generator_gradients_flow_through_the_discriminator(game, rng):
    """L_G and its gradients with respect to G's parameters, through D's input gradient

    zh-TW: L_G 與它對 G 參數的梯度，經過 D 對輸入的梯度傳回
    """
    params, _, z = game.inputs()
    game.check_generator_gradients(params, z)


@points(2)
def test_discriminator_step_keeps_g_fixed(game, rng):
    """two Adam steps of D; G's parameters come back unchanged

    zh-TW: D 的兩次 Adam 更新；G 的參數原封不動
    """
    params, x, z = game.inputs()
    game.check_discriminator_step(params, x, z, lr=LR)


@points(2)
def test_generator_step_keeps_d_frozen(game, rng):
    """two Adam steps of G; D's parameters come back unchanged

    zh-TW: G 的兩次 Adam 更新；D 的參數原封不動
    """
    params, _, z = game.inputs()
    game.check_generator_step(params, z, lr=LR)


@points(2)
def test_train_step_schedule(game, rng):
    """the seeds' schedule: k = 2 steps of D (G fixed), then one step of G (D fixed)

    zh-TW: 講義的訓練順序：先訓練 D 兩次（G 不動），再訓練 G 一次（D 不動）
    """
    params, _, _ = game.inputs()
    game.check_train_step(params, rng.normal(size=(2, 5, 1)), rng.normal(size=(2, 6, 2)),
                          rng.normal(size=(6, 2)), lr=LR)


@points(1)
def test_discriminator_accuracy(game, rng):
    """D's accuracy over the real samples and the fakes

    zh-TW: D 對真樣本與假樣本的準確率
    """
    params, x, z = game.inputs(N=9, M=11)
    game.check_accuracy(params, x, z)


@points(1)
def test_train_gan_first_steps(training, reference):
    """train_gan's first steps: the documented draws give the reference's losses and params

    zh-TW: train_gan 的前幾步：依文件規定的抽樣得到與參考答案相同的損失與參數
    """
    training.check_first_steps(reference.target_samples(100, seed=3), steps=4, batch_size=8,
                               hidden=5, seed=2)


@points(2)
def test_training_moves_g_toward_the_target(training, reference, rng):
    """a short run (400 steps): G's samples move to the target's mean and spread

    zh-TW: 短暫訓練（400 步）：G 的樣本移向目標的平均與分散程度
    """
    data = reference.target_samples(1000, seed=4)
    z = rng.normal(size=(2000, 2))
    training.check_moves_toward_target(data, z, MEAN_TOL, STD_TOL, steps=SHORT_RUN, seed=1)


@points(2)
def test_generator_blocks(blocks):
    """DCGAN's generator block: transposed conv → batch norm → ReLU, and the last → tanh

    zh-TW: DCGAN 的生成器區塊：轉置卷積 → 批次正規化 → ReLU，最後一層 → tanh
    """
    blocks.check("generator", blocks.inputs("generator"))
    blocks.check("generator", blocks.inputs("generator", C_out=1), last=True)


@points(2)
def test_discriminator_blocks(blocks):
    """DCGAN's discriminator block: conv → batch norm → LeakyReLU, and without batch norm

    zh-TW: DCGAN 的判別器區塊：卷積 → 批次正規化 → LeakyReLU，以及沒有批次正規化的版本
    """
    blocks.check("discriminator", blocks.inputs("discriminator", H=4))
    blocks.check("discriminator", blocks.inputs("discriminator", H=4), batchnorm=False)

