"""The core's bits on a CPU tensor's memory against torch's own kernels, side by side in one run.

For the activations the core computes in float64 and rounds once (``spec.rounds_once``), on
1 Mi float32 values (normal, scale 5) it prints the median time of

* ``core``: the core's compiled kernels run on a NumPy view of the tensor (no copy):
  ``evaluate(spec, x.numpy(), params)``, what ``rectifiers.torch`` could call on CPU tensors;
* ``torch``: torch's own forward kernel (``torch.sigmoid``, ``torch.nn.functional.elu``...),

and how exact each is against the float64 reference rounded to float32: the fraction of
values equal to it and the largest distance in ulp.

    python benchmarks/torch_exactness.py            # 7 rounds
    python benchmarks/torch_exactness.py --quick    # 2**14 values, 1 round: a smoke test
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

import rectifiers as rf
from rectifiers import _fast
from rectifiers._apply import evaluate

TORCH = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "elu": torch.nn.functional.elu, "selu": torch.selu}


def ulps(got: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Distance in float32 ulps (of the exact value) between two float32 arrays."""
    spacing = np.spacing(np.abs(exact)).astype(np.float64)
    return np.abs(got.astype(np.float64) - exact.astype(np.float64)) / spacing


def timed(f, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1, help="threads for torch and for rectifiers alike")
    args = parser.parse_args(argv)
    size, rounds = (2**14, 1) if args.quick else (2**20, args.rounds)
    torch.set_num_threads(args.threads)
    _fast.set_threads(args.threads)
    x = torch.randn(size, generator=torch.Generator().manual_seed(0)) * 5
    print(
        f"torch {torch.__version__}, {size} float32 values (normal, scale 5), {args.threads} thread(s) for "
        f"torch and rectifiers alike (torch {torch.get_num_threads()}, rectifiers {_fast.get_threads()}), "
        f"median of {rounds}"
    )
    columns = (
        "core ms",
        "torch ms",
        "core/torch",
        "core == exact",
        "core max ulp",
        "torch == exact",
        "torch max ulp",
    )
    print(f"| activation | {' | '.join(columns)} |")
    print("|---|---|---|---|---|---|---|---|")
    for name, native in TORCH.items():
        spec = rf.get(name)
        params = spec.resolve()
        exact = evaluate(spec, x.double().numpy(), params).astype(np.float32)
        core = evaluate(spec, x.numpy(), params)
        theirs = native(x).numpy()
        t_core = timed(lambda s=spec, p=params: evaluate(s, x.numpy(), p), rounds)
        t_torch = timed(lambda f=native: f(x), rounds)
        cells = [f"{t_core * 1e3:.2f}", f"{t_torch * 1e3:.2f}", f"{t_core / t_torch:.2f}"]
        for got in (core, theirs):
            cells += [f"{np.mean(got == exact):.4f}", f"{ulps(got, exact).max():.0f}"]
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
