"""Exercise 14's figure, drawn from the student's own VAE (grader/plots.py).

Every loss, code, reconstruction and sample comes from the student's functions (make_data,
train_vae, encoder_forward, decoder_forward) through the proxy; this file only draws. Text in
the figure is English only: a default matplotlib font has no CJK glyphs.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from grader.plots import save_figure

SEED = 0
DATA = 600  # curves train_vae learns from
SAMPLES = 12  # curves decoded from z ~ N(0, I)
SMOOTH = 25  # steps in the loss curve's moving average
COLOURS = ("tab:blue", "tab:orange", "tab:green")
CLASSES = ("rising", "falling", "bump")


def vae_latent_space(submission, out_dir: Path) -> list[Path]:
    """The VAE's loss, its latent space coloured by class, reconstructions and new samples

    zh-TW: VAE 的損失、依類別著色的潛在空間、重建結果與新生成的樣本
    """
    data, labels = submission.make_data(DATA, seed=SEED)
    data, labels = np.asarray(data, dtype=float), np.asarray(labels)
    params, losses = submission.train_vae(data, seed=SEED)
    losses = np.asarray(losses, dtype=float)
    mu, logvar, _ = submission.encoder_forward(data, params["encoder"])
    mu, logvar = np.asarray(mu, dtype=float), np.asarray(logvar, dtype=float)
    recon, _ = submission.decoder_forward(mu, params["decoder"])  # z = μ: the mean code
    recon = np.asarray(recon, dtype=float)
    z = np.random.default_rng(12345).standard_normal((SAMPLES, mu.shape[1]))
    samples, _ = submission.decoder_forward(z, params["decoder"])
    samples = np.asarray(samples, dtype=float)
    t = np.arange(data.shape[1])

    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    ax = axes[0, 0]
    ax.plot(np.arange(1, len(losses) + 1), losses, color="0.75", linewidth=0.5,
            label="loss of each batch")
    if len(losses) >= SMOOTH:
        smooth = np.convolve(losses, np.ones(SMOOTH) / SMOOTH, mode="valid")
        ax.plot(np.arange(SMOOTH, len(losses) + 1), smooth, color="tab:red",
                label=f"moving average ({SMOOTH} steps)")
    ax.set_xlabel("training step")
    ax.set_ylabel("R + β·KL")
    ax.set_title("training loss (reconstruction + KL)", fontsize="medium")
    ax.legend(fontsize="small")

    ax = axes[0, 1]
    for c, (colour, name) in enumerate(zip(COLOURS, CLASSES, strict=True)):
        rows = labels == c
        ax.scatter(mu[rows, 0], mu[rows, -1], s=8, color=colour, alpha=0.7, label=name)
    circle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(2 * np.cos(circle), 2 * np.sin(circle), color="0.5", linestyle="--", linewidth=1,
            label="prior N(0, I): radius 2")
    ax.set_aspect("equal")
    ax.set_xlabel("μ₁")
    ax.set_ylabel("μ₂" if mu.shape[1] > 1 else "μ₁")
    sigma = np.exp(0.5 * logvar).mean(axis=0)
    ax.set_title(f"latent means μ by class (mean σ: {np.round(sigma, 2).tolist()})",
                 fontsize="medium")
    ax.legend(fontsize="small", loc="lower right")

    ax = axes[1, 0]
    for c, colour in enumerate(COLOURS):
        for i in np.flatnonzero(labels == c)[:2]:
            ax.plot(t, data[i], color=colour, linewidth=1.5)
            ax.plot(t, recon[i], color=colour, linestyle="--", marker="o", markersize=3)
    ax.plot([], [], color="0.3", label="data x")
    ax.plot([], [], color="0.3", linestyle="--", marker="o", markersize=3,
            label="reconstruction decoder(μ)")
    ax.set_xlabel("feature d")
    ax.set_ylabel("value")
    ax.set_title("two curves of each class and their reconstructions", fontsize="medium")
    ax.legend(fontsize="small")

    ax = axes[1, 1]
    for s in samples:
        ax.plot(t, s, color="tab:purple", alpha=0.7)
    ax.set_xlabel("feature d")
    ax.set_ylabel("value")
    ax.set_title(f"{SAMPLES} new curves: decoder(z), z ~ N(0, I)", fontsize="medium")
    fig.tight_layout()
    return save_figure(fig, out_dir, "vae_latent_space", dpi=90)
