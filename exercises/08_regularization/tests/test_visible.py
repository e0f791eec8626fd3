"""Visible checks of exercise 08 (regularisation): what `grade exercise 08` runs.

Dropout: the mask by its statistics, the forward with a given mask and with a seed, eval mode,
the backward by central differences. Batch norm: the training output, the running statistics,
eval mode, and dx, dγ, dβ by central differences of the student's own forward. L1/L2 penalties
and gradients; Xavier and He by their statistics; the documented seeded draws (the only check a
different but correct way of drawing loses); clipping by value and by global norm; the
gradient-norm experiment by its shape (whatever the draws) and by its values. Known mistakes are
named (tests/conftest.py computes them).
"""

from grader.checks import points

MASK_SHAPE = (200, 150)  # 30 000 units: the kept fraction is known to ±0.003
INIT_FANS = (300, 100)  # n_in ≠ n_out, so Xavier's, He's and LeCun's variances all differ
LAM = 0.03


def _seed(rng) -> int:
    return int(rng.integers(1000))


@points(2)
def test_dropout_mask(dropout, rng):
    """dropout_mask: entries 0 or 1/(1 − p), a fraction 1 − p kept, reproducible for a seed

    zh-TW: dropout_mask：元素為 0 或 1/(1 − p)、保留比例 1 − p、同一個 seed 可重現
    """
    for p in (0.2, 0.65):
        dropout.check_mask(MASK_SHAPE, p, _seed(rng))


@points(2)
def test_seeded_draws_as_documented(seeded):
    """dropout_mask, xavier_init and he_init give the documented draws for a seed

    zh-TW: dropout_mask、xavier_init 與 he_init 對同一個 seed 得到文件規定的抽樣結果
    """
    seeded.check_draws()


@points(2)
def test_dropout_forward_train(dropout, rng):
    """dropout_forward in training: x ⊙ mask, with a mask given or drawn from a seed

    zh-TW: 訓練時的 dropout_forward：x ⊙ mask，mask 由參數傳入或由 seed 抽出
    """
    for shape, p in (((4, 6), 0.3), ((5, 3, 2), 0.5)):
        x = rng.normal(size=shape)
        dropout.check_with_mask(x, p, dropout.random_mask(shape, p))
        dropout.check_with_seed(x, p, _seed(rng))


@points(2)
def test_dropout_eval_is_identity(dropout, rng):
    """dropout_forward with train=False returns x unchanged, and its backward passes dout on

    zh-TW: train=False 時 dropout_forward 原樣回傳 x，反向傳播原樣傳回 dout
    """
    x = rng.normal(size=(6, 5))
    dropout.check_eval(x, 0.4, seed=_seed(rng))
    dropout.check_eval(x, 0.4, seed=None)


@points(1)
def test_dropout_backward(dropout, rng):
    """dropout_backward: dx = dout ⊙ mask, by central differences

    zh-TW: dropout_backward：dx = dout ⊙ mask，以中央差分驗證
    """
    shape, p = (5, 4), 0.25
    dropout.check_backward(rng.normal(size=shape), p, dropout.random_mask(shape, p),
                           rng.normal(size=shape))


@points(3)
def test_batchnorm_forward(batchnorm):
    """batchnorm_forward in training: each feature normalised over the batch, then γ x̂ + β

    zh-TW: 訓練時的 batchnorm_forward：每個特徵沿著批次正規化，再算 γ x̂ + β
    """
    batchnorm.check_forward(batchnorm.inputs(8, 5))
    batchnorm.check_forward(batchnorm.inputs(3, 6))


@points(2)
def test_batchnorm_running_statistics(batchnorm):
    """batchnorm_forward in training: running ← 0.9 · running + 0.1 · batch statistic

    zh-TW: 訓練時的 batchnorm_forward：running ← 0.9 · running + 0.1 · 批次統計量
    """
    batchnorm.check_running(batchnorm.inputs(8, 5))


@points(2)
def test_batchnorm_eval(batchnorm):
    """batch norm in eval: the running statistics, returned unchanged, constants in the backward

    zh-TW: 評估時的批次正規化：用移動統計量並原樣回傳，反向傳播時視為常數
    """
    values = batchnorm.inputs(6, 4)
    batchnorm.check_forward(values, train=False)
    batchnorm.check_running(values, train=False)
    batchnorm.check_backward(values, train=False)


@points(3)
def test_batchnorm_backward(batchnorm):
    """batchnorm_backward in training: dx, dγ and dβ agree with central differences

    zh-TW: 訓練時的 batchnorm_backward：dx、dγ 與 dβ 與中央差分一致
    """
    batchnorm.check_backward(batchnorm.inputs(6, 4))
    batchnorm.check_backward(batchnorm.inputs(3, 5))


@points(2)
def test_l1_penalty_and_gradient(penalties, rng):
    """L1: λ Σ|w| and its gradient λ sign(w), 0 where w = 0

    zh-TW: L1：λ Σ|w| 與它的梯度 λ sign(w)，w = 0 處為 0
    """
    w = rng.normal(size=(4, 5))
    w[0, 1] = w[2, 3] = 0.0  # sign(0) = 0
    penalties.check_l1(w, LAM)


@points(2)
def test_l2_penalty_and_gradient(penalties, rng):
    """L2: λ Σ w² (no ½) and its gradient 2λw

    zh-TW: L2：λ Σ w²（沒有 ½）與它的梯度 2λw
    """
    penalties.check_l2(rng.normal(size=(3, 7)), LAM)


@points(2)
def test_xavier_init(seeded):
    """xavier_init: shape (n_in, n_out), mean 0, variance 2/(n_in + n_out), seeded

    zh-TW: xavier_init：形狀 (n_in, n_out)、平均 0、變異數 2/(n_in + n_out)、由 seed 決定
    """
    seeded.check_init("xavier_init", *INIT_FANS, "xavier")


@points(2)
def test_he_init(seeded):
    """he_init: shape (n_in, n_out), mean 0, variance 2/n_in, seeded

    zh-TW: he_init：形狀 (n_in, n_out)、平均 0、變異數 2/n_in、由 seed 決定
    """
    seeded.check_init("he_init", *INIT_FANS, "he")


@points(1)
def test_clip_by_value(clipping):
    """clip_by_value: every entry of every gradient into [−clip, clip]

    zh-TW: clip_by_value：每個梯度的每個元素都限制在 [−clip, clip]
    """
    clipping.check_value(clipping.gradients(), 1.5)


@points(1)
def test_global_norm(clipping):
    """global_norm: the norm of all gradients taken together as one vector

    zh-TW: global_norm：把所有梯度合成一個向量的範數
    """
    clipping.check_global_norm(clipping.gradients())


@points(2)
def test_clip_by_norm(clipping):
    """clip_by_norm: one factor min(1, max_norm / global norm) for all gradients

    zh-TW: clip_by_norm：所有梯度共用一個係數 min(1, max_norm / 全域範數)
    """
    clipping.check_norm(clipping.gradients(), 4.0)  # global norm ≈ 14, each tensor's 6 to 10
    clipping.check_norm(clipping.gradients(scale=0.1), 4.0)  # global norm ≈ 0.5: unchanged


@points(2)
def test_vanishing_and_exploding_gradients(experiment, rng):
    """the experiment: sigmoid's gradient norms vanish towards the input, ReLU's stay comparable,
    and ReLU's with twice He's std explode

    zh-TW: 實驗：sigmoid 的梯度範數越靠近輸入越小（消失），ReLU 的維持相近，權重標準差加倍的 ReLU
    則爆炸
    """
    experiment.check_shape(_seed(rng))


@points(2)
def test_gradient_norms_values(experiment, rng):
    """the experiment's per-layer norms equal the reference's for the documented draws

    zh-TW: 實驗的每層範數在文件規定的抽樣下與參考答案相同
    """
    seed = _seed(rng)
    for activation in ("sigmoid", "relu"):
        experiment.check_values(activation, seed, depth=6, width=16, N=20)


@points(1)
def test_inputs_not_modified(submission, dropout, batchnorm, clipping, rng):
    """no function changes its arguments in place (x, masks, running statistics, gradients)

    zh-TW: 沒有函式會原地修改參數（x、mask、移動統計量、梯度）
    """
    x = rng.normal(size=(4, 3))
    _, cache = dropout.forward(x, 0.5, mask=dropout.random_mask(x.shape, 0.5))
    submission.dropout_backward(rng.normal(size=x.shape), cache)  # the grader reports a change
    values = batchnorm.inputs(4, 3)
    for train in (True, False):
        _, cache, _, _ = batchnorm.forward(values, train)
        submission.batchnorm_backward(values["dout"], cache)
    grads = clipping.gradients()
    submission.clip_by_value(grads, 1.0)
    submission.clip_by_norm(grads, 1.0)
    submission.global_norm(grads)
    submission.l1_grad(x, LAM)
    submission.l2_grad(x, LAM)
