"""The functional API on tensors: ``torch.nn.functional``'s names, signatures and defaults, the
core's rules, and a memory-lean backward.

Each function takes exactly torch.nn.functional's arguments, in its order and with its
defaults (``leaky_relu(input, negative_slope=0.01, inplace=False)``, ``softmax(input,
dim=None, _stacklevel=3, dtype=None)``, ``prelu(input, weight)``, ...: read from the core's
table of each framework's names, ``rectifiers._frameworks``), so ``torch.nn.functional.X`` ->
``rectifiers.torch.functional.X`` is a rename. Our additions are keyword-only:

* ``memory="auto"``: what the backward keeps; ``"auto"`` (the output where it gives the exact
  gradient, else the input), ``"input"`` (as torch.nn does) or ``"bits"`` (1 bit per element,
  for relu, relu6, leaky_relu and rrelu).
* ``seed=None`` (rrelu): an int gives the same slopes as ``rectifiers.rrelu(..., seed=)``.

``inplace=True`` is refused with a ``ValueError`` where the backward would need the overwritten
input (a negative slope, ``memory="input"``).

>>> import torch
>>> from rectifiers.torch import functional as F
>>> x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
>>> y = F.leaky_relu(x, 0.1)
>>> y  # a small tensor: torch's own node, whose backward is the one ours runs (see _small)
tensor([-0.2000,  0.0000,  3.0000], grad_fn=<LeakyReluBackward1>)
>>> y.sum().backward(); x.grad  # leaky_relu'(0) = negative_slope
tensor([0.1000, 0.1000, 1.0000])

A call with the same parameters as an earlier one reuses what that call decided (what the
backward keeps, the kernel): a module's resolved-once path (``_rectify.Fixed``), as in a
model's ``forward`` that calls ``F.relu`` every step.
"""

from __future__ import annotations

import inspect

from .. import _spec
from . import _spelling
from ._conventions import channel_weight, implicit_dim
from ._rectify import Fixed, _eager, check, rectify

#: A module's resolved-once call (``_rectify.Fixed``) per activation, plain parameters, memory
#: and inplace: a functional call in a model's ``forward`` repeats them on every step, and then
#: decides nothing again (what the backward keeps, the kernel, torch's own node for a small
#: tensor), as the module does.
_FIXED: dict = {}
_FIXED_LIMIT = 256


def _fixed(spec, params: dict, memory, inplace):
    """The kept ``Fixed`` for these arguments, checked on first use (the core's messages, as
    ``rectify`` gives them); ``None`` where a call has more to decide (a weight, random draws,
    a tensor or other non-number parameter)."""
    if spec.learned or spec.draws is not None or not all(type(v) in (int, float) for v in params.values()):
        return None
    key = (spec.name, memory, inplace, _spec.params_key(params))  # -0.0 is not 0.0
    fixed = _FIXED.get(key)
    if fixed is None:
        check(spec, params, memory=memory, inplace=inplace)
        if len(_FIXED) >= _FIXED_LIMIT:  # a sweep over many parameters: keep the newest
            _FIXED.clear()
        fixed = _FIXED[key] = Fixed(spec, spec.resolve(**params), memory, inplace)
    return fixed


def _function(spec):
    form = _spelling.form(spec, layer=False)
    core = form.core_names()
    parameters = [_spelling.P(form.input, _spelling.P.POSITIONAL_OR_KEYWORD), *_spelling.positional(form)]
    signature = inspect.Signature([*parameters, *_spelling.extras(spec, form), _spelling.MEMORY])

    def function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()  # torch's defaults, not the core's
        arguments = bound.arguments
        x, memory = arguments.pop(form.input), arguments.pop("memory")
        inplace = arguments.pop("inplace", False)
        dtype, stacklevel = arguments.pop("dtype", None), arguments.pop("_stacklevel", 3)
        if dtype is not None:  # torch: the input is cast to dtype first
            x = x.to(dtype)
        if arguments.get("dim", 0) is None:
            arguments["dim"] = implicit_dim(x.dim(), stacklevel)
        if "weight" in arguments:
            arguments["weight"] = channel_weight(x, arguments["weight"])
        params = {core.get(k, k): v for k, v in arguments.items()}
        fixed = _fixed(spec, params, memory, inplace) if _eager(x) else None
        if fixed is not None:
            return fixed(x)
        return rectify(spec, x, params, memory=memory, inplace=inplace)

    function.__name__ = function.__qualname__ = form.name
    function.__module__ = __name__
    function.__signature__ = signature
    function.__doc__ = (
        f"``torch.nn.functional.{form.name}`` with the rules of ``rectifiers.{spec.name}`` and a "
        f"memory-lean backward.\n\nSee ``rectifiers.{spec.name}`` for the formula, and this module for "
        f"``memory``."
    )
    return function


def _in_place(name, function):
    """torch.nn.functional's in-place twin of ``function``: ``relu_(input)`` is
    ``relu(input, inplace=True)``, with the same arguments less ``inplace``."""
    signature = inspect.signature(function)
    kept = [p for p in signature.parameters.values() if p.name != "inplace"]
    signature = signature.replace(parameters=kept)

    def in_place(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        return function(*bound.args, **bound.kwargs, inplace=True)

    in_place.__name__ = in_place.__qualname__ = name
    in_place.__module__ = __name__
    in_place.__signature__ = signature
    in_place.__doc__ = f"``{function.__name__}(..., inplace=True)``: ``input``, overwritten."
    return in_place


_FUNCTIONS = {
    _spelling.form(_spec.get(name), layer=False).name: _function(_spec.get(name)) for name in _spec.names()
}
_FUNCTIONS |= {
    twin: _in_place(twin, _FUNCTIONS[_spelling.form(_spec.get(name), layer=False).name])
    for name in _spec.names()
    if (twin := _spelling.in_place(_spec.get(name))) is not None
}
globals().update(_FUNCTIONS)
__all__ = list(_FUNCTIONS)
