"""Keras 3: the doctor for layers with a built-in activation (``Dense(..., activation="relu")``,
``Conv2D``...), Keras's activation layers and ours (``rectifiers.keras``), on every backend.

Two ways in, one definition (units on the last axis, channels-last; axis 1 for a layer with
``data_format="channels_first"``):

* :class:`KerasCallback` counts *during* ``fit``: Keras has no forward hooks, so for the
  training run each watched layer gets non-trainable counter variables (the pattern
  BatchNormalization uses for its moving statistics) that its ``call`` updates with
  ``keras.ops`` inside the compiled train step, on the TensorFlow, JAX and torch backends.
  They are read at each epoch's end (and, with ``window=``, after each batch), then removed
  with the patch when training ends. Evaluation and prediction inside ``fit`` are not counted.
* :func:`probe` runs a functional or Sequential model over data and counts each watched
  layer's output (what ``rectifiers doctor model.keras data.npz`` does).
"""

from __future__ import annotations

import keras
import numpy as np

from .. import _spec, keras as rk
from .._frameworks import spelling
from ..keras._spelling import relu_settings
from ._activations import watchable
from ._counter import check_window
from ._doctor import Doctor
from ._evidence import CONFIDENCE, RARE
from ._tally import Tally, _inner


def _function_name(function) -> str | None:
    if isinstance(function, rk.ActivationFunction):
        return function.spec.name
    name = getattr(function, "__name__", None)
    return name if name is not None and watchable(name) else None


def activation_of(layer) -> str | None:
    """The registry name of the activation at the end of ``layer``'s call, if we watch it."""
    if isinstance(layer, rk.Rectifier):
        return layer.spec.name if watchable(layer.spec.name) else None
    if isinstance(layer, keras.layers.ReLU):  # its settings spell relu, relu6 or leaky_relu
        settings = {k: getattr(layer, k) for k in ("max_value", "negative_slope", "threshold")}
        try:
            return relu_settings(settings)[0]
        except ValueError:  # a threshold, another cap: none of ours
            return None
    for cls, name in _keras_classes().items():
        if isinstance(layer, cls):
            return name if watchable(name) else None
    return _function_name(getattr(layer, "activation", None))


def _keras_classes() -> dict:
    """``{keras.layers class: activation}`` for Keras's own layers of our activations, from the
    core's table (``_frameworks``): LeakyReLU, PReLU, ELU... (not those spelt by settings)."""
    entries = ((name, spelling("keras", name)) for name in _spec.names())
    return {
        getattr(keras.layers, e.layer.name): name
        for name, e in entries
        if e is not None and e.layer is not None and not e.layer.settings
    }


def _unit_axis(layer) -> int:
    return 1 if getattr(layer, "data_format", "channels_last") == "channels_first" else -1


def activation_layers(model, layers=None, owner="rectifiers.doctor") -> list:
    """``[(layer, activation)]`` in ``model``'s order (nested models flattened), optionally only
    those named in ``layers``."""
    found = []

    def visit(layer):
        for inner in getattr(layer, "layers", []) or []:
            visit(inner)
        activation = activation_of(layer)
        if activation is not None and not getattr(layer, "layers", None):
            found.append((layer, activation))

    for layer in model.layers:
        visit(layer)
    if layers is not None:
        layers = [layers] if isinstance(layers, str) else list(layers)
        names = [layer.name for layer, _ in found]
        unknown = [name for name in layers if name not in names]
        if unknown:
            raise ValueError(
                f"{owner}: no layer with a watched activation named {', '.join(map(repr, unknown))}. "
                f"Accepted: {', '.join(names) or '(none in this model)'}"
            )
        found = [f for f in found if f[0].name in layers]
    return found


def _new_doctor(confidence, rare, window, owner):
    doctor = Doctor(confidence=confidence, rare=rare, window=window, owner=owner)
    doctor.framework = f"keras {keras.__version__} ({keras.backend.backend()})"
    return doctor


def probe(model, x, *, layers=None, batch_size=256, confidence=CONFIDENCE, rare=RARE) -> Doctor:
    """Count every watched layer's output over ``x`` (a functional or Sequential model), in
    inference mode, ``batch_size`` examples at a time."""
    owner = "rectifiers.doctor.probe"
    doctor = _new_doctor(confidence, rare, None, owner)
    found = activation_layers(model, layers, owner)
    if not found:
        return doctor
    try:
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
        outputs = keras.Model(inputs, [layer.output for layer, _ in found])
    except (AttributeError, ValueError) as error:
        raise ValueError(
            f"{owner}: the layers' outputs of this model cannot be read (a subclassed model?); "
            f"use KerasCallback during fit instead. Received: {type(model).__name__}: {error}"
        ) from None
    for start in range(0, len(x), batch_size):
        values = outputs(x[start : start + batch_size], training=False)
        values = values if isinstance(values, (list, tuple)) else [values]
        for order, ((layer, activation), value) in enumerate(zip(found, values, strict=True)):
            value = keras.ops.convert_to_numpy(value)
            axis = _unit_axis(layer)
            site = doctor.site(layer.name, 0, order, activation, value.shape[axis], axis)
            site.counter.update(value, axis=axis)
    return doctor


def _units(layer, axis) -> int:
    """The layer's units before it runs in ``fit``: from its output, or its ``units``/``filters``."""
    try:
        units = layer.output.shape[axis]
    except (AttributeError, ValueError):  # a layer of a subclassed model has no symbolic output
        units = getattr(layer, "units", None) or getattr(layer, "filters", None)
    if not isinstance(units, int):
        raise ValueError(
            f"rectifiers.doctor.KerasCallback: cannot tell how many units layer {layer.name!r} has "
            f"before training (a subclassed model?); build the model on an input first. "
            f"Received: {type(layer).__name__}"
        )
    return units


class _Probe:
    """Counter variables on one layer, and the patch of its ``call`` that updates them."""

    def __init__(self, callback, layer, order, activation):
        self.layer, self.order, self.activation, self.callback = layer, order, activation, callback
        self.axis = _unit_axis(layer)
        self.variables = []
        self.original = None

    def install(self):
        layer, units = self.layer, _units(self.layer, self.axis)
        locked = layer._tracker.locked
        layer._tracker.unlock()
        try:
            make = lambda name, shape, dtype: layer.add_weight(  # noqa: E731
                shape=shape, initializer="zeros", dtype=dtype, trainable=False, name=f"doctor_{name}"
            )
            self.positive = make("positive", (units,), "int32")
            self.responsive = make("responsive", (units,), "int32")
            self.magnitude = make("magnitude", (units,), "float32")
            self.zeros = make("zeros", (), "int32")
            self.examples = make("examples", (), "int32")
            self.values = make("values", (), "int32")
        finally:
            if locked:
                layer._lock_state()
        self.variables = [
            self.positive,
            self.responsive,
            self.magnitude,
            self.zeros,
            self.examples,
            self.values,
        ]
        self.units = units
        site = self.callback.doctor.site(layer.name, 0, self.order, self.activation, units, self.axis)
        self.bounds = site.counter.bounds
        self.original = layer.call
        layer.call = self._call

    def _call(self, *args, **kwargs):
        out = self.original(*args, **kwargs)
        if self.callback._counting:
            self._count(out)
        return out

    def _count(self, out):
        ops = keras.ops
        axis = self.axis % len(out.shape)
        others = tuple(i for i in range(len(out.shape)) if i != axis)
        self.positive.assign_add(ops.sum(ops.cast(out > 0, "int32"), axis=others))
        self.magnitude.assign_add(ops.sum(ops.abs(ops.cast(out, "float32")), axis=others))
        self.zeros.assign_add(ops.sum(ops.cast(out == 0, "int32")))
        if self.bounds is not None:
            low, high = _inner(self.bounds)
            inside = ops.logical_and(out > low, out < high)
            self.responsive.assign_add(ops.sum(ops.cast(inside, "int32"), axis=others))
        size = ops.cast(ops.size(out), "int32")
        self.examples.assign_add(ops.cast(ops.shape(out)[others[0]], "int32") if others else 1)
        self.values.assign_add(size // self.units)

    def flush(self, counter):
        """Move the counts into ``counter`` and zero the variables."""
        read = [np.asarray(v.numpy()) for v in self.variables]
        positive, responsive, magnitude, zeros, examples, values = read
        if int(examples) > 0:
            counter.add(
                Tally(
                    positive.astype(np.int64),
                    magnitude.astype(np.float64),
                    np.int64(zeros),
                    responsive.astype(np.int64) if self.bounds is not None else None,
                    int(values),
                    int(examples),
                )
            )
        for v in self.variables:
            v.assign(keras.ops.zeros(v.shape, v.dtype))

    def samples(self) -> int:
        return int(self.examples.numpy())

    def remove(self):
        if self.original is not None:
            self.layer.__dict__.pop("call", None)  # the class's call again
            self.original = None
        for v in self.variables:
            self.layer._untrack_variable(v)
        self.variables = []


class KerasCallback(keras.callbacks.Callback):
    """``model.fit(..., callbacks=[cb])``; then ``cb.doctor`` reads like ``doctor.watch``'s.

    ``window``: close a window every this many training examples (read after each batch);
    ``None``: one window per ``fit``, or call ``cb.doctor.next_window()`` (e.g. from another
    callback at an epoch's end).
    """

    def __init__(self, layers=None, window=None, confidence=CONFIDENCE, rare=RARE):
        super().__init__()
        owner = "rectifiers.doctor.KerasCallback"
        self.doctor = _new_doctor(confidence, rare, None, owner)
        self.window = check_window(window, owner)
        self.layers = layers
        self._probes: list[_Probe] = []
        self._counting = False

    def on_train_begin(self, logs=None):
        found = activation_layers(self.model, self.layers, "rectifiers.doctor.KerasCallback")
        self._probes = [
            _Probe(self, layer, order, activation) for order, (layer, activation) in enumerate(found)
        ]
        for p in self._probes:
            p.install()
        self._counting = True
        self.model.make_train_function(force=True)  # trace the patched calls

    def _sync(self):
        sync = getattr(self.model, "jax_state_sync", None)
        if sync is not None:
            sync()

    def flush(self):
        """Read the counter variables into the doctor: a host copy, once per epoch (and per batch with
        ``window``)."""
        self._sync()
        for p in self._probes:
            p.flush(self.doctor.site(p.layer.name, 0, p.order, p.activation, p.units, p.axis).counter)

    def on_train_batch_end(self, batch, logs=None):
        if self.window is None or not self._probes:
            return
        self._sync()
        first = self._probes[0]
        counter = self.doctor.site(
            first.layer.name, 0, first.order, first.activation, first.units, first.axis
        ).counter
        if first.samples() + counter.samples >= self.window:
            self.flush()
            self.doctor.next_window()

    def on_epoch_end(self, epoch, logs=None):
        self.flush()

    def on_test_begin(self, logs=None):
        self._counting = False

    def on_test_end(self, logs=None):
        self._counting = True

    def on_predict_begin(self, logs=None):
        self._counting = False

    def on_predict_end(self, logs=None):
        self._counting = True

    def on_train_end(self, logs=None):
        self.flush()
        self._counting = False
        for p in self._probes:
            p.remove()
        self._probes = []
        self.model.make_train_function(force=True)
