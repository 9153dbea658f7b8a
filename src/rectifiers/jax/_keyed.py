"""A stochastic activation (one with ``spec.draws``: rrelu) with an explicit PRNG key, the JAX way:
no hidden state, so it is pure under ``jit``. :func:`keyed` makes ``rectifiers.jax.<name>`` for
each such spec of the registry.

``key`` draws one slope per element from the spec's bounds (training); ``key=None`` is the call
outside training (rrelu: the mean slope). The same key gives the same slopes, and ``jax.grad``
differentiates through exactly those slopes (at x = 0 too: the kink rule). Split the key between
steps, as with any JAX randomness. ``training`` (the spec's ``draws.mode``) defaults to whether a
key is given; ``training=False`` with a key is inference, as in a model that threads one key
through train and eval steps.

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

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp

from .._apply import evaluate
from .._random import is_jax_key

P = inspect.Parameter


def _check_key(where, key):
    if not is_jax_key(jax, key):
        raise TypeError(
            f"{where}: key must be a JAX PRNG key, e.g. jax.random.key(0) (or a "
            f"legacy jax.random.PRNGKey), or None for inference. Received: key={key!r}"
        )


def keyed(spec):
    """``rectifiers.jax.<spec.name>(x, key=None, *, <mode>=None, **hyperparameters)``."""
    where, seed, mode = f"rectifiers.jax.{spec.name}", spec.draws.seed, spec.draws.mode

    def function(x, key=None, **params):
        if seed in params:
            raise TypeError(
                f"{where}: the key is the {seed}; pass jax.random.key({seed}) as key. "
                f"Received: {seed}={params[seed]!r}"
            )
        if key is not None:
            _check_key(where, key)
        training = params.pop(mode, None)
        if training is None:
            training = key is not None
        elif training is True and key is None:
            raise TypeError(
                f"{where}: {mode}=True needs a key to draw the slopes, e.g. "
                f"{spec.name}(x, jax.random.key(0), {mode}=True). Received: key=None"
            )
        drawn = key if training is True else None
        return evaluate(spec, jnp.asarray(x), {**params, mode: training, seed: drawn})

    function.__name__ = function.__qualname__ = spec.name
    function.__module__ = "rectifiers.jax"
    function.__doc__ = (
        f"``rectifiers.{spec.name}`` with an explicit JAX PRNG key: ``key`` draws the slopes "
        f"({mode}), ``key=None`` is the call outside {mode}; see :mod:`rectifiers.jax`."
    )
    function.__signature__ = inspect.Signature(
        [
            P("x", P.POSITIONAL_OR_KEYWORD),
            P("key", P.POSITIONAL_OR_KEYWORD, default=None),
            P(mode, P.KEYWORD_ONLY, default=None),
            *(P(k, P.KEYWORD_ONLY, default=v) for k, v in spec.defaults.items()),
        ]
    )
    return function
