"""The per-batch tallies of a CPU tensor, counted by NumPy on the tensor's own memory.

A count needs an elementwise pass before its sum. torch writes that pass as floats (4 bytes a
value) and its byte reductions are slow; NumPy compares into bools (1 byte) and sums bytes
fast, so on one CPU thread a count costs about one read of the values (torch's float sums
stay the faster for the magnitudes). The tensor is read as ``(P, units, Q)`` (``Q = 1`` for a
dense or channels-last layout) in chunks of about ``CHUNK`` values through reused buffers:

* ``positive = #{a > 0}`` per unit, directly (NaN is not > 0);
* for outputs known to be >= 0 (relu, relu6): ``sum |a| = sum a``, and a value is an exact
  zero exactly when it is neither > 0 nor NaN, so ``zeros = n - #positive - #NaN``. A NaN makes
  its unit's sum NaN, so NaNs are counted (one more pass) only for a batch that has one; the
  memory is the host's, so looking costs no device sync;
* otherwise ``zeros = #{a == 0}`` by one more comparison (``-0.0 == 0``; NaN is not 0) and
  ``sum |a|`` through a reused float buffer;
* a saturating unit is responsive where ``low < a < high`` (two comparisons).

Counts are summed per chunk in 16-bit integers where a row is shorter than 2**16 (exact) and
accumulated in float64, as the torch path's are.

A float32 batch, the common case, is counted by the compiled ``_tally_native`` instead when it
was built: every count and the magnitudes in one read of the values (see ``_tally.c``), the
same figures as the passes above.
"""

from __future__ import annotations

import math

import numpy as np
import torch

try:
    from . import _tally_native
except ImportError:  # built without a C compiler: the NumPy passes below
    _tally_native = None

CHUNK = 1 << 20
DTYPES = (torch.float16, torch.float32, torch.float64)
_BUFFERS: dict = {}


def supports(a) -> bool:
    """A CPU tensor that NumPy can read in place."""
    return a.device.type == "cpu" and a.dtype in DTYPES


def _buffer(dtype, size):
    buffer = _BUFFERS.get(dtype)
    if buffer is None or buffer.size < size:
        buffer = _BUFFERS[dtype] = np.empty(max(size, CHUNK), dtype)
    return buffer


def _count(b, dtype):
    """Per unit, the true values of a ``(k, units, Q)`` bool chunk."""
    return b.view(np.uint8).sum(2, dtype=dtype).sum(0, dtype=np.float64)


def _total(c, accumulate):
    """Per unit, the sum of a ``(k, units, Q)`` chunk (torch's float sums are the faster)."""
    return c.sum(2, dtype=accumulate).sum(0, dtype=torch.float64).numpy()


def cpu_tally(a, axis, nonnegative, bounds):
    """``(positive, magnitude, zeros, responsive)`` of a CPU tensor as float64 tensors."""
    units, inner = a.shape[axis], math.prod(a.shape[axis + 1 :])
    if not a.is_contiguous():
        last = a.movedim(axis, -1)  # a channels-last tensor is dense in memory
        a, inner = (last, 1) if last.is_contiguous() else (a.contiguous(), inner)
    x = a.numpy().reshape(-1, units, inner)
    if _tally_native is not None and x.dtype == np.float32:
        return _one_pass(x, bounds)
    rows, count = x.shape[0], np.uint16 if inner < 1 << 16 else np.int64
    accumulate = torch.float64 if a.dtype == torch.float64 else torch.float32
    step = max(1, CHUNK // (units * inner))
    size = min(rows, step) * units * inner
    flags = _buffer(np.bool_, 2 * size)
    positive = np.zeros(units)
    magnitude = np.zeros(units)
    responsive = np.zeros(units) if bounds is not None else None
    zeros = 0
    for start in range(0, rows, step):
        c = x[start : start + step]
        b = flags[: c.size].reshape(c.shape)
        np.greater(c, 0, out=b)
        positive += _count(b, count)
        if nonnegative:
            magnitude += _total(torch.from_numpy(c), accumulate)
        else:
            np.equal(c, 0, out=b)
            zeros += np.count_nonzero(b)
            f = _buffer(x.dtype, size)[: c.size].reshape(c.shape)
            magnitude += _total(torch.from_numpy(np.abs(c, out=f)), accumulate)
        if bounds is not None:
            above = flags[size : size + c.size].reshape(c.shape)
            np.greater(c, bounds[0], out=b)
            np.less(c, bounds[1], out=above)
            responsive += _count(np.logical_and(b, above, out=b), count)
    if nonnegative:
        zeros = x.size - positive.sum()
        if np.isnan(magnitude).any():
            zeros -= _nans(x, step, flags)
    as_tensor = lambda v: None if v is None else torch.from_numpy(np.asarray(v, np.float64))  # noqa: E731
    return as_tensor(positive), as_tensor(magnitude), as_tensor(zeros), as_tensor(responsive)


def _one_pass(x, bounds):
    rows, units, inner = x.shape
    low, high = bounds if bounds is not None else (-math.inf, math.inf)
    positive, magnitude, responsive = (torch.zeros(units, dtype=torch.float64) for _ in range(3))
    zeros = _tally_native.tally(
        x, rows, units, inner, low, high, positive.numpy(), magnitude.numpy(), responsive.numpy()
    )
    zeros = torch.tensor(float(zeros), dtype=torch.float64)
    return positive, magnitude, zeros, (responsive if bounds is not None else None)


def _nans(x, step, flags) -> int:
    nans = 0
    for start in range(0, x.shape[0], step):
        c = x[start : start + step]
        nans += np.count_nonzero(np.isnan(c, out=flags[: c.size].reshape(c.shape)))
    return nans
