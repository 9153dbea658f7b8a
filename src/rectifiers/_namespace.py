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

from ._spec import params_key


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


def check_strided(torch, x):
    """Refuse a torch tensor that does not hold its values densely (sparse, mkldnn): its
    implicit zeros would not go through the activation, and few ops take it."""
    if x.layout is not torch.strided:
        raise TypeError(
            "rectifiers takes dense (strided) torch tensors: convert with x.to_dense(), or apply "
            "it to the stored values (x.values() of a coalesced sparse tensor). Received: a tensor "
            f"of layout {x.layout}"
        )


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
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor):
        check_strided(torch, x)
    return array_api_compat.array_namespace(x), x


_NUMPY = array_api_compat.array_namespace(np.empty(0))


def numpy_view(x):
    """A NumPy array over the memory of ``x`` where ``x`` is a plain float32 CPU torch tensor
    whose result needs no autograd graph, else ``None``.

    There the core runs its NumPy fast path (compiled kernels) on the tensor's memory, no copy:
    the bits its NumPy reference gives (the float64 math rounded once to float32, as its torch
    ops compute it), many times faster than its float64 torch ops. float64 stays on torch's ops:
    there torch's and NumPy's exp differ in the last bit, and nothing rounds that away. Not a
    subclass (FakeTensor, functorch wrappers under a transform), not under torch.compile,
    torch.jit.trace or forward-mode AD, not a tensor with the conj or neg bit: those keep the
    torch ops, which autograd and the tracers see.
    """
    torch = sys.modules.get("torch")
    if torch is None or type(x) is not torch.Tensor or not x.is_cpu:
        return None
    check_strided(torch, x)
    if x.dtype != torch.float32 or x.is_conj() or x.is_neg():
        return None
    if x.requires_grad and torch.is_grad_enabled():
        return None
    if torch.compiler.is_compiling() or torch._C._get_tracing_state() is not None:
        return None
    if torch._C._are_functorch_transforms_active() or torch.autograd.forward_ad._current_level >= 0:
        return None
    return x.detach().numpy()


def differentiated_in_torch(x, planned, value, derivative, slope=None):
    """``value(x)`` as one torch autograd node whose backward is ``g * derivative(x, graph)``,
    for an eager torch tensor that needs a gradient (``_torch_function``); ``None`` for every
    other input, and where a tracer or transform must see the math op by op. ``planned(x,
    kind)``: the same value or derivative from a kept plan, or ``None``; tried first. ``slope``:
    f' below 0 where f' is 1 above 0 and that one number below (the spec's ``single_slope``)."""
    return _torch_node(x, "Elementwise", planned, value, derivative, slope)


def output_differentiated_in_torch(x, value, tangent):
    """``value(x)`` as one torch autograd node whose backward is ``tangent(y, g)`` from the output
    ``y`` (softmax's ``y * (g - sum(y * g))``: its Jacobian is symmetric, so the tangent map is
    the vector-Jacobian product), for an eager torch tensor that needs a gradient; ``None``
    elsewhere, as ``differentiated_in_torch``."""
    return _torch_node(x, "FromOutput", value, tangent)


def sloped_in_torch(x, slopes, formula):
    """``formula(x, slopes)``, prelu with a tensor of slopes (``where(x > 0, x, slopes * where(x
    > 0, 0, x))``), on eager torch tensors: one autograd node that gives autograd's bits for
    ``formula`` in fewer passes (``_torch_function.Sloped``). ``None`` for every other input, and
    where a tracer or transform must see ``formula`` op by op. The slopes are checked by the
    caller: nothing here looks at the values."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(x, torch.Tensor) or not isinstance(slopes, torch.Tensor):
        return None
    from . import _torch_function

    return _torch_function.sloped(x, slopes, formula)


def _torch_node(x, node: str, *args):
    """``_torch_function.<node>.apply(x, *args)`` where it applies to ``x``, else ``None``."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(x, torch.Tensor):
        return None
    check_strided(torch, x)
    from . import _torch_function

    if not _torch_function.applies(x):
        return None
    return getattr(_torch_function, node).apply(x, *args)


def from_numpy_view(like, y):
    """The NumPy result ``y`` of a call on ``numpy_view(like)`` as a tensor (no copy)."""
    return sys.modules["torch"].from_numpy(np.asarray(y))


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


def not_for_autograph(function):
    """``function`` marked as ``tf.autograph.experimental.do_not_convert`` marks one, without
    importing TensorFlow: AutoGraph reads the attribute ``autograph_info__`` before converting and
    then runs the function as plain Python. ``tf.function(rf.relu)`` then traces our ops as they
    are (they have no tensor-dependent control flow to convert) instead of trying to rewrite our
    code and array-api-compat's, which it cannot parse (``:=``), and logs no "AutoGraph could not
    transform" warning."""
    function.autograph_info__ = None
    return function


def scalar(xp, value):
    """A Python real as ``xp``'s operators should take it: as it is, but a float zero on
    TensorFlow as a NumPy float32. TensorFlow's eager mode keeps one tensor per Python float
    (``np.float64`` included: it is one) and dtype, keyed by value, and -0.0 == 0.0: whichever
    of the two it met first stands in for both (``x * -0.0`` after ``x * 0.0`` gives +0.0 for
    x < 0). A ``np.float32`` bypasses that cache, and takes the tensor's dtype as a Python
    number does (a zero is exact in every float dtype).

    >>> scalar(np, -0.0), type(scalar(np, 0.5)).__name__
    (-0.0, 'float')
    """
    if value == 0 and isinstance(value, float) and library(xp) == "tensorflow":
        return np.float32(value)
    return value


def constant(xp, like, value):
    """``value`` as a 0-d array of ``like``'s dtype, library and device."""
    return xp.asarray(scalar(xp, value), dtype=like.dtype, device=device(xp, like))


def from_output(xp, compute, tangent, x, arrays: dict, key):
    """``compute(x, arrays)`` differentiated by ``tangent(y, dx, arrays)`` from its output ``y``, so
    that reverse mode keeps ``y`` (and ``arrays``, masks), not the intermediates of ``compute``.
    ``arrays``: the call's array arguments (not differentiated), passed in rather than closed over.

    For a JAX ``x``, a ``jax.custom_jvp``. In a TensorFlow graph, the forward and the gradient as
    one XLA kernel each (``_tensorflow_namespace.from_output``; the tangent map serves as the
    vector-Jacobian product, which needs a symmetric Jacobian: softmax's ``diag(y) - y y^T``),
    kept per ``key`` (the activation and its fixed parameters). ``None`` elsewhere.
    """
    lib = library(xp)
    if lib == "tensorflow":
        return xp.from_output(compute, tangent, x, arrays, key)
    if lib != "jax":
        return None
    import jax

    @jax.custom_jvp
    def function(x, arrays):
        return compute(x, arrays)

    @function.defjvp
    def rule(primals, tangents):
        x, arrays = primals
        y = function(x, arrays)
        return y, tangent(y, tangents[0], arrays)

    return function(x, arrays)


def as_float32_bits(xp, bits):
    """The int32 array ``bits`` read as float32 (a bitcast, no conversion): the array API has no
    bitcast, so each library's own (``jax.lax.bitcast_convert_type``, ``tf.bitcast``, ``view``)."""
    lib = library(xp)
    if lib == "jax":
        import jax

        return jax.lax.bitcast_convert_type(bits, xp.float32)
    if lib == "tensorflow":
        import tensorflow as tf

        return tf.bitcast(bits, tf.float32)
    return bits.view(xp.float32)  # NumPy and torch


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


def traced(xp, x) -> bool:
    """Whether ``x`` is being traced for compiled code: a JAX tracer (``jax.jit``, ``grad``,
    ``vmap``), or a tensor of a TensorFlow graph (``tf.function``), whose math ``fused`` hands
    to XLA."""
    lib = library(xp)
    if lib == "jax":
        import jax

        return isinstance(x, jax.core.Tracer)
    if lib == "tensorflow":
        import tensorflow as tf

        return not tf.executing_eagerly()
    return False


def fused(xp, x, forward, derivative, params: dict, work, result, spec=None):
    """``forward(x)`` (computed in ``work``, returned as ``result``) with ``derivative`` as its
    derivative, as one compiled unit where a library traces: in a TensorFlow graph, one XLA
    kernel each way (``_tensorflow_namespace.fused``; or tf.nn's own op, where it gives the same
    bits and gradient for ``spec``'s family); under a JAX transformation, a ``custom_jvp`` whose
    tangent is ``t * derivative(x)``, in place of differentiating the math's every ``where`` and
    cast. ``None`` elsewhere (the math runs as written), and for parameters that are not plain
    numbers (prelu's array of slopes, rrelu's draws)."""
    if derivative is None or not all(type(v) in (float, int) for v in params.values()):
        return None
    lib = library(xp)
    if lib == "tensorflow":
        return xp.fused(x, forward, derivative, params, work, result, spec)
    if lib == "jax":
        return _jax_fused(xp, x, forward, derivative, params, work, result)
    return None


_JAX_FUSED: dict = {}
_JAX_JIT: dict = {}


def jax_jit(xp, x, math, params: dict, work, result):
    """``math`` of a concrete JAX ``x`` (computed in ``work``, returned as ``result``) as one
    cached ``jax.jit`` unit: the float32 formulations (``_float32``) are a hundred small ops,
    each a dispatch of its own eagerly. ``None`` for parameters that are not plain numbers."""
    if not all(type(v) in (float, int) for v in params.values()):
        return None
    key = (math, tuple(params.items()), work, result)
    op = _JAX_JIT.get(key)
    if op is None:
        import jax

        op = _JAX_JIT[key] = jax.jit(lambda x: xp.astype(math(xp.astype(x, work), xp, **params), result))
    return op(x)


def _jax_fused(xp, x, forward, derivative, params, work, result):
    import jax

    if not isinstance(x, jax.core.Tracer):
        return None  # a concrete array: nothing is traced or differentiated
    key = (forward, derivative, params_key(params), work, result)
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
