"""What the bench knows about each activation beyond its math: read from the spec's declared fields.

For an activation and its resolved parameters: NumPy written the obvious way (forward and
derivative, the peer a user would write by hand), per kernel ``family``, and the one slope for
x <= 0 where the function is x above 0 and ``slope * x`` below (the spec's ``single_slope``: what
the branch-free formula and the peers' leaky ReLU need). An activation of no family here is still
benchmarked, ours against the copy; the columns that need these facts stay empty, and the bench
says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from rectifiers._spec import get


@dataclasses.dataclass(frozen=True)
class Facts:
    numpy: Callable | None = None  # x -> f(x), NumPy written the obvious way
    numpy_derivative: Callable | None = None  # x -> f'(x), likewise
    slope: float | None = None  # f(x) = x for x > 0, slope * x for x <= 0; None: no such slope
    family: str | None = None  # the spec's kernel family: which peer function computes it
    constants: tuple | None = None  # the elu family's (alpha, scale, scale * alpha)


def _leaky(slope) -> Facts:
    if slope is None:  # slopes that vary (an array, random draws): nothing to write by hand
        return Facts()
    return Facts(
        lambda x: np.where(x > 0, x, slope * x),
        lambda x: np.where(x > 0, 1, slope).astype(x.dtype),
        slope,
    )


def _elu(constants) -> Facts:
    alpha, scale, _ = constants
    if scale == 1.0:
        return Facts(
            lambda x: np.where(x > 0, x, alpha * (np.exp(x) - 1)),
            lambda x: np.where(x > 0, 1, alpha * np.exp(x)).astype(x.dtype),
        )
    return Facts(
        lambda x: scale * np.where(x > 0, x, alpha * (np.exp(x) - 1)),
        lambda x: np.where(x > 0, scale, scale * alpha * np.exp(x)).astype(x.dtype),
    )


#: family -> (spec, resolved parameters -> Facts).
FACTS: dict[str, Callable] = {
    "relu": lambda s, p: Facts(lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(x.dtype), 0.0),
    "relu6": lambda s, p: Facts(lambda x: np.clip(x, 0, 6), lambda x: ((x > 0) & (x < 6)).astype(x.dtype)),
    "leaky": lambda s, p: _leaky(s.single_slope(p)),
    "elu": lambda s, p: _elu(s.exp_constants(p)),
    "sigmoid": lambda s, p: Facts(
        lambda x: 1 / (1 + np.exp(-x)), lambda x: (np.exp(-x) / (1 + np.exp(-x)) ** 2).astype(x.dtype)
    ),
    "tanh": lambda s, p: Facts(np.tanh, lambda x: (1 - np.tanh(x) ** 2).astype(x.dtype)),
}


def facts(name: str, params: dict) -> Facts:
    """What is known about ``name`` with ``params``; only its family (``None`` included) for a
    family not listed."""
    spec = get(name)
    make = FACTS.get(spec.family)
    known = make(spec, params) if make is not None else Facts()
    constants = spec.exp_constants(params) if spec.exp_constants is not None else None
    return dataclasses.replace(known, family=spec.family, constants=constants)
