"""What a NumPy ufunc can reach against ``np.copyto`` on this machine: the ceiling of any
NumPy-only activation, measured side by side in one run.

``np.copyto`` of a large contiguous array is a memcpy, which may use streaming stores that
skip reading the destination first; every ufunc writing ``out=`` reads it (write-allocate).
This prints, as ratios to that copy: a copy done through a ufunc loop in 16 Ki blocks,
``np.maximum`` against a scalar and against an in-cache block of zeros, and the same in place.

    OMP_NUM_THREADS=1 python benchmarks/ufunc_ceiling.py [--mi 64] [--rounds 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

import numpy as np

BLOCK = 1 << 14


def blocked(op, x, y, zeros):
    def run():
        for i in range(0, x.shape[0], BLOCK):
            op(x[i : i + BLOCK], y[i : i + BLOCK], zeros[: min(BLOCK, x.shape[0] - i)])

    return run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mi", type=int, default=64, help="Mi float32 elements")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    x = np.random.default_rng(0).standard_normal(args.mi << 20).astype(np.float32)
    y, work, zeros = np.empty_like(x), x.copy(), np.zeros(BLOCK, np.float32)
    cases = {
        "np.copyto (memcpy)": lambda: np.copyto(y, x),
        "copy through a ufunc loop, blocked": blocked(lambda a, b, z: np.copyto(b, a), x, y, zeros),
        "np.maximum(x, 0, out=y)": lambda: np.maximum(x, 0, out=y),
        "np.maximum(x, zeros, out=y), blocked": blocked(lambda a, b, z: np.maximum(a, z, out=b), x, y, zeros),
        "np.maximum(x, 0, out=x) (in place)": lambda: np.maximum(work, 0, out=work),
    }
    samples = {name: [] for name in cases}
    for run in cases.values():
        run()
    for _ in range(args.rounds):
        order = list(cases.items())
        random.shuffle(order)
        for name, run in order:
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    copy = statistics.median(samples["np.copyto (memcpy)"])
    print(f"{args.mi} Mi float32, {args.rounds} shuffled rounds, median; ratio = copy time / time")
    for name, times in samples.items():
        median = statistics.median(times)
        spread = (max(times) - min(times)) / 2 / median
        print(f"{name:<40} {median * 1e3:8.1f} ms  {copy / median:5.2f}x copy  ±{spread:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
