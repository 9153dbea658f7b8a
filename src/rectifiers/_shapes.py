"""Facts about shapes the math needs in more than one place: an array's rank (unknown under a
``tf.function`` traced with ``TensorSpec(shape=None)``), NumPy's broadcasting rule, and the axes
a reduction runs over (an int or a tuple of ints, checked and made non-negative)."""

from __future__ import annotations

import numbers


def rank(x):
    """The number of axes of ``x``; ``None`` where it is unknown (TensorFlow traced with
    ``TensorSpec(shape=None)``, whose ``TensorShape.rank`` is then ``None``)."""
    return None if getattr(x.shape, "rank", 0) is None else len(x.shape)


def broadcasts_into(small, shape) -> bool:
    """Whether an array of shape ``small`` broadcasts against ``shape`` without enlarging it; an
    unknown size (``None``, under ``tf.function``) is taken to fit.

    >>> broadcasts_into((3, 1), (2, 3, 4)), broadcasts_into((2,), (2, 3))
    (True, False)
    """
    if len(small) > len(shape):
        return False
    return all(
        a is None or b is None or a in (1, b) for a, b in zip(reversed(small), reversed(shape), strict=False)
    )


def is_axis(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def axes(axis, ndim: int, function: str) -> tuple[int, ...]:
    """``axis`` (an int or a tuple/list of ints) as sorted non-negative axes of an ``ndim``-d array;
    ``ValueError`` naming what was received for an axis out of range or given twice.

    >>> axes(-1, 3, "softmax"), axes((2, 0), 3, "softmax")
    ((2,), (0, 2))
    >>> axes((1, -1), 2, "softmax")
    Traceback (most recent call last):
    ...
    ValueError: rectifiers.softmax: axis names axis 1 twice (-1 is 1 for a 2-d array). Received: axis=(1, -1)
    >>> axes((), 2, "softmax")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: rectifiers.softmax: axis must name at least one axis ... Received: axis=()
    """
    given = (axis,) if is_axis(axis) else tuple(axis)
    if not given:
        raise ValueError(
            f"rectifiers.{function}: axis must name at least one axis (an empty tuple normalises "
            f"nothing). Received: axis={axis!r}"
        )
    placed = []
    for a in given:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"rectifiers.{function}: axis must lie in [{-ndim}, {ndim}) for a {ndim}-d array. "
                f"Received: axis={axis!r}"
            )
        b = int(a) % ndim
        if b in placed:
            alias = f" ({a} is {b} for a {ndim}-d array)" if a != b else ""
            raise ValueError(
                f"rectifiers.{function}: axis names axis {b} twice{alias}. Received: axis={axis!r}"
            )
        placed.append(b)
    return tuple(sorted(placed))
