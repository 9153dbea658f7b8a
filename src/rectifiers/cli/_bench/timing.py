"""Timing: one warm-up call per case, then shuffled rounds; small sizes repeat a call to ~2 ms."""

from __future__ import annotations

import random
import time

from .subject import Case


def _repeats(case: Case) -> int:
    """Calls per sample: enough for ~2 ms (in-place cases: one, as each needs its input restored)."""
    if case.restore is not None:
        return 1
    start = time.perf_counter()
    case.run()
    elapsed = time.perf_counter() - start
    return max(1, min(1000, int(2e-3 / max(elapsed, 1e-7))))


def measure(cases: list[Case], rounds: int) -> dict[str, list[float]]:
    """Seconds per call, one sample per case per round, the cases shuffled in every round."""
    repeats = {}
    for case in cases:
        if case.restore:
            case.restore()
        case.run()
        repeats[case.name] = _repeats(case)
    samples = {case.name: [] for case in cases}
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for case in order:
            if case.restore:
                case.restore()
            n = repeats[case.name]
            start = time.perf_counter()
            for _ in range(n):
                case.run()
            samples[case.name].append((time.perf_counter() - start) / n)
    return samples
