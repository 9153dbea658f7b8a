"""Kernels for 1- and 2-byte inputs (float16, bfloat16, 8- and 16-bit integers), off NumPy's scalar path.

* relu on float16/bfloat16 works on the int16 bit pattern: a float's sign bit is the int16's,
  and the negative non-NaN floats (``-0.0`` to ``-inf``) are exactly the int16 values up to
  the pattern of ``-inf``; those become 0 (+0.0), every other pattern (NaN included) is kept.
* Everything else goes through a table: a 1- or 2-byte dtype has at most 65536 values, so the
  reference math is run once on all of them and the kernel is a gather (``np.take``). The
  table is the reference's own output, so the result is the reference's to the bit.

>>> import ml_dtypes, numpy as np
>>> from rectifiers._fast._parallel import Scratch
>>> x = np.array([-1.5, -0.0, 2.0, np.nan], dtype=ml_dtypes.bfloat16); y = np.empty_like(x)
>>> relu_bits(x.dtype)(x, y, Scratch()); y.astype(np.float32).tolist(), str(y.dtype)
([0.0, 0.0, 2.0, nan], 'bfloat16')
"""

from __future__ import annotations

import os
import threading

import numpy as np

#: The int16 view of -inf: int16 values <= it are the negative non-NaN floats.
_NEGATIVE_INFINITY = {"float16": np.int16(-1024), "bfloat16": np.int16(-128)}  # 0xFC00, 0xFF80


def relu_bits(dtype: np.dtype):
    """relu for float16/bfloat16 on bit patterns; ``None`` for other dtypes."""
    limit = _NEGATIVE_INFINITY.get(dtype.name)
    if limit is None:
        return None

    def kernel(xb, yb, scratch):
        bits = xb.view(np.int16)
        keep = scratch.get("keep", np.bool_, xb.shape[0])
        np.greater(bits, limit, out=keep)
        np.multiply(bits, keep.view(np.int8), out=yb.view(np.int16))  # int8 widens faster than bool

    return kernel


_TABLES: dict = {}
_TABLES_LOCK = threading.Lock()


def _after_fork_in_child():
    global _TABLES_LOCK
    _TABLES_LOCK = threading.Lock()  # another thread of the parent may have held it at the fork


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)
_MAX_TABLES = 64
#: Tables pay for themselves from this many elements (building one costs one reference call on 64 Ki values).
TABLE_MIN = 1 << 13


def table(key, dtype: np.dtype, compute) -> np.ndarray | None:
    """The table of ``compute`` (reference math) over every value of ``dtype``, cached under ``key``."""
    with _TABLES_LOCK:
        found = _TABLES.get(key)
    if found is not None:
        return found
    unsigned = np.dtype(f"u{dtype.itemsize}")
    codes = np.arange(1 << (8 * dtype.itemsize), dtype=unsigned).view(dtype)
    with np.errstate(all="ignore"):  # the codes include every NaN and inf; a user's call warns as it would
        values = compute(codes)
    values.flags.writeable = False
    with _TABLES_LOCK:
        if len(_TABLES) >= _MAX_TABLES:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = values
    return values


def has_table(key) -> bool:
    with _TABLES_LOCK:
        return key in _TABLES


def lookup(values: np.ndarray, itemsize: int):
    """The gather kernel for a table built by ``table``."""
    unsigned = np.dtype(f"u{itemsize}")

    def kernel(xb, yb, scratch):
        index = scratch.get("index", np.intp, xb.shape[0])
        np.copyto(index, xb.view(unsigned))
        np.take(values, index, out=yb, mode="clip")

    return kernel
