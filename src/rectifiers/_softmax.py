r"""Softmax's math: over one axis or a tuple of axes (the joint slice), and with ``where``, JAX's
mask (``jax.nn.softmax(x, axis, where=)``).

With a mask, masked positions give 0 and a row whose every position is masked gives zeros (never
NaN); the input at a masked position never reaches the result or its gradient, even when it is
inf or NaN, because it is replaced by -inf with a ``where`` before anything else touches it
(jax-ml/jax#19490 is what happens otherwise: ``0 * inf`` in the backward pass).

``output_jvp`` is the tangent from the output alone, :math:`\dot y = y \odot (\dot x - \sum y
\odot \dot x)`, so a backward pass keeps ``y`` and nothing else (``_apply`` uses it under JAX).
"""

from __future__ import annotations

import math

from ._dtypes import dtype_name
from ._namespace import as_array, constant as _constant, device
from ._shapes import axes, broadcasts_into, is_axis, rank


def check_axis(value) -> Exception | None:
    """An int, or a tuple (or list) of ints; their range is checked against ``x``."""
    if is_axis(value):
        return None
    if isinstance(value, (tuple, list)) and all(is_axis(a) for a in value):
        return None
    return TypeError("must be an int or a tuple of ints")


def check_where(value) -> Exception | None:
    """``None`` or a boolean array; its dtype and shape are checked against ``x``."""
    if value is None or hasattr(value, "shape") or isinstance(value, (list, tuple, bool)):
        return None
    return TypeError("must be None or a boolean array that broadcasts against x")


def mask(x, xp, where):
    """``where`` as a boolean array of ``x``'s library that broadcasts against ``x``, or ``None``."""
    if where is None:
        return None
    where_xp, where = as_array(where)
    name = dtype_name(where.dtype)
    if name != "bool":
        raise TypeError(
            "rectifiers.softmax: where must be a boolean array (True keeps a position; compare a "
            f"0/1 mask with > 0 first). Received: where of dtype {name}"
        )
    if rank(where) is None:
        raise ValueError("rectifiers.softmax: where must have a known rank. Received: where of unknown rank")
    shape, where_shape = tuple(x.shape), tuple(where.shape)
    if not broadcasts_into(where_shape, shape):
        raise ValueError(
            "rectifiers.softmax: where must broadcast against x without enlarging it, each of its "
            f"axes 1 or x's size. Received: where of shape {where_shape} for x of shape {shape}"
        )
    if where_xp is not xp:  # a NumPy mask for a torch x, say
        where = xp.asarray(where, device=device(xp, x))
    return where


def _placed(x, axis):
    ndim = rank(x)
    if ndim is None:
        raise ValueError(
            "rectifiers.softmax needs the rank (number of axes) of x, to place axis. Received: x of "
            "unknown rank; trace tf.function with a shape of known rank, e.g. TensorSpec([None, 10])"
        )
    return axes(axis, ndim, "softmax") if ndim else ()


def softmax(x, xp, axis, where):
    keep = mask(x, xp, where)
    placed = _placed(x, axis)
    if not placed:  # a 0-d input is one element
        one = xp.reshape(x, (1,))
        return softmax_math(one, xp, 0, None if keep is None else xp.reshape(keep, (1,)))[0]
    if any(n == 0 for n in x.shape):
        return x * 1
    return softmax_math(x, xp, placed, keep)


def softmax_math(x, xp, axis, keep=None):
    """Softmax over ``axis`` (an int or a tuple of non-negative ints) of a non-empty ``x``;
    ``keep``: ``None`` or a boolean array that broadcasts against ``x``."""
    if keep is None:
        e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
        return e / xp.sum(e, axis=axis, keepdims=True)
    lowest, zero = _constant(xp, x, -math.inf), _constant(xp, x, 0)
    kept = xp.where(keep, x, lowest)  # the only place x enters: masked entries never do
    # ``keep`` at x's shape: a kept position is True, a masked one is -inf > -inf, False
    anywhere = xp.any((kept > lowest) | keep, axis=axis, keepdims=True)
    # a row with every position masked: shift 0 and sum 1, so e = 0 and the row is 0, no NaN
    shift = xp.where(anywhere, xp.max(kept, axis=axis, keepdims=True), zero)
    e = xp.exp(kept - shift)
    total = xp.where(anywhere, xp.sum(e, axis=axis, keepdims=True), _constant(xp, x, 1))
    return xp.where(keep, e / total, zero)


def output_jvp(y, dx, xp, axis, where):
    """The tangent of softmax from its output ``y``: ``y * (dx - sum(y * dx))`` over the axes,
    0 at masked positions (whatever ``dx`` holds there)."""
    keep = mask(y, xp, where)
    placed = _placed(y, axis)
    if keep is None:
        return y * (dx - xp.sum(y * dx, axis=placed, keepdims=True))
    # y is 0 at every masked position: selecting it there gives 0 with no array of zeros to keep
    dx = xp.where(keep, dx, y)  # an inf tangent at a masked position: not 0 * inf in the sum
    return xp.where(keep, y * (dx - xp.sum(y * dx, axis=placed, keepdims=True)), y)
