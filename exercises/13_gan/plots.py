"""Exercise 13's figure, drawn from the student's own GAN (grader/plots.py).

Every sample, loss, accuracy and gradient comes from the student's functions (train_gan,
generator_forward, discriminator_accuracy, the two generator losses) through the proxy; this file
only draws. Text in the figure is English only: a default matplotlib font has no CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

SNAPSHOTS = (0, 100, 400, 2000)  # training steps at which G's samples are drawn (2000: default)
SEED = 0
DATA, EVAL = 2000, 3000  # real samples train_gan learns from; samples drawn for each panel
BINS = np.linspace(-3.0, 11.0, 57)
LOGITS = np.linspace(-10.0, 10.0, 201)  # D's logit s̃ of a fake, for the two losses' gradients


def gan_training(submission, out_dir: Path) -> list[Path]:
    """Real vs generated samples over training, the losses, D's accuracy, the two G losses

    zh-TW: 訓練過程中的真實與生成樣本、損失、D 的準確率，以及 G 的兩種損失
    """
    data = np.asarray(submission.target_samples(DATA, seed=SEED), dtype=float)
    rng = np.random.default_rng(12345)
    real_eval = np.asarray(submission.target_samples(EVAL, seed=SEED + 1), dtype=float)
    fig = plt.figure(figsize=(15, 7.5))
    grid = fig.add_gridspec(2, len(SNAPSHOTS))
    accuracy, history = [], None
    for i, steps in enumerate(SNAPSHOTS):
        params, hist = submission.train_gan(data, steps=steps, seed=SEED)
        z = rng.normal(size=(EVAL, 2))
        samples, _ = submission.generator_forward(z, params["G"])
        samples = np.asarray(samples, dtype=float).reshape(-1)
        accuracy.append(float(submission.discriminator_accuracy(params, real_eval, z)))
        history = hist
        ax = fig.add_subplot(grid[0, i])
        ax.hist(data[:, 0], bins=BINS, density=True, color="0.7", label="real N(4, 1.25²)")
        ax.hist(samples, bins=BINS, density=True, histtype="step", linewidth=1.8,
                color="tab:red", label="G(z)")
        ax.set_title(f"step {steps}: G's mean {samples.mean():.2f}, std {samples.std():.2f}",
                     fontsize="medium")
        ax.set_xlabel("x")
        if i == 0:
            ax.set_ylabel("density")
            ax.legend(fontsize="small", loc="upper right")

    losses = fig.add_subplot(grid[1, :2])
    d_loss = np.asarray(history["d_loss"], dtype=float)
    g_loss = np.asarray(history["g_loss"], dtype=float)
    steps = np.arange(1, len(d_loss) + 1)
    losses.plot(steps, d_loss, color="tab:blue", linewidth=0.6, alpha=0.8, label="L_D")
    losses.plot(steps, g_loss, color="tab:red", linewidth=0.6, alpha=0.8, label="L_G")
    losses.axhline(2 * np.log(2), color="tab:blue", linestyle="--", linewidth=1,
                   label="2 log 2: D* = ½ everywhere")
    losses.axhline(np.log(2), color="tab:red", linestyle="--", linewidth=1, label="log 2")
    losses.set_xlabel("training step")
    losses.set_ylabel("loss")
    losses.set_title(f"losses over {len(d_loss)} steps (k = 1 D step per G step)",
                     fontsize="medium")
    losses.legend(fontsize="small", loc="upper right", ncol=2)

    acc = fig.add_subplot(grid[1, 2])
    acc.plot(SNAPSHOTS, accuracy, "o-", color="tab:purple")
    acc.axhline(0.5, color="0.4", linestyle="--", linewidth=1, label="50 %: D can only guess")
    acc.set_ylim(0.0, 1.05)
    acc.set_xscale("symlog", linthresh=100)
    acc.set_xlabel("training step")
    acc.set_ylabel("D's accuracy (real and fake)")
    acc.set_title("D's accuracy tends to 50 %", fontsize="medium")
    acc.legend(fontsize="small", loc="lower left")

    gradients = fig.add_subplot(grid[1, 3])
    M = LOGITS.size  # one call for all logits: the gradients carry 1/M, undone here
    _, non_saturating = submission.generator_loss(LOGITS)
    _, saturating = submission.saturating_generator_loss(LOGITS)
    d_of_fake = 1.0 / (1.0 + np.exp(-LOGITS))
    gradients.semilogy(d_of_fake, M * np.abs(np.asarray(non_saturating, dtype=float)),
                       color="tab:red", label="−log D(G(z)) (non-saturating)")
    gradients.semilogy(d_of_fake, M * np.abs(np.asarray(saturating, dtype=float)),
                       color="tab:gray", label="log(1 − D(G(z))) (saturating)")
    gradients.set_xlabel("D(G(z)): D's belief that a fake is real")
    gradients.set_ylabel("|∂L_G/∂s̃| per sample")
    gradients.set_title("gradients of the two G losses", fontsize="medium")
    gradients.legend(fontsize="small", loc="lower center")
    return save_figure(fig, out_dir, "gan_training", dpi=90)
