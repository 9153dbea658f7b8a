"""The ratios to the copy against size, one panel per activation, dtype and thread count (matplotlib)."""

from __future__ import annotations

import numpy as np

from .report import COLUMNS


def require_matplotlib():
    """matplotlib, or ``SystemExit`` saying how to install it (before a long run, not after)."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit(
            "rectifiers bench --plot needs matplotlib: pip install matplotlib (or rectifiers[test])"
        ) from None
    return matplotlib


def plot(rows: list[dict], path: str):
    require_matplotlib().use("Agg")
    import matplotlib.pyplot as plt

    panels = sorted({(r["activation"], r["dtype"], r["threads"]) for r in rows}, key=str)
    figure, axes = plt.subplots(len(panels), 1, figsize=(8, 3 * len(panels)), squeeze=False)
    for ax, (activation, dtype, threads) in zip(axes[:, 0], panels, strict=True):
        mine = [
            r for r in rows if (r["activation"], r["dtype"], r["threads"]) == (activation, dtype, threads)
        ]
        sizes = [r["n"] for r in mine]
        for column in COLUMNS:
            values = [
                r["summary"][column]["ratio_to_copy"] if column in r["summary"] else np.nan for r in mine
            ]
            if not np.all(np.isnan(values)):
                ax.plot(sizes, values, marker="o", label=column, linewidth=2.5 if column == "ours" else 1)
        ax.axhline(1.0, color="black", linestyle=":", label="copy")
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="elements",
            ylabel="speed ÷ copy",
            title=f"{activation} {dtype}, {threads} thread(s)",
        )
        ax.legend(fontsize=7, ncol=3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
