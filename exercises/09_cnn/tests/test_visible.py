"""Visible checks of exercise 09 (convolutional networks): what `grade exercise 09` runs.

Sizes: the output-size formula and a conv layer's parameter count (the seed's Conv(2,(3,3))).
The convolution with loops and vectorised, forward against the reference (a flipped kernel,
windows that do not move by the stride, a padding on one side, a missing bias and the wrong
size formulas are named) and backward by central differences (dw or db not summed over the
batch, averaged or overwritten in the loop are named). Max-pooling (the gradient to every
element, spread evenly, or to every tied maximum are named), flatten, the transposed
convolution (a plain convolution in its place is named), the seed's image filters, and the
small CNN: its scores, its gradients, and a few steps of training on the course's digits.
"""

from grader.checks import points

# (N, C, H, W, F, KH, KW, stride, pad): stride 1 with padding, then stride 2 with a padding the
# size formulas' usual mistakes all get wrong (pad once, no pad, no stride, ceil, no +1)
CONV_CASES = [(2, 3, 5, 6, 4, 3, 3, 1, 1), (2, 2, 8, 7, 3, 3, 2, 2, 2)]
SIZE_CASES = [(32, 3, 1, 1), (28, 5, 1, 0), (8, 3, 2, 2), (7, 3, 2, 1), (10, 1, 3, 0), (9, 4, 3, 2)]
COUNT_CASES = [(3, 2, 3, 3), (16, 32, 5, 3), (1, 8, 3, 3)]  # (C, F, KH, KW); the seed's first


@points(1)
def test_conv_output_size(sizes):
    """conv_output_size: (H + 2·pad − K) // stride + 1

    zh-TW: conv_output_size：(H + 2·pad − K) // stride + 1
    """
    sizes.check_output_size(SIZE_CASES)


@points(1)
def test_conv_param_count(sizes):
    """conv_param_count: F·(C·KH·KW + 1), 56 for the seed's Conv(2,(3,3)) on RGB

    zh-TW: conv_param_count：F·(C·KH·KW + 1)，講義 RGB 輸入的 Conv(2,(3,3)) 是 56 個
    """
    sizes.check_param_count(COUNT_CASES)


@points(2)
def test_conv2d_forward_naive(layers):
    """conv2d_forward_naive: the loop convolution (cross-correlation) with stride and padding

    zh-TW: conv2d_forward_naive：以迴圈實作的卷積（互相關），含 stride 與 padding
    """
    for N, C, H, W, F, KH, KW, s, p in CONV_CASES:
        layers.conv_forward("conv2d_forward_naive", *layers.conv_inputs(N, C, H, W, F, KH, KW),
                            s, p)


@points(2)
def test_conv2d_backward_naive(layers):
    """conv2d_backward_naive: dx, dw, db agree with central differences

    zh-TW: conv2d_backward_naive：dx、dw、db 與中央差分一致
    """
    for N, C, H, W, F, KH, KW, s, p in CONV_CASES:
        layers.conv_backward("conv2d_forward_naive", "conv2d_backward_naive",
                             *layers.conv_inputs(N, C, H, W, F, KH, KW), s, p)


@points(2)
def test_conv2d_forward(layers):
    """conv2d_forward (vectorised) gives the loop version's output

    zh-TW: conv2d_forward（向量化）得到和迴圈版本相同的輸出
    """
    for N, C, H, W, F, KH, KW, s, p in CONV_CASES:
        layers.conv_forward("conv2d_forward", *layers.conv_inputs(N + 1, C, H, W, F, KH, KW),
                            s, p)


@points(2)
def test_conv2d_backward(layers):
    """conv2d_backward (vectorised): dx, dw, db agree with central differences

    zh-TW: conv2d_backward（向量化）：dx、dw、db 與中央差分一致
    """
    for N, C, H, W, F, KH, KW, s, p in CONV_CASES:
        layers.conv_backward("conv2d_forward", "conv2d_backward",
                             *layers.conv_inputs(N + 1, C, H, W, F, KH, KW), s, p)


@points(1)
def test_maxpool_forward(layers, rng):
    """maxpool_forward: the largest value of each 2×2 window

    zh-TW: maxpool_forward：每個 2×2 窗的最大值
    """
    layers.pool_forward(rng.normal(size=(2, 3, 6, 8)), 2, 2)
    layers.pool_forward(rng.normal(size=(1, 2, 7, 5)), 2, 2)  # odd sizes: the last row unused


@points(2)
def test_maxpool_backward(layers, rng):
    """maxpool_backward: the gradient goes to the window's first maximum only, ties included

    zh-TW: maxpool_backward：梯度只送給窗裡第一個最大值，並列時也一樣
    """
    layers.pool_backward(rng.normal(size=(2, 2, 6, 6)))
    ties = rng.integers(0, 3, size=(2, 2, 6, 6)).astype(float)  # many tied maxima
    layers.pool_backward(ties, numerical=False)


@points(1)
def test_flatten(layers, rng):
    """flatten_forward / flatten_backward: (N, C, H, W) ⇄ (N, C·H·W) in row-major order

    zh-TW: flatten_forward / flatten_backward：(N, C, H, W) ⇄ (N, C·H·W)，列優先順序
    """
    layers.flatten(rng.normal(size=(3, 2, 4, 5)))


@points(2)
def test_conv_transpose2d_forward(layers):
    """conv_transpose2d_forward: each input pixel scatters x · w; size (H − 1)·s − 2·pad + K

    zh-TW: conv_transpose2d_forward：每個輸入像素撒出 x · w；大小 (H − 1)·s − 2·pad + K
    """
    layers.transpose_forward(*layers.transpose_inputs(2, 3, 4, 5, 2, 3, 3), 1, 0)
    layers.transpose_forward(*layers.transpose_inputs(2, 4, 3, 3, 3, 4, 4), 2, 1)  # DCGAN's


@points(2)
def test_conv_transpose2d_backward(layers):
    """conv_transpose2d_backward: dx, dw, db agree with central differences

    zh-TW: conv_transpose2d_backward：dx、dw、db 與中央差分一致
    """
    layers.transpose_backward(*layers.transpose_inputs(2, 2, 3, 4, 3, 3, 2), 2, 1)


@points(1)
def test_filter_image(layers, reference, rng):
    """filter_image: the seed's edge, blur and sharpen filters, and a Sobel kernel

    zh-TW: filter_image：講義的邊邊探測、模糊化與銳利化濾鏡，以及 Sobel 卷積核
    """
    image = rng.random((9, 11))
    for label in ("EDGE_KERNEL", "BLUR_KERNEL", "SHARPEN_KERNEL", "SOBEL_X_KERNEL"):
        layers.filter(image, getattr(reference, label), label)


@points(1)
def test_cnn_forward(network):
    """cnn_forward: Conv + ReLU + Maxpool, flatten, dense

    zh-TW: cnn_forward：Conv + ReLU + Maxpool、攤平、全連接層
    """
    params, x, _ = network.setup()
    network.forward(params, x)


@points(2)
def test_cnn_backward(network):
    """cnn_backward: the gradients of W1, b1, W2, b2 agree with central differences

    zh-TW: cnn_backward：W1、b1、W2、b2 的梯度與中央差分一致
    """
    params, x, dscores = network.setup(N=3, C=2, H=6, W=6, F=2, classes=3)
    network.backward(params, x, dscores)


@points(2)
def test_train_cnn(network, digits, rng):
    """train_cnn: four SGD steps on the course's digits give the reference's losses and weights

    zh-TW: train_cnn：在課程的手寫數字上做四步 SGD，得到與參考答案相同的損失與權重
    """
    x, y = digits
    network.train(x[:32], y[:32], epochs=2, batch_size=16, seed=int(rng.integers(1000)))
