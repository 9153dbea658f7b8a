"""Every float32 input through the compiled exp family, against the reference, bit for bit.

Too slow for the suite (2^32 inputs per activation and path, a few minutes each on one core),
so it is a program:

    python tests/exhaustive/exp_family_float32.py [name[:alpha] ...]

(default: elu elu:0.1 selu sigmoid tanh). It checks the forward pass and the derivative, exits 1
on the first mismatch, and prints how many lanes the kernel left to the reference: those whose
float32 rounding its fast float64 exp could not decide.
"""

from __future__ import annotations

import sys

import numpy as np

import rectifiers as rf
from rectifiers import _apply
from rectifiers._fast import _compiled, threads

CHUNK = 1 << 26
DEFAULT = ["elu", "elu:0.1", "selu", "sigmoid", "tanh"]


def check(name: str, params: dict) -> int:
    spec = rf.get(name)
    for path in (_apply.evaluate, _apply.derivative_of):
        uncertain = 0
        with np.errstate(all="ignore"):
            for start in range(0, 1 << 32, CHUNK):
                x = np.arange(start, start + CHUNK, dtype=np.uint64).astype(np.uint32).view(np.float32)
                fast, reference = path(spec, x, params), path(spec, x, params, fast=False)
                nan = np.isnan(reference)
                same = (np.isnan(fast) == nan) & ((fast.view(np.uint32) == reference.view(np.uint32)) | nan)
                if not same.all():
                    bad, got, want = x[~same][:5], fast[~same][:5], reference[~same][:5]
                    print(f"{name} {params} {path.__name__}: MISMATCH at {bad!r}: {got!r} vs {want!r}")
                    return 1
                uncertain += _uncertain(name, params, path is _apply.derivative_of, x)
        print(f"{name} {params} {path.__name__}: all 2^32 inputs match; {uncertain} went to the reference")
    return 0


def _uncertain(name: str, params: dict, derivative: bool, x: np.ndarray) -> int:
    """How many lanes of ``x`` the kernel hands to the reference."""
    spec = rf.get(name)
    a, b = _compiled._exp_constants(spec, spec.resolve(**params))
    op = _compiled._native.EXP_OPS.index(f"{spec.family}_derivative" if derivative else spec.family)
    return _compiled._native.exp_family(op, x, np.empty_like(x), a, b, False, np.empty(0, np.int64))


if __name__ == "__main__":
    cases = []
    for arg in sys.argv[1:] or DEFAULT:
        name, _, alpha = arg.partition(":")
        cases.append((name, {"alpha": float(alpha)} if alpha else {}))
    with threads(1):
        sys.exit(max(check(name, params) for name, params in cases))
