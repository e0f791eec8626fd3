"""Hidden checks of exercise 05 (backpropagation): run only when the instructor grades.

Other shapes and seeds than the visible checks, and what a submission tuned to them can miss:
float32 inputs, a single sample and a wider network through the backward pass, the hand
example at other inputs and weights, and mini-batch training.
"""

import numpy as np

from grader.checks import assert_close, fail, points, tip

FLOAT32_RTOL = 1e-5  # float32 rounds at 6e-8; a few products and sums of O(1) values stay below
MINI_BATCH_ACCURACY = 0.9  # the reference reaches 0.99 with batch_size=32, 2000 steps
FIRST_STEPS = 20  # losses compared step by step with the reference's, from the same start
HISTORY_RTOL = 1e-6  # the same arithmetic in another order drifts far less in 20 steps
BATCH_HINT = tip("each epoch: order = default_rng(seed + 1).permutation(N) (one generator, "
                 "created once), then the steps take rows order[0:B], order[B:2B], ...; when "
                 "fewer than B rows are left, draw a new permutation",
                 "每個 epoch：order = default_rng(seed + 1).permutation(N)（同一個產生器，只建立"
                 "一次），接著每一步取 order[0:B]、order[B:2B]、...；剩下不到 B 列時，重新排列")


def trained_accuracy(params, X, y, what: str) -> float:
    """Accuracy of returned params computed here (a released bundle's reference is a replay that
    only knows recorded inputs): argmax of σ(X W1 + b1) W2 + b2."""
    try:
        p = {k: np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2")}
        h = 1.0 / (1.0 + np.exp(-np.clip(X @ p["W1"] + p["b1"], -500, 500)))
        scores = h @ p["W2"] + p["b2"]
    except (TypeError, KeyError, ValueError, IndexError):
        fail(f"{what} did not return params as a dict of W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)",
             f"{what} 回傳的 params 不是含 W1 (D, H)、b1 (H,)、W2 (H, C)、b2 (C,) 的 dict")
    if scores.shape != (X.shape[0], int(y.max()) + 1) or not np.all(np.isfinite(scores)):
        fail(f"{what} returned params that give scores of shape {scores.shape} or not finite",
             f"{what} 回傳的 params 算出的 scores 形狀是 {scores.shape} 或不是有限值")
    return float(np.mean(np.argmax(scores, axis=1) == y))


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
def test_mini_batch_training(submission, reference):
    """mini-batch training (batch_size=32): the first losses, then it still learns the moons

    zh-TW: 小批次訓練（batch_size=32）：前幾步的損失，以及仍然學得會雙月資料
    """
    X, y = reference.make_moons(200, seed=7)
    what = "train(X (200, 2), y (200,), H=16, batch_size=32)"
    _, history = submission.train(X, y, H=16, steps=FIRST_STEPS, batch_size=32)
    _, want = reference.train(X, y, H=16, steps=FIRST_STEPS, batch_size=32)
    assert_close(np.asarray(history, dtype=float), np.asarray(want), rtol=HISTORY_RTOL,
                 what=f"loss history of train(X (200, 2), y (200,), H=16, steps={FIRST_STEPS}, "
                 "batch_size=32)", hint=BATCH_HINT)
    params, history = submission.train(X, y, H=16, batch_size=32)
    if len(history) != 2000:
        fail(f"{what} returned {len(history)} losses; expected one per step, 2000",
             f"{what} 回傳了 {len(history)} 個損失；應該每一步一個，共 2000 個")
    got = trained_accuracy(params, X, y, what)
    if not got >= MINI_BATCH_ACCURACY:
        fail(f"after {what} the network classifies {got:.1%} of the points correctly; "
             f"expected at least {MINI_BATCH_ACCURACY:.0%}",
             f"{what} 之後網路只分對 {got:.1%} 的點；應該至少 {MINI_BATCH_ACCURACY:.0%}")
