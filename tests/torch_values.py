"""Test values for the torch fast paths, and bit-for-bit comparison of their results."""

from __future__ import annotations

import math

import numpy as np
import torch


def special(n, seed):
    """float32 x with NaN, +-inf, +-0 and the kinks (0, 6); g with +-inf, NaN and -0.0."""
    rng = np.random.default_rng(seed)
    t = (rng.standard_normal(n) * 5).astype(np.float32)
    for step, value in ((7, 0.0), (11, 6.0), (13, math.nan), (17, -0.0), (19, math.inf), (23, -math.inf)):
        t[::step] = value
    g = rng.standard_normal(n).astype(np.float32)
    g[::5], g[::29], g[::31], g[3::37] = math.inf, -0.0, math.nan, -math.inf
    return torch.from_numpy(t), torch.from_numpy(g)


def bits_equal(a, b):
    """Equal to the bit, -0.0 included; NaN where the other is NaN (any payload, as the core's tests)."""
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    nan = a.isnan()
    return torch.equal(nan, b.isnan()) and torch.equal(a[~nan].view(torch.int32), b[~nan].view(torch.int32))
