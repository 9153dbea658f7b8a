"""Accuracy in ulps, ours and each framework's, against plain float64 NumPy rounded once.

The reference is tests/oracle.py, written independently of the core.

For each exp/tanh-based activation and each float dtype, evaluates 1 Mi points spread over the
interesting range in every library and prints the largest and mean distance (in units in the
last place) from the float64 result rounded to the dtype. Run:

    python benchmarks/accuracy.py [--n 1048576]
"""

from __future__ import annotations

import argparse
import os
import sys

import ml_dtypes
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import oracle  # noqa: E402
from compare import ulp_distance  # noqa: E402

import rectifiers as rf  # noqa: E402

NAMES = ("elu", "selu", "sigmoid", "tanh", "softmax")


def peers():
    """name -> {library: (to_native, function, to_numpy)} for the frameworks that are installed."""
    table = {name: {} for name in NAMES}
    try:
        import torch

        torch.set_num_threads(1)
        F = torch.nn.functional
        fns = {"elu": F.elu, "selu": F.selu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
        fns["softmax"] = lambda t: F.softmax(t, -1)

        def to_torch(a):
            return (
                torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
                if a.dtype == ml_dtypes.bfloat16
                else torch.from_numpy(a)
            )

        def from_torch(t):
            return t.float().numpy().astype(ml_dtypes.bfloat16) if t.dtype == torch.bfloat16 else t.numpy()

        for name, fn in fns.items():
            table[name]["torch"] = (to_torch, fn, from_torch)
    except ImportError:
        pass
    try:
        import jax

        fns = {n: getattr(jax.nn, n) for n in NAMES}
        for name, fn in fns.items():
            table[name]["jax"] = (jax.numpy.asarray, jax.jit(fn), np.asarray)
    except ImportError:
        pass
    try:
        import tensorflow as tf

        fns = {n: getattr(tf.nn, n) for n in NAMES}
        for name, fn in fns.items():
            table[name]["tensorflow"] = (tf.constant, fn, lambda t: t.numpy())
    except ImportError:
        pass
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1 << 20)
    args = parser.parse_args(argv)
    x64 = np.concatenate(
        [np.linspace(-30, 30, args.n // 2), np.random.default_rng(0).normal(scale=5, size=args.n // 2)]
    )
    table = peers()
    print(f"max / mean ulp from the float64 result rounded to the dtype, {args.n} points in [-30, 30]")
    print(
        f"{'activation':<10} {'dtype':<9} "
        + " ".join(f"{lib:>16}" for lib in ("rectifiers", "torch", "jax", "tensorflow"))
    )
    for name in NAMES:
        for dtype in (np.float32, np.float16, ml_dtypes.bfloat16):
            x = x64.astype(dtype)
            shaped = x.reshape(-1, 64)  # softmax: rows of 64
            params = {"axis": -1} if name == "softmax" else rf.get(name).example_params
            exact = oracle.forward(name, shaped.astype(np.float64), **params).astype(dtype)
            cells = []
            results = {"rectifiers": getattr(rf, name)(shaped)}
            for lib, (to, fn, back) in table[name].items():
                try:
                    results[lib] = back(fn(to(shaped)))
                except Exception as error:  # a framework without this dtype on CPU
                    results[lib] = error
            for lib in ("rectifiers", "torch", "jax", "tensorflow"):
                got = results.get(lib)
                if got is None or isinstance(got, Exception):
                    cells.append(f"{'-':>16}")
                    continue
                d = ulp_distance(np.asarray(got, dtype=dtype), exact).astype(np.float64)
                cells.append(f"{int(d.max()):>8} / {d.mean():5.3f}")
            print(f"{name:<10} {np.dtype(dtype).name:<9} " + " ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
