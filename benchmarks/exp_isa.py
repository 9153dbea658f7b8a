"""The compiled exp family and softmax on each instruction set the CPU has (``_native.ISAS``).

The C kernels alone (no Python dispatch, a preallocated output, no streaming), on 4 Mi float32
values (normal, scale 5; softmax: rows of 4096), one thread, the minimum over rounds, each
instruction set timed back to back in shuffled order; the ratio is to the first (AVX2).

    python benchmarks/exp_isa.py             # 9 rounds
    python benchmarks/exp_isa.py --quick     # 64 Ki values, 1 round: a smoke test
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from rectifiers._fast._compiled import _native

OPS = ("elu", "elu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "softmax")


def seconds(isa: str, op: str, x: np.ndarray, y: np.ndarray, index: np.ndarray) -> float:
    previous = _native.select_isa(isa)
    try:
        start = time.perf_counter()
        if op == "softmax":
            _native.softmax(x, y, x.shape[1], False, index)
        else:
            _native.exp_family(_native.EXP_OPS.index(op), x, y, 1.0, 1.0, False, index)
        return time.perf_counter() - start
    finally:
        _native.select_isa(previous)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 Ki values, 1 round (a smoke test)")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    rows, rounds = (16, 1) if args.quick else (1024, args.rounds)
    x = (np.random.default_rng(0).standard_normal((rows, 4096)) * 5).astype(np.float32)
    y, index = np.empty_like(x), np.empty(4096, np.int64)
    isas = _native.ISAS
    print(f"{x.size} float32 values (rows of 4096 for softmax), 1 thread, min of {rounds}; ISAs: {isas}")
    ratios = [f"{isa}/{isas[0]}" for isa in isas[1:]]
    print(f"| op | {' | '.join(f'{isa} ms' for isa in isas)} | {' | '.join(ratios)} |")
    print(f"|---|{'---|' * (2 * len(isas) - 1)}")
    for op in OPS:
        times = {isa: [] for isa in isas}
        for _ in range(rounds + 1):  # the first round warms up
            order = list(isas)
            random.shuffle(order)
            for isa in order:
                times[isa].append(seconds(isa, op, x, y, index))
        best = {isa: min(t[1:] or t) for isa, t in times.items()}
        cells = [f"{best[isa] * 1e3:.2f}" for isa in isas]
        cells += [f"{best[isa] / best[isas[0]]:.2f}" for isa in isas[1:]]
        print(f"| {op} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
