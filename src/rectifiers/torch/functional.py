"""The functional API on tensors: the core's functions, with a memory-lean backward.

Every function has the core's name, parameters and defaults (built from the spec), plus two
keyword options:

* ``inplace=False``: write the result into ``x``. Refused with a ``ValueError`` where the
  backward would need the overwritten input (a negative leaky_relu or elu alpha,
  ``memory="input"``), and for prelu and softmax, which have no in-place form.
* ``memory="auto"``: what the backward keeps; ``"auto"`` (the output where it gives the exact
  gradient, else the input), ``"input"`` (as torch.nn does) or ``"bits"`` (1 bit per element,
  for relu, relu6, leaky_relu and rrelu).

>>> import torch
>>> from rectifiers.torch import functional as F
>>> x = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
>>> y = F.leaky_relu(x, alpha=0.1)
>>> y
tensor([-0.2000,  0.0000,  3.0000], grad_fn=<RectifyBackward>)
>>> y.sum().backward(); x.grad  # leaky_relu'(0) = alpha
tensor([0.1000, 0.1000, 1.0000])
"""

from __future__ import annotations

import inspect

from .. import _spec
from .._namespace import name_scope
from ._autograd import XP
from ._rectify import rectify

_OPTIONS = (
    inspect.Parameter("inplace", inspect.Parameter.KEYWORD_ONLY, default=False),
    inspect.Parameter("memory", inspect.Parameter.KEYWORD_ONLY, default="auto"),
)


def _function(spec):
    parameters = list(spec.signature().parameters.values())
    signature = inspect.Signature(parameters[:-1] + list(_OPTIONS) + parameters[-1:])

    def function(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        x = arguments.pop("x")
        name = arguments.pop("name", None)
        options = {option.name: arguments.pop(option.name) for option in _OPTIONS if option.name in arguments}
        with name_scope(XP, name):
            return rectify(spec, x, arguments, **options)

    function.__name__ = function.__qualname__ = spec.name
    function.__module__ = __name__
    function.__signature__ = signature
    function.__doc__ = (
        f"``rectifiers.{spec.name}`` on a torch.Tensor, differentiable with a memory-lean backward.\n\n"
        f"See ``rectifiers.{spec.name}`` for the formula and parameters, and this module for "
        f"``inplace`` and ``memory``."
    )
    return function


globals().update({name: _function(_spec.get(name)) for name in _spec.names()})
__all__ = list(_spec.names())
