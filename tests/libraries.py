"""The array libraries the suite runs every activation on, behind one small interface.

Each ``Library`` builds its native array from a NumPy array of one of the 12 real dtypes,
converts results back to NumPy, and differentiates ``sum(f(x))``. A library that is not
installed is skipped; CI installs all of them.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from collections.abc import Callable

import ml_dtypes
import numpy as np
import pytest

from rectifiers._dtypes import REAL_DTYPES, numpy_dtype

NUMPY_DTYPES = {name: numpy_dtype(name) for name in REAL_DTYPES}


@dataclasses.dataclass(frozen=True)
class Library:
    name: str
    module: str  # what must be importable
    dtypes: tuple[str, ...]
    make: Callable  # (numpy array) -> native array of the same dtype
    to_numpy: Callable  # native array -> numpy array
    grad: Callable | None = None  # (f, numpy float array) -> d/dx sum(f(x)) as numpy
    flushes_subnormals: bool = False  # XLA and TF on CPU run with FTZ/DAZ: subnormals read and write as 0
    default_float: str = "float64"  # what the library's default float dtype is in this suite

    @property
    def installed(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def param(self):
        marks = [] if self.installed else [pytest.mark.skip(reason=f"{self.module} is not installed")]
        return pytest.param(self, id=self.name, marks=marks)


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def _torch_make(a):
    torch = _torch()
    if a.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
    return torch.from_numpy(a.copy())


def _torch_to_numpy(t):
    torch = _torch()
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.float().numpy().astype(ml_dtypes.bfloat16)
    return t.numpy()


def _torch_grad(f, x):
    torch = _torch()
    t = torch.tensor(x, requires_grad=True)
    f(t).sum().backward()
    return t.grad.numpy()


def _jax():
    import jax

    return jax


def _jax_make(a):
    return _jax().numpy.asarray(a)


def _jax_grad(f, x):
    jax = _jax()
    return np.asarray(jax.grad(lambda v: f(v).sum())(jax.numpy.asarray(x)))


def _tf_make(a):
    import tensorflow as tf

    return tf.constant(a)


def _tf_grad(f, x):
    import tensorflow as tf

    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(f(v))
    return tape.gradient(y, v).numpy()


def _strict_make(a):
    import array_api_strict as xs

    return xs.asarray(a)


def _strict_to_numpy(a):
    return np.asarray(a._array)


_NO_16_BIT = tuple(d for d in REAL_DTYPES if d not in ("float16", "bfloat16"))

LIBRARIES = (
    Library("numpy", "numpy", REAL_DTYPES, lambda a: a.copy(), np.asarray),
    Library("array_api_strict", "array_api_strict", _NO_16_BIT, _strict_make, _strict_to_numpy),
    Library(
        "torch", "torch", REAL_DTYPES, _torch_make, _torch_to_numpy, _torch_grad, default_float="float32"
    ),
    # jax_enable_x64 is on in this suite (tests/conftest.py), so JAX's default float is float64
    Library("jax", "jax", REAL_DTYPES, _jax_make, np.asarray, _jax_grad, flushes_subnormals=True),
    Library(
        "tensorflow",
        "tensorflow",
        REAL_DTYPES,
        _tf_make,
        lambda t: t.numpy(),
        _tf_grad,
        flushes_subnormals=True,
        default_float="float32",
    ),
)

AUTODIFF_LIBRARIES = tuple(lib for lib in LIBRARIES if lib.grad is not None)


def library_params(libraries=LIBRARIES, dtype=None):
    """One parameter per library (only those that have ``dtype``, where one is named)."""
    return [lib.param() for lib in libraries if dtype is None or dtype in lib.dtypes]


def library_dtype_params(libraries=LIBRARIES, dtypes=REAL_DTYPES):
    """``(library, dtype name)`` for every dtype each library has: a pair that cannot exist
    (array_api_strict has no 16-bit floats) is absent, not skipped."""
    return [
        pytest.param(lib, d, id=f"{lib.name}-{d}", marks=lib.param().marks)
        for lib in libraries
        for d in dtypes
        if d in lib.dtypes
    ]


def flush_subnormals(a, dtype):
    """``a`` (float64) with values that are subnormal in ``dtype``'s working precision set to a
    zero of the same sign (16-bit floats are computed in float32, where theirs are normal)."""
    if np.dtype(dtype).itemsize == 2:
        dtype = np.float32
    tiny = float(ml_dtypes.finfo(dtype).smallest_normal)
    return np.where(np.abs(a) < tiny, np.copysign(0.0, a), a)
