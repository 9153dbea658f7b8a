"""A thin array-API namespace over TensorFlow, for the few functions the core uses.

array-api-compat does not wrap TensorFlow, so the core reaches ``tf.Tensor`` through this
module. It is imported only when a TensorFlow tensor is passed in; every function is a plain
TensorFlow op, so ``tf.function`` traces it and ``GradientTape`` differentiates it (``where``
keeps its gradient connected to its operands, so nested tapes give second derivatives).
"""

import sys

import numpy as np
import tensorflow as tf
from tensorflow.python.eager import record  # whether a tape is recording: no public API

from ._spec import params_key

LIBRARY = "tensorflow"

float16, bfloat16, float32, float64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
int8, int16, int32, int64 = tf.int8, tf.int16, tf.int32, tf.int64
uint8, uint16, uint32, uint64 = tf.uint8, tf.uint16, tf.uint32, tf.uint64

exp = tf.math.exp
expm1 = tf.math.expm1
tanh = tf.math.tanh
round = tf.math.round  # half to even, as the array API's
floor = tf.math.floor
isnan = tf.math.is_nan
isfinite = tf.math.is_finite
reshape = tf.reshape
broadcast_to = tf.broadcast_to


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    if isinstance(obj, tf.Variable):
        obj = tf.convert_to_tensor(obj)
    if isinstance(obj, tf.Tensor):
        return obj if dtype is None else tf.cast(obj, dtype)
    return tf.constant(obj, dtype=dtype)


def astype(x, dtype, /, *, copy=True, device=None):
    return x if x.dtype == dtype else tf.cast(x, dtype)


def where(condition, x1, x2, /):
    """``tf.where``, whose gradient stays a function of the operands.

    tf.where's gradient, ``where(condition, g, 0)``, depends on ``x`` only through the boolean
    ``condition``, so a second ``GradientTape`` finds the first derivative of relu or leaky_relu
    unconnected to ``x`` and returns None, where tf.nn (whose ReluGrad takes ``x``) gives zeros.
    Linking the result restores that: the same values and first derivatives, and a second
    derivative that is zero through the select (elu's curvature still comes through its branch).
    """
    return _linked(tf.where(condition, x1, x2))


def _linked(y):
    if not y.dtype.is_floating:
        return y
    if tf.executing_eagerly() and not record.could_possibly_record():
        return y  # no tape is watching: nothing to link, and custom_gradient is not free eagerly
    return _identity_with_linked_gradient(y)


@tf.custom_gradient
def _identity_with_linked_gradient(y):
    return tf.identity(y), lambda g: _depends_on(g, y)


@tf.custom_gradient
def _depends_on(g, y):
    """``g``, recorded as a function of ``y`` with zero derivative (as tf.nn's ReluGrad is of x)."""
    return tf.identity(g), lambda h: (h, tf.zeros_like(y))


def max(x, /, *, axis=None, keepdims=False):
    return tf.math.reduce_max(x, axis=axis, keepdims=keepdims)


def all(x, /, *, axis=None, keepdims=False):
    return tf.math.reduce_all(x, axis=axis, keepdims=keepdims)


def any(x, /, *, axis=None, keepdims=False):
    return tf.math.reduce_any(x, axis=axis, keepdims=keepdims)


def sum(x, /, *, axis=None, keepdims=False, dtype=None):
    return tf.math.reduce_sum(x, axis=axis, keepdims=keepdims)


class _Info:
    def default_dtypes(self, *, device=None):
        return {"real floating": float32, "integral": int64, "indexing": int64}

    def dtypes(self, *, device=None, kind=None):
        floats = {"float32": float32, "float64": float64}
        if kind == "real floating":
            return floats
        raise NotImplementedError(f"dtypes(kind={kind!r})")


def __array_namespace_info__():
    return _Info()


# -- inside a graph: one compiled kernel per activation ------------------------------------------
#
# Outside XLA, a TensorFlow graph runs each op as its own kernel, one pass over memory each: the
# core's math (casts to float64, where, expm1, the links above) is 6-10 passes where tf.nn's is
# one. Inside a traced graph (tf.function, Keras's train step) the same math is handed to XLA
# once per activation, parameters and dtypes, and its derivative (the spec's, which follows the
# kink rule) likewise for the backward: one fused loop each, in the same working dtype, so the
# accuracy is the core's (docs/accuracy.md).

_FUSED: dict = {}


#: Every bit of a float32 but its sign.
_MAGNITUDE = np.int32(0x7FFFFFFF)


@tf.custom_gradient
def _relu(x):
    """float32 ``tf.nn.relu(x)`` with its sign bit cleared (relu(-0.0) = +0.0; NaN stays NaN),
    differentiated by ``ReluGrad``: g where y > 0, so 0 at NaN and at 0, as the kink rule.
    tf.nn.relu keeps -0.0, and ``relu(x) + 0.0``, which would make it +0.0, is folded back to
    ``relu(x)`` by Grappler and by XLA; a bitwise and is not. (A select, ``x <= 0 ? 0 : x``,
    is as exact and took 1.3x as long at (256, 256).)"""
    relu = tf.nn.relu(x)
    y = tf.bitcast(tf.bitwise.bitwise_and(tf.bitcast(relu, tf.int32), _MAGNITUDE), tf.float32)
    # on relu, which the tape connects to x (a second derivative of zeros, not None)
    return y, lambda g: tf.raw_ops.ReluGrad(gradients=g, features=relu)


#: TensorFlow's own ops for a float32 tensor, per spec family, where they give the core's bits and
#: the kink rule's gradient (tests/test_tensorflow_natives.py holds each to the compiled kernel's,
#: on NaN, +-0, +-inf and the kinks): no compiled call's launch (docs/performance.md, "On the
#: TensorFlow backend"). relu: ``tf.nn.relu`` with the sign bit cleared, and ``ReluGrad``
#: (``_relu``); leaky: ``x > 0 ? x : alpha * x`` and ``LeakyReluGrad``'s ``x > 0 ? g : g *
#: alpha`` (alpha at NaN, as the kink rule). The slope is ``spec.single_slope``.
_NATIVE = {
    "relu": lambda x, slope: _relu(x),
    "leaky": lambda x, slope: tf.nn.leaky_relu(x, alpha=slope),
}


def _native(x, params, work, result, spec):
    """tf.nn's op for ``spec`` on float32 ``x`` (``_NATIVE``), or ``None``."""
    native = None if spec is None else _NATIVE.get(spec.family)
    if native is None or spec.single_slope is None or not x.dtype == work == result == tf.float32:
        return None
    slope = spec.single_slope(params)
    return None if type(slope) is not float else native(x, slope)


def fused(x, forward, derivative, params: dict, work, result, spec=None):
    """``forward`` of ``x`` (cast to ``work``, the result to ``result``) as one XLA kernel, with
    ``derivative`` as its gradient (``_namespace.fused`` checked that the parameters are plain
    numbers), or tf.nn's own op where it gives the same (``_NATIVE``); ``None`` eagerly, where
    each call would compile."""
    if tf.executing_eagerly():
        return None
    native = _native(x, params, work, result, spec)
    if native is not None:
        return native
    key = (forward, derivative, params_key(params), work, result, x.dtype)
    op = _FUSED.get(key)
    if op is None:
        op = _FUSED[key] = _compile(forward, derivative, params, work, result, x.dtype)
    return op(x)


def _compile(forward, derivative, params, work, result, dtype):
    xp = sys.modules[__name__]

    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)  # no Python control flow
    def value(x):
        return tf.cast(forward(tf.cast(x, work), xp, **params), result)

    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)  # no Python control flow
    def gradient(x, g):
        grad = tf.cast(tf.cast(g, work) * derivative(tf.cast(x, work), xp, **params), dtype)
        return _depends_on(grad, x)  # relu's constant derivative: a second tape finds zeros, not None

    @tf.custom_gradient
    def op(x):
        return value(x), lambda g: gradient(x, g)

    return op


_FROM_OUTPUT: dict = {}


def from_output(compute, vjp, x, arrays: dict, key):
    """``compute(x, arrays)`` as one XLA kernel whose gradient is ``vjp(y, g, arrays)``, another,
    from the output ``y`` (``_namespace.from_output``); kept per ``key``, ``x``'s dtype and rank
    and the names of ``arrays``. ``None`` eagerly, where each call would compile."""
    if tf.executing_eagerly():
        return None
    names = tuple(arrays)
    # the rank too: reduce_retracing relaxes the shapes a function has seen, and softmax places
    # its axes by rank, so one function per rank keeps it known (sizes may become None)
    full_key = (key, x.dtype, x.shape.rank, names)
    try:
        op = _FROM_OUTPUT.get(full_key)
    except TypeError:  # a parameter that is not hashable (a list inside a list): compiled per trace
        return _compile_from_output(compute, vjp, names)(x, *arrays.values())
    if op is None:
        op = _FROM_OUTPUT[full_key] = _compile_from_output(compute, vjp, names)
    return op(x, *arrays.values())


def _compile_from_output(compute, vjp, names):
    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)  # no Python control flow
    def value(x, *given):
        return compute(x, dict(zip(names, given, strict=True)))

    @tf.function(jit_compile=True, reduce_retracing=True, autograph=False)  # no Python control flow
    def gradient(y, g, *given):
        return vjp(y, g, dict(zip(names, given, strict=True)))

    @tf.custom_gradient
    def op(x, *given):
        y = value(x, *given)
        return y, lambda g: (gradient(y, g, *given), *(None for _ in given))

    return op
