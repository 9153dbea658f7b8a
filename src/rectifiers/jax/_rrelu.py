"""rrelu with an explicit PRNG key, the JAX way: no hidden state, so it is pure under ``jit``."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp

from .._apply import evaluate
from .._random import is_jax_key
from .._spec import get

_SPEC = get("rrelu")


def _check_key(key):
    if not is_jax_key(jax, key):
        raise TypeError(
            "rectifiers.jax.rrelu: key must be a JAX PRNG key, e.g. jax.random.key(0) (or a "
            f"legacy jax.random.PRNGKey), or None for inference. Received: key={key!r}"
        )


def rrelu(x, key=None, *, training=None, **params):
    r"""Randomized leaky ReLU with an explicit key: ``key`` draws one slope per element from
    U(lower, upper) (training); ``key=None`` uses the mean slope (inference).

    The same key gives the same slopes, and ``jax.grad`` differentiates through exactly those
    slopes (at x = 0 too: the kink rule). Split the key between steps, as with any JAX
    randomness. ``lower`` and ``upper`` default to the core's (1/8, 1/3). ``training`` defaults
    to whether a key is given; ``training=False`` with a key is inference, as in a model that
    threads one key through train and eval steps.

    >>> import jax, jax.numpy as jnp
    >>> from rectifiers.jax import rrelu
    >>> rrelu(jnp.array([-2.0, 0.0, 2.0], dtype=jnp.float32), lower=0.1, upper=0.3)
    Array([-0.4,  0. ,  2. ], dtype=float32)
    >>> x = -jnp.ones(4, dtype=jnp.float32)
    >>> y = rrelu(x, jax.random.key(0))
    >>> bool(jnp.all((-y >= 1 / 8) & (-y < 1 / 3))), bool(jnp.all(y == rrelu(x, jax.random.key(0))))
    (True, True)
    >>> rrelu(x, jax.random.key(0), training=False, lower=0.1, upper=0.3)
    Array([-0.2, -0.2, -0.2, -0.2], dtype=float32)
    """
    if "seed" in params:
        raise TypeError(
            "rectifiers.jax.rrelu: the key is the seed; pass jax.random.key(seed) as key. "
            f"Received: seed={params['seed']!r}"
        )
    if key is not None:
        _check_key(key)
    if training is None:
        training = key is not None
    elif training is True and key is None:
        raise TypeError(
            "rectifiers.jax.rrelu: training=True needs a key to draw the slopes, e.g. "
            "rrelu(x, jax.random.key(0), training=True). Received: key=None"
        )
    seed = key if training is True else None
    return evaluate(_SPEC, jnp.asarray(x), {**params, "training": training, "seed": seed})


rrelu.__signature__ = inspect.Signature(
    [
        inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("key", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("training", inspect.Parameter.KEYWORD_ONLY, default=None),
        *(inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v) for k, v in _SPEC.defaults.items()),
    ]
)
