"""The generic ``Activation`` layer and the named layers generated from the registry.

Each named class is one line of data (its Keras-style class name and its registry name); its
constructor arguments, defaults, docstring and config all come from the core spec.
"""

from __future__ import annotations

import inspect

import keras

from .._spec import get
from ._base import PACKAGE, Rectifier


@keras.saving.register_keras_serializable(PACKAGE)
class Activation(Rectifier):
    """Any activation of the registry as a layer: ``Activation("leaky_relu", alpha=0.1)``.

    The first argument is the registry name (``rectifiers.names()``), as in
    ``keras.layers.Activation``; the rest are that activation's parameters, validated by the
    core. Learned or random activations have their own layers: :class:`PReLU`, :class:`RReLU`.

    >>> import rectifiers.keras as rk
    >>> rk.Activation("elu", alpha=0.5).get_config()["alpha"]
    0.5
    """

    def __init__(self, activation, **kwargs):
        spec = get(activation)
        if spec.name in _NAMED:
            special = _NAMED[spec.name]
            if special.__init__ is not Rectifier.__init__:
                raise ValueError(
                    f"rectifiers.keras.Activation takes activations with fixed parameters; {spec.name} "
                    f"has learned or random ones, so use rectifiers.keras.{special.__name__}. "
                    f"Received: activation={activation!r}"
                )
        self.spec_name = spec.name
        super().__init__(**kwargs)

    def get_config(self):
        return {"activation": self.spec_name, **super().get_config()}


_NAMED: dict[str, type[Rectifier]] = {}


def _doc(spec, class_name) -> str:
    params = "\n".join(
        f"        {p.name}: {p.doc} Default: ``{p.default!r}``." for p in spec.params if p.hyper
    )
    args = f"\n    Args:\n{params}\n" if params else ""
    return (
        f"Keras layer for ``rectifiers.{spec.name}``: :math:`{spec.formula}`.\n\n"
        f"    {spec.reference.citation} ({spec.reference.url}).\n{args}\n"
        f"    Gradients follow the project's kink rule (``x > 0`` selects the positive branch).\n"
    )


def _signature(spec) -> inspect.Signature:
    """``(alpha=0.2, **kwargs)``: what ``help()`` and IDEs show for a generated layer."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter(p.name, positional, default=p.default) for p in spec.params if p.hyper]
    return inspect.Signature([*params, inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)])


def named(class_name: str, spec_name: str, base: type[Rectifier] = Rectifier):
    """Register ``class_name`` as the layer for ``spec_name``, generating it unless ``base`` is a
    hand-written class for that activation."""
    if base.spec_name == spec_name:
        cls = base
    else:
        spec = get(spec_name)
        cls = type(class_name, (base,), {"spec_name": spec_name, "__doc__": _doc(spec, class_name)})
        cls.__module__ = __name__.rpartition(".")[0]
        cls.__signature__ = _signature(spec)
        cls = keras.saving.register_keras_serializable(PACKAGE)(cls)
    _NAMED[spec_name] = cls
    return cls


def layer(activation: str, **kwargs) -> keras.layers.Layer:
    """The layer for ``activation`` (a registry name): its named class where it has one
    (``PReLU`` learns its slopes, ``RReLU`` draws them in training), else :class:`Activation`.

    >>> import rectifiers.keras as rk
    >>> type(rk.layer("prelu")).__name__, type(rk.layer("tanh")).__name__
    ('PReLU', 'Activation')
    """
    spec = get(activation)
    if spec.name in _NAMED:
        return _NAMED[spec.name](**kwargs)
    return Activation(spec.name, **kwargs)
