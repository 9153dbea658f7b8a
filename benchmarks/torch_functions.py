"""The core's functions on a large CPU float32 torch tensor: ``rf.elu`` / ``rf.sigmoid`` /
``rf.tanh`` / ``rf.softmax`` against torch's own, side by side in one run.

On a (1024, 4096) float32 tensor (4 Mi values, normal with scale 5), ``--threads`` (default 1)
for torch and rectifiers alike, each pair timed back to back in shuffled rounds; the ratios are
medians over rounds of ours / torch's:

* ``forward``: ``rf.f(x)`` against ``torch.nn.functional.elu`` / ``torch.sigmoid`` /
  ``torch.tanh`` / ``torch.softmax(x, -1)``;
* ``fwd+bwd``: the same on an ``x`` that requires grad, then ``backward(g)``: ``rf.f`` is then the
  core's reference in torch ops (differentiable, float64 for these), the cost of a gradient
  through the core;
* ``rt fwd+bwd``: ``rectifiers.torch.functional.f`` (the binding, its own backward) against
  torch's, forward and backward.

    python benchmarks/torch_functions.py            # 7 rounds
    python benchmarks/torch_functions.py --quick    # small tensor, 1 round: a smoke test
    python benchmarks/torch_functions.py --threads 2   # both libraries at 2 threads
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import torch

import rectifiers as rf
from rectifiers import _fast
from rectifiers.torch import functional as F

CASES = {
    "elu": (rf.elu, torch.nn.functional.elu, F.elu),
    "sigmoid": (rf.sigmoid, torch.sigmoid, F.sigmoid),
    "tanh": (rf.tanh, torch.tanh, F.tanh),
    "softmax": (lambda x: rf.softmax(x, axis=-1), lambda x: torch.softmax(x, -1), lambda x: F.softmax(x, -1)),
}


def seconds(function, x, g=None):
    """One call of ``function`` on ``x`` (and ``backward(g)`` of its result when ``g`` is given)."""
    if g is not None:
        x = x.detach().requires_grad_()
    start = time.perf_counter()
    y = function(x)
    if g is not None:
        y.backward(g)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small tensor, 1 round (a smoke test)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="threads for torch and for rectifiers alike")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    _fast.set_threads(args.threads)
    rounds, shape = (1, (64, 64)) if args.quick else (args.rounds, (1024, 4096))
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0)) * 5
    g = torch.randn(shape, generator=torch.Generator().manual_seed(1))
    print(
        f"torch {torch.__version__}, float32 {tuple(shape)} on CPU, {args.threads} thread(s) for torch and "
        f"rectifiers alike (torch {torch.get_num_threads()}, rectifiers {_fast.get_threads()}), "
        f"{rounds} rounds"
    )
    print("| function | forward: rf ms | torch ms | rf/torch | fwd+bwd: rf ms | torch ms | rf/torch "
          "| rt fwd+bwd ms | rt/torch |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (ours, theirs, binding) in CASES.items():
        jobs = {
            "forward": [(ours, None), (theirs, None)],
            "fwd+bwd": [(ours, g), (theirs, g)],
            "rt": [(binding, g), (theirs, g)],
        }
        times = {(k, i): [] for k in jobs for i in (0, 1)}
        for _ in range(rounds + 1):  # the first round warms up
            order = [(k, i) for k in jobs for i in (0, 1)]
            random.shuffle(order)
            for k, i in order:
                function, grad = jobs[k][i]
                times[k, i].append(seconds(function, x, grad))
        cells = []
        for k in jobs:
            ours_t, theirs_t = times[k, 0][1:], times[k, 1][1:]
            ratio = statistics.median(a / b for a, b in zip(ours_t, theirs_t, strict=True))
            if k == "rt":
                cells += [f"{statistics.median(ours_t) * 1e3:.1f}", f"{ratio:.2f}"]
            else:
                cells += [f"{statistics.median(t) * 1e3:.1f}" for t in (ours_t, theirs_t)] + [f"{ratio:.2f}"]
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
