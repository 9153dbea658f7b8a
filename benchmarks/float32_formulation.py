"""The float32 formulation (``rectifiers._float32``) against the float64 pass, compiled by XLA,
forward and derivative: what ``spec.float32_compiled`` (the dtype policy's "faster") rests on.

For each of elu, selu, sigmoid, tanh and each library, three XLA kernels on the same float32
array (normal, scale 3): the float32 formulation, the spec's math in float64 rounded once (what
the core runs without the formulation), and the library's own float32 function. Every round
times all three in shuffled order; a line prints the median ms of each and the median of the
paired ratios f32 / f64. JAX runs with x64 on (for the float64 pass). Run:

    OMP_NUM_THREADS=1 python benchmarks/float32_formulation.py [--library jax tensorflow] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("JAX_ENABLE_X64", "1")

import numpy as np  # noqa: E402

import rectifiers as rf  # noqa: E402

NAMES = ("elu", "selu", "sigmoid", "tanh")


def kernels(library: str, name: str, kind: str):
    """``(float32 formulation, float64 pass, the library's own or None)``, each ``f(x) -> array``."""
    spec = rf.get(name)
    params = spec.defaults
    narrow = spec.float32[kind == "derivative"]
    wide = spec.forward if kind == "forward" else spec.derivative
    if library == "jax":
        import jax
        import jax.numpy as xp

        own = {"elu": jax.nn.elu, "selu": jax.nn.selu, "sigmoid": jax.nn.sigmoid, "tanh": xp.tanh}[name]
        own = own if kind == "forward" else jax.vmap(jax.grad(own))

        def compile_(f):
            g = jax.jit(f)
            return lambda x: g(x).block_until_ready()

    else:
        import tensorflow as tf

        from rectifiers import _tensorflow_namespace as xp

        own = {"elu": tf.nn.elu, "selu": tf.nn.selu, "sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh}[name]
        if kind == "derivative":
            forward = own

            def own(x):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = forward(x)
                return tape.gradient(y, x)

        def compile_(f):
            g = tf.function(f, jit_compile=True, autograph=False)
            return lambda x: g(x).numpy()

    return (
        compile_(lambda x: narrow(x, xp, **params)),
        compile_(lambda x: xp.astype(wide(xp.astype(x, xp.float64), xp, **params), xp.float32)),
        compile_(own),
    )


def timed(call, x, number) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call(x)
    return (time.perf_counter() - start) / number * 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", nargs="+", default=["jax", "tensorflow"], choices=["jax", "tensorflow"])
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=5)
    args = parser.parse_args(argv)
    random.seed(0)
    x = (3 * np.random.default_rng(0).standard_normal(args.size)).astype(np.float32)
    print(f"float32 ({args.size},), {args.rounds} rounds x {args.number} calls; median ms; paired f32 / f64")
    print(f"{'library':<11}{'function':<9}{'pass':<11}{'f32 ms':>8}{'f64 ms':>8}{'own ms':>8}{'f32/f64':>9}")
    for library in args.library:
        if library == "tensorflow":
            import tensorflow as tf

            data = tf.constant(x)
        else:
            import jax.numpy as jnp

            data = jnp.asarray(x)
        for name in NAMES:
            for kind in ("forward", "derivative"):
                calls = dict(zip(("f32", "f64", "own"), kernels(library, name, kind), strict=True))
                for call in calls.values():
                    call(data)
                times = {label: [] for label in calls}
                ratios = []
                for _ in range(args.rounds):
                    order = list(calls.items())
                    random.shuffle(order)
                    got = {label: timed(call, data, args.number) for label, call in order}
                    for label, value in got.items():
                        times[label].append(value)
                    ratios.append(got["f32"] / got["f64"])
                m = {label: statistics.median(v) for label, v in times.items()}
                print(
                    f"{library:<11}{name:<9}{kind:<11}{m['f32']:8.2f}{m['f64']:8.2f}{m['own']:8.2f}"
                    f"{statistics.median(ratios):8.2f}x",
                    flush=True,
                )


if __name__ == "__main__":
    main()
