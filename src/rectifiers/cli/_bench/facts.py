"""What the bench knows about each activation beyond its spec: the one place keyed by name.

For an activation and its resolved parameters: NumPy written the obvious way (forward and
derivative, the peer a user would write by hand), and the one slope for x <= 0 where the
function is x above 0 and ``slope * x`` below (what the branch-free formula and the peers'
leaky ReLU need). An activation missing here is still benchmarked, ours against the copy; the
columns that need these facts stay empty, and the bench says why.

TODO(issue 10): move to the spec. ``slope`` is the negative-side slope as a function of the
parameters (``_fast._dispatch.single_slope`` branches on the same fact); the obvious NumPy
forms could sit beside ``forward`` and ``derivative``.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable

import numpy as np

from rectifiers._constants import SELU_ALPHA, SELU_SCALE
from rectifiers._functional import rrelu_mean_slope


@dataclasses.dataclass(frozen=True)
class Facts:
    numpy: Callable | None = None  # x -> f(x), NumPy written the obvious way
    numpy_derivative: Callable | None = None  # x -> f'(x), likewise
    slope: float | None = None  # f(x) = x for x > 0, slope * x for x <= 0; None: no such slope


def _leaky(slope) -> Facts:
    if slope is None:  # slopes that vary (an array, random draws): nothing to write by hand
        return Facts()
    return Facts(
        lambda x: np.where(x > 0, x, slope * x),
        lambda x: np.where(x > 0, 1, slope).astype(x.dtype),
        slope,
    )


def _real(value):
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


#: name -> (resolved parameters -> Facts). TODO(issue 10): move to the spec.
FACTS: dict[str, Callable[[dict], Facts]] = {
    "relu": lambda p: Facts(lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(x.dtype), 0.0),
    "relu6": lambda p: Facts(lambda x: np.clip(x, 0, 6), lambda x: ((x > 0) & (x < 6)).astype(x.dtype)),
    "leaky_relu": lambda p: _leaky(p["alpha"]),
    "prelu": lambda p: _leaky(_real(p["alpha"])),
    "rrelu": lambda p: _leaky(None if p["training"] else rrelu_mean_slope(p["lower"], p["upper"])),
    "elu": lambda p: Facts(
        lambda x: np.where(x > 0, x, p["alpha"] * (np.exp(x) - 1)),
        lambda x: np.where(x > 0, 1, p["alpha"] * np.exp(x)).astype(x.dtype),
    ),
    "selu": lambda p: Facts(
        lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
        lambda x: np.where(x > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(x)).astype(x.dtype),
    ),
    "sigmoid": lambda p: Facts(
        lambda x: 1 / (1 + np.exp(-x)), lambda x: (np.exp(-x) / (1 + np.exp(-x)) ** 2).astype(x.dtype)
    ),
    "tanh": lambda p: Facts(np.tanh, lambda x: (1 - np.tanh(x) ** 2).astype(x.dtype)),
}


def facts(name: str, params: dict) -> Facts:
    """What is known about ``name`` with ``params``; nothing (``Facts()``) for an activation not listed."""
    make = FACTS.get(name)
    return make(params) if make is not None else Facts()
