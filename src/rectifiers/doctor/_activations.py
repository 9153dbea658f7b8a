"""What the doctor measures for each activation, read from the core registry (no hand-kept list).

An activation with a kink is a rectifier: its output is in the positive regime exactly where
its input is (relu, relu6, leaky_relu, prelu, rrelu, elu, selu), so a unit that never gives
a positive output is dead. One without a kink (sigmoid, tanh) is saturating: it is never dead,
but it can sit in a flat region near one of its bounds. Softmax is not elementwise and has no
units of its own to watch.

>>> kind_of("leaky_relu"), kind_of("tanh"), bounds_of("sigmoid")
('rectifier', 'saturating', (0.0, 1.0))
"""

from __future__ import annotations

import numpy as np

from .. import _spec

KINDS = ("rectifier", "saturating")


def watchable(name: str) -> bool:
    return name in _spec.REGISTRY and _spec.get(name).elementwise


def kind_of(name: str) -> str:
    return "rectifier" if _spec.get(name).kinks else "saturating"


def bounds_of(name: str) -> tuple[float, float]:
    """The limits of the activation at -inf and +inf (its saturation levels)."""
    spec = _spec.get(name)
    low, high = spec.forward(np.array([-np.inf, np.inf]), np, **spec.resolve(**spec.example_params))
    return float(low), float(high)
