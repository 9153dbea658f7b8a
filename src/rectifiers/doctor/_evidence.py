"""The evidence floor: how many samples a window needs before a silent unit may be called dead.

A unit whose true firing rate is ``p`` stays silent for ``n`` independent samples with
probability ``(1 - p)**n``. Calling it dead after ``n`` silent samples is wrong for a unit with
``p >= rare`` at most ``(1 - rare)**n`` of the time; we need that to be ``<= 1 - confidence``:

.. math:: n \\ge \\left\\lceil \\frac{\\ln(1 - \\mathrm{confidence})}{\\ln(1 - \\mathrm{rare})} \\right\\rceil

>>> samples_needed(0.99, 0.01), samples_needed(0.99, 0.001), samples_needed(0.95, 0.1)
(459, 4603, 29)
"""

from __future__ import annotations

import math
import numbers

#: The doctor's defaults, in one place: the confidence of the evidence floor, and the firing
#: rate below which a unit counts as rare (and which the floor rules out before calling it dead).
CONFIDENCE = 0.99
RARE = 0.01


def check_probability(name: str, value, owner: str = "rectifiers.doctor") -> float:
    """``value`` as a float strictly between 0 and 1, else a ValueError/TypeError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number in (0, 1). Received: {name}={value!r}")
    if not 0.0 < float(value) < 1.0:
        raise ValueError(f"{owner}: {name} must be in (0, 1), exclusive. Received: {name}={value!r}")
    return float(value)


def samples_needed(confidence: float = CONFIDENCE, rare: float = RARE) -> int:
    """The fewest silent samples that rule out a firing rate >= ``rare`` at ``confidence``."""
    confidence = check_probability("confidence", confidence)
    rare = check_probability("rare", rare)
    n = math.log1p(-confidence) / math.log1p(-rare)
    return max(1, math.ceil(n - 1e-9))  # (1-rare)**n <= 1-confidence, robust to rounding
