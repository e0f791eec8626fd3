"""Hidden checks of exercise 09 (convolutional networks): run only when the instructor grades.

What a submission tuned to the visible checks can miss: a "fast" convolution that still loops
over the output positions (timed against the reference's vectorised one), shapes the visible
checks do not use (rectangular kernels, stride 3, wide padding, one channel, 1×1 kernels),
float32 inputs, overlapping max-pooling windows with ties, and a longer training run.
"""

import time

import numpy as np

from grader.checks import cpu_seconds, fail, pair, points, tip

FLOAT32_RTOL = 1e-4  # float32 sums of a few dozen products round near 1e-6 of their size
SPEED_FACTOR = 20.0  # a vectorised conv is within a few times the reference; loops are > 100x
# CPU time on both sides (the worker measures the student's calls; the reference is timed with
# time.process_time here), so neither the trip to the worker nor a loaded machine counts. A
# vectorised conv is within a few times the reference (~2 ms at SPEED_SHAPE); a loop over the
# output positions with the batch vectorised, the fastest loop, is ~70 times.
SPEED_SLACK = 0.002  # seconds: the timers' resolution
SPEED_SHAPE = (8, 3, 32, 32, 8, 3)  # N, C, H, W, F, K (pad 1)
REPEATS = 5  # the best of five calls is timed: a load spike lengthens some calls, not all


def _best(measure, repeats: int = REPEATS) -> float:
    """The least of `repeats` measurements (seconds)."""
    return min(measure() for _ in range(repeats))


def _process_time(call) -> float:
    started = time.process_time()
    call()
    return time.process_time() - started


@points(2)
def test_fast_conv_is_vectorised(submission, reference, rng):
    """conv2d_forward + conv2d_backward run within 20x of the reference's vectorised version

    zh-TW: conv2d_forward + conv2d_backward 的時間在參考答案向量化版本的 20 倍以內
    """
    N, C, H, W, F, K = SPEED_SHAPE
    x, w, b = rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, K, K)), rng.normal(size=F)
    dout = rng.normal(size=(N, F, H, W))

    def yours():
        out, cache = pair(submission.conv2d_forward(x, w, b, 1, 1), ("out", "cache"),
                          "conv2d_forward")
        submission.conv2d_backward(dout, cache)

    def theirs():
        out, cache = reference.conv2d_forward(x, w, b, 1, 1)
        reference.conv2d_backward(dout, cache)

    spent = _best(lambda: cpu_seconds(yours))
    ref = _best(lambda: _process_time(theirs))
    limit = SPEED_FACTOR * ref + SPEED_SLACK
    if spent > limit:
        fail(f"conv2d_forward + conv2d_backward on x {x.shape}, w {w.shape}, pad 1 used "
             f"{spent * 1e3:.1f} ms of CPU time, {spent / ref:.0f} times the reference's "
             f"vectorised version ({ref * 1e3:.2f} ms); the limit is {SPEED_FACTOR:g}x "
             f"(+{SPEED_SLACK * 1e3:g} ms): the fast path is still looping",
             f"conv2d_forward + conv2d_backward 在 x {x.shape}、w {w.shape}、pad 1 上用了 "
             f"{spent * 1e3:.1f} ms 的 CPU 時間，是參考答案向量化版本（{ref * 1e3:.2f} ms）的 "
             f"{spent / ref:.0f} 倍；上限是 {SPEED_FACTOR:g} 倍（+{SPEED_SLACK * 1e3:g} ms）："
             "快速版本還在跑迴圈",
             tip("no Python loop over output positions: im2col (every window as a column of "
                 "one matrix, then one matrix product with w.reshape(F, -1)) or strided windows "
                 "with np.tensordot / np.einsum(..., optimize=True); a loop over the KH·KW "
                 "kernel offsets is fine",
                 "不要用 Python 迴圈走過每個輸出位置：用 im2col（每個窗變成一個矩陣的一行，再與 "
                 "w.reshape(F, -1) 做一次矩陣乘法）或 strided 窗加上 np.tensordot / "
                 "np.einsum(..., optimize=True)；對 KH·KW 個卷積核位移跑迴圈沒有問題"))


@points(2)
def test_other_shapes(layers):
    """other shapes: rectangular kernels, stride 3, wide padding, one channel, 1×1 kernels

    zh-TW: 其他形狀：長方形卷積核、stride 3、較寬的 padding、單一通道、1×1 卷積核
    """
    cases = [(2, 2, 7, 5, 3, 2, 3, 3, 2), (3, 1, 6, 6, 1, 1, 1, 2, 0), (1, 3, 4, 9, 2, 4, 2, 1, 3)]
    for N, C, H, W, F, KH, KW, s, p in cases:
        for forward, backward in (("conv2d_forward_naive", "conv2d_backward_naive"),
                                  ("conv2d_forward", "conv2d_backward")):
            inputs = layers.conv_inputs(N, C, H, W, F, KH, KW)
            layers.conv_forward(forward, *inputs, s, p)
            layers.conv_backward(forward, backward, *inputs, s, p)
    layers.transpose_forward(*layers.transpose_inputs(1, 2, 3, 2, 1, 2, 3), 3, 0)
    layers.transpose_backward(*layers.transpose_inputs(2, 1, 2, 3, 2, 3, 3), 1, 1)


@points(1)
def test_float32_inputs(layers, rng):
    """float32 inputs give the float64 answer (convolution, pooling, transposed convolution)

    zh-TW: float32 的輸入也得到 float64 的答案（卷積、池化、轉置卷積）
    """
    inputs = layers.conv_inputs(2, 3, 6, 5, 2, 3, 3, dtype=np.float32)
    layers.conv_forward("conv2d_forward", *inputs, 1, 1)
    layers.conv_backward("conv2d_forward", "conv2d_backward", *inputs, 1, 1)
    layers.pool_forward(rng.normal(size=(2, 2, 4, 6)).astype(np.float32), 2, 2)
    layers.pool_backward(rng.normal(size=(2, 2, 4, 6)).astype(np.float32), numerical=False)
    layers.transpose_forward(*layers.transpose_inputs(2, 2, 3, 3, 2, 3, 3, dtype=np.float32),
                             2, 1)


@points(1)
def test_maxpool_overlapping_windows(layers, rng):
    """max-pooling with overlapping windows (pool 3, stride 1 and 2), ties included

    zh-TW: 視窗重疊的最大池化（pool 3、stride 1 與 2），含並列最大值
    """
    for stride in (1, 2):
        layers.pool_forward(rng.normal(size=(2, 2, 7, 6)), 3, stride)
        layers.pool_backward(rng.normal(size=(2, 2, 7, 6)), 3, stride)
        layers.pool_backward(rng.integers(0, 3, size=(2, 2, 7, 6)).astype(float), 3, stride,
                             numerical=False)


@points(1)
def test_train_cnn_longer(network, digits, rng):
    """train_cnn over 3 epochs of 128 digits, batches of 16: the reference's losses and weights

    zh-TW: train_cnn 在 128 張手寫數字上訓練 3 個 epoch、批次 16：損失與權重和參考答案相同
    """
    x, y = digits
    network.train(x[:128], y[:128], epochs=3, batch_size=16, lr=0.05, F=4,
                  seed=int(rng.integers(1000)))
