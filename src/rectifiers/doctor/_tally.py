"""One batch reduced to per-unit tallies, in the batch's own library and on its own device.

For a batch ``a`` whose unit axis is ``axis`` (every other axis pooled: samples, positions,
tokens), the tallies are, per unit ``j``: ``positive_j = #{a_j > 0}``, ``magnitude_j = sum |a_j|``
and, for a saturating activation with bounds ``(lo, hi)``, ``responsive_j = #{lo + m < a_j < hi - m}``
with ``m = MARGIN * (hi - lo)``; and for the layer, ``zeros = #{a == 0}``. Nothing is copied to
the host: PyTorch, NumPy, JAX and array-API arrays are reduced with their own ops, TensorFlow
tensors with TensorFlow's.

>>> import numpy as np
>>> t = tally(np.array([[0.0, 2.0, -1.0], [0.0, 3.0, 1.0]]), axis=-1)
>>> t.positive.tolist(), t.magnitude.tolist(), int(t.zeros), t.values, t.examples
([0, 2, 1], [0.0, 5.0, 2.0], 2, 2, 2)
"""

from __future__ import annotations

import dataclasses
import math
import sys

from .._namespace import as_array, library

#: A saturating unit is in its flat region within this fraction of its range from a bound
#: (sigmoid: output < 0.01 or > 0.99, |z| > 4.6; tanh: |output| > 0.98, |z| > 2.3).
MARGIN = 0.01


@dataclasses.dataclass
class Tally:
    positive: object  # per unit, integer
    magnitude: object  # per unit, float
    zeros: object  # 0-d, integer
    responsive: object | None  # per unit, integer (saturating activations only)
    values: int  # values per unit in the batch (examples x positions)
    examples: int  # independent examples in the batch


def unit_axes(shape, axis: int, units: int | None, owner: str) -> tuple[int, tuple[int, ...]]:
    """The unit axis normalised, and every other axis (the ones reduced away)."""
    ndim = len(shape)
    if ndim == 0 or not -ndim <= axis < ndim:
        raise ValueError(
            f"{owner}: axis {axis} is not an axis of an array of shape {tuple(shape)}. Received: axis={axis}"
        )
    axis %= ndim
    if units is not None and shape[axis] != units:
        raise ValueError(
            f"{owner}: this counter has {units} units, but axis {axis} of the activations has "
            f"{shape[axis]}. Received: activations of shape {tuple(shape)}, axis={axis}"
        )
    return axis, tuple(i for i in range(ndim) if i != axis)


def tally(
    a,
    axis=-1,
    *,
    bounds=None,
    units=None,
    examples=None,
    nonnegative=False,
    owner="rectifiers.doctor.Counter",
) -> Tally:
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(a, (tf.Tensor, tf.Variable)):
        return _tally_tensorflow(tf, a, axis, bounds, units, examples, owner)
    xp, a = as_array(a)
    if getattr(a, "dtype", None) is not None and str(a.dtype).startswith(("bool", "complex", "torch.bool")):
        raise TypeError(f"{owner}: activations must be real numbers. Received: dtype {a.dtype}")
    shape = tuple(a.shape)
    axis, others = unit_axes(shape, axis, units, owner)
    values = math.prod(shape[i] for i in others)
    count = _examples(shape, others, examples)
    if library(xp) == "torch":
        from ._torch_tally import torch_tally

        return torch_tally(a, axis, others, bounds, nonnegative, count)

    integer, real = accumulators(xp)
    positive = xp.sum(xp.astype(a > 0, integer), axis=others)
    magnitude = xp.sum(xp.astype(xp.abs(a), real), axis=others)
    zeros = xp.sum(xp.astype(a == 0, integer))
    responsive = None
    if bounds is not None:
        low, high = _inner(bounds)
        responsive = xp.sum(xp.astype((a > low) & (a < high), integer), axis=others)
    return Tally(positive, magnitude, zeros, responsive, values, count)


def _examples(shape, others, examples) -> int:
    """Independent examples: the first pooled axis (batch); positions are correlated, not counted."""
    if examples is not None:
        return int(examples)
    return int(shape[others[0]]) if others else 1


def _inner(bounds):
    low, high = bounds
    margin = MARGIN * (high - low)
    return low + margin, high - margin


def accumulators(xp):
    """int64/float64 where the library has them (JAX without x64 has int32/float32)."""
    if library(xp) == "jax":
        import jax

        if not jax.config.jax_enable_x64:
            return xp.int32, xp.float32
    return xp.int64, xp.float64


def _tally_tensorflow(tf, a, axis, bounds, units, examples, owner) -> Tally:
    a = tf.convert_to_tensor(a)
    if a.dtype.is_bool or a.dtype.is_complex:
        raise TypeError(f"{owner}: activations must be real numbers. Received: dtype {a.dtype.name}")
    shape = tuple(a.shape)
    axis, others = unit_axes(shape, axis, units, owner)
    values = math.prod(shape[i] for i in others)
    count = _examples(shape, others, examples)
    positive = tf.math.count_nonzero(a > 0, axis=others, dtype=tf.int64)
    magnitude = tf.reduce_sum(tf.abs(tf.cast(a, tf.float64)), axis=others)
    zeros = tf.math.count_nonzero(tf.equal(a, 0), dtype=tf.int64)
    responsive = None
    if bounds is not None:
        low, high = _inner(bounds)
        responsive = tf.math.count_nonzero((a > low) & (a < high), axis=others, dtype=tf.int64)
    return Tally(positive, magnitude, zeros, responsive, values, count)
