"""The one base every rectifiers Keras layer shares.

A layer is an activation from the core registry with its hyperparameters fixed at
construction: the spec validates them (with the core's "Received:" messages), ``get_config``
lists them, and ``call`` hands the backend's native tensor to the core. Nothing here knows a
default, a check or a formula.
"""

from __future__ import annotations

import keras

from .._apply import evaluate
from .._spec import ActivationSpec, get

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
    """Base layer: ``spec_name``'s activation, applied elementwise by the core.

    Subclasses set ``spec_name``; the generic :class:`Activation` takes it as an argument.
    Positional arguments fill the spec's hyperparameters in order, so ``LeakyReLU(0.1)``
    works as in Keras.
    """

    spec_name: str | None = None

    def __init__(self, *args, **kwargs):
        params, layer_kwargs = split_layer_kwargs(kwargs)
        super().__init__(**layer_kwargs)
        self.spec = get(self.spec_name)
        names = [p.name for p in self.spec.params if p.hyper and p.init is None]
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__name__} takes at most {len(names)} positional parameters "
                f"({', '.join(names) or 'none'}). Received: {len(args)}"
            )
        params.update(zip(names, args, strict=False))
        self.params = self._resolve(params)
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
        return evaluate(self.spec, inputs, self.params)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), **self.params}
