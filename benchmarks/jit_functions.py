"""The core functions inside ``jax.jit`` and ``tf.function`` against jax.nn / tf.nn, as ratios,
forward and gradient, measured side by side in one run.

For each activation and library: ``rf.<name>`` and the library's own function, each compiled
once (``jax.jit`` / ``tf.function``), forward ``f(x)`` and gradient ``d/dx sum(f(x) * w)``, on
the same float32 array (normal, scale 3). Every round times both, in shuffled order; a line
prints the median ms of each and the median of the paired ratios (ours / theirs). Run:

    OMP_NUM_THREADS=1 python benchmarks/jit_functions.py [--library jax tensorflow] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import rectifiers as rf  # noqa: E402

NAMES = ("relu", "relu6", "leaky_relu", "prelu", "elu", "selu", "sigmoid", "tanh", "softmax")
ALPHA = 0.2  # leaky_relu's slope on both sides


def jax_cases(x, w, alpha):
    """name -> (ours, theirs): forward and gradient functions, compiled, of a JAX array."""
    import jax
    import jax.numpy as jnp

    x, w, alpha = jnp.asarray(x), jnp.asarray(w), jnp.asarray(alpha)
    theirs = {
        "relu": jax.nn.relu,
        "relu6": jax.nn.relu6,
        "leaky_relu": lambda t: jax.nn.leaky_relu(t, ALPHA),
        "prelu": lambda t: jnp.where(t > 0, t, alpha * t),
        "elu": jax.nn.elu,
        "selu": jax.nn.selu,
        "sigmoid": jax.nn.sigmoid,
        "tanh": jnp.tanh,
        "softmax": jax.nn.softmax,
    }
    ours = {name: _ours(name, alpha) for name in NAMES}

    def compiled(f):
        forward = jax.jit(f)
        gradient = jax.jit(jax.grad(lambda t: jnp.sum(f(t) * w)))
        return (lambda: forward(x).block_until_ready()), (lambda: gradient(x).block_until_ready())

    return {name: (compiled(ours[name]), compiled(theirs[name])) for name in NAMES}


def tensorflow_cases(x, w, alpha):
    import tensorflow as tf

    x, w, alpha = tf.constant(x), tf.constant(w), tf.constant(alpha)
    theirs = {
        "relu": tf.nn.relu,
        "relu6": tf.nn.relu6,
        "leaky_relu": lambda t: tf.nn.leaky_relu(t, ALPHA),
        "prelu": lambda t: tf.where(t > 0, t, alpha * t),
        "elu": tf.nn.elu,
        "selu": tf.nn.selu,
        "sigmoid": tf.math.sigmoid,
        "tanh": tf.math.tanh,
        "softmax": tf.nn.softmax,
    }
    ours = {name: _ours(name, alpha) for name in NAMES}

    def compiled(f):
        forward = tf.function(f)

        @tf.function
        def gradient(t):
            with tf.GradientTape() as tape:
                tape.watch(t)
                loss = tf.reduce_sum(f(t) * w)
            return tape.gradient(loss, t)

        return (lambda: forward(x).numpy()), (lambda: gradient(x).numpy())

    return {name: (compiled(ours[name]), compiled(theirs[name])) for name in NAMES}


def _ours(name, alpha):
    if name == "prelu":
        return lambda t: rf.prelu(t, alpha)
    if name == "leaky_relu":
        return lambda t: rf.leaky_relu(t, ALPHA)
    return getattr(rf, name)


def timed(call, number) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number * 1e3


def measure(ours, theirs, rounds, number):
    for call in (ours, theirs):  # compile and warm up
        call()
        call()
    mine, peer, ratios = [], [], []
    for _ in range(rounds):
        pair = [("ours", ours), ("theirs", theirs)]
        random.shuffle(pair)
        got = {label: timed(call, number) for label, call in pair}
        mine.append(got["ours"])
        peer.append(got["theirs"])
        ratios.append(got["ours"] / got["theirs"])
    return statistics.median(mine), statistics.median(peer), statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", nargs="+", default=["jax", "tensorflow"], choices=["jax", "tensorflow"])
    parser.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES)
    parser.add_argument("--shape", type=int, nargs=2, default=[1024, 1024])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=5, help="calls per timing")
    args = parser.parse_args(argv)
    random.seed(0)
    rng = np.random.default_rng(0)
    x = (3 * rng.standard_normal(args.shape)).astype(np.float32)
    w = rng.standard_normal(args.shape).astype(np.float32)
    alpha = rng.uniform(0.05, 0.3, args.shape[-1]).astype(np.float32)
    print(
        f"float32 {tuple(args.shape)}, {args.rounds} rounds x {args.number} calls; median ms, "
        "ratio = median of paired ours / theirs"
    )
    print(f"{'library':<11}{'function':<12}{'pass':<9}{'ours ms':>9}{'theirs ms':>11}{'ratio':>8}")
    for library in args.library:
        cases = (jax_cases if library == "jax" else tensorflow_cases)(x, w, alpha)
        for name in args.names:
            ours, theirs = cases[name]
            for label, mine, peer in zip(("forward", "gradient"), ours, theirs, strict=True):
                a, b, r = measure(mine, peer, args.rounds, args.number)
                print(f"{library:<11}{name:<12}{label:<9}{a:9.2f}{b:11.2f}{r:7.2f}x", flush=True)


if __name__ == "__main__":
    main()
