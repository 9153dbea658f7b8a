"""A thin array-API namespace over TensorFlow, for the few functions the core uses.

array-api-compat does not wrap TensorFlow, so the core reaches ``tf.Tensor`` through this
module. It is imported only when a TensorFlow tensor is passed in; every function is a plain
TensorFlow op, so ``tf.function`` traces it and ``GradientTape`` differentiates it.
"""

import tensorflow as tf

LIBRARY = "tensorflow"

float16, bfloat16, float32, float64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
int8, int16, int32, int64 = tf.int8, tf.int16, tf.int32, tf.int64
uint8, uint16, uint32, uint64 = tf.uint8, tf.uint16, tf.uint32, tf.uint64

exp = tf.math.exp
expm1 = tf.math.expm1
tanh = tf.math.tanh
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
    return tf.where(condition, x1, x2)


def max(x, /, *, axis=None, keepdims=False):
    return tf.math.reduce_max(x, axis=axis, keepdims=keepdims)


def all(x, /, *, axis=None, keepdims=False):
    return tf.math.reduce_all(x, axis=axis, keepdims=keepdims)


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
