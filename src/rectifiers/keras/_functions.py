"""Serializable activation callables for ``Dense(..., activation=...)`` and ``Conv2D``.

Keras 3 resolves only its own activation strings, so ``activation="leaky_relu"`` cannot mean
ours. The callable form is as short: ``activation=rk.activation("leaky_relu", alpha=0.01)``,
or, with Keras's defaults, ``activation=rk.leaky_relu`` (``keras.activations``' signature).
Either saves and loads with no ``custom_objects``.
"""

from __future__ import annotations

import math

import keras

from .._apply import evaluate
from .._spec import REGISTRY, REQUIRED, get
from . import _spelling
from ._base import PACKAGE, hyperparameters


@keras.saving.register_keras_serializable(PACKAGE)
class ActivationFunction:
    """An activation of the registry with its parameters bound; Keras serializes it by its
    config (``{"activation": name, **params}``)."""

    def __init__(self, activation: str, **params):
        spec = get(activation)
        if spec.draws:
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

    def _identity(self) -> tuple:
        """What tells two activations apart: the name and the parameters, with the sign of a zero
        (``alpha=-0.0`` gives -0.0 where ``alpha=0.0`` gives +0.0, and ``==`` cannot tell them)."""
        signs = tuple(
            math.copysign(1.0, v) if isinstance(v, float) else None for _, v in sorted(self.params.items())
        )
        return self.spec.name, tuple(sorted(self.params.items())), signs

    def __eq__(self, other):
        return isinstance(other, ActivationFunction) and other._identity() == self._identity()

    def __hash__(self):
        return hash(self._identity())

    def __repr__(self):
        params = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"rectifiers.keras.activation({self.spec.name!r}{params})"


ActivationFunction.__module__ = __name__.rpartition(".")[0]  # the module a load error names


def activation(name: str, **params) -> ActivationFunction:
    """The activation ``name`` with ``params`` (the core's names) bound, for ``Dense``/``Conv2D``'s
    ``activation=``.

    >>> import rectifiers.keras as rk
    >>> rk.activation("leaky_relu", alpha=0.01)
    rectifiers.keras.activation('leaky_relu', alpha=0.01)
    """
    return ActivationFunction(name, **params)


@keras.saving.register_keras_serializable(PACKAGE)
class KerasFunction(ActivationFunction):
    """A ready-made ``rk.<name>``: ``keras.activations``' signature and defaults
    (``rk.leaky_relu(x, negative_slope=0.2)``), and, called with ``x`` alone, its bound
    activation. ``rk.relu``'s settings spell one of ours, as Keras's ``ReLU`` layer's do.

    >>> import numpy as np, rectifiers.keras as rk
    >>> x = np.array([-2.0, 0.0, 8.0], dtype="float32")
    >>> rk.leaky_relu
    rectifiers.keras.leaky_relu(negative_slope=0.2)
    >>> np.asarray(rk.relu(x, max_value=6)), np.asarray(rk.relu(x, negative_slope=0.5))
    (array([0., 0., 6.], dtype=float32), array([-1.,  0.,  8.], dtype=float32))
    """

    def __init__(self, activation: str, **params):
        super().__init__(activation, **params)
        self.form = _spelling.function_form(self.spec)

    @property
    def __signature__(self):
        return _spelling.function_signature(self.form)

    def __call__(self, x, *args, **kwargs):
        if not args and not kwargs:
            return evaluate(self.spec, x, self.params)
        bound = self.__signature__.bind(x, *args, **kwargs)
        bound.apply_defaults()  # Keras's defaults
        arguments = dict(bound.arguments)
        del arguments[self.form.input]
        name, params = _spelling.to_core(self.spec, self.form, arguments)
        spec = get(name)
        return evaluate(spec, x, hyperparameters(spec, params))

    def __repr__(self):
        core = {v: k for k, v in self.form.core_names().items()}
        params = ", ".join(f"{core.get(k, k)}={v!r}" for k, v in self.params.items())
        return f"rectifiers.keras.{self.form.name}({params})"


KerasFunction.__module__ = ActivationFunction.__module__


def with_defaults() -> dict[str, KerasFunction]:
    """``rk.relu``, ``rk.leaky_relu``...: one per activation whose parameters all have defaults,
    with ``keras.activations``' names and defaults where Keras has the function."""
    functions = {}
    for name, spec in REGISTRY.items():
        if not spec.draws and all(p.default is not REQUIRED for p in spec.params if p.hyper):
            form = _spelling.function_form(spec)
            functions[name] = KerasFunction(name, **{a.core: a.default for a in form.args if a.core})
    return functions
