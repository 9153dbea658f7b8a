"""rf.softmax against jax.nn.softmax under JAX, side by side in one run: what the backward keeps
and the time of ``jit(grad)``.

For each case (shape, axis, with or without a mask) it prints:

* kept: the arrays and bytes ``jax.vjp``'s pullback holds for the backward pass (its pytree
  leaves), ours and jax.nn's, and ours / theirs in bytes;
* ms: the median time of one jitted ``grad(sum(w * softmax(x)))`` call, ours and jax.nn's, and
  the median over rounds of ours / theirs, each pair timed back to back in the same round.

    PYTHONPATH=src python benchmarks/jax_softmax.py            # float32, JAX's default (no x64)
    PYTHONPATH=src python benchmarks/jax_softmax.py --quick    # small shapes, a smoke test
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import rectifiers as rf  # noqa: E402


def kept(f, x):
    _, pullback = jax.vjp(f, x)
    leaves = jax.tree_util.tree_leaves(pullback)
    return len(leaves), sum(leaf.nbytes for leaf in leaves)


def timed(step, x, repeats):
    step(x).block_until_ready()  # compiled
    start = time.perf_counter()
    for _ in range(repeats):
        out = step(x)
    out.block_until_ready()
    return (time.perf_counter() - start) / repeats * 1e3


def cases(quick):
    shape = (64, 128) if quick else (256, 1000)
    rng = np.random.default_rng(0)
    keep = jnp.asarray(rng.random(shape) > 0.2)
    yield "4 elements", (4,), -1, None
    yield f"{shape} axis -1", shape, -1, None
    yield f"{shape} axis (0, 1)", shape, (0, 1), None
    yield f"{shape} axis -1, where", shape, -1, keep


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rounds, repeats = (1, 3) if args.quick else (args.rounds, 20)
    x64 = jax.config.jax_enable_x64
    print(f"jax {jax.__version__}, float32, x64 {x64}; x: ours / jax.nn in the same run")
    columns = [("kept ours", 14), ("kept jax.nn", 14), ("bytes x", 8)]
    columns += [("ms ours", 8), ("ms jax.nn", 9), ("time x", 7)]
    print(f"{'case':<28} " + " ".join(f"{name:>{width}}" for name, width in columns))
    rng = np.random.default_rng(1)
    for label, shape, axis, where in cases(args.quick):
        x = jnp.asarray(rng.standard_normal(shape), dtype="float32")
        w = jnp.asarray(rng.standard_normal(shape), dtype="float32")
        ours = lambda v, a=axis, m=where: rf.softmax(v, axis=a, where=m)  # noqa: E731
        theirs = lambda v, a=axis, m=where: jax.nn.softmax(v, axis=a, where=m)  # noqa: E731
        (n_ours, b_ours), (n_theirs, b_theirs) = kept(ours, x), kept(theirs, x)
        steps = [jax.jit(jax.grad(lambda v, f=f, w=w: jnp.sum(w * f(v)))) for f in (ours, theirs)]
        times, ratios = ([], []), []
        for _ in range(rounds):
            pair = [timed(step, x, repeats) for step in steps]
            times[0].append(pair[0])
            times[1].append(pair[1])
            ratios.append(pair[0] / pair[1])
        print(
            f"{label:<28} {f'{n_ours} / {b_ours} B':>14} {f'{n_theirs} / {b_theirs} B':>14} "
            f"{b_ours / b_theirs:>8.2f} {statistics.median(times[0]):>8.3f} "
            f"{statistics.median(times[1]):>9.3f} {statistics.median(ratios):>7.2f}"
        )


if __name__ == "__main__":
    main()
