"""One run's record: the plain-JSON object a run returns and ``results.jsonl`` holds, and the
per-run figures the claims are tested on (:func:`summarise`).

Wall-clock times, the host and the process live under the record's ``"timing"`` key and
nowhere else, so dropping every ``"timing"`` key leaves what must be identical run after run.
"""

from __future__ import annotations

import math
import os
import platform
import time


def clean(value):
    """JSON-safe plain Python: NaN and infinities become ``None`` (strict JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "item"):  # numpy / torch scalars
        return clean(value.item())
    value = float(value)
    return value if math.isfinite(value) else None


def timing(seconds_per_epoch: list[float], started: float) -> dict:
    """The record's ``"timing"``: wall-clock figures, the host and the process (never compared)."""
    return {
        "seconds_per_epoch": seconds_per_epoch,
        "seconds_total": time.perf_counter() - started,
        "host": platform.node(),
        "pid": os.getpid(),
    }


def start(spec, framework_version: str) -> dict:
    a = spec.activation
    return {
        "key": spec.key,
        "setting": spec.setting.name,
        "model": spec.setting.model,
        "lr": spec.setting.lr,
        "role": spec.setting.role,
        "activation": a.label,
        "name": a.name,
        "params": a.resolved,
        "kind": a.kind,
        "seed": spec.seed,
        "framework": f"{spec.framework} {framework_version}",
        "epochs": [],  # one per epoch: train_loss, val_accuracy, test_accuracy
        "doctor": [],  # one per watch pass (epoch 0 = before training): the doctor's records
    }


def summarise(record: dict, target: float) -> dict:
    """The figures each claim is tested on, from a finished record.

    * ``epochs_to_target``: the first epoch whose validation accuracy reaches ``target``
      (``None``: never, within the run's epochs);
    * ``test_accuracy``: at the last epoch;
    * ``sparsity``: mean over hidden layers of the fraction of exact zeros, last pass;
    * ``dead_fraction``: dead units / hidden units, last pass (``None`` while the doctor lacks
      evidence); ``dead_per_epoch``: the same per pass;
    * ``grad_log10``: mean over passes of log10(gradient norm at the first hidden layer /
      at the last): negative when the gradient shrinks on its way to the input.
    """
    epochs = record["epochs"]
    reached = [e["epoch"] for e in epochs if (e["val_accuracy"] or 0.0) >= target]
    passes = record["doctor"]

    def dead_fraction(layers):
        if not layers or any(layer["dead"] is None for layer in layers):
            return None
        return sum(layer["dead"] for layer in layers) / sum(layer["units"] for layer in layers)

    ratios = []
    for p in passes:
        layers = p["layers"]
        if len(layers) >= 2 and layers[0]["grad_norm"] and layers[-1]["grad_norm"]:
            ratios.append(math.log10(layers[0]["grad_norm"] / layers[-1]["grad_norm"]))
    last = passes[-1]["layers"] if passes else []
    sparsity = [layer["sparsity"] for layer in last if layer["sparsity"] is not None]
    return clean(
        {
            "epochs_to_target": reached[0] if reached else None,
            "test_accuracy": epochs[-1]["test_accuracy"] if epochs else None,
            "val_accuracy": epochs[-1]["val_accuracy"] if epochs else None,
            "sparsity": sum(sparsity) / len(sparsity) if sparsity else None,
            "dead_fraction": dead_fraction(last),
            "dead_per_epoch": [dead_fraction(p["layers"]) for p in passes],
            "grad_log10": sum(ratios) / len(ratios) if ratios else None,
            "diverged": any(e["train_loss"] is None for e in epochs),
        }
    )
