"""A Keras train step with our layers against the same model with Keras's own, on the current
backend (``KERAS_BACKEND``), as ratios, in one run.

The model: Dense 256 -> activation -> Dense 256 -> activation -> Dense 10, mse, SGD, batch 256,
compiled as Keras compiles by default. The activations, each as Keras spells it and as ours
with the same spelling (``keras.layers.X`` -> ``rk.X``): ELU, LeakyReLU, PReLU, ReLU and
``Activation("sigmoid")``. Both models are built and warmed up first; then each of
``--repeats`` rounds times ``--steps`` ``train_on_batch`` calls of each, in shuffled order. A
line prints the median step time of each and the median of the paired ratios. Run:

    KERAS_BACKEND=jax python benchmarks/keras_step.py [--steps 20] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import rectifiers.keras as rk  # noqa: E402

if keras.backend.backend() == "torch":
    import torch

    torch.set_num_threads(1)

#: (label, layer factory given the namespace: keras.layers or rectifiers.keras)
CASES = [
    ("ELU", lambda ns: ns.ELU()),
    ("LeakyReLU", lambda ns: ns.LeakyReLU()),
    ("PReLU", lambda ns: ns.PReLU()),
    ("ReLU", lambda ns: ns.ReLU()),
    ('Activation("sigmoid")', lambda ns: ns.Activation("sigmoid")),
]


def model(layer, width=256, features=64):
    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(width),
            layer(),
            keras.layers.Dense(width),
            layer(),
            keras.layers.Dense(10),
        ]
    )
    net.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return net


def warm(net, x, y):
    for _ in range(3):  # compile and warm up
        net.train_on_batch(x, y)


def step_ms(net, x, y, steps) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        net.train_on_batch(x, y)
    keras.ops.convert_to_numpy(net.layers[-1].kernel)  # wait for asynchronous backends
    return (time.perf_counter() - start) / steps * 1e3


def paired(nets: dict, x, y, steps, repeats):
    """Median ms of each model and the median of the paired ratios ours / theirs."""
    for net in nets.values():
        warm(net, x, y)
    times = {label: [] for label in nets}
    for _ in range(repeats):
        order = list(nets)
        random.shuffle(order)
        for label in order:
            times[label].append(step_ms(nets[label], x, y, steps))
    ratios = [a / b for a, b in zip(times["ours"], times["theirs"], strict=True)]
    return statistics.median(times["ours"]), statistics.median(times["theirs"]), statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args(argv)
    random.seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.batch, 64)).astype("float32")
    y = rng.standard_normal((args.batch, 10)).astype("float32")
    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, batch {args.batch}")
    print(f"{'layer':24} {'ours ms':>9} {'Keras ms':>9} {'ratio':>7}  (median of paired ours / Keras)")
    for label, make in CASES:
        nets = {"ours": model(lambda m=make: m(rk)), "theirs": model(lambda m=make: m(keras.layers))}
        ours, theirs, ratio = paired(nets, x, y, args.steps, args.repeats)
        print(f"{label:24} {ours:9.2f} {theirs:9.2f} {ratio:7.2f}x", flush=True)


if __name__ == "__main__":
    main()
