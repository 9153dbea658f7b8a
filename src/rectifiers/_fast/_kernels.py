r"""Block kernels for NumPy: the same math as ``_functional``, written branch-free for one block.

Each factory returns ``kernel(xb, yb, scratch)`` (see ``_parallel``) for one dtype and one set
of parameters, or ``None`` where its trick would not be exact; the caller then runs the
reference math block by block (``generic``), which is exact by construction.

Why these forms give the reference's bits:

* ``maximum(x, zeros)`` returns its second operand on a tie, so relu(-0.0) = +0.0; NaN propagates.
* leaky, :math:`0 \le \alpha \le 1`: ``where(x > 0, x, a x)`` equals ``maximum(x, a x)``
  (:math:`a x \le x` for x > 0, :math:`a x \ge x` otherwise; ties are equal values of one sign);
  :math:`\alpha > 1` uses ``minimum``. ``where`` itself mispredicts a branch per element (20x slower).
* elu, :math:`0 \le \alpha \le 1`: :math:`\alpha\,\mathrm{expm1}(\min(x, 0)) \ge x` for x <= 0 and
  is 0 for x > 0, so ``maximum`` selects the branch; ``minimum(zeros, x)`` keeps -0.0 as -0.0.
* leaky's derivative :math:`1` or :math:`\alpha` is ``mask * (1 - a) + a`` when that sum is exactly 1.

>>> import numpy as np
>>> from rectifiers._fast._parallel import Scratch
>>> x = np.array([-2.0, -0.0, 0.5], dtype=np.float32); y = np.empty_like(x)
>>> leaky(np.dtype(np.float32), 0.1, in_place=False)(x, y, Scratch()); y
array([-0.2, -0. ,  0.5], dtype=float32)
"""

from __future__ import annotations

import functools

import numpy as np

from . import _parallel


@functools.cache
def filled(dtype: np.dtype, value) -> np.ndarray:
    """A read-only block of ``value`` (array operands keep NumPy on its SIMD loops; scalars do not)."""
    block = np.full(_parallel.BLOCK, value, dtype)
    block.flags.writeable = False
    return block


def relu(dtype: np.dtype):
    if dtype.kind == "u":
        return lambda xb, yb, scratch: np.copyto(yb, xb)
    zeros = filled(dtype, 0)
    return lambda xb, yb, scratch: np.maximum(xb, zeros[: xb.shape[0]], out=yb)


def relu6(dtype: np.dtype):
    zeros, sixes = filled(dtype, 0), filled(dtype, 6)
    if dtype.kind == "u":
        return lambda xb, yb, scratch: np.minimum(xb, sixes[: xb.shape[0]], out=yb)

    def kernel(xb, yb, scratch):
        n = xb.shape[0]
        np.maximum(xb, zeros[:n], out=yb)
        np.minimum(yb, sixes[:n], out=yb)

    return kernel


def leaky(dtype: np.dtype, alpha: float, in_place: bool):
    """``where(x > 0, x, alpha * x)`` for a float ``dtype``; ``None`` for alpha <= 0 (0 * inf is NaN)."""
    if alpha <= 0:
        return None
    select = np.maximum if alpha <= 1 else np.minimum

    def kernel(xb, yb, scratch):
        t = scratch.get("t", dtype, xb.shape[0]) if in_place else yb
        np.multiply(xb, alpha, out=t)
        select(xb, t, out=yb)

    return kernel


def elu(dtype: np.dtype, alpha: float):
    """``where(x > 0, x, alpha * expm1(where(x > 0, 0, x)))``; ``None`` unless 0 <= alpha <= 1."""
    if not 0 <= alpha <= 1:
        return None
    zeros = filled(dtype, 0)

    def kernel(xb, yb, scratch):
        t = scratch.get("t", dtype, xb.shape[0])
        np.minimum(zeros[: xb.shape[0]], xb, out=t)
        np.expm1(t, out=t)
        np.multiply(t, alpha, out=t)
        np.maximum(xb, t, out=yb)

    return kernel


def relu_derivative(dtype: np.dtype):
    def kernel(xb, yb, scratch):
        mask = scratch.get("mask", np.bool_, xb.shape[0])
        np.greater(xb, 0, out=mask)
        np.copyto(yb, mask)

    return kernel


def relu6_derivative(dtype: np.dtype):
    def kernel(xb, yb, scratch):
        mask = scratch.get("mask", np.bool_, xb.shape[0])
        below = scratch.get("below", np.bool_, xb.shape[0])
        np.greater(xb, 0, out=mask)
        np.less(xb, 6, out=below)
        np.logical_and(mask, below, out=mask)
        np.copyto(yb, mask)

    return kernel


def leaky_derivative(dtype: np.dtype, alpha: float):
    """``where(x > 0, 1, alpha)`` as ``mask * (1 - a) + a``; ``None`` where that is not exact."""
    a = dtype.type(alpha)
    rest = dtype.type(1) - a
    if rest + a != 1 or (a == 0 and np.signbit(a)):  # +0.0 + -0.0 would lose the sign
        return None

    def kernel(xb, yb, scratch):
        mask = scratch.get("mask", np.bool_, xb.shape[0])
        np.greater(xb, 0, out=mask)
        np.multiply(mask, rest, out=yb)
        np.add(yb, a, out=yb)

    return kernel


def elu_derivative(dtype: np.dtype, alpha: float):
    """``where(x > 0, 1, alpha * exp(where(x > 0, 0, x)))`` as ``maximum(mask, alpha * exp(min(x, 0)))``.

    Exact for 0 <= alpha <= 1: where x > 0 the second operand is alpha <= 1, elsewhere the mask is 0
    and the second operand is >= +0 (or NaN, which maximum keeps). ``None`` for other alphas.
    """
    if not 0 <= alpha <= 1:
        return None
    zeros = filled(dtype, 0)

    def kernel(xb, yb, scratch):
        t = scratch.get("t", dtype, xb.shape[0])
        mask = scratch.get("mask", np.bool_, xb.shape[0])
        np.minimum(zeros[: xb.shape[0]], xb, out=t)
        np.exp(t, out=t)
        np.multiply(t, alpha, out=t)
        np.greater(xb, 0, out=mask)
        np.copyto(yb, mask)
        np.maximum(yb, t, out=yb)

    return kernel
