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
>>> y
tensor([-0.2000,  0.0000,  3.0000], grad_fn=<RectifyBackward>)
>>> y.sum().backward(); x.grad  # leaky_relu'(0) = negative_slope
tensor([0.1000, 0.1000, 1.0000])
"""

from __future__ import annotations

import inspect

from .. import _spec
from . import _spelling
from ._conventions import channel_weight, implicit_dim
from ._rectify import rectify


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


_FUNCTIONS = {
    _spelling.form(_spec.get(name), layer=False).name: _function(_spec.get(name)) for name in _spec.names()
}
globals().update(_FUNCTIONS)
__all__ = list(_FUNCTIONS)
