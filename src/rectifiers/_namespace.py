"""Which array library an input belongs to, and the little glue each library needs.

The math never branches on the library: it sees an array-API namespace ``xp``. This module
finds it (array-api-compat for NumPy, PyTorch, JAX and array_api_strict; our own thin
namespace for TensorFlow, which array-api-compat does not take) and holds the three things
the standard does not cover: devices, naming scopes and random numbers. No framework is
imported here unless the caller already passed one of its arrays.
"""

from __future__ import annotations

import contextlib
import sys

import array_api_compat
import numpy as np


def _is_tensorflow(x) -> bool:
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return False
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return True
    if isinstance(x, (tf.RaggedTensor, tf.SparseTensor, tf.IndexedSlices)):
        raise TypeError(
            "rectifiers takes a dense tf.Tensor or tf.Variable: convert with x.to_tensor() or "
            "tf.sparse.to_dense(x), or apply it to the stored values (tf.ragged.map_flat_values, "
            f"tf.sparse.map_values). Received: x of type tf.{type(x).__name__}"
        )
    return False


def _from_python(x):
    """A Python scalar or (nested) sequence as a NumPy array; a ragged one is refused."""
    try:
        return np.asarray(x)
    except ValueError as error:  # NumPy: "... inhomogeneous shape after 1 dimensions ..."
        if not isinstance(x, (list, tuple)):
            raise
        raise ValueError(
            "rectifiers takes arrays, numbers and rectangular nested sequences of numbers. Received: "
            f"a ragged {type(x).__name__}, which NumPy cannot make an array of ({error})"
        ) from None


def as_array(x):
    """Return ``(xp, x)``: the namespace of ``x`` and ``x`` as one of its arrays.

    Python scalars and sequences become NumPy arrays.
    """
    if type(x) is np.ndarray:  # the common case, answered without asking every library
        return _NUMPY, x
    if _is_tensorflow(x):
        from . import _tensorflow_namespace as xp

        return xp, xp.asarray(x)
    if not array_api_compat.is_array_api_obj(x):
        x = _from_python(x)
    return array_api_compat.array_namespace(x), x


_NUMPY = array_api_compat.array_namespace(np.empty(0))


def unmask(x):
    """``(data, mask)`` of a NumPy masked array (its data as a plain array), else ``(x, None)``."""
    if isinstance(x, np.ma.MaskedArray):
        return np.ma.getdata(x), np.ma.getmaskarray(x)
    return x, None


def as_result(xp, y):
    """NumPy ufuncs return NumPy scalars for 0-d input; give back a 0-d array, as it came in."""
    return np.asarray(y) if isinstance(y, np.generic) else y


def library(xp) -> str:
    """A short name for the library behind ``xp``: numpy, torch, jax, tensorflow, array_api_strict."""
    if array_api_compat.is_numpy_namespace(xp):
        return "numpy"
    if array_api_compat.is_torch_namespace(xp):
        return "torch"
    if array_api_compat.is_jax_namespace(xp):
        return "jax"
    if array_api_compat.is_array_api_strict_namespace(xp):
        return "array_api_strict"
    return getattr(xp, "LIBRARY", xp.__name__)


def device(xp, x):
    return None if library(xp) == "tensorflow" else array_api_compat.device(x)


def quiet_floating_point(xp):
    """NumPy warns about inf * 0 and overflow in the branch a ``where`` then discards; the results
    are what the rules say, so those warnings would only be noise. A no-op for other libraries."""
    if library(xp) in ("numpy", "array_api_strict"):
        return np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore")
    return contextlib.nullcontext()


def name_scope(xp, name: str | None):
    """The library's naming or profiling scope for ``name``; a no-op where it has none."""
    if name is None:
        return contextlib.nullcontext()
    lib = library(xp)
    if lib == "torch":
        import torch

        return torch.profiler.record_function(name)
    if lib == "jax":
        import jax

        return jax.named_scope(name)
    if lib == "tensorflow":
        import tensorflow as tf

        return tf.name_scope(name)
    return contextlib.nullcontext()


def fused(xp, x, forward, derivative, params: dict, work, result):
    """``forward(x)`` (computed in ``work``, returned as ``result``) with ``derivative`` as its
    derivative, as one compiled unit where a library traces: in a TensorFlow graph, one XLA
    kernel each way (``_tensorflow_namespace.fused``); under a JAX transformation, a
    ``custom_jvp`` whose tangent is ``t * derivative(x)``, in place of differentiating the
    math's every ``where`` and cast. ``None`` elsewhere (the math runs as written), and for
    parameters that are not plain numbers (prelu's array of slopes, rrelu's draws)."""
    if derivative is None or not all(type(v) in (float, int) for v in params.values()):
        return None
    lib = library(xp)
    if lib == "tensorflow":
        return xp.fused(x, forward, derivative, params, work, result)
    if lib == "jax":
        return _jax_fused(xp, x, forward, derivative, params, work, result)
    return None


_JAX_FUSED: dict = {}


def _jax_fused(xp, x, forward, derivative, params, work, result):
    import jax

    if not isinstance(x, jax.core.Tracer):
        return None  # a concrete array: nothing is traced or differentiated
    key = (forward, derivative, tuple(params.items()), work, result)
    op = _JAX_FUSED.get(key)
    if op is None:

        @jax.custom_jvp
        def op(x):
            return xp.astype(forward(xp.astype(x, work), xp, **params), result)

        @op.defjvp
        def _(primals, tangents):
            (x,), (t,) = primals, tangents
            wide = xp.astype(x, work)
            y = xp.astype(forward(wide, xp, **params), result)
            return y, xp.astype(xp.astype(t, work) * derivative(wide, xp, **params), result)

        _JAX_FUSED[key] = op
    return op(x)
