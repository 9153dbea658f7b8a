"""Uniform draws for rrelu, in each library's own generator.

``seed`` is an int (the same int gives the same draws on every call, which is how a backward
pass regenerates the forward's slopes), ``None`` (fresh draws), or the library's own
generator: ``numpy.random.Generator``, ``torch.Generator``, a JAX PRNG key, or a
``tf.random.Generator``.

An int seed for a CPU float32 torch tensor draws from a counter-based generator instead
(``_draws.c``: SplitMix64's i-th output for element i), in one pass that also writes the 1s
rrelu multiplies its positive part by: the backward regenerates the slopes at the cost of a
hash per element, where ``torch.Generator`` (a Mersenne Twister) costs about 9 ns per draw on
this project's machine, plus the pass that fills in the 1s.
"""

from __future__ import annotations

import importlib
import numbers
import sys

import numpy as np

from ._dtypes import dtype_name
from ._namespace import device, library

try:  # by name: ``from . import`` reads, to the import contracts, as importing the whole package
    _draws_native = importlib.import_module("rectifiers._draws_native")
except ImportError:  # built without a C compiler: torch's generator for every draw
    _draws_native = None

#: Every library takes these seeds: torch's and TensorFlow's int64, NumPy's non-negative ints.
SEED_LIMIT = 2**63
_GENERATORS = "numpy.random.Generator, torch.Generator, a JAX PRNG key or a tf.random.Generator"


def check_seed(seed) -> Exception | None:
    """The registry's check of rrelu's ``seed`` (in training and evaluation alike): ``None``, an
    int in [0, 2**63), or some library's generator; which generator fits is checked at the draw,
    where the array's library is known."""
    if seed is None:
        return None
    if isinstance(seed, bool):
        return TypeError("must be an int in [0, 2**63), None or a random generator, not a bool")
    if isinstance(seed, numbers.Integral):
        return None if 0 <= seed < SEED_LIMIT else ValueError("must be an int in [0, 2**63)")
    if _is_generator(seed):
        return None
    return TypeError(f"must be an int in [0, 2**63), None or a random generator ({_GENERATORS})")


#: 2**64 / the golden ratio, odd: multiplying by it spreads a stream's seeds far apart.
_MIX = 0x9E3779B97F4A7C15


def check_stream_seed(seed) -> Exception | None:
    """The check of a layer's seed, which starts a stream of calls (:func:`stream_seed`): ``None``
    or an int in [0, 2**63), as :func:`check_seed` takes them; a generator has no positions."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        return TypeError("must be an int in [0, 2**63) or None (a layer's seed starts a stream of calls)")
    return check_seed(seed)


def stream_seed(seed: int, position: int) -> int:
    """The seed of the ``position``-th call in the stream that the int ``seed`` starts: a layer's
    k-th training call draws as any layer with that seed does at its k-th, and every position
    draws differently. ``(seed * M + position) mod 2**63``, ``M`` = 2**64 / the golden ratio.

    >>> stream_seed(5, 0) == stream_seed(5, 0), stream_seed(5, 0) != stream_seed(5, 1)
    (True, True)
    >>> 0 <= stream_seed(2**63 - 1, 2**40) < SEED_LIMIT
    True
    """
    return (seed * _MIX + position) % SEED_LIMIT


def _is_generator(seed) -> bool:
    if isinstance(seed, np.random.Generator):
        return True
    torch, jax, tf = (sys.modules.get(m) for m in ("torch", "jax", "tensorflow"))
    return (
        (torch is not None and isinstance(seed, torch.Generator))
        or (jax is not None and is_jax_key(jax, seed))
        or (tf is not None and isinstance(seed, tf.random.Generator))
    )


def is_jax_key(jax, seed) -> bool:
    """A typed JAX PRNG key (``jax.random.key``) or a legacy raw one (uint32, last axis 2)."""
    dtype = getattr(seed, "dtype", None)
    if not isinstance(seed, jax.Array) or dtype is None:
        return False
    typed = jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key)
    return typed or (dtype == np.uint32 and tuple(seed.shape)[-1:] == (2,))


def _refuse(lib: str, accepted: str, seed):
    raise TypeError(
        f"rectifiers.rrelu: seed must be an int, None or a {accepted} for {lib} arrays. "
        f"Received: seed={seed!r}"
    )


def _numpy_generator(seed, lib):
    if seed is None or isinstance(seed, numbers.Integral):
        return np.random.default_rng(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    _refuse(lib, "numpy.random.Generator", seed)


def uniform(xp, like, lower: float, upper: float, seed, ones_where=None):
    """Draws from U[lower, upper) with the shape, dtype and device of ``like``; 1 where the boolean
    array ``ones_where`` is True (rrelu's noise: 1 on its positive part), if given."""
    if isinstance(seed, numbers.Integral) and library(xp) == "torch":
        counted = _counter_draws(sys.modules["torch"], like, lower, upper, seed, ones_where)
        if counted is not None:
            return counted
    draws = _uniform(xp, like, lower, upper, seed)
    if ones_where is None:
        return draws
    return xp.where(ones_where, xp.asarray(1, dtype=draws.dtype, device=device(xp, draws)), draws)


def _counter_draws(torch, like, lower, upper, seed, ones_where):
    """``uniform``'s result from ``_draws_native`` for a plain CPU float32 ``like`` and an int seed
    (``ones_where`` filled in); ``None`` elsewhere (under torch.compile, a transform, or without
    the extension), where ``torch.Generator`` draws."""
    plain = type(like) in (torch.Tensor, torch.nn.Parameter) and like.dtype == torch.float32 and like.is_cpu
    if _draws_native is None or not plain or torch.compiler.is_compiling():
        return None
    if torch._C._are_functorch_transforms_active():
        return None
    mask = None
    if ones_where is not None:
        if type(ones_where) is not torch.Tensor or tuple(ones_where.shape) != tuple(like.shape):
            return None
        mask = ones_where.detach().contiguous().numpy()
    out = torch.empty(tuple(like.shape), dtype=torch.float32)
    _draws_native.noise(mask, out.numpy(), int(seed), float(lower), float(upper))
    return out


def _uniform(xp, like, lower, upper, seed):
    """``uniform``'s draws from the library's own generator."""
    lib, dtype = library(xp), like.dtype
    if lib in ("numpy", "array_api_strict"):
        draws = _numpy_generator(seed, lib).uniform(lower, upper, size=tuple(like.shape))
        return xp.asarray(draws.astype(dtype_name(dtype)), device=device(xp, like))
    if lib == "torch":
        import torch

        shape = tuple(like.shape)
        if not (seed is None or isinstance(seed, (numbers.Integral, torch.Generator))):
            _refuse(lib, "torch.Generator", seed)
        generator = seed  # None: torch's global generator, so torch.manual_seed reproduces the draws
        if isinstance(seed, numbers.Integral):
            generator = torch.Generator(like.device).manual_seed(int(seed))
        out = torch.empty(shape, dtype=dtype, device=like.device)
        return out.uniform_(lower, upper, generator=generator)
    if lib == "jax":
        import jax

        shape, key = tuple(like.shape), seed
        if not (seed is None or isinstance(seed, numbers.Integral) or is_jax_key(jax, seed)):
            _refuse(lib, "JAX PRNG key", seed)
        if seed is None and _staged(jax, like):
            raise ValueError(
                "rectifiers.rrelu: with seed=None under jax.jit or jax.vmap the slopes would be drawn "
                "once, while tracing, and every call would reuse them. Pass a PRNG key, "
                "rectifiers.jax.rrelu(x, key), or an int seed (the same slopes on every call). "
                "Received: seed=None"
            )
        if seed is None:
            key = jax.random.key(int(np.random.default_rng().integers(2**31)))
        elif isinstance(seed, numbers.Integral):
            key = jax.random.key(int(seed))
        return jax.random.uniform(key, shape, dtype, minval=lower, maxval=upper)
    if lib == "tensorflow":
        import tensorflow as tf

        dynamic = tf.shape(like)
        if not (seed is None or isinstance(seed, (numbers.Integral, tf.random.Generator))):
            _refuse(lib, "tf.random.Generator", seed)
        if isinstance(seed, tf.random.Generator):
            return seed.uniform(dynamic, lower, upper, dtype=dtype)
        if seed is None:
            return tf.random.uniform(dynamic, lower, upper, dtype=dtype)
        return tf.random.stateless_uniform(dynamic, [int(seed), 0], lower, upper, dtype=dtype)
    raise TypeError(f"rectifiers.rrelu: no random generator for {lib} arrays.")


def _staged(jax, like) -> bool:
    """Whether ``like`` is being traced for staging (``jit``, ``vmap``) rather than run eagerly
    (``grad`` outside ``jit`` runs each call, so a fresh draw there is fresh)."""
    if not isinstance(like, jax.core.Tracer):
        return False
    try:
        bool(jax.numpy.all(like == like))
    except jax.errors.ConcretizationTypeError:
        return True
    return False
