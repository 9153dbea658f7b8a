"""Keras's spelling of each activation, from the core's table (``rectifiers._frameworks``).

A named layer takes ``keras.layers``' signature (``LeakyReLU(negative_slope=0.3)``), a
ready-made function ``keras.activations``' (``leaky_relu(x, negative_slope=0.2)``). Where Keras
has no such layer (relu6, selu, rrelu, sigmoid, tanh, one registered later) ours keeps the
core's names and defaults, under :func:`class_name`'s name. Keras's ``ReLU`` spells three of
our activations by its settings (:func:`relu_settings`).
"""

from __future__ import annotations

import inspect

from .._frameworks import TABLE, Arg, Form, spelling

P = inspect.Parameter

#: Where Keras has no layer, the class takes this framework's name (the one users know).
NAMES_FROM = "torch"


def seed_param(spec):
    """The parameter that seeds a stochastic activation's draws (``spec.draws.seed``: rrelu's
    ``seed``), or ``None``."""
    return None if spec.draws is None else next(p for p in spec.params if p.name == spec.draws.seed)


def _keras_layer(spec) -> Form | None:
    """``keras.layers``' own class for ``spec``; ``None`` where Keras has none, or spells it by
    another class's settings (relu6 is ``ReLU(max_value=6)``)."""
    entry = spelling("keras", spec.name)
    found = None if entry is None else entry.layer
    return None if found is None or found.settings else found


def class_name(spec) -> str:
    """The named layer's class: Keras's (``LeakyReLU``), else :data:`NAMES_FROM`'s (``ReLU6``,
    ``RReLU``, ``Sigmoid``), else the core's name in CamelCase (``my_unit`` -> ``MyUnit``), so
    that every registered activation has one.

    >>> from rectifiers._spec import get
    >>> class_name(get("leaky_relu")), class_name(get("relu6"))
    ('LeakyReLU', 'ReLU6')
    """
    found = _keras_layer(spec)
    if found is not None:
        return found.name
    entry = spelling(NAMES_FROM, spec.name)
    if entry is not None and entry.layer is not None:
        return entry.layer.name
    return "".join(part.capitalize() for part in spec.name.split("_"))


def _core_form(spec, name: str | None, input: str | None) -> Form:
    args = tuple(Arg(p.name, p.default, p.name) for p in spec.params if p.hyper and p.init is None)
    return Form(name, args, input)


def layer_form(spec) -> Form:
    """``keras.layers``' class for ``spec``, or ours (the core's names) where Keras spells it
    otherwise (relu6 is ``ReLU(max_value=6)``) or not at all."""
    found = _keras_layer(spec)
    return found if found is not None else _core_form(spec, class_name(spec), None)


def function_form(spec) -> Form:
    """``keras.activations``' function for ``spec``, or the core's names where Keras has none."""
    entry = spelling("keras", spec.name)
    found = None if entry is None else entry.function
    return found if found is not None else _core_form(spec, spec.name, "x")


def extras(spec, form: Form) -> list:
    """The core's parameters Keras does not spell (rrelu's ``seed``): keyword-only."""
    spelt = set(form.core_names().values())
    learned = set(spec.learned)
    seed = seed_param(spec)
    return [
        P(p.name, P.KEYWORD_ONLY, default=p.default)
        for p in spec.params
        if p.name not in spelt and p.name not in learned and (p.hyper or p is seed)
    ]


def layer_signature(spec, form: Form) -> inspect.Signature:
    """``(negative_slope=0.3, **kwargs)``: Keras's arguments in Keras's order, then ours."""
    positional = [P(a.name, P.POSITIONAL_OR_KEYWORD, default=a.default) for a in form.args]
    return inspect.Signature([*positional, *extras(spec, form), P("kwargs", P.VAR_KEYWORD)])


def function_signature(form: Form) -> inspect.Signature:
    """``(x, negative_slope=0.2)``: ``keras.activations``' signature."""
    positional = [P(a.name, P.POSITIONAL_OR_KEYWORD, default=a.default) for a in form.args]
    return inspect.Signature([P(form.input, P.POSITIONAL_OR_KEYWORD), *positional])


def _settings_of(form_name: str, kind: str) -> list[tuple[str, dict]]:
    """``[(activation, {argument: value})]``: what each setting of Keras's ``form_name`` spells."""
    spelt = []
    for name, entry in TABLE["keras"].items():
        form = getattr(entry, kind)
        if form is not None and form.name == form_name and not form.core_names():
            layer = entry.layer if entry.layer is not None else form
            spelt.append((name, dict(layer.settings)))
    return spelt


def relu_settings(arguments: dict) -> tuple[str, dict]:
    """``(activation, core parameters)`` that Keras's ReLU settings spell: the plain one is relu,
    ``max_value=6`` relu6, a positive ``negative_slope`` leaky_relu with that slope.

    >>> relu_settings({"max_value": 6, "negative_slope": 0.0, "threshold": 0.0})
    ('relu6', {})
    >>> relu_settings({"max_value": None, "negative_slope": 0.1, "threshold": 0.0})
    ('leaky_relu', {'alpha': 0.1})
    """
    relu = spelling("keras", "relu").layer
    given = {a.name: arguments.get(a.name, a.default) for a in relu.args}
    for name, settings in _settings_of(relu.name, "layer"):
        if given == relu.defaults() | settings:
            return name, {}
    leaky = spelling("keras", "leaky_relu").layer
    ((slope, alpha),) = leaky.core_names().items()  # ReLU's negative_slope is leaky_relu's
    slope_only = {k: v for k, v in given.items() if k != slope} == {
        k: v for k, v in relu.defaults().items() if k != slope
    }
    value = given[slope]
    if slope_only and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return "leaky_relu", {alpha: value}
    received = ", ".join(f"{k}={v!r}" for k, v in given.items())
    raise ValueError(
        "rectifiers.keras: ReLU's settings spell one of our activations: ReLU() (relu), "
        "ReLU(max_value=6) (relu6) or ReLU(negative_slope=s) with s > 0 (leaky_relu); other "
        f"combinations (a threshold, a cap other than 6, a cap with a slope) are not supported. "
        f"Received: {received}"
    )


def to_core(spec, form: Form, arguments: dict) -> tuple[str, dict]:
    """``(activation, core parameters)`` for Keras-named ``arguments`` of ``form``."""
    relu = spelling("keras", "relu")
    if form.args and form in (relu.layer, relu.function):  # ReLU's settings pick the activation
        return relu_settings(arguments)
    core = form.core_names()
    return spec.name, {core.get(k, k): v for k, v in arguments.items()}


def renamed(form: Form, config: dict) -> dict:
    """A saved config with the core's names (``LeakyReLU``'s ``alpha``, before Keras's names)
    in Keras's: the framework name wins where both are there."""
    old = {core: name for name, core in form.core_names().items() if core != name}
    config = dict(config)
    for core, name in old.items():
        if core in config:
            value = config.pop(core)
            config.setdefault(name, value)
    return config
