"""``Doctor``: the counters of every watched layer of one model, and what is read from them.

The PyTorch hooks (:func:`watch`) and the Keras callback fill the same object, so a report
reads the same whichever framework trained the model. A layer is a name (a module path, or a
Keras layer name) and a call site: a module called at ``k`` places in one forward pass is
``k`` layers, named ``"name#0"``, ``"name#1"``, ...; a module called once keeps its name.
"""

from __future__ import annotations

import dataclasses
import json
import platform

import numpy as np

from ._activations import bounds_of, kind_of
from ._counter import Counter, check_window
from ._evidence import CONFIDENCE, RARE, check_probability, samples_needed


@dataclasses.dataclass
class Site:
    layer: str
    call: int
    order: int  # the layer's place in the model (named_modules or model.layers order)
    activation: str
    axis: int
    counter: Counter


class Doctor:
    """Counters per layer and call site, created when a layer first runs."""

    def __init__(self, *, confidence=CONFIDENCE, rare=RARE, window=None, owner="rectifiers.doctor"):
        self.confidence = check_probability("confidence", confidence, owner)
        self.rare = check_probability("rare", rare, owner)
        self.window = check_window(window, owner)
        self.needed = samples_needed(self.confidence, self.rare)
        self.framework = None
        self.reduce = None  # set by a binding to sum counters over processes
        self._sites: dict[tuple[str, int], Site] = {}

    def site(self, layer: str, call: int, order: int, activation: str, units: int, axis: int) -> Site:
        key = (layer, call)
        found = self._sites.get(key)
        if found is None:
            kind = kind_of(activation)
            low, _ = bounds_of(activation)
            counter = Counter(
                units,
                kind=kind,
                confidence=self.confidence,
                rare=self.rare,
                window=self.window,
                bounds=bounds_of(activation) if kind == "saturating" else None,
                nonnegative=kind == "rectifier" and low == 0.0,
            )
            if self.reduce is not None:
                counter.reduce = self.reduce
            found = self._sites[key] = Site(layer, call, order, activation, axis, counter)
        return found

    def _ordered(self) -> list[tuple[str, Site]]:
        sites = sorted(self._sites.values(), key=lambda s: (s.order, s.call))
        calls = {}
        for s in sites:
            calls[s.layer] = calls.get(s.layer, 0) + 1
        return [(f"{s.layer}#{s.call}" if calls[s.layer] > 1 else s.layer, s) for s in sites]

    # ------------------------------------------------------------------ the public reading

    def stats(self) -> list[dict]:
        """One record per watched layer (and call site), in model order."""
        records = []
        for name, site in self._ordered():
            record = {"name": name, "activation": site.activation, "unit_axis": site.axis}
            record |= site.counter.stats()
            records.append(record)
        first = next((r["grad_norm"] for r in records if r["grad_norm"]), None)
        for record in records:
            if record["grad_norm"] is not None and first:
                record["grad_ratio"] = record["grad_norm"] / first
        return records

    def dead_units(self) -> dict[str, list[int]]:
        """``{layer name: sorted dead unit indices}`` (``[]`` where the evidence is not enough yet)."""
        return {r["name"]: r["dead_units"] for r in self.stats()}

    def next_window(self):
        """Close the current window of every layer now (e.g. at an epoch's end); a layer whose
        window cannot yet call anything dead keeps it open."""
        for site in self._sites.values():
            site.counter.next_window()

    def config(self) -> dict:
        return {
            "confidence": self.confidence,
            "rare": self.rare,
            "samples_needed": self.needed,
            "window": self.window,
            "every": getattr(self, "every", 1),
            "framework": self.framework,
            "definition": (
                "dead: no value > 0 over the window, once the window holds samples_needed examples "
                "((1 - rare)**n <= 1 - confidence); unit = output feature / channel, positions pooled"
            ),
        }

    def report(self) -> str:
        """A terminal table: which units in which layers are dead, and since which window."""
        from ._report import format_report

        return format_report(self.stats(), self.config())

    def to_dict(self) -> dict:
        return {"config": self.config(), "environment": environment(), "layers": self.stats()}

    def to_json(self, path):
        with open(path, "w") as file:
            json.dump(self.to_dict(), file, indent=1)

    def plot(self, path):
        """A PNG: dead and dormant share per layer, firing-rate histograms, gradient norms."""
        from ._plot import plot

        plot(self.stats(), self.config(), path)


def environment() -> dict:
    import sys

    import rectifiers

    versions = {"numpy": np.__version__, "rectifiers": rectifiers.__version__}
    for module in ("torch", "keras", "jax", "tensorflow"):
        if module in sys.modules:
            versions[module] = getattr(sys.modules[module], "__version__", "?")
    return {"python": platform.python_version(), "machine": platform.machine(), "versions": versions}
