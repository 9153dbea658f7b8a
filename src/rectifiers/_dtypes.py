"""The dtype policy, in one place.

Every activation accepts the 12 real dtypes that ``tf.nn.relu`` lists and refuses the rest
(bool, complex, strings, objects) with a ``TypeError``.

* Floats (float16, bfloat16, float32, float64) come back in their own dtype. Piecewise-linear
  activations compute 16-bit floats in float32 and other floats in their own dtype (one multiply
  at most: within 1 ulp, and bit-identical to the frameworks). Activations built on exp, expm1
  or tanh compute in float64 wherever the library has it and round once, so float16, bfloat16
  and float32 results are within 1 ulp of the exact value whatever the library's own
  float32 ``expm1`` does. Where the library has no float64 (JAX without x64), and in compiled
  code where it is faster, they compute in float32 arithmetic alone with a formulation that
  keeps 1 ulp (``float32_math``).
* Integers keep their dtype under relu and relu6 (piecewise-integral functions). Every other
  activation returns a float: the library's default float dtype, widened to float64 for 32- and
  64-bit integers wherever the library has float64, so int64 never silently becomes float32.
"""

from __future__ import annotations

import array_api_compat
import numpy as np

FLOATS = ("float16", "bfloat16", "float32", "float64")
SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
#: The 12 real dtypes, in the order ``tf.nn.relu`` documents them.
REAL_DTYPES = (
    "float32", "float64", "int32", "uint8", "int16", "int8",
    "int64", "bfloat16", "uint16", "float16", "uint32", "uint64",
)  # fmt: skip


def dtype_name(dtype) -> str:
    """The plain name of a NumPy, ml_dtypes, PyTorch, JAX, TensorFlow or array-API dtype.

    >>> import numpy as np
    >>> dtype_name(np.dtype("float32"))
    'float32'
    """
    if isinstance(dtype, np.dtype):
        name = _NUMPY_NAMES.get(dtype)
        if name is None:
            name = dtype.name
            if name in REAL_DTYPES:  # a few byte orders of 12 dtypes: the cache stays small
                _NUMPY_NAMES[dtype] = name
        return name
    if isinstance(dtype, type):  # a scalar type, as NumPy's and JAX's namespaces give dtypes
        inner = getattr(dtype, "dtype", None)  # jnp.float32.dtype
        if isinstance(inner, np.dtype) or issubclass(dtype, np.generic):
            return dtype_name(inner if isinstance(inner, np.dtype) else np.dtype(dtype))
    name = getattr(dtype, "name", None)
    if isinstance(name, str):
        return name
    return str(dtype).rpartition(".")[2]


#: NumPy computes ``dtype.name`` anew on every access (microseconds, on every call). Only the
#: accepted dtypes are kept: refused ones (every string length is a dtype) would grow it forever.
_NUMPY_NAMES: dict = {}


def check_real(x, function: str) -> str:
    """Return the dtype name of ``x``, or raise ``TypeError`` if it is not one of the 12 real dtypes."""
    name = dtype_name(x.dtype)
    if name not in REAL_DTYPES:
        raise TypeError(
            f"rectifiers.{function} accepts arrays of the real dtypes {', '.join(REAL_DTYPES)}. "
            f"Received: an array of dtype {name}."
        )
    return name


def is_integer(name: str) -> bool:
    return name in SIGNED or name in UNSIGNED


def is_unsigned(name: str) -> bool:
    return name in UNSIGNED


def has_float64(xp, device=None) -> bool:
    if array_api_compat.is_numpy_namespace(xp):  # always; asking its info costs microseconds a call
        return True
    info = xp.__array_namespace_info__()
    return "float64" in info.dtypes(kind="real floating", device=device)


def float_dtype_for(xp, dtype, device=None):
    """The float dtype an activation with non-integral values returns for input ``dtype``."""
    name = dtype_name(dtype)
    if name in FLOATS:
        return dtype
    default = xp.__array_namespace_info__().default_dtypes(device=device)["real floating"]
    wide = name not in ("int8", "uint8", "int16", "uint16")
    if wide and has_float64(xp, device):
        return xp.float64
    return default


def working_dtype(xp, dtype, wide: bool = False, device=None):
    """The dtype the math runs in for results of float ``dtype``.

    ``wide``: float64 where the library has it (then rounded once). Otherwise float32 for the
    16-bit floats and the dtype itself for the others.
    """
    if wide and has_float64(xp, device):
        return xp.float64
    return xp.float32 if dtype_name(dtype) in ("float16", "bfloat16") else dtype


def float32_math(xp, dtype, *, compiled: bool, faster: bool, device=None) -> bool:
    """Whether an activation with a float32 formulation (``spec.float32``) computes results of
    float ``dtype`` with it, in float32, instead of in float64 rounded once.

    Yes where the library has no float64 (JAX without x64: its float32 exp and expm1 are several
    ulp off, the formulation is within 1), for every float dtype. Yes in compiled code (``jax.jit``
    and the other JAX transformations, ``tf.function``'s XLA kernels) for float32 results where
    the formulation is ``faster`` than the float64 pass. No elsewhere: NumPy and PyTorch keep the
    float64 pass, whose bits their compiled kernels reproduce.

    >>> import numpy as np
    >>> float32_math(np, np.float32, compiled=False, faster=True)
    False
    """
    name = dtype_name(dtype)
    if name not in FLOATS:
        return False
    if not has_float64(xp, device):
        return True
    return compiled and faster and name == "float32"


def numpy_dtype(name: str) -> np.dtype:
    """The NumPy dtype for one of the 12 real dtype names (bfloat16 from ml_dtypes).

    The one mapping from names to NumPy dtypes: the bench, the docs generator and the tests use it.

    >>> numpy_dtype("bfloat16").name, numpy_dtype("int8").name
    ('bfloat16', 'int8')
    """
    if name not in REAL_DTYPES:
        raise ValueError(f"Unknown dtype name. Received: {name!r}. Accepted: {', '.join(REAL_DTYPES)}.")
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


#: The largest finite value of each working dtype.
_LARGEST = {"float32": float(np.finfo(np.float32).max), "float64": float(np.finfo(np.float64).max)}


def cast_parameter(value, work, x_dtype, *, function: str, name: str):
    """A real parameter as the math takes it, for input of ``x_dtype`` computed in ``work``.

    The one rule, on every library and path: the parameter enters as its exact value (a NumPy
    scalar as the Python number it equals, so ``np.float64(0.1)`` acts as ``0.1``) and is rounded
    once to the working dtype, as the array API does with a Python float; it never widens the
    computation. A finite value beyond the working dtype's range would round to infinity (and
    give ``0 * inf = NaN``), so it is refused with a ``ValueError`` that names the dtype.
    ``work`` may be a function that returns the working dtype: it is asked only for a value
    beyond float32's range.

    >>> cast_parameter(np.float64(0.1), np.float32, np.float32, function="leaky_relu", name="alpha")
    0.1
    >>> cast_parameter(1e39, np.float32, np.float16, function="prelu", name="alpha")
    Traceback (most recent call last):
    ...
    ValueError: rectifiers.prelu: alpha must fit float32, the dtype prelu computes in for float16
    input (|alpha| <= 3.4028234663852886e+38). Received: alpha=1e+39
    """
    if isinstance(value, np.generic):
        value = value.item()
    if abs(value) <= _LARGEST["float32"]:  # fits every working dtype
        return value
    work = work() if callable(work) and not isinstance(work, type) else work
    largest = _LARGEST.get(dtype_name(work))
    if largest is not None and abs(value) > largest:
        raise ValueError(
            f"rectifiers.{function}: {name} must fit {dtype_name(work)}, the dtype {function} computes in "
            f"for {dtype_name(x_dtype)} input (|{name}| <= {largest!r}). Received: {name}={value!r}"
        )
    return value
