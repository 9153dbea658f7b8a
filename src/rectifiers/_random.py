"""Uniform draws for rrelu, in each library's own generator.

``seed`` is an int (the same int gives the same draws on every call, which is how a backward
pass regenerates the forward's slopes), ``None`` (fresh draws), or the library's own
generator: ``numpy.random.Generator``, ``torch.Generator``, a JAX PRNG key, or a
``tf.random.Generator``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._dtypes import dtype_name
from ._namespace import device, library


def _numpy_generator(seed):
    if seed is None or isinstance(seed, numbers.Integral):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    raise TypeError(
        "rectifiers.rrelu: seed must be an int, None or a numpy.random.Generator for NumPy "
        f"arrays. Received: seed={seed!r}"
    )


def uniform(xp, like, lower: float, upper: float, seed):
    """Draws from U[lower, upper) with the shape, dtype and device of ``like``."""
    lib, shape, dtype = library(xp), tuple(like.shape), like.dtype
    if lib in ("numpy", "array_api_strict"):
        draws = _numpy_generator(seed).uniform(lower, upper, size=shape)
        return xp.asarray(draws.astype(dtype_name(dtype)), device=device(xp, like))
    if lib == "torch":
        import torch

        generator = seed  # None: torch's global generator, so torch.manual_seed reproduces the draws
        if isinstance(seed, numbers.Integral):
            generator = torch.Generator(like.device).manual_seed(int(seed))
        out = torch.empty(shape, dtype=dtype, device=like.device)
        return out.uniform_(lower, upper, generator=generator)
    if lib == "jax":
        import jax

        key = seed
        if seed is None:
            key = jax.random.key(int(np.random.default_rng().integers(2**31)))
        elif isinstance(seed, numbers.Integral):
            key = jax.random.key(int(seed))
        return jax.random.uniform(key, shape, dtype, minval=lower, maxval=upper)
    if lib == "tensorflow":
        import tensorflow as tf

        dynamic = tf.shape(like)
        if isinstance(seed, tf.random.Generator):
            return seed.uniform(dynamic, lower, upper, dtype=dtype)
        if seed is None:
            return tf.random.uniform(dynamic, lower, upper, dtype=dtype)
        return tf.random.stateless_uniform(dynamic, [int(seed), 0], lower, upper, dtype=dtype)
    raise TypeError(f"rectifiers.rrelu: no random generator for {lib} arrays.")
