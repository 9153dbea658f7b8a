"""From a spec and a tensor to the activation: validation, dtype policy, what the backward keeps.

Parameters are validated by the core spec (``resolve``), never here. Tensors of integer dtypes
go to the core, which owns the dtype policy (they cannot require grad); bool and complex are
refused there. Float tensors go through :class:`~rectifiers.torch._autograd.Rectify`.
"""

from __future__ import annotations

import torch

from .._apply import evaluate
from .._functional import _slope_array
from ._autograd import XP, Rectify
from ._kernels import CANCELS_FROM_OUTPUT, NATIVE, NO_INPLACE

#: What the backward may keep: ``"auto"`` (the output where it gives the exact gradient, else
#: the input), ``"input"`` (as torch.nn does) or ``"bits"`` (a 1-bit mask per element).
MEMORY = ("auto", "input", "bits")


def _compiling() -> bool:
    return torch.compiler.is_compiling()


def _check_call(spec, x, memory, inplace):
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"rectifiers.torch.{spec.name} takes a torch.Tensor. Received: {type(x).__name__}. "
            f"For other arrays use rectifiers.{spec.name}."
        )
    where = f"rectifiers.torch.{spec.name}"
    if memory not in MEMORY:
        raise ValueError(f"{where}: memory must be one of {MEMORY}. Received: memory={memory!r}")
    if not isinstance(inplace, bool):
        raise TypeError(f"{where}: inplace must be True or False. Received: inplace={inplace!r}")
    if inplace and spec.name in NO_INPLACE:
        raise ValueError(f"rectifiers.torch.{spec.name} has no in-place form. Received: inplace=True")
    if memory == "bits" and spec.mask is None:
        raise ValueError(
            f"rectifiers.torch.{spec.name}: memory='bits' needs a derivative that one bit per element "
            f"decides (relu, relu6, leaky_relu, rrelu); use memory='auto'. Received: memory='bits'"
        )


def _call_seed(seed):
    """An int for this call, so that the backward draws the forward's slopes again."""
    if _compiling():
        return None
    if seed is None or isinstance(seed, torch.Generator):
        return int(torch.randint(0, 2**62, (), generator=seed))
    return int(seed)


def _weight(spec, x, params):
    """prelu's slope as a tensor of ``x``'s dtype that broadcasts against ``x`` (others: None)."""
    learned = [p.name for p in spec.params if p.init is not None]
    if not learned:
        return None
    alpha = params.pop(learned[0])
    if not isinstance(alpha, torch.Tensor):
        return torch.tensor(alpha, dtype=x.dtype, device=x.device)
    if not _compiling():
        _slope_array(x, XP, alpha.detach())  # the core's checks: real, broadcasts into x, finite
    return alpha.to(x.dtype)


def _all_positive(weight) -> bool:
    # A data-dependent branch: under torch.compile keep the input (no graph break).
    return weight is None or (not _compiling() and bool((weight > 0).all()))


def _keep(spec, params, weight, memory, inplace):
    if spec.name == "rrelu" and params["training"] and params["seed"] is None:
        return "noise"
    if memory == "bits":
        return "bits"
    valid = spec.output_derivative is not None and spec.output_derivative_valid(params)
    valid = valid and _all_positive(weight)
    # prelu's weight gradient needs x: y = w * x loses it where the product under- or overflows.
    learns = weight is not None and weight.requires_grad
    exact = valid and spec.name not in CANCELS_FROM_OUTPUT and not learns
    if memory == "auto" and (exact or (inplace and valid)):
        return "output"
    if inplace:
        raise ValueError(
            f"rectifiers.torch.{spec.name}: in-place would overwrite the input that the backward needs "
            f"(the output does not determine the gradient for these parameters); use inplace=False. "
            f"Received: {', '.join(f'{k}={v!r}' for k, v in params.items())}, memory={memory!r}"
        )
    return "input"


def _prepare(spec, x, params, memory, inplace):
    """The checks and the resolved parameters: what a call knows before it computes."""
    _check_call(spec, x, memory, inplace)
    return spec.resolve(**params)


def check(spec, params: dict, *, memory="auto", inplace=False):
    """Every check ``rectify`` makes that needs no input: a module's checks at construction."""
    x = torch.empty(0)
    params = _prepare(spec, x, params, memory, inplace)
    if spec.name not in NATIVE:
        _keep(spec, params, _weight(spec, x, params), memory, inplace)


def rectify(spec, x, params: dict, *, memory="auto", inplace=False):
    """``spec`` applied to the tensor ``x`` with ``params`` (validated, defaults filled in)."""
    params = _prepare(spec, x, params, memory, inplace)
    if not x.is_floating_point():
        y = evaluate(spec, x, params)
        if not inplace:
            return y
        if y.dtype != x.dtype:
            raise TypeError(
                f"rectifiers.torch.{spec.name}: inplace=True needs a result of the input's dtype. "
                f"Received: {x.dtype} input, whose result is {y.dtype}"
            )
        return x.copy_(y)
    native = NATIVE.get(spec.name)
    if native is not None:
        return native(x, params, inplace)
    weight = _weight(spec, x, params)
    if spec.name == "rrelu" and params["training"]:
        params["seed"] = _call_seed(params["seed"])
    keep = _keep(spec, params, weight, memory, inplace)
    return Rectify.apply(x, weight, spec, tuple(params.items()), keep, inplace)
