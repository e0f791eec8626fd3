"""Hidden checks of exercise 05 (backpropagation): run only when the instructor grades.

Other shapes and seeds than the visible checks, and what a submission tuned to them can miss:
float32 inputs, a single sample and a wider network through the backward pass, the hand
example at other inputs and weights, and mini-batch training.
"""

import numpy as np

from grader.checks import points, tip

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; a few products and sums of O(1) values stay below
MINI_BATCH_ACCURACY = 0.9  # the reference reaches 0.99 with batch_size=32, 2000 steps
BATCH_HINT = tip("each epoch: order = default_rng(seed + 1).permutation(N) (one generator, "
                 "created once), then the steps take rows order[0:B], order[B:2B], ...; when "
                 "fewer than B rows are left, draw a new permutation",
                 "每個 epoch：order = default_rng(seed + 1).permutation(N)（同一個產生器，只建立"
                 "一次），接著每一步取 order[0:B]、order[B:2B]、...；剩下不到 B 列時，重新排列")


@points(2)
def test_float32_inputs(network, random_net):
    """float32 params and data through forward and loss

    zh-TW: float32 的參數與資料通過正向傳播與損失
    """
    params, X, y = random_net(7, 3, 5, 4, dtype=np.float32)
    network.check_forward(X, params, rtol=FLOAT32_RTOL)
    network.check_loss(params, X, y, rtol=FLOAT32_RTOL)


@points(2)
def test_single_sample_and_wider_network(network, random_net, rng):
    """backward with N = 1, and with N = 12, D = 2, H = 7, C = 3

    zh-TW: N = 1 的反向傳播，以及 N = 12、D = 2、H = 7、C = 3
    """
    for N, D, H, C in ((1, 3, 2, 4), (12, 2, 7, 3)):
        params, X, _ = random_net(N, D, H, C)
        network.check_backward(X, params, rng.normal(size=(N, C)))


@points(1)
def test_hand_example_elsewhere(hand, rng):
    """the hand example at other inputs, weights and targets, every value

    zh-TW: 其他輸入、權重與目標下的手算例子，所有值
    """
    keys = ("h1_in", "h2_in", "h1_out", "h2_out", "o1_in", "o2_in", "o1_out", "o2_out",
            "error") + tuple(f"dw{i}" for i in range(1, 9))
    for _ in range(2):
        hand(keys, x=rng.normal(size=2), weights=rng.normal(scale=2.0, size=8),
             y=rng.uniform(-0.5, 1.0, size=2))


@points(2)
def test_mini_batch_training(reference, training):
    """mini-batch training (batch_size=32): the first losses, then it still learns the moons

    zh-TW: 小批次訓練（batch_size=32）：前幾步的損失，以及仍然學得會雙月資料
    """
    X, y = reference.make_moons(200, seed=7)
    training.check(X, y, MINI_BATCH_ACCURACY, BATCH_HINT, batch_size=32)
