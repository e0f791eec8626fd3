"""Tests of reference.gan: the stable losses, the two MLPs and their gradients, the alternating
schedule, training to the stated bounds, and DCGAN's blocks (PyTorch as an oracle where it is
installed)."""

import numpy as np
import pytest

from reference import gan
from tests.reference._numgrad import GRAD_RTOL, numerical_gradient, rel_error

SEEDS = [0, 1, 2]
VALUE_RTOL = 1e-12
TORCH_RTOL = 1e-10  # float64 in both: different orders of summation only
MEAN_BOUND = 0.3  # README: |mean of G's samples − 4| <= 0.3 after train_gan's default 2000 steps
STD_BOUND = 0.3  # README: their std within 30 % of 1.25 (the reference: within 27 % on 40 seeds)
ACCURACY_BOUND = 0.1  # README: D's accuracy within 50 % ± 10 % at the end
ZERO_GRAD_ATOL = 1e-7  # central differences of a gradient that is exactly 0 give ~1e-9
EVAL = 4000  # samples of G (and of the target) the bounds are measured on


def small_gan(seed: int, D: int = 1, Z: int = 2, H: int = 5, N: int = 6, M: int = 7):
    """Random params {"G", "D"}, real batch (N, D) and noise (M, Z); no hidden unit at a kink."""
    rng = np.random.default_rng(seed)
    params = {"G": {"W1": rng.normal(size=(Z, H)), "b1": rng.normal(size=H),
                    "W2": rng.normal(size=(H, D)), "b2": rng.normal(size=D)},
              "D": {"W1": rng.normal(size=(D, H)), "b1": rng.normal(size=H),
                    "W2": rng.normal(size=(H, 1)), "b2": rng.normal(size=1)}}
    return params, rng.normal(size=(N, D)), rng.normal(size=(M, Z))


def numerical_net_grads(loss, net: dict) -> dict:
    """Central differences of loss(net) with respect to every parameter of one network."""
    return {k: numerical_gradient(lambda v, k=k: loss({**net, k: v}), net[k]) for k in net}


def assert_grads(grads: dict, expected: dict, what: str) -> None:
    assert set(grads) == set(expected), what
    for k in expected:
        assert rel_error(grads[k], expected[k]) < GRAD_RTOL, f"{what}: {k}"


# --- losses --------------------------------------------------------------------------------------


def test_softplus_is_stable_and_exact():
    x = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is fine
        out = gan.softplus(x)
    np.testing.assert_allclose(out, np.logaddexp(0.0, x), rtol=VALUE_RTOL)
    assert out[0] == 0.0 and out[-1] == 1000.0


@pytest.mark.parametrize("seed", SEEDS)
def test_losses_match_their_formulas_and_gradients(seed):
    rng = np.random.default_rng(seed)
    s, f = rng.normal(size=5) * 3, rng.normal(size=4) * 3
    sig = 1.0 / (1.0 + np.exp(-np.concatenate([s, f])))
    p_real, p_fake = sig[:5], sig[5:]
    loss, dreal, dfake = gan.discriminator_loss(s, f)
    assert loss == pytest.approx(-np.mean(np.log(p_real)) - np.mean(np.log(1 - p_fake)),
                                 rel=1e-12)
    assert rel_error(dreal, numerical_gradient(lambda v: gan.discriminator_loss(v, f)[0], s)) \
        < GRAD_RTOL
    assert rel_error(dfake, numerical_gradient(lambda v: gan.discriminator_loss(s, v)[0], f)) \
        < GRAD_RTOL
    for fn, expected in ((gan.generator_loss, -np.mean(np.log(p_fake))),
                         (gan.saturating_generator_loss, np.mean(np.log(1 - p_fake)))):
        value, grad = fn(f)
        assert value == pytest.approx(expected, rel=1e-12), fn.__name__
        assert rel_error(grad, numerical_gradient(lambda v, fn=fn: fn(v)[0], f)) < GRAD_RTOL


def test_losses_are_finite_for_huge_logits():
    big = np.array([-800.0, 800.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is fine
        loss, dreal, dfake = gan.discriminator_loss(big, big)
        g, dg = gan.generator_loss(big)
        sat, dsat = gan.saturating_generator_loss(big)
    assert loss == pytest.approx(800.0 / 2 + 800.0 / 2)  # the wrong side of each costs |s|
    assert g == pytest.approx(400.0) and sat == pytest.approx(-400.0)
    np.testing.assert_allclose(dreal, [-0.5, 0.0])
    np.testing.assert_allclose(dfake, [0.0, 0.5])
    np.testing.assert_allclose(dg, [-0.5, 0.0])
    np.testing.assert_allclose(dsat, [0.0, -0.5])


def test_saturating_loss_vanishes_where_the_non_saturating_one_does_not():
    rejected = np.full(4, -10.0)  # D is sure the fakes are fake: D(G(z)) ≈ 4.5e-5
    _, strong = gan.generator_loss(rejected)
    _, weak = gan.saturating_generator_loss(rejected)
    assert np.all(np.abs(strong) > 1e4 * np.abs(weak))
    np.testing.assert_allclose(strong, -0.25, rtol=1e-4)  # ≈ −1/M


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    s, f = rng.normal(size=6) * 4, rng.normal(size=3) * 4
    ts = torch.tensor(s, requires_grad=True)
    tf = torch.tensor(f, requires_grad=True)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    total = bce(ts, torch.ones(6, dtype=torch.float64)) + bce(tf, torch.zeros(3,
                                                                                dtype=torch.float64))
    total.backward()
    loss, dreal, dfake = gan.discriminator_loss(s, f)
    assert loss == pytest.approx(total.item(), rel=TORCH_RTOL)
    np.testing.assert_allclose(dreal, ts.grad.numpy(), rtol=TORCH_RTOL)
    np.testing.assert_allclose(dfake, tf.grad.numpy(), rtol=TORCH_RTOL)


def test_losses_reject_non_vectors():
    with pytest.raises(ValueError, match="vector of logits"):
        gan.generator_loss(np.zeros((3, 1)))


# --- the two networks ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_generator_backward_matches_central_differences(seed):
    params, _, z = small_gan(seed, D=2)
    x, cache = gan.generator_forward(z, params["G"])
    dx = np.random.default_rng(seed + 10).normal(size=x.shape)
    grads = gan.generator_backward(dx, cache)
    expected = numerical_net_grads(
        lambda p: float(np.sum(gan.generator_forward(z, p)[0] * dx)), params["G"])
    assert_grads(grads, expected, f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_discriminator_backward_matches_central_differences(seed):
    params, x, _ = small_gan(seed, D=3)
    logits, cache = gan.discriminator_forward(x, params["D"])
    assert logits.shape == (x.shape[0],)
    dlogits = np.random.default_rng(seed + 10).normal(size=logits.shape)
    dx, grads = gan.discriminator_backward(dlogits, cache)

    def loss(xv, p):
        return float(np.sum(gan.discriminator_forward(xv, p)[0] * dlogits))

    assert rel_error(dx, numerical_gradient(lambda v: loss(v, params["D"]), x)) < GRAD_RTOL
    assert_grads(grads, numerical_net_grads(lambda p: loss(x, p), params["D"]), f"seed {seed}")


def test_leaky_relu_slope_is_on_the_negative_side():
    d = {"W1": np.array([[1.0]]), "b1": np.zeros(1), "W2": np.array([[1.0]]), "b2": np.zeros(1)}
    logits, _ = gan.discriminator_forward(np.array([[2.0], [-2.0]]), d, alpha=0.2)
    np.testing.assert_allclose(logits, [2.0, -0.4])


# --- gradients through the game ------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_discriminator_gradients_are_the_gradients_of_its_loss(seed):
    params, x, z = small_gan(seed)

    def loss(d):
        fake, _ = gan.generator_forward(z, params["G"])
        return gan.discriminator_loss(gan.discriminator_forward(x, d)[0],
                                      gan.discriminator_forward(fake, d)[0])[0]

    value, grads = gan.discriminator_gradients(params, x, z)
    assert value == pytest.approx(loss(params["D"]), rel=VALUE_RTOL)
    assert_grads(grads, numerical_net_grads(loss, params["D"]), f"seed {seed}")


@pytest.mark.parametrize("seed", SEEDS)
def test_generator_gradients_flow_through_the_discriminator(seed):
    params, _, z = small_gan(seed, D=2)

    def loss(g):
        fake, _ = gan.generator_forward(z, g)
        return gan.generator_loss(gan.discriminator_forward(fake, params["D"])[0])[0]

    value, grads = gan.generator_gradients(params, z)
    assert value == pytest.approx(loss(params["G"]), rel=VALUE_RTOL)
    assert_grads(grads, numerical_net_grads(loss, params["G"]), f"seed {seed}")


# --- steps and the schedule ----------------------------------------------------------------------


def equal_nets(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k]) for k in b)


def test_each_step_updates_one_network_only():
    params, x, z = small_gan(0)
    after_d, state, _ = gan.discriminator_step(params, None, x, z)
    assert equal_nets(after_d["G"], params["G"]) and not equal_nets(after_d["D"], params["D"])
    assert state["G"] is None and state["D"]["W1"]["t"] == 1
    after_g, state, _ = gan.generator_step(after_d, state, z)
    assert equal_nets(after_g["D"], after_d["D"]) and not equal_nets(after_g["G"], after_d["G"])
    assert state["D"]["W1"]["t"] == 1 and state["G"]["W1"]["t"] == 1


def test_steps_do_not_modify_their_arguments():
    params, x, z = small_gan(1)
    copy = {net: {k: v.copy() for k, v in p.items()} for net, p in params.items()}
    gan.discriminator_step(params, None, x, z)
    gan.generator_step(params, None, z)
    assert all(equal_nets(params[net], copy[net]) for net in copy)


def test_a_step_lowers_its_own_loss():
    params, x, z = small_gan(2)
    loss_d = gan.discriminator_gradients(params, x, z)[0]
    stepped, _, _ = gan.discriminator_step(params, None, x, z, lr=1e-3)
    assert gan.discriminator_gradients(stepped, x, z)[0] < loss_d
    loss_g = gan.generator_gradients(params, z)[0]
    stepped, _, _ = gan.generator_step(params, None, z, lr=1e-3)
    assert gan.generator_gradients(stepped, z)[0] < loss_g


def test_train_step_is_k_discriminator_steps_then_one_generator_step():
    rng = np.random.default_rng(3)
    params, _, _ = small_gan(3)
    x_real, z_d, z_g = rng.normal(size=(3, 6, 1)), rng.normal(size=(3, 7, 2)), rng.normal(
        size=(7, 2))
    got, got_state, d_losses, g_loss = gan.train_step(params, None, x_real, z_d, z_g, lr=0.01)
    want, state = params, None
    losses = []
    for i in range(3):
        want, state, loss = gan.discriminator_step(want, state, x_real[i], z_d[i], lr=0.01)
        losses.append(loss)
    want, state, loss_g = gan.generator_step(want, state, z_g, lr=0.01)
    assert all(equal_nets(got[net], want[net]) for net in want)
    np.testing.assert_array_equal(d_losses, losses)
    assert g_loss == loss_g


def test_discriminator_accuracy_counts_both_sides():
    d = {"W1": np.array([[1.0]]), "b1": np.zeros(1), "W2": np.array([[1.0]]), "b2": np.array([
        -1.0])}  # logit relu-ish(x) − 1: real above 1
    g = {"W1": np.zeros((1, 1)), "b1": np.zeros(1), "W2": np.zeros((1, 1)), "b2": np.array([0.5])}
    acc = gan.discriminator_accuracy({"G": g, "D": d}, np.array([[2.0], [0.0]]), np.zeros((2, 1)))
    assert acc == pytest.approx(0.75)  # real 2 right, real 0 wrong, both fakes (0.5) right


# --- training ------------------------------------------------------------------------------------


def train_and_measure(seed: int) -> tuple[float, float, float]:
    data = gan.target_samples(2000, seed=0)
    params, history = gan.train_gan(data, seed=seed)
    assert history["d_loss"].shape == history["g_loss"].shape == (gan.STEPS,)
    z = np.random.default_rng(100 + seed).normal(size=(EVAL, gan.Z_DIM))
    samples, _ = gan.generator_forward(z, params["G"])
    acc = gan.discriminator_accuracy(params, gan.target_samples(EVAL, seed=50 + seed), z)
    return float(samples.mean()), float(samples.std()), acc


def assert_within_bounds(seed: int) -> None:
    mean, std, acc = train_and_measure(seed)
    assert abs(mean - gan.TARGET_MEAN) <= MEAN_BOUND, f"seed {seed}: mean {mean}"
    assert abs(std / gan.TARGET_STD - 1) <= STD_BOUND, f"seed {seed}: std {std}"
    assert abs(acc - 0.5) <= ACCURACY_BOUND, f"seed {seed}: D's accuracy {acc}"


def test_training_reaches_the_stated_bounds():
    assert_within_bounds(0)  # train_gan's defaults, as the README states them (about 0.7 s)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 12))
def test_training_reaches_the_stated_bounds_for_other_seeds(seed):
    assert_within_bounds(seed)


def test_training_is_deterministic_and_starts_far_from_the_target():
    data = gan.target_samples(500, seed=1)
    first, hist1 = gan.train_gan(data, steps=5, seed=3)
    second, hist2 = gan.train_gan(data, steps=5, seed=3)
    np.testing.assert_array_equal(hist1["g_loss"], hist2["g_loss"])
    assert equal_nets(first["G"], second["G"])
    start = gan.init_gan_params(data, seed=3)
    z = np.random.default_rng(0).normal(size=(1000, gan.Z_DIM))
    assert abs(gan.generator_forward(z, start["G"])[0].mean() - gan.TARGET_MEAN) > 2.0


def test_init_puts_the_discriminators_kinks_at_real_samples():
    data = gan.target_samples(300, seed=2)
    d = gan.init_gan_params(data, seed=4)["D"]
    kinks = -d["b1"] / d["W1"][0]  # a·w + b = 0 at a = −b/w
    assert np.all(np.isin(np.round(kinks, 9), np.round(data[:, 0], 9)))


# --- DCGAN blocks --------------------------------------------------------------------------------


def block_inputs(seed: int, C_in: int = 3, C_out: int = 2, H: int = 4, K: int = 4,
                 transpose: bool = True):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, C_in, H, H))
    w = rng.normal(size=(C_in, C_out, K, K) if transpose else (C_out, C_in, K, K)) * 0.3
    return x, w, rng.normal(size=C_out), rng.uniform(0.5, 1.5, size=C_out), rng.normal(
        size=C_out)


def assert_block_grad(grad, expected, key: str) -> None:
    """Relative error, or both zero up to the differences' noise: batch norm cancels b."""
    assert grad.shape == expected.shape, key
    assert rel_error(grad, expected) < GRAD_RTOL or \
        np.max(np.abs(grad - expected)) < ZERO_GRAD_ATOL, key


def block_grads_numerically(forward, args: dict, dout) -> dict:
    def loss(key):
        return lambda v: float(np.sum(forward(**{**args, key: v})[0] * dout))
    return {key: numerical_gradient(loss(key), args[key]) for key in args}


@pytest.mark.parametrize("last", [False, True])
def test_generator_block_shapes_and_gradients(last):
    x, w, b, gamma, beta = block_inputs(0)
    args = {"x": x, "w": w, "b": b, "gamma": gamma, "beta": beta}

    def forward(**a):
        return gan.generator_block_forward(**a, stride=2, pad=1, last=last)

    out, cache = forward(**args)
    assert out.shape == (2, 2, 8, 8)  # 4x4 -> 8x8: stride 2, pad 1, kernel 4
    if last:
        assert np.all(np.abs(out) < 1)
    else:
        assert np.all(out >= 0)
    dout = np.random.default_rng(1).normal(size=out.shape)
    grads = gan.generator_block_backward(dout, cache)
    expected = block_grads_numerically(forward, args, dout)
    for key in args:
        assert_block_grad(grads[key], expected[key], key)


@pytest.mark.parametrize("batchnorm", [True, False])
def test_discriminator_block_shapes_and_gradients(batchnorm):
    x, w, b, gamma, beta = block_inputs(2, C_in=2, C_out=3, H=8, transpose=False)
    args = {"x": x, "w": w, "b": b, "gamma": gamma, "beta": beta}

    def forward(**a):
        return gan.discriminator_block_forward(**a, batchnorm=batchnorm)

    out, cache = forward(**args)
    assert out.shape == (2, 3, 4, 4)  # 8x8 -> 4x4
    dout = np.random.default_rng(3).normal(size=out.shape)
    grads = gan.discriminator_block_backward(dout, cache)
    expected = block_grads_numerically(forward, args, dout)
    for key in args:
        assert_block_grad(grads[key], expected[key], key)


def test_noise_to_an_eight_by_eight_image():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(3, 5, 1, 1))  # a noise vector as a 1x1 image of 5 channels
    h, _ = gan.generator_block_forward(z, rng.normal(size=(5, 4, 4, 4)), np.zeros(4),
                                       np.ones(4), np.zeros(4), stride=1, pad=0)
    image, _ = gan.generator_block_forward(h, rng.normal(size=(4, 1, 4, 4)), np.zeros(1),
                                           np.ones(1), np.zeros(1), last=True)
    assert h.shape == (3, 4, 4, 4) and image.shape == (3, 1, 8, 8)
    features, _ = gan.discriminator_block_forward(image, rng.normal(size=(2, 1, 4, 4)),
                                                  np.zeros(2), np.ones(2), np.zeros(2),
                                                  batchnorm=False)
    assert features.shape == (3, 2, 4, 4)


def test_blocks_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, w, b, gamma, beta = block_inputs(5)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b, gamma, beta)]
    tx, tw, tb, tg, tbeta = tensors
    y = F.conv_transpose2d(tx, tw, tb, stride=2, padding=1)
    out = F.relu(F.batch_norm(y, None, None, tg, tbeta, training=True, eps=1e-5))
    dout = np.random.default_rng(6).normal(size=tuple(out.shape))
    (out * torch.tensor(dout)).sum().backward()
    mine, cache = gan.generator_block_forward(x, w, b, gamma, beta)
    np.testing.assert_allclose(mine, out.detach().numpy(), rtol=TORCH_RTOL, atol=1e-12)
    grads = gan.generator_block_backward(dout, cache)
    for key, t in zip(("x", "w", "b", "gamma", "beta"), tensors, strict=True):
        np.testing.assert_allclose(grads[key], t.grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=key)

    x, w, b, gamma, beta = block_inputs(7, C_in=2, C_out=3, H=8, transpose=False)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, w, b, gamma, beta)]
    tx, tw, tb, tg, tbeta = tensors
    y = F.batch_norm(F.conv2d(tx, tw, tb, stride=2, padding=1), None, None, tg, tbeta,
                     training=True, eps=1e-5)
    out = F.leaky_relu(y, 0.2)
    dout = np.random.default_rng(8).normal(size=tuple(out.shape))
    (out * torch.tensor(dout)).sum().backward()
    mine, cache = gan.discriminator_block_forward(x, w, b, gamma, beta)
    np.testing.assert_allclose(mine, out.detach().numpy(), rtol=TORCH_RTOL, atol=1e-12)
    grads = gan.discriminator_block_backward(dout, cache)
    for key, t in zip(("x", "w", "b", "gamma", "beta"), tensors, strict=True):
        np.testing.assert_allclose(grads[key], t.grad.numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=key)
