r"""Exercise 09 — convolutional networks (卷積神經網路, CNN): fill in every function that raises
NotImplementedError; run `grade exercise 09` (`grade exercise 09 --plot` for the figures).

Replace each `raise NotImplementedError(...)` with your code; keep the names and arguments.
Part 1, sizes: conv_output_size, conv_param_count. Part 2, the convolution layer
(卷積層) twice: first with plain Python loops (conv2d_forward_naive / conv2d_backward_naive),
then vectorised (conv2d_forward / conv2d_backward: im2col or strided windows, no Python loop
over output positions; a hidden check times it). Part 3, max-pooling (最大池化), flatten and the
transposed convolution (轉置卷積) that a DCGAN generator upsamples with. Part 4, the seed's image
filters (filter_image) and a small CNN, Conv + ReLU + Maxpool + Dense, trained on the course's
16×16 drawn digits (cnn_forward, cnn_backward, train_cnn).

Conventions (README.md): "convolution" means cross-correlation, as in PyTorch — the kernel is
laid on the image and NOT flipped; x is (N, C, H, W) and w (F, C, KH, KW); max-pooling's
gradient goes to the FIRST maximum of a window (np.argmax's rule). Layers return
(out, cache) and their backward takes (dout, cache); the caches below are suggestions: a
forward may return any cache its own backward understands. Never modify an argument in place;
compute in float64 (convert float32 input). relu_forward/backward, dense_forward/backward,
softmax_cross_entropy (exercises 01–04), cnn_init, cnn_loss and cnn_predict are given in full.
"""

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# The seed's three filters (邊邊探測, 模糊化, 銳利化) with the usual textbook values, and a Sobel
# kernel whose left-right asymmetry shows whether a kernel was flipped.
EDGE_KERNEL = ((-1.0, -1.0, -1.0), (-1.0, 8.0, -1.0), (-1.0, -1.0, -1.0))  # sums to 0
BLUR_KERNEL = tuple((1 / 9, 1 / 9, 1 / 9) for _ in range(3))  # a 3×3 mean, sums to 1
SHARPEN_KERNEL = ((0.0, -1.0, 0.0), (-1.0, 5.0, -1.0), (0.0, -1.0, 0.0))  # 5·centre − 4 nbrs
SOBEL_X_KERNEL = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))  # d/dx, antisymmetric
PARAM_KEYS = ("W1", "b1", "W2", "b2")  # the small CNN's parameters and gradients


# --- given: layers from earlier exercises ------------------------------------------------------


class ReluCache(NamedTuple):
    x: FloatArray  # (...) input


def relu_forward(x: ArrayLike) -> tuple[FloatArray, ReluCache]:
    """ReLU layer: out = max(0, x).  x: (...)  ->  out: (...), cache"""
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(x, 0.0), ReluCache(x)


def relu_backward(dout: ArrayLike, cache: ReluCache) -> FloatArray:
    """dx = dout · [x > 0].  dout: (...)  ->  dx: (...)"""
    return np.where(cache.x > 0, np.asarray(dout, dtype=np.float64), 0.0)


class DenseCache(NamedTuple):
    x: FloatArray  # (N, D) input
    w: FloatArray  # (D, M) weights


def dense_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike) -> tuple[FloatArray, DenseCache]:
    """Dense layer: out = x w + b.  x: (N, D), w: (D, M), b: (M,)  ->  out: (N, M), cache"""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    return x @ w + np.asarray(b, dtype=np.float64), DenseCache(x, w)


def dense_backward(dout: ArrayLike, cache: DenseCache
                   ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """dx = dout wᵀ, dw = xᵀ dout, db = Σ_n dout[n].  dout: (N, M)  ->  (N, D), (D, M), (M,)"""
    dout = np.asarray(dout, dtype=np.float64)
    return dout @ cache.w.T, cache.x.T @ dout, dout.sum(axis=0)


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> tuple[float, FloatArray]:
    """Mean softmax cross-entropy and its gradient (exercise 01): (loss, dlogits).

    loss = -(1/N) Σ_n log softmax(logits)[n, labels[n]], dlogits = (softmax - onehot) / N.
    logits: (N, C), labels: (N,) integers in [0, C)  ->  (float, (N, C))
    """
    logits = np.asarray(logits, dtype=np.float64)
    rows, labels = np.arange(len(logits)), np.asarray(labels)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dlogits = np.exp(log_p)
    dlogits[rows, labels] -= 1.0
    return float(-log_p[rows, labels].mean()), dlogits / len(logits)


# --- caches (suggestions) ----------------------------------------------------------------------


class ConvCache(NamedTuple):
    x: FloatArray  # (N, C, H, W) input
    w: FloatArray  # (F, C, KH, KW) kernels
    stride: int
    pad: int


FastConvCache = ConvCache  # conv2d_forward may keep more, e.g. the im2col matrix


class ConvTransposeCache(NamedTuple):
    x: FloatArray  # (N, C_in, H, W) input
    w: FloatArray  # (C_in, C_out, KH, KW) kernels, as torch.nn.ConvTranspose2d stores them
    stride: int
    pad: int


class PoolCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    argmax: IntArray  # (N, C, H_out, W_out) row-major index a·pool + b of the kept element
    pool: int
    stride: int


class FlattenCache(NamedTuple):
    x_shape: tuple  # (N, ...) the input's shape


class CNNCache(NamedTuple):
    conv: FastConvCache
    relu: ReluCache
    pool: PoolCache
    flat: FlattenCache
    dense: DenseCache


# --- part 1: sizes and counts --------------------------------------------------------------------


def conv_output_size(H: int, K: int, stride: int = 1, pad: int = 0) -> int:
    """Output length of a convolution along one axis: (H + 2·pad − K) // stride + 1.

    H: input length, K: kernel length, stride >= 1, pad >= 0 (zeros on both sides)  ->  int
    (a window that would run past the padded input is not used: hence the floor).
    """
    raise NotImplementedError("exercise 09: implement conv_output_size")


def conv_param_count(C: int, F: int, KH: int, KW: int, use_bias: bool = True) -> int:
    """Trainable parameters of a convolution layer: F kernels of C·KH·KW weights, plus one bias
    per kernel: F·(C·KH·KW + 1) (F·C·KH·KW without biases).

    The seed's Conv(2,(3,3)) on an RGB image: 2 · (3·3·3 + 1) = 56. The count does not depend
    on the image size: the same kernel slides over every position.
    C: input channels, F: filters, KH × KW: kernel size  ->  int
    """
    raise NotImplementedError("exercise 09: implement conv_param_count")


# --- part 2: the convolution layer, with loops, then vectorised ----------------------------------


def conv2d_forward_naive(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1,
                         pad: int = 0) -> tuple[FloatArray, ConvCache]:
    r"""Convolution layer (cross-correlation, as in PyTorch) with explicit loops.

    out[n, f, i, j] = b[f] + Σ_{c,a,b'} x_pad[n, c, i·stride + a, j·stride + b'] · w[f, c, a, b']

    x_pad is x with `pad` rows/columns of zeros on every side; the kernel is NOT flipped.
    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  out: (N, F, H_out, W_out), cache
    with H_out = (H + 2·pad − KH) // stride + 1, W_out = (W + 2·pad − KW) // stride + 1.
    """
    raise NotImplementedError("exercise 09: implement conv2d_forward_naive")


def conv2d_backward_naive(dout: ArrayLike, cache: ConvCache
                          ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of the convolution layer with explicit loops.

        dx_pad[n, :, window(i, j)] += dout[n, f, i, j] · w[f]        (then the padding cut off)
        dw[f] += dout[n, f, i, j] · x_pad[n, :, window(i, j)]        (summed over n, i, j)
        db[f] = Σ_{n, i, j} dout[n, f, i, j]
    dout: (N, F, H_out, W_out)  ->  dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,)
    """
    raise NotImplementedError("exercise 09: implement conv2d_backward_naive")


def conv2d_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1, pad: int = 0
                   ) -> tuple[FloatArray, FastConvCache]:
    r"""Convolution layer, vectorised: the same contract and result as conv2d_forward_naive.

    out[n, f, i, j] = b[f] + Σ_{c,a,b'} x_pad[n, c, i·stride + a, j·stride + b'] · w[f, c, a, b']

    No Python loop over positions: im2col turns every window of x_pad into a column of one
    matrix (C·KH·KW rows), and one matrix product with w.reshape(F, −1) gives all outputs.
    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  out: (N, F, H_out, W_out), cache
    """
    raise NotImplementedError("exercise 09: implement conv2d_forward")


def conv2d_backward(dout: ArrayLike, cache: FastConvCache
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of the convolution layer, vectorised: the same as conv2d_backward_naive.

        dw[f] = Σ_{n, i, j} dout[n, f, i, j] · x_pad[n, :, window(i, j)]   (one matrix product)
        db[f] = Σ_{n, i, j} dout[n, f, i, j]
        dx = col2im(w.reshape(F, −1)ᵀ · dout): each window's gradient added back where the
             window was read, one slice per kernel offset (a, b), then the padding cut off
    dout: (N, F, H_out, W_out)  ->  dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,)
    """
    raise NotImplementedError("exercise 09: implement conv2d_backward")


# --- part 3: max-pooling, flatten, transposed convolution ----------------------------------------


def maxpool_forward(x: ArrayLike, pool: int = 2, stride: int = 2
                    ) -> tuple[FloatArray, PoolCache]:
    r"""Max-pooling (最大池化): the largest value of each pool × pool window, per channel.

        out[n, c, i, j] = max_{a, b < pool} x[n, c, i·stride + a, j·stride + b]

    No padding; a window that would run past the edge is not used. The cache keeps, for each
    window, WHICH element was the maximum: the first one in row-major order when several are
    equal (np.argmax's rule).
    x: (N, C, H, W)  ->  out: (N, C, (H − pool) // stride + 1, (W − pool) // stride + 1), cache
    """
    raise NotImplementedError("exercise 09: implement maxpool_forward")


def maxpool_backward(dout: ArrayLike, cache: PoolCache) -> FloatArray:
    r"""Gradient of max-pooling: each window's dout goes to its (first) maximum, nowhere else.

        dx[n, c, i·stride + a, j·stride + b] += dout[n, c, i, j]   where (a, b) = argmax
    (overlapping windows, stride < pool, add their contributions).
    dout: (N, C, H_out, W_out)  ->  dx: (N, C, H, W)
    """
    raise NotImplementedError("exercise 09: implement maxpool_backward")


def flatten_forward(x: ArrayLike) -> tuple[FloatArray, FlattenCache]:
    """Flatten (攤平) each sample to a vector, in row-major (C, H, W) order, for a dense layer.

    x: (N, C, H, W) (any (N, ...))  ->  out: (N, C·H·W), cache
    """
    raise NotImplementedError("exercise 09: implement flatten_forward")


def flatten_backward(dout: ArrayLike, cache: FlattenCache) -> FloatArray:
    """Gradient of flatten: the same numbers put back in the input's shape.

    dout: (N, C·H·W)  ->  dx: (N, C, H, W)
    """
    raise NotImplementedError("exercise 09: implement flatten_backward")


def conv_transpose2d_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1,
                             pad: int = 0) -> tuple[FloatArray, ConvTransposeCache]:
    r"""Transposed convolution (轉置卷積, "deconvolution"): the layer DCGAN's generator upsamples
    with. Each input pixel scatters its values times the kernel into the output:

        full[n, o, i·stride + a, j·stride + b'] += Σ_c x[n, c, i, j] · w[c, o, a, b']
        out = full[:, :, pad : −pad, pad : −pad] + b[o]       (pad rows/columns cut per side)

    It is the input gradient of conv2d_forward(·, w, stride, pad) (w read as (F, C, KH, KW) =
    (C_in, C_out, KH, KW)), used as a forward pass; the same as torch.nn.ConvTranspose2d
    (output_padding = 0). It is not a plain convolution of x with w.
    x: (N, C_in, H, W), w: (C_in, C_out, KH, KW), b: (C_out,)  ->
    out: (N, C_out, (H − 1)·stride − 2·pad + KH, (W − 1)·stride − 2·pad + KW), cache
    """
    raise NotImplementedError("exercise 09: implement conv_transpose2d_forward")


def conv_transpose2d_backward(dout: ArrayLike, cache: ConvTransposeCache
                              ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of the transposed convolution: the forward's adjoint is a plain convolution.

        dx[n, c, i, j] = Σ_{o, a, b'} dfull[n, o, i·stride + a, j·stride + b'] · w[c, o, a, b']
        dw[c, o, a, b'] = Σ_{n, i, j} x[n, c, i, j] · dfull[n, o, i·stride + a, j·stride + b']
        db[o] = Σ_{n, h, w} dout[n, o, h, w]
    where dfull is dout with the `pad` cut rows/columns restored as zeros.
    dout: (N, C_out, H_out, W_out)  ->
    dx: (N, C_in, H, W), dw: (C_in, C_out, KH, KW), db: (C_out,)
    """
    raise NotImplementedError("exercise 09: implement conv_transpose2d_backward")


# --- part 4: image filters and a small CNN -------------------------------------------------------


def filter_image(image: ArrayLike, kernel: ArrayLike) -> FloatArray:
    r"""Apply a kernel to a grayscale image as the seed's filters do (濾鏡): lay the kernel on
    the image, multiply cell by cell and add up, at every position where it fits ("valid").

        out[i, j] = Σ_{a, b} image[i + a, j + b] · kernel[a, b]     (no flip, no padding)

    EDGE_KERNEL gives 0 on a region of one colour, BLUR_KERNEL a local mean, SHARPEN_KERNEL
    the pixel plus (pixel − mean of its 4 neighbours) · 4.
    image: (H, W), kernel: (KH, KW)  ->  out: (H − KH + 1, W − KW + 1)
    """
    raise NotImplementedError("exercise 09: implement filter_image")


def cnn_init(C: int = 1, H: int = 16, W: int = 16, F: int = 8, K: int = 3, classes: int = 10,
             seed: int = 0) -> dict[str, FloatArray]:
    """Parameters of the small CNN, drawn from np.random.default_rng(seed) in this order:
    W1 ~ N(0, 2/(C·K·K)) (He, for the ReLU after it), then W2 ~ N(0, 1/D); biases zero.

    ->  {"W1": (F, C, K, K), "b1": (F,), "W2": (D, classes), "b2": (classes,)},
    D = F · (H // 2) · (W // 2), the flattened size after the 2×2 max-pooling.
    """
    rng = np.random.default_rng(seed)
    D = F * (H // 2) * (W // 2)
    W1 = rng.normal(0.0, np.sqrt(2.0 / (C * K * K)), size=(F, C, K, K))
    W2 = rng.normal(0.0, np.sqrt(1.0 / D), size=(D, classes))
    return {"W1": W1, "b1": np.zeros(F), "W2": W2, "b2": np.zeros(classes)}


def cnn_forward(params: dict, x: ArrayLike) -> tuple[FloatArray, CNNCache]:
    r"""Scores of the small CNN, the seeds' recipe Conv + ReLU + Maxpool, then a dense layer:

        h = relu(conv2d(x, W1, b1, stride=1, pad=K // 2))      (N, F, H, W): "same" size
        z = flatten(maxpool(h, pool=2, stride=2))              (N, D), D = F·(H/2)·(W/2)
        scores = z W2 + b2                                     (N, classes)
    params: {"W1": (F, C, K, K), "b1": (F,), "W2": (D, classes), "b2": (classes,)},
    x: (N, C, H, W) with H and W even  ->  scores: (N, classes), cache for cnn_backward
    """
    raise NotImplementedError("exercise 09: implement cnn_forward")


def cnn_backward(dscores: ArrayLike, cache: CNNCache) -> dict[str, FloatArray]:
    """Gradients of the small CNN, each layer's backward in reverse order.

    dscores: (N, classes)  ->
    {"W1": (F, C, K, K), "b1": (F,), "W2": (D, classes), "b2": (classes,)}
    """
    raise NotImplementedError("exercise 09: implement cnn_backward")


def cnn_loss(params: dict, x: ArrayLike, y: ArrayLike) -> tuple[float, dict[str, FloatArray]]:
    """Mean softmax cross-entropy of the small CNN on (x, y), and its gradients.

    x: (N, C, H, W), y: (N,) integer labels  ->  (loss, grads with the keys of params)
    """
    scores, cache = cnn_forward(params, x)
    loss, dscores = softmax_cross_entropy(scores, y)
    return loss, cnn_backward(dscores, cache)


def cnn_predict(params: dict, x: ArrayLike) -> IntArray:
    """Predicted class of each image: argmax of the scores.  x: (N, C, H, W)  ->  (N,) int64"""
    return cnn_forward(params, x)[0].argmax(axis=1).astype(np.int64)


def train_cnn(x: ArrayLike, y: ArrayLike, epochs: int = 5, batch_size: int = 32,
              lr: float = 0.1, F: int = 8, classes: int = 10, seed: int = 0
              ) -> tuple[dict[str, FloatArray], FloatArray]:
    """Train the small CNN with minibatch SGD (no momentum), reproducibly from `seed`.

        params = cnn_init(C, H, W, F, 3, classes, seed);  rng = np.random.default_rng(seed)
        every epoch: order = rng.permutation(N); batches order[k : k + batch_size] for
        k = 0, batch_size, ... (the last one may be smaller); at each batch
        loss, grads = cnn_loss(params, x[batch], y[batch]); params ← params − lr · grads
    x: (N, C, H, W), y: (N,) labels in [0, classes)  ->  (params, losses: (steps,) the loss of
    each batch before its update, steps = epochs · ceil(N / batch_size))
    """
    raise NotImplementedError("exercise 09: implement train_cnn")
