"""The PNG: per layer, the dead / dormant / rare shares, the firing-rate histogram as a heat
map, and the gradient norm (log scale) when a backward ran. Needs matplotlib."""

from __future__ import annotations

import numpy as np


def plot(records: list[dict], config: dict, path):
    try:
        import matplotlib
    except ImportError:
        raise ImportError("rectifiers.doctor: plot() needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["name"] for r in records]
    y = np.arange(len(records))
    grads = [r["grad_norm"] for r in records]
    panels = 3 if any(g is not None for g in grads) else 2
    height = max(2.5, 0.35 * len(records) + 1.5)
    figure, axes = plt.subplots(1, panels, figsize=(5 * panels, height), squeeze=False)
    axes = axes[0]
    share = lambda key: [(r[key] or 0) / r["units"] for r in records]  # noqa: E731
    for offset, (key, colour) in enumerate(
        (("dead", "black"), ("dormant", "tab:orange"), ("rare", "tab:blue"))
    ):
        axes[0].barh(y + (offset - 1) * 0.27, share(key), height=0.27, color=colour, label=key)
    for k, r in enumerate(records):
        if not r["enough_evidence"]:
            axes[0].text(0.01, k - 0.27, "not enough evidence", fontsize=7, va="center")
        if r["collapsed"]:
            axes[0].text(0.5, k, "COLLAPSED", fontsize=8, color="red", va="center", ha="center")
    axes[0].set(xlim=(0, 1), xlabel="share of the layer's units", yticks=y, yticklabels=names)
    axes[0].set_title(f"dead: never > 0 in >= {config['samples_needed']} samples", fontsize=9)
    axes[0].invert_yaxis()
    axes[0].legend(fontsize=7, loc="lower right")
    histogram = np.array([r["firing_histogram"] for r in records], dtype=float).reshape(len(records), -1)
    histogram /= np.maximum(histogram.sum(axis=1, keepdims=True), 1)
    image = axes[1].imshow(histogram, aspect="auto", cmap="viridis", extent=(0, 1, len(records) - 0.5, -0.5))
    axes[1].set(xlabel="firing rate (share of values > 0)", yticks=y, yticklabels=names)
    axes[1].set_title("units per firing-rate bin", fontsize=9)
    figure.colorbar(image, ax=axes[1], label="share of units")
    if panels == 3:
        axes[2].barh(y, [g or 0 for g in grads], color="tab:green")
        axes[2].set(xscale="log", xlabel="RMS ||dL/d output||", yticks=y, yticklabels=names)
        axes[2].invert_yaxis()
        axes[2].set_title("gradient norm per layer", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
