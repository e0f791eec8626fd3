r"""Convolutional networks (卷積神經網路, CNN): convolution, max-pooling, flatten, transposed
convolution, image filters and a small CNN, as forward/backward pairs in NumPy.

Seed 001 (001_a7077af58d127f5d.txt, the slides 「傳說中的那個...深度學習!」, which the seeds'
README lists as 003) introduces the convolution (卷積) as an image filter (濾鏡/Filter): 「把
Kernel疊上去,每個獨自相乘後加總」 — lay the kernel (卷積核) on the image, multiply cell by cell
and add up. Its three filters are 邊邊探測 (edge detection: on a region of one colour the result
is 0), 模糊化 (blur: each pixel mixed with its neighbours) and 銳利化 (sharpen: 「加強自己扣掉周
圍」, the centre strengthened minus its surroundings). A convolution layer (卷積層) `Conv(2,(3,3))`
has two 3×3 kernels; on an RGB image each kernel has one 3×3 slice per channel, the three
results are added and a bias b1 (b2) is added (「卷積後加起來+b1」). A max-pooling layer (最大池
化層) keeps the largest value of each window (「把地區老大抓出來」), so the image gets smaller.
The seeds' recipe for a CNN is Conv + Maxpool + Activation (usually ReLU).

Conventions, the same as PyTorch's `torch.nn.functional.conv2d`:
- the "convolution" of deep learning is a cross-correlation, exactly the slide's lay-on-and-add:
      out[n, f, i, j] = b[f] + Σ_{c, a, b'} x_pad[n, c, i·s + a, j·s + b'] · w[f, c, a, b']
  with no flip of the kernel (flipping it, the convolution of signal processing, is a mistake
  here; for a learned kernel the two differ only by how the kernel is stored);
- x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), zero padding `pad` on all four sides, and the
  output size H_out = (H + 2·pad − KH) // stride + 1 (the same for W);
- the transposed convolution takes w: (C_in, C_out, KH, KW) like `torch.nn.ConvTranspose2d`
  and is the convolution's input gradient used as a layer: each input pixel scatters
  x · w into the output, H_out = (H − 1)·stride − 2·pad + KH;
- max-pooling sends the gradient of a window to ONE element: the first maximum in row-major
  order inside the window (what np.argmax returns), so ties do not duplicate the gradient.

Every public function computes in float64 (any real input dtype) and modifies no argument.
The fast paths use strided windows and one matrix product (im2col); their adjoint (col2im)
accumulates over the KH·KW kernel offsets with slicing, never with np.add.at.
"""

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike, NDArray

from reference.activations import ReluCache, relu_backward, relu_forward
from reference.layers import DenseCache, dense_backward, dense_forward
from reference.losses import softmax_cross_entropy

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# The seed's three filters (邊邊探測, 模糊化, 銳利化) with the usual textbook values, and a Sobel
# kernel whose left-right asymmetry shows whether a kernel was flipped.
EDGE_KERNEL = ((-1.0, -1.0, -1.0), (-1.0, 8.0, -1.0), (-1.0, -1.0, -1.0))  # sums to 0
BLUR_KERNEL = tuple((1 / 9, 1 / 9, 1 / 9) for _ in range(3))  # a 3×3 mean, sums to 1
SHARPEN_KERNEL = ((0.0, -1.0, 0.0), (-1.0, 5.0, -1.0), (0.0, -1.0, 0.0))  # 5·centre − 4 nbrs
SOBEL_X_KERNEL = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))  # d/dx, antisymmetric
PARAM_KEYS = ("W1", "b1", "W2", "b2")  # the small CNN's parameters and gradients


# --- shared checks and helpers -------------------------------------------------------------------


def _float64(x: ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _positive(name: str, what: str, v: int, least: int = 1) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < least:
        raise ValueError(f"{name}: {what} must be an integer >= {least}, got {v!r}")
    return int(v)


def _four_d(name: str, what: str, a: FloatArray, letters: str) -> None:
    if a.ndim != 4:
        raise ValueError(f"{name}: {what} must have shape ({', '.join(letters)}), got {a.shape}")


def _padded(x: FloatArray, pad: int, right: int = 0) -> FloatArray:
    """x (N, C, H, W) inside zeros (N, C, H + 2·pad + 1, W + 2·pad + right): `pad` zeros on
    every side, one spare row at the bottom (the flat windows of _window_view may run up to
    KW − 2 elements past the last padded row, always onto zeros) and `right` extra columns."""
    N, C, H, W = x.shape
    xp = np.zeros((N, C, H + 2 * pad + 1, W + 2 * pad + right))
    xp[:, :, pad:pad + H, pad:pad + W] = x
    return xp


def _grid_width(stride: int, Wp: int, Wo: int) -> int:
    """Columns of the grid of window positions: for stride 1 the padded width Wp, so that the
    positions of all output rows are one evenly spaced run (the Wp − Wo extra columns per row
    are thrown away) and every copy below is one long contiguous loop; else exactly Wo."""
    return Wp if stride == 1 else Wo


def _window_view(xp: FloatArray, KH: int, KW: int, stride: int, Ho: int, G: int) -> FloatArray:
    """Read-only strided view (N, C, KH, KW, Ho, G) of xp (N, C, Hp, Wp):
    view[n, c, a, b, i, j] = xp[n, c, i·stride + a, j·stride + b] (for j >= Wo, when G = Wp,
    the position runs on into the next row: a column that is computed and then dropped)."""
    N, C = xp.shape[:2]
    sN, sC, sH, sW = xp.strides
    return as_strided(xp, (N, C, KH, KW, Ho, G), (sN, sC, sH, sW, sH * stride, sW * stride),
                      writeable=False)


def _add_windows(xp: FloatArray, blocks: FloatArray, stride: int) -> None:
    """The adjoint of _window_view, in place: xp[n, c, i·stride + a, j·stride + b] +=
    blocks[n, c, a, b, i, j], one strided slice per kernel offset (a, b) (never np.add.at).
    xp: (N, C, Hp, Wp) C-contiguous, blocks: (N, C, KH, KW, Ho, G)"""
    N, C, KH, KW, Ho, G = blocks.shape
    sN, sC, sH, sW = xp.strides  # C-contiguous: a row runs on into the next one (G = Wp)
    for a in range(KH):
        for b in range(KW):
            target = as_strided(xp[:, :, a:, b:], (N, C, Ho, G),
                                (sN, sC, sH * stride, sW * stride))
            target += blocks[:, :, a, b]


def _pad(x: FloatArray, pad: int) -> FloatArray:
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x


# --- sizes and counts ----------------------------------------------------------------------------


def conv_output_size(H: int, K: int, stride: int = 1, pad: int = 0) -> int:
    """Output length of a convolution along one axis: (H + 2·pad − K) // stride + 1.

    H: input length, K: kernel length, stride >= 1, pad >= 0 (zeros on both sides)  ->  int
    (a window that would run past the padded input is not used: hence the floor).
    """
    name = "conv_output_size"
    H, K = _positive(name, "H", H), _positive(name, "K", K)
    stride, pad = _positive(name, "stride", stride), _positive(name, "pad", pad, least=0)
    if H + 2 * pad < K:
        raise ValueError(f"{name}: the kernel ({K}) is longer than the padded input "
                         f"H + 2·pad = {H + 2 * pad}")
    return (H + 2 * pad - K) // stride + 1


def conv_param_count(C: int, F: int, KH: int, KW: int, use_bias: bool = True) -> int:
    """Trainable parameters of a convolution layer: F kernels of C·KH·KW weights, plus one bias
    per kernel: F·(C·KH·KW + 1) (F·C·KH·KW without biases).

    The seed's Conv(2,(3,3)) on an RGB image: 2 · (3·3·3 + 1) = 56. The count does not depend
    on the image size: the same kernel slides over every position.
    C: input channels, F: filters, KH × KW: kernel size  ->  int
    """
    name = "conv_param_count"
    C, F = _positive(name, "C", C), _positive(name, "F", F)
    KH, KW = _positive(name, "KH", KH), _positive(name, "KW", KW)
    return F * (C * KH * KW + (1 if use_bias else 0))


# --- convolution ---------------------------------------------------------------------------------


class ConvCache(NamedTuple):
    x: FloatArray  # (N, C, H, W) input
    w: FloatArray  # (F, C, KH, KW) kernels
    stride: int
    pad: int


class FastConvCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    w: FloatArray  # (F, C, KH, KW) kernels
    stride: int
    pad: int
    cols: FloatArray  # (N, C·KH·KW + 1, H_out·G) every window as a column, then a row of ones


def _conv_inputs(name: str, x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int, pad: int):
    x, w, b = _float64(x), _float64(w), _float64(b)
    _four_d(name, "x", x, "NCHW")
    _four_d(name, "w", w, ("F", "C", "KH", "KW"))
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if Cw != C:
        raise ValueError(f"{name}: w {w.shape} has {Cw} channels but x {x.shape} has C = {C}")
    if b.shape != (F,):
        raise ValueError(f"{name}: b must have shape (F,) = ({F},), got {b.shape}")
    stride = _positive(name, "stride", stride)
    pad = _positive(name, "pad", pad, least=0)
    if H + 2 * pad < KH or W + 2 * pad < KW:
        raise ValueError(f"{name}: the kernel {KH}×{KW} is larger than the padded input "
                         f"{H + 2 * pad}×{W + 2 * pad}")
    Ho, Wo = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    return x, w, b, stride, pad, Ho, Wo


def conv2d_forward_naive(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1,
                         pad: int = 0) -> tuple[FloatArray, ConvCache]:
    r"""Convolution layer (cross-correlation, as in PyTorch) with explicit loops.

    out[n, f, i, j] = b[f] + Σ_{c,a,b'} x_pad[n, c, i·stride + a, j·stride + b'] · w[f, c, a, b']

    x_pad is x with `pad` rows/columns of zeros on every side; the kernel is NOT flipped.
    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  out: (N, F, H_out, W_out), cache
    with H_out = (H + 2·pad − KH) // stride + 1, W_out = (W + 2·pad − KW) // stride + 1.
    """
    x, w, b, s, p, Ho, Wo = _conv_inputs("conv2d_forward_naive", x, w, b, stride, pad)
    N, F, (KH, KW) = x.shape[0], w.shape[0], w.shape[2:]
    xp = _pad(x, p)
    out = np.empty((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * s:i * s + KH, j * s:j * s + KW]  # (C, KH, KW)
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, ConvCache(x, w, s, p)


def conv2d_backward_naive(dout: ArrayLike, cache: ConvCache
                          ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of the convolution layer with explicit loops.

        dx_pad[n, :, window(i, j)] += dout[n, f, i, j] · w[f]        (then the padding cut off)
        dw[f] += dout[n, f, i, j] · x_pad[n, :, window(i, j)]        (summed over n, i, j)
        db[f] = Σ_{n, i, j} dout[n, f, i, j]
    dout: (N, F, H_out, W_out)  ->  dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,)
    """
    x, w, s, p = cache
    dout = _conv_dout("conv2d_backward_naive", dout, x.shape, w, s, p)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = _pad(x, p)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows, cols = slice(i * s, i * s + KH), slice(j * s, j * s + KW)
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
    return dxp[:, :, p:p + H, p:p + W].copy(), dw, dout.sum(axis=(0, 2, 3))


def _conv_dout(name: str, dout: ArrayLike, x_shape, w: FloatArray, s: int, p: int
                ) -> FloatArray:
    dout = _float64(dout)
    N, _, H, W = x_shape
    F, _, KH, KW = w.shape
    want = (N, F, (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1)
    if dout.shape != want:
        raise ValueError(f"{name}: dout has shape {dout.shape} but the forward output had "
                         f"shape {want}")
    return dout


def conv2d_forward(x: ArrayLike, w: ArrayLike, b: ArrayLike, stride: int = 1, pad: int = 0
                   ) -> tuple[FloatArray, FastConvCache]:
    r"""Convolution layer, vectorised: the same contract and result as conv2d_forward_naive.

    out[n, f, i, j] = b[f] + Σ_{c,a,b'} x_pad[n, c, i·stride + a, j·stride + b'] · w[f, c, a, b']

    No Python loop over positions: im2col turns every window of x_pad into a column of one
    matrix (C·KH·KW rows), and one matrix product with w.reshape(F, −1) gives all outputs.
    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  out: (N, F, H_out, W_out), cache
    """
    x, w, b, s, p, Ho, Wo = _conv_inputs("conv2d_forward", x, w, b, stride, pad)
    N, C = x.shape[:2]
    F, _, KH, KW = w.shape
    K = C * KH * KW
    xp = _padded(x, p)  # (N, C, H + 2p + 1, W + 2p)
    G = _grid_width(s, xp.shape[3], Wo)
    cols = np.empty((N, K + 1, Ho * G))
    cols[:, :K].reshape(N, C, KH, KW, Ho, G)[...] = _window_view(xp, KH, KW, s, Ho, G)
    cols[:, K] = 1.0  # the bias's input
    wb = np.concatenate([w.reshape(F, K), b[:, None]], axis=1)  # (F, K + 1)
    out = (wb @ cols).reshape(N, F, Ho, G)[:, :, :, :Wo]  # (N, F, Ho·G) -> (N, F, Ho, Wo)
    return out, FastConvCache(x.shape, w, s, p, cols)


def conv2d_backward(dout: ArrayLike, cache: FastConvCache
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Gradients of the convolution layer, vectorised: the same as conv2d_backward_naive.

        dw[f] = Σ_{n, i, j} dout[n, f, i, j] · x_pad[n, :, window(i, j)]   (one matrix product)
        db[f] = Σ_{n, i, j} dout[n, f, i, j]
        dx = col2im(w.reshape(F, −1)ᵀ · dout): each window's gradient added back where the
             window was read, one slice per kernel offset (a, b), then the padding cut off
    dout: (N, F, H_out, W_out)  ->  dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,)
    """
    x_shape, w, s, p, cols = cache
    dout = _conv_dout("conv2d_backward", dout, x_shape, w, s, p)
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    Ho, Wo = dout.shape[2:]
    G = cols.shape[2] // Ho
    grid = np.empty((N, F, Ho, G))  # dout on the grid of window positions, 0 where dropped
    grid[:, :, :, :Wo] = dout
    grid[:, :, :, Wo:] = 0.0
    grid = grid.reshape(N, F, Ho * G)
    dwb = (grid @ cols.transpose(0, 2, 1)).sum(axis=0)  # (F, C·KH·KW + 1)
    dcols = w.reshape(F, -1).T @ grid  # (N, C·KH·KW, Ho·G)
    dxp = np.zeros((N, C, H + 2 * p + 1, W + 2 * p))
    _add_windows(dxp, dcols.reshape(N, C, KH, KW, Ho, G), s)
    return dxp[:, :, p:p + H, p:p + W], dwb[:, :-1].reshape(w.shape), dwb[:, -1].copy()


# --- transposed convolution ----------------------------------------------------------------------


class ConvTransposeCache(NamedTuple):
    x: FloatArray  # (N, C_in, H, W) input
    w: FloatArray  # (C_in, C_out, KH, KW) kernels, as torch.nn.ConvTranspose2d stores them
    stride: int
    pad: int


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
    name = "conv_transpose2d_forward"
    x, w, b = _float64(x), _float64(w), _float64(b)
    _four_d(name, "x", x, ("N", "C_in", "H", "W"))
    _four_d(name, "w", w, ("C_in", "C_out", "KH", "KW"))
    N, C_in, H, W = x.shape
    Cw, C_out, KH, KW = w.shape
    if Cw != C_in:
        raise ValueError(f"{name}: w {w.shape} must be (C_in, C_out, KH, KW) with C_in = {C_in} "
                         f"as in x {x.shape}")
    if b.shape != (C_out,):
        raise ValueError(f"{name}: b must have shape (C_out,) = ({C_out},), got {b.shape}")
    s, p = _positive(name, "stride", stride), _positive(name, "pad", pad, least=0)
    Hf, Wf = (H - 1) * s + KH, (W - 1) * s + KW
    if Hf - 2 * p < 1 or Wf - 2 * p < 1:
        raise ValueError(f"{name}: pad = {p} cuts away the whole {Hf}×{Wf} output")
    blocks = w.reshape(C_in, -1).T @ x.reshape(N, C_in, H * W)  # (N, C_out·KH·KW, H·W)
    full = np.zeros((N, C_out, Hf + 1, Wf))  # the spare row: see _padded
    _add_windows(full, blocks.reshape(N, C_out, KH, KW, H, W), s)
    out = full[:, :, p:Hf - p, p:Wf - p] + b[:, None, None]
    return out, ConvTransposeCache(x, w, s, p)


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
    x, w, s, p = cache
    N, C_in, H, W = x.shape
    _, C_out, KH, KW = w.shape
    dout = _float64(dout)
    want = (N, C_out, (H - 1) * s - 2 * p + KH, (W - 1) * s - 2 * p + KW)
    if dout.shape != want:
        raise ValueError(f"conv_transpose2d_backward: dout has shape {dout.shape} but the "
                         f"forward output had shape {want}")
    windows = _window_view(_padded(dout, p), KH, KW, s, H, W)  # (N, C_out, KH, KW, H, W)
    cols = windows.reshape(N, C_out * KH * KW, H * W)  # one copy
    dx = (w.reshape(C_in, -1) @ cols).reshape(N, C_in, H, W)
    dw = (x.reshape(N, C_in, H * W) @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    return dx, dw, dout.sum(axis=(0, 2, 3))


# --- max-pooling and flatten ---------------------------------------------------------------------


class PoolCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    argmax: IntArray  # (N, C, H_out, W_out) row-major index a·pool + b of the kept element
    pool: int
    stride: int


def maxpool_forward(x: ArrayLike, pool: int = 2, stride: int = 2
                    ) -> tuple[FloatArray, PoolCache]:
    r"""Max-pooling (最大池化): the largest value of each pool × pool window, per channel.

        out[n, c, i, j] = max_{a, b < pool} x[n, c, i·stride + a, j·stride + b]

    No padding; a window that would run past the edge is not used. The cache keeps, for each
    window, WHICH element was the maximum: the first one in row-major order when several are
    equal (np.argmax's rule).
    x: (N, C, H, W)  ->  out: (N, C, (H − pool) // stride + 1, (W − pool) // stride + 1), cache
    """
    name = "maxpool_forward"
    x = _float64(x)
    _four_d(name, "x", x, "NCHW")
    pool, s = _positive(name, "pool", pool), _positive(name, "stride", stride)
    N, C, H, W = x.shape
    if pool > H or pool > W:
        raise ValueError(f"{name}: the {pool}×{pool} window is larger than the image {H}×{W}")
    Ho, Wo = (H - pool) // s + 1, (W - pool) // s + 1
    windows = _window_view(np.ascontiguousarray(x), pool, pool, s, Ho, Wo)  # (N, C, p, p, Ho, Wo)
    flat = windows.reshape(N, C, pool * pool, Ho, Wo)  # one copy, window elements row-major
    argmax = flat.argmax(axis=2)  # (N, C, Ho, Wo): the first maximum
    out = np.take_along_axis(flat, argmax[:, :, None], axis=2)[:, :, 0]
    return out, PoolCache(x.shape, argmax, pool, s)


def maxpool_backward(dout: ArrayLike, cache: PoolCache) -> FloatArray:
    r"""Gradient of max-pooling: each window's dout goes to its (first) maximum, nowhere else.

        dx[n, c, i·stride + a, j·stride + b] += dout[n, c, i, j]   where (a, b) = argmax
    (overlapping windows, stride < pool, add their contributions).
    dout: (N, C, H_out, W_out)  ->  dx: (N, C, H, W)
    """
    x_shape, argmax, pool, s = cache
    dout = _float64(dout)
    if dout.shape != argmax.shape:
        raise ValueError(f"maxpool_backward: dout has shape {dout.shape} but the forward output "
                         f"had shape {argmax.shape}")
    N, C, H, W = x_shape
    Ho, Wo = argmax.shape[2:]
    blocks = np.zeros((N, C, pool, pool, Ho, Wo))
    for a in range(pool):
        for b in range(pool):
            blocks[:, :, a, b] = np.where(argmax == a * pool + b, dout, 0.0)
    dx = np.zeros((N, C, H + 1, W))  # a spare row, as _add_windows may expect (see _padded)
    _add_windows(dx, blocks, s)
    return dx[:, :, :H].copy()


class FlattenCache(NamedTuple):
    x_shape: tuple  # (N, ...) the input's shape


def flatten_forward(x: ArrayLike) -> tuple[FloatArray, FlattenCache]:
    """Flatten (攤平) each sample to a vector, in row-major (C, H, W) order, for a dense layer.

    x: (N, C, H, W) (any (N, ...))  ->  out: (N, C·H·W), cache
    """
    x = _float64(x)
    if x.ndim < 1:
        raise ValueError("flatten_forward: x must have a batch axis, got a scalar")
    return x.reshape(x.shape[0], -1).copy(), FlattenCache(x.shape)


def flatten_backward(dout: ArrayLike, cache: FlattenCache) -> FloatArray:
    """Gradient of flatten: the same numbers put back in the input's shape.

    dout: (N, C·H·W)  ->  dx: (N, C, H, W)
    """
    (x_shape,) = cache
    dout = _float64(dout)
    if dout.size != int(np.prod(x_shape)) or dout.shape[:1] != x_shape[:1]:
        raise ValueError(f"flatten_backward: dout has shape {dout.shape}, which does not fit "
                         f"the input's shape {x_shape}")
    return dout.reshape(x_shape).copy()


# --- convolution as an image filter --------------------------------------------------------------


def filter_image(image: ArrayLike, kernel: ArrayLike) -> FloatArray:
    r"""Apply a kernel to a grayscale image as the seed's filters do (濾鏡): lay the kernel on
    the image, multiply cell by cell and add up, at every position where it fits ("valid").

        out[i, j] = Σ_{a, b} image[i + a, j + b] · kernel[a, b]     (no flip, no padding)

    EDGE_KERNEL gives 0 on a region of one colour, BLUR_KERNEL a local mean, SHARPEN_KERNEL
    the pixel plus (pixel − mean of its 4 neighbours) · 4.
    image: (H, W), kernel: (KH, KW)  ->  out: (H − KH + 1, W − KW + 1)
    """
    image, kernel = _float64(image), _float64(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"filter_image: image and kernel must be 2-D, got {image.shape} and "
                         f"{kernel.shape}")
    out, _ = conv2d_forward(image[None, None], kernel[None, None], np.zeros(1))
    return out[0, 0].copy()


# --- a small CNN: Conv + ReLU + Maxpool, then a dense layer --------------------------------------


class CNNCache(NamedTuple):
    conv: FastConvCache
    relu: ReluCache
    pool: PoolCache
    flat: FlattenCache
    dense: DenseCache


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


def _cnn_params(name: str, params: dict, C: int) -> dict[str, FloatArray]:
    missing = [k for k in PARAM_KEYS if k not in params]
    if missing:
        raise ValueError(f"{name}: params lacks {missing}; it needs the keys {PARAM_KEYS}")
    p = {k: _float64(params[k]) for k in PARAM_KEYS}
    if p["W1"].ndim != 4 or p["W1"].shape[1] != C or p["W1"].shape[2] % 2 == 0:
        raise ValueError(f"{name}: W1 must be (F, C, K, K) with C = {C} and K odd, got "
                         f"{p['W1'].shape}")
    return p


def cnn_forward(params: dict, x: ArrayLike) -> tuple[FloatArray, CNNCache]:
    r"""Scores of the small CNN, the seeds' recipe Conv + ReLU + Maxpool, then a dense layer:

        h = relu(conv2d(x, W1, b1, stride=1, pad=K // 2))      (N, F, H, W): "same" size
        z = flatten(maxpool(h, pool=2, stride=2))              (N, D), D = F·(H/2)·(W/2)
        scores = z W2 + b2                                     (N, classes)
    params: {"W1": (F, C, K, K), "b1": (F,), "W2": (D, classes), "b2": (classes,)},
    x: (N, C, H, W) with H and W even  ->  scores: (N, classes), cache for cnn_backward
    """
    x = _float64(x)
    _four_d("cnn_forward", "x", x, "NCHW")
    p = _cnn_params("cnn_forward", params, x.shape[1])
    conv, conv_cache = conv2d_forward(x, p["W1"], p["b1"], 1, p["W1"].shape[2] // 2)
    h, relu_cache = relu_forward(conv)
    pooled, pool_cache = maxpool_forward(h, 2, 2)
    z, flat_cache = flatten_forward(pooled)
    scores, dense_cache = dense_forward(z, p["W2"], p["b2"])
    return scores, CNNCache(conv_cache, relu_cache, pool_cache, flat_cache, dense_cache)


def cnn_backward(dscores: ArrayLike, cache: CNNCache) -> dict[str, FloatArray]:
    """Gradients of the small CNN, each layer's backward in reverse order.

    dscores: (N, classes)  ->
    {"W1": (F, C, K, K), "b1": (F,), "W2": (D, classes), "b2": (classes,)}
    """
    dz, dW2, db2 = dense_backward(dscores, cache.dense)
    dpooled = flatten_backward(dz, cache.flat)
    dh = maxpool_backward(dpooled, cache.pool)
    dconv = relu_backward(dh, cache.relu)
    _, dW1, db1 = conv2d_backward(dconv, cache.conv)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


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
    name = "train_cnn"
    x, y = _float64(x), np.asarray(y)
    _four_d(name, "x", x, "NCHW")
    N, C, H, W = x.shape
    if y.shape != (N,):
        raise ValueError(f"{name}: y must have shape (N,) = ({N},), got {y.shape}")
    epochs, batch_size = _positive(name, "epochs", epochs), _positive(name, "batch_size",
                                                                       batch_size)
    params = cnn_init(C, H, W, F, 3, classes, seed)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(N)
        for k in range(0, N, batch_size):
            batch = order[k:k + batch_size]
            loss, grads = cnn_loss(params, x[batch], y[batch])
            params = {key: params[key] - lr * grads[key] for key in PARAM_KEYS}
            losses.append(loss)
    return params, np.array(losses)
