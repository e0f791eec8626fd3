"""Tests of reference.cnn: convolution (loops and fast), transposed convolution, max-pooling,
flatten, counts, filters and the small CNN, against central differences, against each other
and, where PyTorch is installed, against torch.nn.functional (an independent oracle)."""

import numpy as np
import pytest

from reference import cnn
from reference.images import digits16
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

VALUE_RTOL = 1e-12  # the loop and the fast paths add the same products in another order
TORCH_RTOL = 1e-12  # float64 on both sides
ACCURACY = 0.97  # the small CNN's test accuracy on digits16 after train_cnn's defaults (~0.986)

# (N, C, H, W, F, KH, KW, stride, pad): square and not, stride 1–3, pad 0–2, 1×1 and full-size
# kernels, a stride that does not divide the padded size (the last columns are never read)
CONV_CASES = [
    (2, 3, 7, 6, 4, 3, 2, 1, 0),
    (2, 3, 8, 9, 5, 3, 3, 2, 1),
    (3, 2, 5, 5, 2, 1, 1, 3, 2),
    (1, 1, 4, 4, 1, 4, 4, 1, 0),
    (2, 2, 9, 7, 3, 3, 3, 3, 1),
]
TRANSPOSE_CASES = [  # (N, C_in, H, W, C_out, KH, KW, stride, pad)
    (2, 3, 4, 5, 2, 3, 3, 1, 0),
    (2, 4, 3, 3, 3, 4, 4, 2, 1),  # DCGAN's upsampling block: 3×3 -> 6×6
    (1, 2, 2, 3, 2, 3, 2, 3, 1),
]


def conv_inputs(case, seed=0):
    N, C, H, W, F, KH, KW, s, p = case
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, KH, KW)), rng.normal(size=F),
            s, p)


def transpose_inputs(case, seed=0):
    N, C_in, H, W, C_out, KH, KW, s, p = case
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, C_in, H, W)), rng.normal(size=(C_in, C_out, KH, KW)),
            rng.normal(size=C_out), s, p)


def layer_gradients(forward, args, dout):
    """Numerical gradients of Σ dout · forward(*args) w.r.t. the first three arguments."""
    grads = []
    for k in range(3):
        def f(v, k=k):
            new = list(args)
            new[k] = v
            return float(np.sum(forward(*new)[0] * dout))
        grads.append(numerical_gradient(f, args[k]))
    return grads


# --- sizes and counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(("H", "K", "s", "p", "want"), [
    (32, 3, 1, 1, 32), (28, 5, 1, 0, 24), (7, 3, 2, 1, 4), (8, 3, 2, 0, 3), (5, 5, 1, 0, 1),
    (10, 1, 3, 0, 4),
])
def test_conv_output_size(H, K, s, p, want):
    assert cnn.conv_output_size(H, K, s, p) == want


def test_conv_output_size_rejects_a_kernel_longer_than_the_padded_input():
    with pytest.raises(ValueError, match="longer than the padded input"):
        cnn.conv_output_size(3, 7, 1, 1)


def test_param_count_of_the_seeds_conv_layer():
    # Conv(2,(3,3)) on RGB: two 3×3×3 kernels and two biases (「卷積後加起來+b1」)
    assert cnn.conv_param_count(3, 2, 3, 3) == 56
    assert cnn.conv_param_count(3, 2, 3, 3, use_bias=False) == 54
    assert cnn.conv_param_count(16, 32, 5, 3) == 32 * (16 * 15 + 1)


# --- convolution ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CONV_CASES)
def test_fast_and_loop_convolutions_agree(case):
    x, w, b, s, p = conv_inputs(case)
    slow, slow_cache = cnn.conv2d_forward_naive(x, w, b, s, p)
    fast, fast_cache = cnn.conv2d_forward(x, w, b, s, p)
    N, C, H, W, F, KH, KW = case[:7]
    assert fast.shape == slow.shape == (N, F, cnn.conv_output_size(H, KH, s, p),
                                        cnn.conv_output_size(W, KW, s, p))
    assert rel_error(fast, slow) < VALUE_RTOL
    dout = np.random.default_rng(1).normal(size=fast.shape)
    for a, b_ in zip(cnn.conv2d_backward(dout, fast_cache),
                     cnn.conv2d_backward_naive(dout, slow_cache), strict=True):
        assert rel_error(a, b_) < VALUE_RTOL


@pytest.mark.parametrize("case", CONV_CASES[:3])
def test_conv_backward_matches_central_differences(case):
    x, w, b, s, p = conv_inputs(case, seed=2)
    out, cache = cnn.conv2d_forward(x, w, b, s, p)
    dout = np.random.default_rng(3).normal(size=out.shape)
    numeric = layer_gradients(cnn.conv2d_forward, (x, w, b, s, p), dout)
    for analytic, num in zip(cnn.conv2d_backward(dout, cache), numeric, strict=True):
        assert rel_error(analytic, num) < GRAD_RTOL


def test_conv_is_a_cross_correlation_like_the_slide():
    # 「把Kernel疊上去,每個獨自相乘後加總」: out[0, 0] is the window times the kernel, unflipped
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    k = np.array(cnn.SOBEL_X_KERNEL)[None, None]
    out, _ = cnn.conv2d_forward(x, k, np.zeros(1))
    assert out[0, 0, 0, 0] == np.sum(x[0, 0, :3, :3] * k[0, 0]) == 8.0  # +1 per column step


def test_conv_accepts_float32_and_leaves_its_arguments_alone():
    x, w, b, s, p = conv_inputs(CONV_CASES[1])
    x32, w32, b32 = (a.astype(np.float32) for a in (x, w, b))
    copies = [a.copy() for a in (x32, w32, b32)]
    out, cache = cnn.conv2d_forward(x32, w32, b32, s, p)
    assert out.dtype == np.float64
    assert rel_error(out, cnn.conv2d_forward(x32.astype(float), w32.astype(float),
                                             b32.astype(float), s, p)[0]) < VALUE_RTOL
    cnn.conv2d_backward(np.ones(out.shape, dtype=np.float32), cache)
    for a, c in zip((x32, w32, b32), copies, strict=True):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize(("args", "match"), [
    ((np.zeros((1, 2, 5, 5)), np.zeros((3, 3, 3, 3)), np.zeros(3)), "channels"),
    ((np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3)), np.zeros(2)), r"\(F,\)"),
    ((np.zeros((2, 5, 5)), np.zeros((3, 2, 3, 3)), np.zeros(3)), "x must have shape"),
    ((np.zeros((1, 2, 2, 2)), np.zeros((3, 2, 3, 3)), np.zeros(3)), "larger than the padded"),
])
def test_conv_errors_name_the_rule(args, match):
    for forward in (cnn.conv2d_forward, cnn.conv2d_forward_naive):
        with pytest.raises(ValueError, match=match):
            forward(*args)


def test_conv_backward_rejects_a_dout_of_another_shape():
    x, w, b, s, p = conv_inputs(CONV_CASES[0])
    out, cache = cnn.conv2d_forward(x, w, b, s, p)
    with pytest.raises(ValueError, match="forward output had shape"):
        cnn.conv2d_backward(np.zeros(out.shape[:-1] + (out.shape[-1] + 1,)), cache)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_matches_torch(case):
    torch = pytest.importorskip("torch")
    x, w, b, s, p = conv_inputs(case, seed=4)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    t_out = torch.nn.functional.conv2d(tx, tw, tb, stride=s, padding=p)
    dout = np.random.default_rng(5).normal(size=tuple(t_out.shape))
    t_out.backward(torch.tensor(dout))
    out, cache = cnn.conv2d_forward(x, w, b, s, p)
    assert rel_error(out, t_out.detach().numpy()) < TORCH_RTOL
    for mine, t in zip(cnn.conv2d_backward(dout, cache), (tx, tw, tb), strict=True):
        assert rel_error(mine, t.grad.numpy()) < TORCH_RTOL


# --- transposed convolution ----------------------------------------------------------------------


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_transposed_conv_output_size_and_gradients(case):
    x, w, b, s, p = transpose_inputs(case)
    N, C_in, H, W, C_out, KH, KW = case[:7]
    out, cache = cnn.conv_transpose2d_forward(x, w, b, s, p)
    assert out.shape == (N, C_out, (H - 1) * s - 2 * p + KH, (W - 1) * s - 2 * p + KW)
    dout = np.random.default_rng(6).normal(size=out.shape)
    numeric = layer_gradients(cnn.conv_transpose2d_forward, (x, w, b, s, p), dout)
    for analytic, num in zip(cnn.conv_transpose2d_backward(dout, cache), numeric, strict=True):
        assert rel_error(analytic, num) < GRAD_RTOL


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_transposed_conv_is_the_adjoint_of_the_conv(case):
    # <conv(y), x> = <y, convT(x)> with the same w read as (F, C, KH, KW) = (C_in, C_out, ..)
    x, w, _, s, p = transpose_inputs(case, seed=7)
    out, _ = cnn.conv_transpose2d_forward(x, w, np.zeros(w.shape[1]), s, p)
    y = np.random.default_rng(8).normal(size=out.shape)
    conv_y, _ = cnn.conv2d_forward(y, w, np.zeros(w.shape[0]), s, p)
    assert conv_y.shape == x.shape
    assert abs(np.sum(conv_y * x) - np.sum(y * out)) < 1e-10 * np.sum(np.abs(y * out))


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_transposed_conv_matches_torch(case):
    torch = pytest.importorskip("torch")
    x, w, b, s, p = transpose_inputs(case, seed=9)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    t_out = torch.nn.functional.conv_transpose2d(tx, tw, tb, stride=s, padding=p)
    dout = np.random.default_rng(10).normal(size=tuple(t_out.shape))
    t_out.backward(torch.tensor(dout))
    out, cache = cnn.conv_transpose2d_forward(x, w, b, s, p)
    assert rel_error(out, t_out.detach().numpy()) < TORCH_RTOL
    for mine, t in zip(cnn.conv_transpose2d_backward(dout, cache), (tx, tw, tb), strict=True):
        assert rel_error(mine, t.grad.numpy()) < TORCH_RTOL


def test_transposed_conv_errors():
    with pytest.raises(ValueError, match="C_in"):
        cnn.conv_transpose2d_forward(np.zeros((1, 2, 3, 3)), np.zeros((3, 2, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="cuts away"):
        cnn.conv_transpose2d_forward(np.zeros((1, 2, 1, 1)), np.zeros((2, 2, 2, 2)), np.zeros(2),
                                     pad=1)


# --- max-pooling and flatten ---------------------------------------------------------------------


@pytest.mark.parametrize(("pool", "stride"), [(2, 2), (3, 1), (2, 1), (3, 2)])
def test_maxpool_gradient(pool, stride):
    x = np.random.default_rng(11).normal(size=(2, 3, 7, 8))  # no ties: a derivative exists
    out, cache = cnn.maxpool_forward(x, pool, stride)
    assert out.shape == (2, 3, (7 - pool) // stride + 1, (8 - pool) // stride + 1)
    dout = np.random.default_rng(12).normal(size=out.shape)
    numeric = numerical_gradient(lambda v: float(np.sum(cnn.maxpool_forward(v, pool, stride)[0]
                                                        * dout)), x)
    assert rel_error(cnn.maxpool_backward(dout, cache), numeric) < GRAD_RTOL


def test_maxpool_ties_send_the_gradient_to_the_first_maximum_only():
    x = np.array([[1.0, 3.0, 0.0, 0.0], [3.0, 3.0, 0.0, 0.0]])[None, None]
    out, cache = cnn.maxpool_forward(x)
    np.testing.assert_array_equal(out, [[[[3.0, 0.0]]]])
    dx = cnn.maxpool_backward(np.array([[[[5.0, 7.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[0.0, 5.0, 7.0, 0.0], [0.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize(("pool", "stride"), [(2, 2), (3, 2)])
def test_maxpool_matches_torch(pool, stride):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(13).normal(size=(2, 2, 9, 6))
    tx = torch.tensor(x, requires_grad=True)
    t_out = torch.nn.functional.max_pool2d(tx, pool, stride)
    dout = np.random.default_rng(14).normal(size=tuple(t_out.shape))
    t_out.backward(torch.tensor(dout))
    out, cache = cnn.maxpool_forward(x, pool, stride)
    np.testing.assert_array_equal(out, t_out.detach().numpy())
    assert rel_error(cnn.maxpool_backward(dout, cache), tx.grad.numpy()) < TORCH_RTOL


def test_flatten_round_trip():
    x = np.random.default_rng(15).normal(size=(3, 2, 4, 5))
    out, cache = cnn.flatten_forward(x)
    np.testing.assert_array_equal(out, x.reshape(3, 40))
    np.testing.assert_array_equal(cnn.flatten_backward(out, cache), x)
    with pytest.raises(ValueError, match="does not fit"):
        cnn.flatten_backward(np.zeros((3, 41)), cache)


# --- filters -------------------------------------------------------------------------------------


def test_filters_do_what_the_slide_says():
    flat = np.full((6, 7), 0.4)
    ramp = np.tile(np.arange(7.0), (6, 1))
    # 邊邊探測: a region of one colour gives 0; 模糊化 keeps a flat image; 銳利化 too (sums to 1)
    np.testing.assert_allclose(cnn.filter_image(flat, cnn.EDGE_KERNEL), 0.0, atol=1e-15)
    np.testing.assert_allclose(cnn.filter_image(flat, cnn.BLUR_KERNEL), 0.4, rtol=1e-14)
    np.testing.assert_allclose(cnn.filter_image(flat, cnn.SHARPEN_KERNEL), 0.4, rtol=1e-14)
    assert cnn.filter_image(ramp, cnn.BLUR_KERNEL).shape == (4, 5)
    np.testing.assert_allclose(cnn.filter_image(ramp, cnn.SOBEL_X_KERNEL), 8.0)  # not −8: no flip


# --- the small CNN -------------------------------------------------------------------------------


def test_cnn_gradients_match_central_differences():
    rng = np.random.default_rng(16)
    x, y = rng.random((3, 1, 6, 6)), np.array([0, 2, 1])
    params = cnn.cnn_init(1, 6, 6, F=2, classes=3, seed=1)
    params["b1"] = rng.normal(scale=0.1, size=2)  # away from ReLU's kink at exactly 0
    _, grads = cnn.cnn_loss(params, x, y)
    for key in cnn.PARAM_KEYS:
        def f(v, key=key):
            return cnn.cnn_loss({**params, key: v}, x, y)[0]
        assert rel_error(grads[key], numerical_gradient(f, params[key])) < GRAD_RTOL, key


def test_cnn_init_shapes_and_draws():
    p = cnn.cnn_init(1, 16, 16, F=8, classes=10, seed=3)
    assert {k: v.shape for k, v in p.items()} == {"W1": (8, 1, 3, 3), "b1": (8,),
                                                   "W2": (512, 10), "b2": (10,)}
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(p["W1"], rng.normal(0.0, np.sqrt(2 / 9), size=(8, 1, 3, 3)))


def test_train_cnn_is_reproducible_and_lowers_the_loss_quickly():
    x, y = digits16("train")
    _, losses = cnn.train_cnn(x[:96], y[:96], epochs=2, batch_size=16, seed=4)
    _, again = cnn.train_cnn(x[:96], y[:96], epochs=2, batch_size=16, seed=4)
    assert losses.shape == (12,)
    np.testing.assert_array_equal(losses, again)
    assert losses[-3:].mean() < 0.8 * losses[:3].mean()


def test_small_cnn_reaches_the_stated_accuracy_on_digits16():
    # the full training run of the README (about 1 s here): 5 epochs of SGD on 1 500 images
    params, losses = cnn.train_cnn(*digits16("train"))
    x_test, y_test = digits16("test")
    assert np.mean(cnn.cnn_predict(params, x_test) == y_test) >= ACCURACY
    assert losses[-20:].mean() < 0.25
