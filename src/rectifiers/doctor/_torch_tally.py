"""The per-batch tallies for a torch tensor, in as few passes over it as the counts need.

On the CPU a full-size temporary costs more than the arithmetic (fresh pages each call), and
torch's boolean and int64 reductions over a strided axis are slow, so the tensor is read as
``(P, units, Q)`` and walked in chunks of about ``CHUNK`` values through one reused float
buffer per device and dtype: ``sign`` (and ``abs``) of a chunk into the buffer, then plain
float sums. Memory stays O(units + CHUNK). With ``s = sign(a)``:

* ``sum(s) = #positive - #negative`` and ``sum(|s|) = #nonzero``, so
  ``#positive = (sum(s) + sum(|s|)) / 2`` and ``#zeros = values - #nonzero``;
* for outputs known to be >= 0 (relu, relu6) ``#positive = sum(s)`` and ``sum|a| = sum(a)``;
* a saturating unit is responsive where ``|a - mid| < half`` (the range less its flat margins):
  ``sign(half - |a - mid|)`` is +1 there and -1 outside.

Counts are summed per chunk in float32 (exact below 2**24 per row) and accumulated in float64.
"""

from __future__ import annotations

import math

import torch

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
    x = a.reshape(-1, units, inner)
    rows = x.shape[0]
    values = rows * inner
    step = max(1, CHUNK // max(1, units * inner))
    signed = torch.zeros(units, dtype=torch.float64, device=a.device)
    nonzero = torch.zeros_like(signed) if not nonnegative else None
    magnitude = torch.zeros_like(signed) if not nonnegative else None
    responsive = torch.zeros_like(signed) if bounds is not None else None
    if bounds is not None:
        low, high = _inner(bounds)
        mid, half = (low + high) / 2, (high - low) / 2
    buffer = _buffer(a, min(rows, step) * units * inner)
    if inner == 1:  # dense: sum the rows of each chunk in float32 (exact: a chunk has < 2**24 rows)
        x = x.reshape(rows, units)
        total = lambda b: b.sum(0).double()  # noqa: E731
    else:
        total = lambda b: b.sum(2).sum(0, dtype=torch.float64)  # noqa: E731
    for start in range(0, rows, step):
        chunk = x[start : start + step]
        buf = buffer[: chunk.numel()].view(chunk.shape)
        torch.sign(chunk, out=buf)
        signed += total(buf)
        if not nonnegative:
            buf.abs_()
            nonzero += total(buf)
            torch.abs(chunk, out=buf)
            magnitude += total(buf)
        if bounds is not None:
            torch.sub(chunk, mid, out=buf)
            buf.abs_().neg_().add_(half).sign_()
            responsive += total(buf)
    if nonnegative:
        positive, nonzero = signed, signed
        magnitude = x.sum(0).double() if inner == 1 else x.sum(2).sum(0, dtype=torch.float64)
    else:
        positive = (signed + nonzero) / 2
    if responsive is not None:
        responsive = (responsive + values) / 2
    zeros = values * units - nonzero.sum()
    return Tally(positive, magnitude, zeros, responsive, values, count)
