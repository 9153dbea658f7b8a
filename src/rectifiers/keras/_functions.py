"""Serializable activation callables for ``Dense(..., activation=...)`` and ``Conv2D``.

Keras 3 resolves only its own activation strings, so ``activation="leaky_relu"`` cannot mean
ours. The callable form is as short: ``activation=rk.activation("leaky_relu", alpha=0.01)``,
or, with the defaults, ``activation=rk.leaky_relu``. Either saves and loads with no
``custom_objects``.
"""

from __future__ import annotations

import keras

from .._apply import evaluate
from .._spec import REGISTRY, REQUIRED, get
from ._base import PACKAGE, hyperparameters


@keras.saving.register_keras_serializable(PACKAGE)
class ActivationFunction:
    """An activation of the registry with its parameters bound; Keras serializes it by its
    config (``{"activation": name, **params}``)."""

    def __init__(self, activation: str, **params):
        spec = get(activation)
        if any(not p.hyper for p in spec.params):
            raise ValueError(
                f"rectifiers.keras.activation: {spec.name} draws random slopes in training, which an "
                f"activation function cannot see; use the rectifiers.keras.RReLU layer. "
                f"Received: activation={activation!r}"
            )
        self.spec = spec
        self.params = hyperparameters(spec, params)

    def __call__(self, x):
        return evaluate(self.spec, x, self.params)

    @property
    def __name__(self):  # Keras and users print activations by name
        return self.spec.name

    def get_config(self) -> dict:
        return {"activation": self.spec.name, **self.params}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, ActivationFunction) and other.get_config() == self.get_config()

    def __hash__(self):
        return hash((self.spec.name, tuple(sorted(self.params.items()))))

    def __repr__(self):
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"rectifiers.keras.activation({self.spec.name!r}{params})"


def activation(name: str, **params) -> ActivationFunction:
    """The activation ``name`` with ``params`` bound, for ``Dense``/``Conv2D``'s ``activation=``.

    >>> import rectifiers.keras as rk
    >>> rk.activation("leaky_relu", alpha=0.01)
    rectifiers.keras.activation('leaky_relu', alpha=0.01)
    >>> rk.leaky_relu  # the defaults are the core's
    rectifiers.keras.activation('leaky_relu', alpha=0.2)
    """
    return ActivationFunction(name, **params)


def with_defaults() -> dict[str, ActivationFunction]:
    """One callable per activation that needs no parameter, bound to the core's defaults."""
    return {
        name: activation(name)
        for name, spec in REGISTRY.items()
        if all(p.hyper and p.default is not REQUIRED for p in spec.params)
    }
