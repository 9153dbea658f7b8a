"""The doctor: dead, dormant and saturated units and the gradient flow, per layer.

* ``Counter(units)``: framework-free per-unit counters; ``update(activations, axis=-1)`` with
  any array the core accepts (NumPy, PyTorch, JAX, TensorFlow), on the array's device.
* ``watch(model)``: PyTorch; hooks on every activation module, removed on exit.
* ``KerasCallback()``: Keras 3, ``model.fit(..., callbacks=[cb])``; ``cb.doctor``.
* ``collapse_probability(width)``: Lu et al. 2019's born-dead networks, simulated.

``import rectifiers.doctor`` imports no framework: ``watch`` imports torch and
``KerasCallback`` Keras when first used. See docs/doctor.md.
"""

from ._collapse import collapse_probability as collapse_probability
from ._counter import Counter as Counter
from ._doctor import Doctor as Doctor
from ._evidence import samples_needed as samples_needed

__all__ = ["Counter", "Doctor", "KerasCallback", "collapse_probability", "probe", "samples_needed", "watch"]

_LAZY = {"watch": "._torch", "KerasCallback": "._keras", "probe": "._keras"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
