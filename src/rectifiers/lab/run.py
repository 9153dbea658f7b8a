"""One training run in PyTorch: build the model, train it with SGD, and at each epoch's end
measure accuracy and let the doctor watch one pass over the training data.

The doctor's pass (``rectifiers.doctor.watch``) is in eval mode (rrelu at its mean slope,
no dropout): a forward and a backward pass per batch with no optimiser step, so it sees every
hidden unit on every training sample (dead units, sparsity) and the gradient reaching each layer
(gradient norms). Pass 0 is before the first step.

Reproducible: one thread, every generator seeded from the run's key, so a run gives the same
bits in any process on the same machine and software.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from . import record as records
from .models import build

EVAL_BATCH = 2048  # the digits' training part in one batch: fewer calls, the same sums


def _batches(x, y, size, generator=None):
    order = torch.randperm(len(y), generator=generator) if generator is not None else torch.arange(len(y))
    for i in range(0, len(y), size):
        index = order[i : i + size]
        yield x[index], y[index]


def _accuracy(model, part) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in _batches(part[0], part[1], EVAL_BATCH):
            correct += int((model(xb).argmax(dim=1) == yb).sum())
    return correct / len(part[1])


def _watch(model, train) -> list[dict]:
    from rectifiers import doctor

    model.eval()
    with doctor.watch(model) as doc:
        for xb, yb in _batches(train[0], train[1], EVAL_BATCH):
            torch.nn.functional.cross_entropy(model(xb), yb).backward()
        stats = doc.stats()
    model.zero_grad(set_to_none=True)
    return records.clean(stats)


def train(spec, split, classes, batch_size, momentum, progress=None) -> dict:
    """Run ``spec`` (a :class:`~rectifiers.lab.grid.RunSpec`) on ``split``; return its record."""
    torch.set_num_threads(1)
    torch.manual_seed(spec.torch_seed)
    generator = torch.Generator().manual_seed(spec.torch_seed)
    tensors = lambda part: (torch.from_numpy(part.x), torch.from_numpy(part.y))  # noqa: E731
    train_part, val, test = tensors(split.train), tensors(split.val), tensors(split.test)
    a = spec.activation
    model = build(spec.setting.model, a.name, dict(a.params), split.train.x.shape[1:], classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.setting.lr, momentum=momentum)
    out = records.start(spec, torch.__version__)
    seconds, started = [], time.perf_counter()
    out["doctor"].append({"epoch": 0, "layers": _watch(model, train_part)})
    for epoch in range(1, spec.epochs + 1):
        tick = time.perf_counter()
        model.train()
        total, count = 0.0, 0
        for xb, yb in _batches(*train_part, batch_size, generator):
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            if spec.setting.clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), spec.setting.clip)
            optimizer.step()
            total, count = total + float(loss.detach()) * len(yb), count + len(yb)
        mean_loss = total / count
        out["epochs"].append(
            records.clean(
                {
                    "epoch": epoch,
                    "train_loss": mean_loss if np.isfinite(mean_loss) else None,
                    "val_accuracy": _accuracy(model, val),
                    "test_accuracy": _accuracy(model, test),
                }
            )
        )
        seconds.append(time.perf_counter() - tick)
        out["doctor"].append({"epoch": epoch, "layers": _watch(model, train_part)})
        if progress is not None:
            progress(spec.key, epoch, spec.epochs)
    out["timing"] = records.timing(seconds, started)
    return out
