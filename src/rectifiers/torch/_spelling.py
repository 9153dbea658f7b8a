"""torch.nn's spelling of each activation, from the core's table (``rectifiers._frameworks``).

An activation the table lacks (a newly registered one) is spelt with the core's names and
defaults, plus ``inplace``, so every registered activation has a functional form here.
"""

from __future__ import annotations

import inspect

from .._frameworks import Arg, Form, spelling

P = inspect.Parameter
MEMORY = P("memory", P.KEYWORD_ONLY, default="auto")


def _fallback(spec, layer: bool) -> Form:
    args = tuple(Arg(p.name, p.default, p.name) for p in spec.params if p.kind != "keyword" and p.hyper)
    return Form(spec.name, (*args, Arg("inplace", False)), None if layer else "input")


def form(spec, layer: bool) -> Form:
    """torch.nn's module (``layer=True``) or torch.nn.functional's function for ``spec``."""
    entry = spelling("torch", spec.name)
    found = None if entry is None else (entry.layer if layer else entry.function)
    return found if found is not None else _fallback(spec, layer)


def in_place(spec) -> str | None:
    """torch.nn.functional's in-place function for ``spec`` (``relu_``), or None."""
    entry = spelling("torch", spec.name)
    return None if entry is None else entry.in_place


def extras(spec, form: Form) -> list:
    """The core's parameters that torch does not spell (rrelu's ``seed``): keyword-only, with the
    core's defaults."""
    spelt = set(form.core_names().values())
    return [P(p.name, P.KEYWORD_ONLY, default=p.default) for p in spec.params if p.name not in spelt]


def positional(form: Form) -> list:
    """``form``'s arguments as positional-or-keyword parameters, in torch's order."""
    return [P(a.name, P.POSITIONAL_OR_KEYWORD, default=a.default) for a in form.args]
