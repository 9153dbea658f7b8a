"""An MLP in plain JAX (no Flax, no optax) with any rectifier, trained by plain SGD.

    python examples/jax_mlp.py --activation prelu

Dense 64 + rectifier -> Dense 10, softmax cross-entropy, on seeded synthetic data (20
features, 10 classes given by a fixed random linear teacher). PReLU's slopes are parameters
like the weights (one per hidden unit, starting at the core's initial value); RReLU gets a
fresh PRNG key every step and its mean slope at evaluation.
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import numpy as np

import rectifiers as rf
from rectifiers.jax import rrelu


def data(n=512, features=20, classes=10, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    teacher = rng.standard_normal((features, classes)).astype("float32")
    return jnp.asarray(x), jnp.asarray(np.argmax(x @ teacher, axis=1))


def init(key, activation, features=20, hidden=64, classes=10):
    k1, k2 = jax.random.split(key)
    params = {
        "w1": jax.random.normal(k1, (features, hidden)) * jnp.sqrt(2.0 / features),
        "b1": jnp.zeros(hidden),
        "w2": jax.random.normal(k2, (hidden, classes)) * jnp.sqrt(1.0 / hidden),
        "b2": jnp.zeros(classes),
    }
    if activation == "prelu":
        params["alpha"] = jnp.full(hidden, rf.get("prelu").example_params["alpha"])
    return params


def forward(params, x, activation, key=None):
    """Logits. ``key`` is RReLU's randomness in training; None means evaluation."""
    h = x @ params["w1"] + params["b1"]
    if activation == "prelu":
        h = rf.prelu(h, params["alpha"])
    elif activation == "rrelu":
        h = rrelu(h, key)
    else:
        h = getattr(rf, activation)(h)
    return h @ params["w2"] + params["b2"]


def loss(params, x, y, activation, key=None):
    logits = forward(params, x, activation, key)
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))


def train(activation="relu", steps=100, lr=0.1, batch_size=64, seed=0):
    """Plain SGD; returns the parameters and the full-data loss before and after."""
    x, y = data(seed=seed)
    key, init_key = jax.random.split(jax.random.key(seed))
    params = init(init_key, activation)

    @jax.jit
    def step(params, xb, yb, key):
        grads = jax.grad(loss)(params, xb, yb, activation, key)
        return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)

    before = float(loss(params, x, y, activation))
    for i in range(steps):
        key, sub = jax.random.split(key)
        start = (i * batch_size) % len(x)
        params = step(params, x[start : start + batch_size], y[start : start + batch_size], sub)
    return params, before, float(loss(params, x, y, activation))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activation", default="relu", choices=[n for n in rf.names() if n != "softmax"])
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args(argv)
    _, before, after = train(args.activation, args.steps)
    print(f"{args.activation}: loss {before:.3f} -> {after:.3f}")


if __name__ == "__main__":
    main()
