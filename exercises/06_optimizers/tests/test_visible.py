"""Visible checks of exercise 06 (optimizers): what `grade exercise 06` runs.

Each optimizer is run for several steps on a fixed sequence of random gradients, its own state
passed back in each time, and every iterate is compared with the reference run the same way.
Known mistakes are named: the heavy ball instead of the seeds' EMA momentum (and back), Adam
without bias correction, AdamW with the decay inside the adaptive division. The schedules are
compared at key steps.
"""


from grader.checks import assert_close, pair, points, tip

STEPS = 5  # enough for a state that is ignored, reset or mis-scaled to show
SCHEDULE_HINT = tip("step: lr0 · drop^⌊t/every⌋; exponential: lr0 · rate^(t/decay_steps); "
                    "cosine: lr_min + ½(lr0 − lr_min)(1 + cos(π·min(t, T)/T))",
                    "階梯：lr0 · drop^⌊t/every⌋；指數：lr0 · rate^(t/decay_steps)；"
                    "餘弦：lr_min + ½(lr0 − lr_min)(1 + cos(π·min(t, T)/T))")


def _run(updates, rng, name, shape=(3, 2), **hyper):
    grads = rng.normal(size=(STEPS, *shape))
    return updates(name, list(grads), rng.normal(size=shape), **hyper)


@points(1)
def test_sgd(updates, rng):
    """SGD: w − lr · dw

    zh-TW: SGD：w − lr · dw
    """
    _run(updates, rng, "sgd", lr=0.1)


@points(2)
def test_momentum_ema(updates, rng):
    """Momentum in the seeds' form m = γm + (1 − γ)g over several steps

    zh-TW: 講義形式的動量 m = γm + (1 − γ)g，連續數步
    """
    _run(updates, rng, "momentum", lr=0.1, gamma=0.9)


@points(2)
def test_heavy_ball(updates, rng):
    """Heavy-ball momentum v = γv + lr·g over several steps

    zh-TW: 重球法動量 v = γv + lr·g，連續數步
    """
    _run(updates, rng, "heavy_ball", lr=0.1, gamma=0.9)


@points(2)
def test_nesterov(updates, rng):
    """Nesterov momentum over several steps

    zh-TW: Nesterov 動量，連續數步
    """
    _run(updates, rng, "nesterov", lr=0.1, gamma=0.9)


@points(1)
def test_adagrad(updates, rng):
    """Adagrad over several steps

    zh-TW: Adagrad，連續數步
    """
    _run(updates, rng, "adagrad", lr=0.1)


@points(2)
def test_adadelta(updates, rng):
    """Adadelta over several steps

    zh-TW: Adadelta，連續數步
    """
    _run(updates, rng, "adadelta")


@points(1)
def test_rmsprop(updates, rng):
    """RMSprop over several steps

    zh-TW: RMSprop，連續數步
    """
    _run(updates, rng, "rmsprop", lr=0.01)


@points(3)
def test_adam(updates, rng):
    """Adam with bias correction over several steps

    zh-TW: 含偏差校正的 Adam，連續數步
    """
    _run(updates, rng, "adam", lr=0.01)


@points(1)
def test_adam_first_step_is_about_lr(submission, reference, rng):
    """Adam's first step has the size of the learning rate, whatever the gradient's size

    zh-TW: Adam 的第一步大小約等於學習率，與梯度大小無關
    """
    for scale in (1e-3, 1.0, 1e3):
        w, dw = rng.normal(size=4), scale * rng.normal(size=4)
        result = submission.adam(w, dw, None, lr=0.01)
        next_w, _ = pair(result, ("next_w", "next_state"))
        assert_close(next_w, reference.adam(w, dw, None, lr=0.01)[0],
                     what=f"adam's first step with |dw| ~ {scale:g}",
                     hint=tip("at t = 1, m̂ = g and v̂ = g², so the step is lr · g/(|g| + eps) ≈ "
                              "lr; without the bias correction it is about 3.2 lr",
                              "t = 1 時 m̂ = g、v̂ = g²，所以一步是 lr · g/(|g| + eps) ≈ lr；"
                              "少了偏差校正會是約 3.2 lr"))


@points(2)
def test_adamw(updates, rng):
    """AdamW: weight decay outside the adaptive term

    zh-TW: AdamW：權重衰減在自適應項之外
    """
    _run(updates, rng, "adamw", lr=0.01, weight_decay=0.5)


@points(2)
def test_schedules(submission, reference):
    """step, exponential and cosine learning-rate schedules at key steps

    zh-TW: 階梯、指數與餘弦學習率排程在關鍵步數的值
    """
    for t in (0, 1, 9, 10, 25):
        assert_close(submission.step_decay(t, 0.1, drop=0.5, every=10),
                     reference.step_decay(t, 0.1, drop=0.5, every=10), hint=SCHEDULE_HINT)
        assert_close(submission.exponential_decay(t, 0.1, rate=0.9),
                     reference.exponential_decay(t, 0.1, rate=0.9), hint=SCHEDULE_HINT)
    for t in (0, 25, 50, 100, 150):
        assert_close(submission.cosine_decay(t, 0.1, 100, lr_min=0.01),
                     reference.cosine_decay(t, 0.1, 100, lr_min=0.01), hint=SCHEDULE_HINT)
