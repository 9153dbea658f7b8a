"""How long the grid will take, said before it starts: a few timed training steps of each
model on this machine, scaled to the grid. A forecast only: nothing else reads it.
"""

from __future__ import annotations

import math
import time

#: Costs the calibration does not see: the slower activations (prelu, rrelu) and per-epoch
#: bookkeeping (accuracy, the doctor's hooks), measured on the default grid; Keras runs the
#: same steps through its own machinery.
OVERHEAD = 1.6
KERAS = 4.0
SPAWN_S = 4.0


def _step_seconds(model_name, input_shape, classes, batch) -> tuple[float, float]:
    import torch

    from .models import build

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = build(model_name, "relu", {}, input_shape, classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x, y = torch.zeros(batch, *input_shape), torch.zeros(batch, dtype=torch.long)
    big = torch.zeros(512, *input_shape)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    step()
    tick = time.perf_counter()
    for _ in range(3):
        step()
    train = (time.perf_counter() - tick) / 3
    tick = time.perf_counter()
    model(big).sum().backward()
    return train, time.perf_counter() - tick


def seconds(specs, split, classes, batch, jobs) -> float:
    """Forecast wall time of ``specs`` on ``jobs`` local processes."""
    n = len(split.train.y)
    shape = split.train.x.shape[1:]
    per_epoch = {}
    for model in dict.fromkeys(s.setting.model for s in specs):
        train, big = _step_seconds(model, shape, classes, batch)
        evaluations = math.ceil(n / 512) + 2 * math.ceil(len(split.val.y) / 512)
        per_epoch[model] = math.ceil(n / batch) * train + evaluations * big
    total = sum((s.epochs + 1) * per_epoch[s.setting.model] for s in specs) * OVERHEAD
    if specs and specs[0].framework == "keras":
        total *= KERAS
    workers = max(1, min(jobs, len(specs)))
    return total / workers + (SPAWN_S if workers > 1 else 0.0)


def words(s: float) -> str:
    """
    >>> words(42.3), words(185)
    ('42 s', '3 min 5 s')
    """
    s = round(s)
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s"
