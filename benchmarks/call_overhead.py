"""What one small call costs: rectifiers against a bare NumPy ufunc on the same 1000 elements.

    OMP_NUM_THREADS=1 python benchmarks/call_overhead.py

Below about 256 Ki elements this, not memory, sets the speed (docs/performance.md). Minimum of
7 repeats of 3000 calls each, all in one run.
"""

from __future__ import annotations

import timeit

import numpy as np

import rectifiers as rf

x = np.random.default_rng(0).standard_normal(1000).astype(np.float32)
y = np.empty_like(x)
CASES = {
    "np.maximum(x, 0, out=y)": lambda: np.maximum(x, 0, out=y),
    "rf.relu(x, out=y)": lambda: rf.relu(x, out=y),
    "rf.relu(x)": lambda: rf.relu(x),
    "rf.leaky_relu(x, 0.1, out=y)": lambda: rf.leaky_relu(x, 0.1, out=y),
    "rf.elu(x, out=y)": lambda: rf.elu(x, out=y),
}

if __name__ == "__main__":
    print("1000 float32 elements, one call; minimum over 7 x 3000 calls")
    for label, call in CASES.items():
        seconds = min(timeit.repeat(call, number=3000, repeat=7)) / 3000
        print(f"{label:32s} {seconds * 1e6:6.2f} us")
