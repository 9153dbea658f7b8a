"""The report's figures, drawn with matplotlib's Agg backend (no display needed), each returned
as PNG bytes (or SVG for ``rectifiers plot``): learning curves, accuracy with error bars, dead
units per layer over epochs, sparsity, gradient norm per layer, activation curves.

Means and spreads are over seeds; a band or error bar is one standard deviation.
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np

import rectifiers as rf
from rectifiers._apply import call_by_name


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, fmt="png", tight=True) -> bytes:
    """``tight``: crop to the drawn extent (legends outside the axes); it costs a second draw."""
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else None
    fig.savefig(buffer, format=fmt, dpi=90, bbox_inches="tight" if tight else None, metadata=metadata)
    _plt().close(fig)
    return buffer.getvalue()


def _labels(runs):
    return list(dict.fromkeys(r["activation"] for r in runs))


def _settings(runs):
    return list(dict.fromkeys(r["setting"] for r in runs))


def _colours(labels):
    cmap = _plt().get_cmap("tab10" if len(labels) <= 10 else "tab20")
    return {label: cmap(i % cmap.N) for i, label in enumerate(labels)}


def _mean_std(rows):
    a = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (too little evidence)
        return np.nanmean(a, axis=0), np.nanstd(a, axis=0)


def _grid(n, width=4.2, height=3.0, cols=None):
    cols = cols or min(n, 4)
    rows = math.ceil(n / cols)
    size = (width * cols, height * rows)
    fig, axes = _plt().subplots(rows, cols, figsize=size, squeeze=False, sharex=True, sharey=True)
    fig.subplots_adjust(hspace=0.55, wspace=0.3)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def learning_curves(runs, target=None) -> bytes:
    labels, settings = _labels(runs), _settings(runs)
    colours = _colours(labels)
    fig, axes = _grid(len(settings))
    for ax, setting in zip(axes, settings, strict=True):
        for label in labels:
            chosen = [r for r in runs if r["setting"] == setting and r["activation"] == label]
            if not chosen:
                continue
            mean, std = _mean_std([[e["val_accuracy"] for e in r["epochs"]] for r in chosen])
            epochs = np.arange(1, len(mean) + 1)
            ax.plot(epochs, mean, color=colours[label], label=label)
            ax.fill_between(epochs, mean - std, mean + std, color=colours[label], alpha=0.15)
        if target is not None:
            ax.axhline(target, color="grey", linestyle=":", linewidth=1)
        ax.set(title=setting, xlabel="epoch", ylabel="validation accuracy", ylim=(0, 1.02))
    axes[0].legend(fontsize=7, loc="lower right")
    return _save(fig)


def _bars(runs, field, ylabel, title) -> bytes:
    """One bar per activation and setting: the mean over seeds of ``summary[field]``, ±1 sd."""
    labels, settings = _labels(runs), _settings(runs)
    colours = _colours(labels)
    fig, ax = _plt().subplots(figsize=(max(6, 1.1 * len(labels) * len(settings) / 2), 3.6))
    width = 0.8 / max(len(labels), 1)
    for j, label in enumerate(labels):
        means, stds = [], []
        for setting in settings:
            values = [
                r["summary"][field] for r in runs if r["setting"] == setting and r["activation"] == label
            ]
            values = [v for v in values if v is not None]
            means.append(np.mean(values) if values else np.nan)
            stds.append(np.std(values, ddof=1) if len(values) > 1 else 0.0)
        x = np.arange(len(settings)) + (j - (len(labels) - 1) / 2) * width
        ax.bar(x, means, width, yerr=stds, capsize=2, color=colours[label], label=label)
    ax.set_xticks(np.arange(len(settings)), settings)
    ax.set(ylabel=ylabel, ylim=(0, 1.05), title=title)
    ax.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.01, 1), loc="upper left")
    return _save(fig)


def accuracy(runs) -> bytes:
    return _bars(runs, "test_accuracy", "final test accuracy", "Test accuracy (mean, ±1 sd over seeds)")


def _per_layer(runs, field):
    """{activation: array (passes, layers)} of the mean over seeds of a per-layer figure."""
    out = {}
    for label in _labels(runs):
        chosen = [r for r in runs if r["activation"] == label]
        stacks = []
        for r in chosen:
            rows = []
            for p in r["doctor"]:
                row = []
                for layer in p["layers"]:
                    v = layer.get(field)
                    if field == "dead":
                        v = None if v is None else v / layer["units"]
                    row.append(np.nan if v is None else v)
                rows.append(row)
            stacks.append(rows)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (too little evidence)
            out[label] = np.nanmean(np.array(stacks, dtype=float), axis=0)
    return out


def dead_units(runs, setting) -> bytes:
    """Dead fraction of each hidden layer over epochs (pass 0 = before training), one panel per activation."""
    chosen = [r for r in runs if r["setting"] == setting]
    data = _per_layer(chosen, "dead")
    fig, axes = _grid(len(data), width=3.3, height=2.5, cols=5)
    for ax, (label, a) in zip(axes, data.items(), strict=True):
        cmap = _plt().get_cmap("viridis")
        for k in range(a.shape[1]):
            ax.plot(np.arange(a.shape[0]), a[:, k], color=cmap(k / max(a.shape[1] - 1, 1)), linewidth=1)
        ax.set(title=label, xlabel="epoch", ylabel="dead fraction", ylim=(-0.02, 1.02))
        ax.xaxis.set_major_locator(_plt().MaxNLocator(integer=True))
        ax.title.set_fontsize(9)
    fig.suptitle(f"Dead units per hidden layer over epochs — {setting} (dark: first layer, yellow: last)")
    return _save(fig, tight=False)


def sparsity(runs) -> bytes:
    return _bars(
        runs, "sparsity", "fraction of exact zeros", "Sparsity of hidden layers at the end of training"
    )


def gradient_norms(runs, setting) -> bytes:
    """Gradient norm at each hidden layer (mean over the doctor's passes and seeds), log scale."""
    chosen = [r for r in runs if r["setting"] == setting]
    data = _per_layer(chosen, "grad_norm")
    colours = _colours(list(data))
    fig, ax = _plt().subplots(figsize=(7, 3.8))
    for label, a in data.items():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (too little evidence)
            per_layer = np.nanmean(a, axis=0)
        ax.plot(
            np.arange(1, len(per_layer) + 1),
            per_layer,
            marker="o",
            markersize=3,
            color=colours[label],
            label=label,
        )
    ax.set_yscale("log")
    ax.set(
        xlabel="hidden layer (1 = nearest the input)",
        ylabel="gradient norm",
        title=f"Gradient norm per layer — {setting}",
    )
    ax.legend(fontsize=7, ncol=2, bbox_to_anchor=(1.01, 1), loc="upper left")
    return _save(fig)


def curves(choices, fmt="png", lo=-4.0, hi=4.0) -> bytes:
    """Each activation (``(name, params)`` pairs) and its derivative, from the core."""
    x = np.linspace(lo, hi, 801)
    fig, (left, right) = _plt().subplots(1, 2, figsize=(9, 3.6))
    for name, params in choices:
        spec = rf.get(name)
        given = {**spec.example_params, **params}
        label = name + (f"({', '.join(f'{k}={v:g}' for k, v in params.items())})" if params else "")
        left.plot(x, call_by_name(name, x, **given), label=label)
        right.plot(x, rf.derivative(name, x, **given), label=label)
    left.set(title="f(x)", xlabel="x")
    right.set(title="f'(x) (x > 0 selects the positive branch)", xlabel="x")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.axhline(0, color="black", linewidth=0.5)
        ax.axvline(0, color="black", linewidth=0.5)
    right.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    return _save(fig, fmt)
