"""The one base every rectifiers Keras layer shares.

A layer is an activation from the core registry with its hyperparameters fixed at
construction: the spec validates them (with the core's "Received:" messages), ``get_config``
lists them (under the names the constructor took: Keras's for the named layers), and
``call`` hands the backend's native tensor to the core. Nothing here knows a default, a
check or a formula.
"""

from __future__ import annotations

import keras

from .._apply import applier
from .._spec import ActivationSpec, get
from . import _spelling

PACKAGE = "rectifiers"

#: Keyword arguments that belong to ``keras.layers.Layer`` rather than to the activation.
LAYER_KWARGS = frozenset(
    {"activity_regularizer", "trainable", "dtype", "autocast", "name", "input_dim", "input_shape"}
)


def hyperparameters(spec: ActivationSpec, params: dict) -> dict:
    """``params`` validated by ``spec``, with defaults filled in: only what a layer stores.

    Call options (rrelu's ``training``, ``seed``) are refused here: a layer takes ``training``
    at call time, as every Keras layer does.
    """
    stored = [p.name for p in spec.params if p.hyper]
    options = sorted(set(params) - set(stored))
    if options:
        raise TypeError(
            f"rectifiers.keras: {spec.name} layers and functions take the parameters "
            f"{', '.join(stored) or 'none'}. Received: {', '.join(options)}"
        )
    resolved = spec.resolve(**params)
    return {name: resolved[name] for name in stored}


def split_layer_kwargs(kwargs: dict) -> tuple[dict, dict]:
    """``(activation parameters, Layer keyword arguments)``."""
    layer = {k: v for k, v in kwargs.items() if k in LAYER_KWARGS}
    return {k: v for k, v in kwargs.items() if k not in LAYER_KWARGS}, layer


class Rectifier(keras.layers.Layer):
    """Base layer: an activation of the registry, applied by the core.

    ``self.spec`` and ``self.params`` (the core's names, validated) say what ``call`` computes;
    ``self.arguments`` is what the layer was given, under the names its constructor takes, and
    is its config. The named layers (``_layers.named``) take Keras's names and map them here;
    the generic :class:`Activation` takes the core's.
    """

    spec_name: str | None = None
    _learned_or_random = False  # PReLU, RReLU: not for the generic Activation

    def _setup(self, form, arguments: dict):
        """A named layer's (Keras-named) ``arguments`` to the core's; ReLU's settings pick the
        activation (``ReLU(max_value=6)`` is relu6)."""
        name, params = _spelling.to_core(get(self.spec_name), form, arguments)
        self._configure(name, params, arguments)

    def _configure(self, spec_name: str, params: dict, arguments: dict):
        self.spec = get(spec_name)
        self.params = self._resolve(params)
        self._evaluate = applier(self.spec, self.params)
        self.arguments = arguments
        self.supports_masking = True
        self._create_state()
        # As Keras's own stateless layers: built now, so stateless_call works on a fresh layer
        # (a no-op for layers with a build of their own, PReLU's).
        self._build_at_init()

    def _resolve(self, params: dict) -> dict:
        return hyperparameters(self.spec, params)

    def _create_state(self):
        """Where a subclass creates its state other than weights (RReLU's seed generator): Keras
        locks a layer's state once it is built."""

    def call(self, inputs):
        return self._evaluate(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), **self.arguments}
