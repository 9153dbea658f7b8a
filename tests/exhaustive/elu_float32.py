"""Every float32 input through the compiled elu and elu', against the reference, bit for bit.

Too slow for the suite (2^32 inputs per alpha and path, about a minute each on one core), so it
is a program: ``python tests/exhaustive/elu_float32.py [alpha ...]``. It exits 1 on the first
mismatch and prints how many lanes the kernel left to the reference (the float32 rounding its
fast float64 expm1 could not decide).
"""

from __future__ import annotations

import sys

import numpy as np

import rectifiers as rf
from rectifiers import _apply
from rectifiers._fast import _compiled, threads

CHUNK = 1 << 26


def check(alpha: float) -> int:
    spec = rf.get("elu")
    for path in (_apply.evaluate, _apply.derivative_of):
        uncertain = 0
        for start in range(0, 1 << 32, CHUNK):
            x = np.arange(start, start + CHUNK, dtype=np.uint64).astype(np.uint32).view(np.float32)
            with np.errstate(all="ignore"):
                fast = path(spec, x, {"alpha": alpha})
                reference = path(spec, x, {"alpha": alpha}, fast=False)
            nan = np.isnan(reference)
            same = (np.isnan(fast) == nan) & ((fast.view(np.uint32) == reference.view(np.uint32)) | nan)
            if not same.all():
                bad, got, want = x[~same][:5], fast[~same][:5], reference[~same][:5]
                print(f"alpha={alpha} {path.__name__}: MISMATCH at {bad!r}: {got!r} vs {want!r}")
                return 1
            index = np.empty(0, np.int64)
            exp = path is _apply.derivative_of
            uncertain += _compiled._native.elu(x, np.empty_like(x), alpha, exp, False, index)
        print(f"alpha={alpha} {path.__name__}: all 2^32 inputs match; {uncertain} went to the reference")
    return 0


if __name__ == "__main__":
    with threads(1):
        sys.exit(max(check(float(a)) for a in (sys.argv[1:] or ["1.0", "0.1"])))
