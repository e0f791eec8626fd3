"""Hidden checks of exercise 06 (optimizers): run only when the instructor grades.

What a submission tuned to the visible checks can miss: other hyper-parameters than the ones
the visible checks use (γ, ρ, β₁, β₂, eps), float32 and 1-D inputs, long runs where Adam's bias
correction has faded, and schedules with other periods and past their end.
"""

import numpy as np

from grader.checks import assert_close, points, tip

FLOAT32_RTOL = 1e-4  # float32 arithmetic rounds at 6e-8; a few steps with a division stay far below

ALL = {
    "sgd": {"lr": 0.3},
    "momentum": {"lr": 0.05, "gamma": 0.5},
    "heavy_ball": {"lr": 0.05, "gamma": 0.5},
    "nesterov": {"lr": 0.05, "gamma": 0.7},
    "adagrad": {"lr": 0.5, "eps": 1e-6},
    "adadelta": {"lr": 0.5, "rho": 0.8, "eps": 1e-4},
    "rmsprop": {"lr": 0.05, "rho": 0.5, "eps": 1e-6},
    "adam": {"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6, "weight_decay": 0.1},
    "adamw": {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "weight_decay": 0.2},
}


@points(2)
def test_other_hyper_parameters(updates, rng):
    """every optimizer with other hyper-parameters than the visible checks use

    zh-TW: 每個最佳化演算法在其他超參數下
    """
    for name, hyper in ALL.items():
        updates(name, list(rng.normal(size=(4, 5))), rng.normal(size=5), **hyper)


@points(2)
def test_float32_inputs(updates, rng):
    """float32 parameters and gradients give the float64 answer

    zh-TW: float32 的參數與梯度也得到 float64 的答案
    """
    for name in ("momentum", "nesterov", "rmsprop", "adam", "adamw"):
        grads = [g.astype(np.float32) for g in rng.normal(size=(3, 2, 3))]
        updates(name, grads, rng.normal(size=(2, 3)).astype(np.float32), rtol=FLOAT32_RTOL)


@points(2)
def test_long_runs(updates, rng):
    """Adam, AdamW and Adadelta over 60 steps

    zh-TW: Adam、AdamW 與 Adadelta 連續 60 步
    """
    for name, hyper in (("adam", {"lr": 0.01}), ("adamw", {"lr": 0.01}), ("adadelta", {})):
        updates(name, list(rng.normal(size=(60, 3))), rng.normal(size=3), **hyper)


@points(2)
def test_schedule_edges(submission, reference):
    """schedules with other periods and past their end

    zh-TW: 其他週期以及超過終點之後的學習率排程
    """
    hint = tip("cosine stays at lr_min once t >= total_steps; exponential decays smoothly as "
               "rate^(t/decay_steps), with no floor",
               "t >= total_steps 之後餘弦排程固定在 lr_min；指數排程是 rate^(t/decay_steps)，"
               "平滑衰減、不取整")
    for t in (0, 2, 3, 7, 300):
        assert_close(submission.step_decay(t, 1.0, drop=0.1, every=3),
                     reference.step_decay(t, 1.0, drop=0.1, every=3), hint=hint)
        assert_close(submission.exponential_decay(t, 2.0, rate=0.5, decay_steps=4),
                     reference.exponential_decay(t, 2.0, rate=0.5, decay_steps=4), hint=hint)
        assert_close(submission.cosine_decay(t, 2.0, 7),
                     reference.cosine_decay(t, 2.0, 7), hint=hint)
