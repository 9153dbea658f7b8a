"""The dtype policy, in one place.

Every activation accepts the 12 real dtypes that ``tf.nn.relu`` lists and refuses the rest
(bool, complex, strings, objects) with a ``TypeError``.

* Floats (float16, bfloat16, float32, float64) come back in their own dtype. Piecewise-linear
  activations compute 16-bit floats in float32 and other floats in their own dtype (one multiply
  at most: within 1 ulp, and bit-identical to the frameworks). Activations built on exp, expm1
  or tanh compute in float64 wherever the library has it and round once, so float16, bfloat16
  and float32 results are within 1 ulp of the exact value whatever the library's own
  float32 ``expm1`` does.
* Integers keep their dtype under relu and relu6 (piecewise-integral functions). Every other
  activation returns a float: the library's default float dtype, widened to float64 for 32- and
  64-bit integers wherever the library has float64, so int64 never silently becomes float32.
"""

from __future__ import annotations

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
            name = _NUMPY_NAMES[dtype] = dtype.name
        return name
    name = getattr(dtype, "name", None)
    if isinstance(name, str):
        return name
    return str(dtype).rpartition(".")[2]


#: NumPy computes ``dtype.name`` anew on every access (microseconds, on every call).
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
