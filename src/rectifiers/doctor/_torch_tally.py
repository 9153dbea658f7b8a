"""The per-batch tallies for a torch tensor, in as few passes over it as the counts need.

A CPU tensor NumPy can read is counted there, on its own memory (see ``_cpu_tally``). Any
other (another device, bfloat16) is read as ``(P, units, Q)`` and walked in chunks of about
``CHUNK`` values through one reused float buffer per device and dtype, since a full-size
temporary costs more than the arithmetic and torch's boolean reductions over a strided axis
are slow: each comparison writes 1.0 or 0.0 into the buffer, then plain float sums.

* ``positive = sum(a > 0)`` and ``zeros = sum(a == 0)`` (NaN is neither; ``-0.0 == 0``);
* for outputs known to be >= 0 (relu, relu6) ``sum |a| = sum(a)``;
* a saturating unit is responsive where ``low < a < high``: ``(a > low) * (a < high)``.

Counts are summed per chunk in float32 (exact below 2**24 per row) and accumulated in float64.
"""

from __future__ import annotations

import math

import torch

from . import _cpu_tally
from ._tally import Tally, _inner

CHUNK = 1 << 20
_BUFFERS: dict = {}


def _buffer(like, size):
    key = (like.device, like.dtype)
    buffer = _BUFFERS.get(key)
    if buffer is None or buffer.numel() < size:
        buffer = _BUFFERS[key] = torch.empty(max(size, CHUNK), dtype=like.dtype, device=like.device)
    return buffer


def torch_tally(a, axis, others, bounds, nonnegative, count) -> Tally:
    a = a.detach()
    if not a.is_floating_point():
        a = a.to(torch.get_default_dtype())
    shape = a.shape
    units = shape[axis]
    inner = math.prod(shape[axis + 1 :])
    values = math.prod(shape) // units
    limits = _inner(bounds) if bounds is not None else None
    if _cpu_tally.supports(a):
        positive, magnitude, zeros, responsive = _cpu_tally.cpu_tally(a, axis, nonnegative, limits)
        return Tally(positive, magnitude, zeros, responsive, values, count)
    x = a.reshape(-1, units, inner)
    rows = x.shape[0]
    step = max(1, CHUNK // max(1, units * inner))
    positive = torch.zeros(units, dtype=torch.float64, device=a.device)
    magnitude = torch.zeros_like(positive)
    zeros = torch.zeros((), dtype=torch.float64, device=a.device)
    responsive = torch.zeros_like(positive) if bounds is not None else None
    size = min(rows, step) * units * inner
    buffer = _buffer(a, 2 * size)
    if inner == 1:  # dense: sum the rows of each chunk in float32 (exact: a chunk has < 2**24 rows)
        x = x.reshape(rows, units)
        total = lambda b: b.sum(0).double()  # noqa: E731
    else:
        total = lambda b: b.sum(2).sum(0, dtype=torch.float64)  # noqa: E731
    for start in range(0, rows, step):
        chunk = x[start : start + step]
        buf = buffer[: chunk.numel()].view(chunk.shape)
        positive += total(torch.gt(chunk, 0, out=buf))
        zeros += torch.eq(chunk, 0, out=buf).sum(dtype=torch.float64)
        magnitude += total(chunk if nonnegative else torch.abs(chunk, out=buf))
        if bounds is not None:
            below = buffer[size : size + chunk.numel()].view(chunk.shape)
            torch.gt(chunk, limits[0], out=buf).mul_(torch.lt(chunk, limits[1], out=below))
            responsive += total(buf)
    return Tally(positive, magnitude, zeros, responsive, values, count)
