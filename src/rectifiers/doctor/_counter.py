"""``Counter``: the per-unit evidence of one layer, O(units) memory, on the activations' device.

A unit is *dead* over a window when none of its values was in the positive regime (``> 0``)
and the window holds at least :func:`samples_needed` examples (``n`` with
``(1 - rare)**n <= 1 - confidence``); with fewer, the counter says "not enough evidence"
(``dead`` is ``None``) rather than guess. Counts are updated with the array's own ops and
read back only by :meth:`Counter.stats`, so a training step pays no host sync.

>>> import numpy as np
>>> c = Counter(3, confidence=0.99, rare=0.01)
>>> batch = np.array([[1.0, 0.0, 0.5], [2.0, 0.0, 0.0]])
>>> c.update(batch)
>>> c.dead_units(), c.stats()["dead"]  # 2 samples cannot rule out a rare unit
([], None)
>>> for _ in range(230):
...     c.update(batch)
>>> c.dead_units(), c.stats()["samples"]
([1], 462)
"""

from __future__ import annotations

import math
import numbers
import sys

import numpy as np

from .._namespace import as_array
from ._activations import KINDS
from ._evidence import CONFIDENCE, RARE, check_probability, samples_needed
from ._tally import Tally, accumulators, tally

#: ReDo's dormancy threshold: a unit whose mean |activation| is at most this fraction of its
#: layer's average is dormant (Sokar et al. 2023 use 0.025 and 0.1).
DORMANT_BELOW = 0.025
HISTOGRAM_BINS = 10


def _no_reduction(arrays, ints):
    return arrays, ints


def to_numpy(x):
    """A device array as NumPy (the one host copy, at report time)."""
    if x is None or isinstance(x, np.ndarray):
        return x
    if hasattr(x, "detach"):  # torch
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy") and not hasattr(x, "__array_namespace__"):  # tensorflow
        return np.asarray(x.numpy())
    return np.asarray(x)


class Counter:
    """Firing, magnitude and zero counts of ``units`` units, windowed, framework-free.

    ``kind``: ``"rectifier"`` (dead = never > 0) or ``"saturating"`` (sigmoid/tanh: saturation
    and dormancy, never dead). ``nonnegative``: the activations are known to be >= 0 (relu,
    relu6), which saves passes over them. ``bounds``: a saturating activation's limits (default (-1, 1),
    tanh's; (0, 1) for sigmoid). ``window``: close a window automatically once it holds this
    many examples (a window that cannot yet call anything dead is extended instead).
    """

    def __init__(
        self,
        units,
        *,
        kind="rectifier",
        confidence=CONFIDENCE,
        rare=RARE,
        window=None,
        bounds=None,
        dormant_below=DORMANT_BELOW,
        nonnegative=False,
    ):
        owner = "rectifiers.doctor.Counter"
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units < 1:
            raise TypeError(f"{owner}: units must be a positive int. Received: units={units!r}")
        if kind not in KINDS:
            raise ValueError(f"{owner}: kind must be one of {', '.join(KINDS)}. Received: kind={kind!r}")
        self.units, self.kind = int(units), kind
        self.confidence = check_probability("confidence", confidence, owner)
        self.rare = check_probability("rare", rare, owner)
        self.needed = samples_needed(self.confidence, self.rare)
        self.window_size = check_window(window, owner)
        if bounds is not None and (len(bounds) != 2 or not bounds[0] < bounds[1]):
            raise ValueError(f"{owner}: bounds must be (low, high) with low < high. Received: {bounds=!r}")
        self.bounds = None if kind == "rectifier" else tuple(map(float, bounds or (-1.0, 1.0)))
        self.dormant_below = float(dormant_below)
        self.nonnegative = bool(nonnegative)  # outputs known to be >= 0 (relu, relu6): fewer passes
        self.window = 0  # index of the current window
        self.reduce = _no_reduction  # replaced under torch.distributed: sums over ranks
        self._previous_dead = None  # units dead in the last closed window
        self._streak = None  # consecutive closed windows each unit has been dead, up to the last
        self._clear()

    def _clear(self):
        self._positive = self._magnitude = self._responsive = self._zeros = self._grad = None
        self.samples = self._values = self._grad_steps = 0

    # ------------------------------------------------------------------ accumulating

    def update(self, activations, axis=-1, *, examples=None):
        """Add a batch: ``axis`` is the unit axis (1 for channels-first convolutions); every other
        axis is pooled, and the first of them counts the examples (positions are not examples)."""
        self.add(
            tally(
                activations,
                axis,
                bounds=self.bounds,
                units=self.units,
                examples=examples,
                nonnegative=self.nonnegative,
            )
        )

    def add(self, t: Tally):
        """Add tallies made elsewhere (the Keras probe counts inside the compiled step)."""
        if self._positive is None:
            self._positive, self._magnitude, self._zeros = t.positive, t.magnitude, t.zeros
            self._responsive = t.responsive
        else:
            self._positive = self._positive + t.positive
            self._magnitude = self._magnitude + t.magnitude
            self._zeros = self._zeros + t.zeros
            if t.responsive is not None:
                self._responsive = self._responsive + t.responsive
        self.samples += t.examples
        self._values += t.values
        if self.window_size is not None and self.samples >= self.window_size:
            self.next_window()

    def update_gradient(self, grad):
        """Add one backward pass's gradient with respect to the layer's output (any array)."""
        square = _sum_of_squares(grad)
        self._grad = square if self._grad is None else self._grad + square
        self._grad_steps += 1

    def next_window(self) -> bool:
        """Close the current window; ``False`` (and nothing closed) while it lacks the evidence."""
        if self._positive is None or not self._has_evidence(self._global_samples()):
            return False
        (positive,), _ = self.reduce([self._positive], [])
        dead = positive == 0 if self.kind == "rectifier" else positive < 0  # never, for counts
        if self._previous_dead is None:
            self._streak = _as_int(dead)
        else:
            self._streak = (self._streak + 1) * _as_int(dead)
        self._previous_dead = dead
        self.window += 1
        self._clear()
        return True

    def _global_samples(self) -> int:
        return self.reduce([], [self.samples])[1][0]

    def _has_evidence(self, samples) -> bool:
        return samples >= self.needed

    # ------------------------------------------------------------------ reading

    def dead_units(self) -> list[int]:
        """Sorted indices of the dead units; ``[]`` while there is not enough evidence."""
        return self.stats()["dead_units"]

    def stats(self) -> dict:
        """One record of plain Python values (see docs/doctor.md for every key)."""
        arrays = [self._positive, self._magnitude, self._responsive, self._zeros, self._grad]
        present = [a for a in arrays if a is not None]
        present, (samples, values, grad_steps) = self.reduce(
            present, [self.samples, self._values, self._grad_steps]
        )
        it = iter(present)
        positive, magnitude, responsive, zeros, grad = (
            to_numpy(next(it)) if a is not None else None for a in arrays
        )
        previous = to_numpy(self._previous_dead)
        streak = to_numpy(self._streak)
        return self._record(
            positive, magnitude, responsive, zeros, grad, samples, values, grad_steps, previous, streak
        )

    def _record(
        self, positive, magnitude, responsive, zeros, grad, samples, values, grad_steps, previous, streak
    ):
        units, enough, rectifier = self.units, self._has_evidence(samples), self.kind == "rectifier"
        seen = positive is not None and values > 0
        if not seen:
            positive = np.zeros(units, np.int64)
            magnitude = np.zeros(units)
        rate = (positive if rectifier else (responsive if responsive is not None else positive)) / max(
            values, 1
        )
        dead_mask = (positive == 0) & seen & rectifier
        dead_units = np.flatnonzero(dead_mask).tolist() if enough else []
        since = []
        for j in dead_units:
            since.append(
                self.window - int(streak[j]) if previous is not None and previous[j] else self.window
            )
        fired = positive > 0
        score = magnitude / max(values, 1)
        mean_score = float(score.mean())
        dormant = (
            int((score <= self.dormant_below * mean_score).sum())
            if seen and mean_score > 0
            else (units if seen else 0)
        )
        count = lambda mask: int(np.count_nonzero(mask))  # noqa: E731
        record = {
            "units": units,
            "kind": self.kind,
            "window": self.window,
            "samples": int(samples),
            "samples_needed": self.needed,
            "enough_evidence": bool(enough),
            "dead": (count(dead_mask) if enough else None),
            "dead_units": dead_units,
            "dead_since": since,
            "persistently_dead": count(dead_mask & previous) if enough and previous is not None else 0,
            "revived": count(previous & fired) if previous is not None and rectifier else 0,
            "rare": count((rate > 0) & (rate < self.rare)) if rectifier and seen else 0,
            "always_on": count(rate >= 1 - self.rare) if rectifier and seen else 0,
            "dormant": dormant,
            "saturated": None if rectifier else (count(rate <= self.rare) if seen else 0),
            "sparsity": float(zeros) / (values * units) if seen else 0.0,
            "firing_rate_mean": float(rate.mean()) if seen else 0.0,
            "firing_histogram": (
                np.histogram(rate, bins=HISTOGRAM_BINS, range=(0.0, 1.0))[0].tolist()
                if seen
                else [0] * HISTOGRAM_BINS
            ),
            "grad_norm": math.sqrt(float(grad) / grad_steps) if grad_steps else None,
            "grad_ratio": None,
            "collapsed": bool(enough and rectifier and count(dead_mask) == units),
            "confidence": self.confidence,
            "rare_below": self.rare,
        }
        return record


def check_window(window, owner):
    if window is None:
        return None
    if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
        raise ValueError(
            f"{owner}: window must be a positive number of samples or None. Received: {window=!r}"
        )
    return int(window)


def _as_int(mask):
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(mask, tf.Tensor):
        return tf.cast(mask, tf.int64)
    xp, mask = as_array(mask)
    return xp.astype(mask, accumulators(xp)[0])


def _sum_of_squares(grad):
    """sum(grad**2) on the gradient's device, in at least float32."""
    if hasattr(grad, "detach"):  # torch: no float copy of a float32 gradient
        import torch

        return torch.linalg.vector_norm(grad.detach(), dtype=torch.float32).square()
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(grad, tf.Tensor):
        return tf.reduce_sum(tf.square(tf.cast(grad, tf.float64)))
    xp, grad = as_array(grad)
    return xp.sum(xp.astype(grad, accumulators(xp)[1]) ** 2)
