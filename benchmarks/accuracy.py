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

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import oracle  # noqa: E402
from compare import ulp_distance  # noqa: E402

import rectifiers as rf  # noqa: E402
from rectifiers._dtypes import numpy_dtype  # noqa: E402

#: The exp/tanh-based activations: those computed in float64 and rounded once.
NAMES = tuple(name for name in rf.names() if rf.get(name).rounds_once)
DTYPES = tuple(numpy_dtype(name) for name in ("float32", "float16", "bfloat16"))
BFLOAT16 = numpy_dtype("bfloat16")


def peers():
    """name -> {library: (to_native, function, to_numpy)} for the frameworks that are installed.

    Each framework's counterparts are listed by name: an activation without one has no column.
    """
    table = {name: {} for name in NAMES}

    def add(library, to, fns, back):
        for name in table.keys() & fns.keys():
            table[name][library] = (to, fns[name], back)

    try:
        import torch

        torch.set_num_threads(1)
        F = torch.nn.functional

        def to_torch(a):
            return (
                torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
                if a.dtype == BFLOAT16
                else torch.from_numpy(a)
            )

        def from_torch(t):
            return t.float().numpy().astype(BFLOAT16) if t.dtype == torch.bfloat16 else t.numpy()

        fns = {"elu": F.elu, "selu": F.selu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
        add("torch", to_torch, {**fns, "softmax": lambda t: F.softmax(t, -1)}, from_torch)
    except ImportError:
        pass
    try:
        import jax

        fns = {"elu": jax.nn.elu, "selu": jax.nn.selu, "sigmoid": jax.nn.sigmoid, "tanh": jax.nn.tanh}
        jitted = {name: jax.jit(fn) for name, fn in {**fns, "softmax": jax.nn.softmax}.items()}
        add("jax", jax.numpy.asarray, jitted, np.asarray)
    except ImportError:
        pass
    try:
        import tensorflow as tf

        fns = {"elu": tf.nn.elu, "selu": tf.nn.selu, "sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh}
        add("tensorflow", tf.constant, {**fns, "softmax": tf.nn.softmax}, lambda t: t.numpy())
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
        if not hasattr(oracle, name):
            print(f"{name:<10} skipped: no independent float64 reference in tests/oracle.py")
            continue
        for dtype in DTYPES:
            x = x64.astype(dtype)
            shaped = x.reshape(-1, 64)  # softmax: rows of 64
            params = rf.get(name).example_params
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
