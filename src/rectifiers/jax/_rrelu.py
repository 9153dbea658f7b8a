"""rrelu with an explicit PRNG key, the JAX way: no hidden state, so it is pure under ``jit``."""

from __future__ import annotations

import inspect

import jax
import jax.numpy as jnp

from .._apply import evaluate
from .._spec import get

_SPEC = get("rrelu")


def _check_key(key):
    dtype = getattr(key, "dtype", None)
    typed = dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key)
    raw = dtype == jnp.uint32 and getattr(key, "shape", ())[-1:] == (2,)
    if not (typed or raw):
        raise TypeError(
            "rectifiers.jax.rrelu: key must be a JAX PRNG key, e.g. jax.random.key(0) (or a "
            f"legacy jax.random.PRNGKey), or None for inference. Received: key={key!r}"
        )


def rrelu(x, key=None, **params):
    r"""Randomized leaky ReLU with an explicit key: ``key`` draws one slope per element from
    U(lower, upper) (training); ``key=None`` uses the mean slope (inference).

    The same key gives the same slopes, and ``jax.grad`` differentiates through exactly those
    slopes (at x = 0 too: the kink rule). Split the key between steps, as with any JAX
    randomness. ``lower`` and ``upper`` default to the core's (1/8, 1/3).

    >>> import jax, jax.numpy as jnp
    >>> from rectifiers.jax import rrelu
    >>> rrelu(jnp.array([-2.0, 0.0, 2.0], dtype=jnp.float32), lower=0.1, upper=0.3)
    Array([-0.4,  0. ,  2. ], dtype=float32)
    >>> x = -jnp.ones(4, dtype=jnp.float32)
    >>> y = rrelu(x, jax.random.key(0))
    >>> bool(jnp.all((-y >= 1 / 8) & (-y < 1 / 3))), bool(jnp.all(y == rrelu(x, jax.random.key(0))))
    (True, True)
    """
    if key is not None:
        _check_key(key)
    options = {"training": key is not None, "seed": key}
    return evaluate(_SPEC, jnp.asarray(x), {**params, **options})


rrelu.__signature__ = inspect.Signature(
    [
        inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("key", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        *(inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v) for k, v in _SPEC.defaults.items()),
    ]
)
