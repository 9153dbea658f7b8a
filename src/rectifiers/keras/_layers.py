"""The generic ``Activation`` layer and the named layers generated from the registry.

Each named class is generated from one registry name: its class name, constructor signature
and defaults are ``keras.layers``' (read from the core's table, ``rectifiers._frameworks``),
its validation, docstring and math the core spec's; its config uses Keras's names.
"""

from __future__ import annotations

import keras

from .._spec import get
from . import _spelling
from ._base import PACKAGE, Rectifier, split_layer_kwargs


@keras.saving.register_keras_serializable(PACKAGE)
class Activation(Rectifier):
    """Any activation of the registry as a layer: ``Activation("leaky_relu", alpha=0.1)``.

    The first argument is the registry name (``rectifiers.names()``), as in
    ``keras.layers.Activation``; the rest are that activation's parameters under the core's
    names, validated by the core. Learned or random activations have their own layers:
    :class:`PReLU`, :class:`RReLU`.

    >>> import rectifiers.keras as rk
    >>> rk.Activation("elu", alpha=0.5).get_config()["alpha"]
    0.5
    """

    def __init__(self, activation, **kwargs):
        spec = get(activation)
        if spec.name in _NAMED:
            special = _NAMED[spec.name]
            if special._learned_or_random:
                raise ValueError(
                    f"rectifiers.keras.Activation takes activations with fixed parameters; {spec.name} "
                    f"has learned or random ones, so use rectifiers.keras.{special.__name__}. "
                    f"Received: activation={activation!r}"
                )
        params, layer_kwargs = split_layer_kwargs(kwargs)
        super().__init__(**layer_kwargs)
        self._configure(spec.name, params, {})
        self.arguments = dict(self.params)

    def get_config(self):
        return {"activation": self.spec.name, **super().get_config()}


Activation.__module__ = __name__.rpartition(".")[0]  # "rectifiers.keras": what a load error names

_NAMED: dict[str, type[Rectifier]] = {}


def _doc(spec, form, signature) -> str:
    core = {v: k for k, v in form.core_names().items()}
    given = [(core.get(p.name, p.name), p.doc) for p in spec.params]
    params = "\n".join(
        f"        {name}: {doc} Default: ``{signature.parameters[name].default!r}``."
        for name, doc in given
        if name in signature.parameters
    )
    args = f"\n    Args:\n{params}\n" if params else ""
    return (
        f"Keras layer for ``rectifiers.{spec.name}``: :math:`{spec.formula}`.\n\n"
        f"    {spec.reference.citation} ({spec.reference.url}).\n{args}\n"
        f"    Gradients follow the project's kink rule (``x > 0`` selects the positive branch).\n"
    )


def named(spec_name: str, base: type[Rectifier] = Rectifier) -> type[Rectifier]:
    """The layer for ``spec_name`` with ``keras.layers``' name, signature and defaults (from the
    core's table); ``base`` holds what the activation needs beyond the core (PReLU's weight,
    RReLU's seed generator, Softmax's mask)."""
    spec = get(spec_name)
    form = _spelling.layer_form(spec)
    signature = _spelling.layer_signature(spec, form)
    names = list(signature.parameters)[:-1]

    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(
                f"rectifiers.keras.{form.name} takes ({', '.join(names)}) and Keras's layer keyword "
                f"arguments. {error}. Received: {len(args)} positional, keywords {sorted(kwargs)}"
            ) from None
        bound.apply_defaults()  # Keras's defaults, not the core's
        arguments = dict(bound.arguments)
        params, layer_kwargs = split_layer_kwargs(arguments.pop("kwargs"))
        if params:
            raise TypeError(
                f"rectifiers.keras.{form.name} takes the arguments {', '.join(names) or 'none'}. "
                f"Received: {', '.join(sorted(params))}"
            )
        keras.layers.Layer.__init__(self, **layer_kwargs)
        self._setup(form, arguments)

    def from_config(cls, config):
        return cls(**_spelling.renamed(form, config))

    __init__.__signature__ = signature
    namespace = {
        "spec_name": spec_name,
        "form": form,
        "__init__": __init__,
        "from_config": classmethod(from_config),
        "__doc__": vars(base).get("__doc__") or _doc(spec, form, signature),
        "__module__": __name__.rpartition(".")[0],
        "__qualname__": form.name,
        "__signature__": signature,
    }
    cls = type(form.name, (base,), namespace)
    cls = keras.saving.register_keras_serializable(PACKAGE)(cls)
    _NAMED[spec_name] = cls
    return cls


def layer(activation: str, **kwargs) -> keras.layers.Layer:
    """The layer for ``activation`` (a registry name), its parameters under the core's names (or
    the named class's): its named class (every activation registered before ``rectifiers.keras``
    was imported has one), else :class:`Activation`.

    >>> import rectifiers.keras as rk
    >>> type(rk.layer("prelu")).__name__, type(rk.layer("tanh")).__name__
    ('PReLU', 'Tanh')
    >>> rk.layer("leaky_relu", alpha=0.1).get_config()["negative_slope"]
    0.1
    """
    spec = get(activation)
    if spec.name in _NAMED:
        cls = _NAMED[spec.name]
        return cls(**_spelling.renamed(cls.form, kwargs))
    return Activation(spec.name, **kwargs)
