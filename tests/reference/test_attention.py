"""Tests of reference.attention: the masked row softmax, scaled dot-product attention, the causal
mask and multi-head self-attention, forward and backward."""

import numpy as np
import pytest

from reference import attention as att
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12  # the same float64 arithmetic in another order: a few ulps apart


def qkv(rng, N=2, Tq=3, Tk=4, D=5, M=2):
    return rng.normal(size=(N, Tq, D)), rng.normal(size=(N, Tk, D)), rng.normal(size=(N, Tk, M))


def random_mask(rng, shape):
    mask = rng.random(shape) < 0.6
    mask[..., 0] = True  # every query may attend to at least one key
    return mask


def naive_attention(Q, K, V, mask=None):
    """Loops over batch and queries, the textbook formula."""
    N, Tq, D = Q.shape
    out = np.zeros((N, Tq, V.shape[2]))
    for n in range(N):
        for i in range(Tq):
            s = K[n] @ Q[n, i] / np.sqrt(D)
            keep = np.ones(K.shape[1], bool) if mask is None else \
                np.broadcast_to(mask, (N, Tq, K.shape[1]))[n, i]
            if not keep.any():
                continue
            w = np.exp(s[keep] - s[keep].max())
            out[n, i] = (w / w.sum()) @ V[n][keep]
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_rows_sum_to_one_and_masked_entries_are_zero(seed):
    rng = np.random.default_rng(seed)
    s = rng.normal(scale=3.0, size=(2, 3, 5))
    mask = random_mask(rng, s.shape)
    P = att.masked_softmax(s, mask)
    assert np.allclose(P.sum(-1), 1.0) and np.all(P[~mask] == 0.0)
    e = np.exp(s - s.max(-1, keepdims=True))
    assert rel_error(att.masked_softmax(s), e / e.sum(-1, keepdims=True)) < VALUE_RTOL


def test_softmax_is_stable_and_fully_masked_rows_are_zero():
    s = np.array([[1000.0, 999.0, -1000.0], [5.0, 6.0, 7.0]])
    P = att.masked_softmax(s, np.array([[True, True, True], [False, False, False]]))
    assert np.all(np.isfinite(P)) and np.all(P[1] == 0.0)
    assert np.isclose(P[0, 0], 1 / (1 + np.exp(-1.0)))


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_backward_by_central_differences(seed):
    rng = np.random.default_rng(seed)
    s, dP = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    mask = random_mask(rng, s.shape)
    mask[1, 2] = False  # a fully masked row
    dS = att.masked_softmax_backward(dP, att.masked_softmax(s, mask))
    num = numerical_gradient(lambda z: float(np.sum(att.masked_softmax(z, mask) * dP)), s)
    assert rel_error(dS, num) < GRAD_RTOL


def test_causal_mask():
    assert np.array_equal(att.causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])
    assert att.causal_mask(1).dtype == bool


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_forward_matches_the_loops(seed):
    rng = np.random.default_rng(seed)
    Q, K, V = qkv(rng)
    mask = random_mask(rng, (2, 3, 4))
    mask[0, 1] = False  # a fully masked query: zero output
    for m in (None, mask, mask[0]):
        out, _ = att.attention_forward(Q, K, V, m)
        assert rel_error(out, naive_attention(Q, K, V, m)) < 1e-12
    assert np.all(att.attention_forward(Q, K, V, mask)[0][0, 1] == 0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_backward_by_central_differences(seed):
    rng = np.random.default_rng(seed)
    Q, K, V = qkv(rng)
    mask = random_mask(rng, (2, 3, 4))
    dout = rng.normal(size=(2, 3, 2))
    _, cache = att.attention_forward(Q, K, V, mask)
    grads = att.attention_backward(dout, cache)
    for i, g in enumerate(grads):
        def f(z, i=i):
            args = [Q, K, V]
            args[i] = z
            return float(np.sum(att.attention_forward(*args, mask)[0] * dout))
        assert rel_error(g, numerical_gradient(f, (Q, K, V)[i])) < GRAD_RTOL


def test_split_and_merge_heads_are_inverse():
    x = np.arange(2 * 3 * 6.0).reshape(2, 3, 6)
    heads = att.split_heads(x, 3)
    assert heads.shape == (6, 3, 2) and np.array_equal(heads[4], x[1, :, 2:4])
    assert np.array_equal(att.merge_heads(heads, 3), x)


@pytest.mark.parametrize("seed", SEEDS)
def test_multihead_backward_by_central_differences(seed):
    rng = np.random.default_rng(seed)
    N, T, D, h = 2, 3, 4, 2
    x = rng.normal(size=(N, T, D))
    params = {k: rng.normal(scale=0.7, size=(D, D)) for k in att.MHA_KEYS}
    dout = rng.normal(size=(N, T, D))
    mask = att.causal_mask(T)
    _, cache = att.multihead_attention_forward(x, params, h, mask)
    dx, grads = att.multihead_attention_backward(dout, cache)

    def loss(x_, p_):
        return float(np.sum(att.multihead_attention_forward(x_, p_, h, mask)[0] * dout))
    assert rel_error(dx, numerical_gradient(lambda z: loss(z, params), x)) < GRAD_RTOL
    for k in att.MHA_KEYS:
        num = numerical_gradient(lambda w, k=k: loss(x, {**params, k: w}), params[k])
        assert rel_error(grads[k], num) < GRAD_RTOL


def test_one_head_is_plain_attention():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 4))
    params = {k: rng.normal(size=(4, 4)) for k in att.MHA_KEYS}
    out, _ = att.multihead_attention_forward(x, params, 1)
    plain, _ = att.attention_forward(x @ params["Wq"], x @ params["Wk"], x @ params["Wv"])
    assert rel_error(out, plain @ params["Wo"]) < VALUE_RTOL


def test_agrees_with_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    Q, K, V = qkv(rng)
    mask = random_mask(rng, (2, 3, 4))
    want = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a) for a in (Q, K, V)), attn_mask=torch.tensor(mask)).numpy()
    assert rel_error(att.attention_forward(Q, K, V, mask)[0], want) < 1e-12


def test_inputs_not_modified_and_shapes_checked():
    rng = np.random.default_rng(5)
    Q, K, V = qkv(rng)
    copies = [a.copy() for a in (Q, K, V)]
    att.attention_backward(rng.normal(size=(2, 3, 2)), att.attention_forward(Q, K, V)[1])
    assert all(np.array_equal(a, b) for a, b in zip((Q, K, V), copies, strict=True))
    with pytest.raises(ValueError, match="K has shape"):
        att.attention_forward(Q, K[:, :, :2], V)
    with pytest.raises(ValueError, match="not divisible"):
        att.split_heads(np.zeros((1, 2, 5)), 2)
