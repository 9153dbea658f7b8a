"""Per-call overhead: rectifiers.torch against torch.nn, side by side in one run.

For every activation, on a 64-element float32 tensor (where the call costs more than the
arithmetic), the median time of one module call, ours and torch.nn's (``nn.X(args)`` ->
``rt.X(args)``, the same arguments), in three settings:

* ``no grad``: the input does not require grad (inference);
* ``grad``: forward only, the input requires grad (the autograd graph is built);
* ``fwd+bwd``: forward and ``backward`` of ``y.sum()``.

Each pair is timed in the same round, rounds in shuffled order; the ratio is the median over
rounds of ours / torch.nn's.

    python benchmarks/torch_overhead.py            # 7 rounds
    python benchmarks/torch_overhead.py --quick    # 1 round, few calls: a smoke test
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch

import rectifiers as rf
import rectifiers.torch as rt
from rectifiers._frameworks import spelling

ARGS = {"PReLU": (4,), "Softmax": (1,)}


def modules(name):
    class_name = spelling("torch", name).layer.name
    args = ARGS.get(class_name, ())
    return class_name, getattr(torch.nn, class_name)(*args), getattr(rt, class_name)(*args)


def per_call(module, x, setting, calls):
    """Seconds per call of ``module`` on ``x`` in ``setting``, over ``calls`` calls."""
    if setting == "no grad":
        with torch.no_grad():
            start = time.perf_counter()
            for _ in range(calls):
                module(x)
            return (time.perf_counter() - start) / calls
    x = x.detach().requires_grad_()
    start = time.perf_counter()
    for _ in range(calls):
        y = module(x)
        if setting == "fwd+bwd":
            y.sum().backward()
    return (time.perf_counter() - start) / calls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 round of few calls (a smoke test)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args(argv)
    rounds, calls = (1, 10) if args.quick else (args.rounds, args.calls)
    torch.set_num_threads(1)
    x = torch.randn(4, 4, 4)
    settings = ("no grad", "grad", "fwd+bwd")
    shape = "64-element float32 input (4, 4, 4), 1 thread"
    print(f"torch {torch.__version__}, {shape}, {rounds} rounds x {calls} calls")
    print(f"| module | {' | '.join(f'{s}: torch.nn µs | ours µs | ours/torch.nn' for s in settings)} |")
    print("|---|" + "---|---|---|" * len(settings))
    for name in rf.names():
        class_name, theirs, ours = modules(name)
        times = {s: ([], [], []) for s in settings}
        for _ in range(rounds):
            jobs = [(s, i, m) for s in settings for i, m in enumerate((theirs, ours))]
            random.shuffle(jobs)
            measured = {}
            for setting, i, module in jobs:
                per_call(module, x, setting, max(calls // 10, 1))  # warm up
                measured[setting, i] = per_call(module, x, setting, calls)
            for s in settings:
                t, o = measured[s, 0], measured[s, 1]
                times[s][0].append(t)
                times[s][1].append(o)
                times[s][2].append(o / t)
        cells = []
        for s in settings:
            t, o, r = (statistics.median(v) for v in times[s])
            cells += [f"{t * 1e6:.1f}", f"{o * 1e6:.1f}", f"{r:.2f}"]
        print(f"| {class_name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
