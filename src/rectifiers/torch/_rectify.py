"""From a spec and a tensor to the activation: validation, dtype policy, what the backward keeps.

Parameters are validated by the core spec (``resolve``), never here. Tensors of integer dtypes
go to the core, which owns the dtype policy (they cannot require grad); bool and complex are
refused there. Float tensors go through :class:`~rectifiers.torch._autograd.Rectify`.
"""

from __future__ import annotations

import torch
from torch._subclasses.fake_tensor import is_fake
from torch.autograd import forward_ad

from .. import _spec as registry
from .._apply import evaluate, prepared_at_addresses, read_numbers
from .._functional import _slope_array
from .._namespace import check_strided
from .._shapes import broadcasts_into
from ._autograd import (
    SMALL,
    XP,
    Rectify,
    _forward,
    _plan,
    _work,
    apply_at_addresses,
    apply_eager,
    core_forward,
    core_over_native,
    exact_here,
)
from ._kernels import EXACT_ON_CPU as _EXACT, NATIVE
from ._small import choose as _choose_small, small as _small

#: What the backward may keep: ``"auto"`` (the output where it gives the exact gradient, else
#: the input), ``"input"`` (as torch.nn does) or ``"bits"`` (a 1-bit mask per element).
MEMORY = ("auto", "input", "bits")


def _compiling() -> bool:
    return torch.compiler.is_compiling()


def _apply(*args):
    """``Rectify.apply``; in eager mode without its Python wrapper (``apply_eager``)."""
    return Rectify.apply(*args) if _compiling() else apply_eager(*args)


def _concrete(t) -> bool:
    """Whether ``t``'s values may be read without a device sync or a trace break: a plain CPU
    tensor, outside torch.compile (not meta, not a FakeTensor, not on an accelerator)."""
    return type(t) in (torch.Tensor, torch.nn.Parameter) and t.device.type == "cpu" and not _compiling()


def _check_call(spec, x, memory, inplace):
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"rectifiers.torch.{spec.name} takes a torch.Tensor. Received: {type(x).__name__}. "
            f"For other arrays use rectifiers.{spec.name}."
        )
    check_strided(torch, x)
    where = f"rectifiers.torch.{spec.name}"
    if memory not in MEMORY:
        raise ValueError(f"{where}: memory must be one of {MEMORY}. Received: memory={memory!r}")
    if not isinstance(inplace, bool):
        raise TypeError(f"{where}: inplace must be True or False. Received: inplace={inplace!r}")
    if inplace and not spec.in_place:
        raise ValueError(f"rectifiers.torch.{spec.name} has no in-place form. Received: inplace=True")
    if memory == "bits" and spec.mask is None:
        raise ValueError(
            f"rectifiers.torch.{spec.name}: memory='bits' needs a derivative that one bit per element "
            f"decides (relu, relu6, leaky_relu, rrelu); use memory='auto'. Received: memory='bits'"
        )


def _call_seed(seed, x, replay: bool):
    """An int for this call, so that the backward (``replay``) draws the forward's slopes again;
    ``None`` (draw from torch's generator) where nothing is replayed, or where no seeded draw can
    run: under torch.compile, on meta or fake tensors."""
    if _compiling() or x.device.type == "meta" or type(x) is not torch.Tensor and is_fake(x):
        return None
    if seed is None and not replay:
        return None
    if seed is None or isinstance(seed, torch.Generator):
        return int(torch.randint(0, 2**62, (), generator=seed))
    return int(seed)


def _weight(spec, x, params, checked=False):
    """prelu's slope as a tensor of ``x``'s dtype that broadcasts against ``x`` (others: None);
    ``checked``: its shape was checked against ``x`` already (a module's ``_slopes``)."""
    learned = spec.learned
    if not learned:
        return None
    alpha = params.pop(learned[0])
    if not isinstance(alpha, torch.Tensor):
        return torch.tensor(alpha, dtype=x.dtype, device=x.device)
    fits = checked or broadcasts_into(alpha.shape, x.shape)
    if alpha.dtype == torch.bool or alpha.is_complex() or not fits:
        _slope_array(x, XP, alpha.detach())  # the core's message; shapes and dtypes only, no values
    return alpha if alpha.dtype == x.dtype else alpha.to(x.dtype)


def _all_positive(weight) -> bool:
    """Every slope > 0, where that can be read for free (see ``_concrete``); elsewhere ``False``:
    keep the input, with no data-dependent branch and no device sync."""
    return weight is None or (_concrete(weight) and bool((weight > 0).all()))


def _keep(spec, params, weight, memory, inplace):
    if spec.stochastic(params) and params[spec.draws.seed] is None:
        return "noise"
    if memory == "bits":
        return "bits"
    valid = spec.output_derivative is not None and spec.output_derivative_valid(params)
    # prelu's weight gradient needs x: y = w * x loses it where the product under- or overflows.
    learns = weight is not None and weight.requires_grad
    if valid and (inplace or not learns):  # where the answer matters: read the slopes
        valid = _all_positive(weight)
    exact = valid and not spec.output_derivative_cancels and not learns
    if memory == "auto" and (exact or (inplace and valid)):
        return "output"
    if inplace:
        raise ValueError(
            f"rectifiers.torch.{spec.name}: in-place would overwrite the input that the backward needs "
            f"(the output does not determine the gradient for these parameters); use inplace=False. "
            f"Received: {', '.join(f'{k}={v!r}' for k, v in params.items())}, memory={memory!r}"
        )
    return "input"


def _transformed(x) -> bool:
    """Whether ``x`` is under a torch.func transform (vmap, grad, jacrev, jvp...) or forward-mode
    AD: there the call is the core's differentiable math, which the transforms see through."""
    return torch._C._are_functorch_transforms_active() or forward_ad._current_level >= 0


def _differentiable(spec, x, weight, params, inplace):
    """The core's math on ``x``, differentiated by autograd and torch.func (the same kink rule:
    it is written with ``where(x > 0, ...)``). For torch.func and forward-mode AD."""
    if weight is not None:
        params[spec.learned[0]] = weight
    y = spec.forward(x.to(_work(x.dtype, wide=spec.rounds_once)), XP, **params).to(x.dtype)
    return x.copy_(y) if inplace else y


def _needs_grad(x, weight) -> bool:
    return torch.is_grad_enabled() and (x.requires_grad or weight is not None and weight.requires_grad)


def _prepare(spec, x, params, memory, inplace):
    """The checks and the resolved parameters: what a call knows before it computes."""
    _check_call(spec, x, memory, inplace)
    return read_numbers(spec, spec.resolve(**params))  # a 0-d tensor slope: the number it holds


def check(spec, params: dict, *, memory="auto", inplace=False):
    """Every check ``rectify`` makes that needs no input: a module's checks at construction."""
    x = torch.empty(0)
    params = _prepare(spec, x, params, memory, inplace)
    if spec.family not in NATIVE:
        _keep(spec, params, _weight(spec, x, params), memory, inplace)


def rectify(spec, x, params: dict, *, memory="auto", inplace=False, resolved=False):
    """``spec`` applied to the tensor ``x`` with ``params`` (validated, defaults filled in;
    ``resolved``: already validated and complete, as a module's are)."""
    if resolved:
        _check_call(spec, x, memory, inplace)
    else:
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
    native = NATIVE.get(spec.family)
    if native is not None and exact_here(spec, x) and not _transformed(x):  # sigmoid, tanh on CPU
        if _needs_grad(x, None):  # the core's forward, torch's backward from the output
            return _apply(x, None, spec, tuple(params.items()), "output", inplace)
        return core_forward(spec, x, params, inplace)
    if native is not None:
        return native(spec, x, params, inplace)
    weight = _weight(spec, x, params, checked=resolved)
    if _transformed(x):
        return _differentiable(spec, x, weight, params, inplace)
    backward = not torch.jit.is_tracing() and _needs_grad(x, weight)
    if spec.stochastic(params):
        params[spec.draws.seed] = _call_seed(params[spec.draws.seed], x, replay=backward)
    if not backward:  # the forward alone
        return _forward(spec, x, weight, params, inplace)[0]
    keep = _keep(spec, params, weight, memory, inplace)
    return _apply(x, weight, spec, tuple(params.items()), keep, inplace)


_is_compiling, _tracing_state = torch.compiler.is_compiling, torch._C._get_tracing_state
_functorch_active = torch._C._are_functorch_transforms_active


def _eager(x) -> bool:
    """Whether a call on ``x`` is plain eager work: a float ``torch.Tensor`` (no subclass), no
    torch.func transform, no forward-mode AD, not traced, not compiled (``_transformed`` and
    ``_compiling`` spelled out: this runs on every module call)."""
    return (
        type(x) is torch.Tensor
        and x.layout is torch.strided
        and x.is_floating_point()
        and not _is_compiling()
        and _tracing_state() is None
        and not _functorch_active()
        and forward_ad._current_level < 0
    )


#: Up to this many elements a call may run the core's kernel on raw addresses without releasing
#: the GIL (``_fast.at_addresses``): where a NumPy view and a plan cost more than the values.
AT_MOST = 1 << 12


class Fixed:
    """``rectify`` for parameters fixed once (a module's, checked and resolved at construction):
    what ``rectify`` decides from the parameters alone (what the backward keeps, which kernel)
    is decided here once, and an eager call on a float tensor only computes. Anything else
    (another dtype or tensor type, a transform, a tracer, the compiler) takes ``rectify`` itself.
    """

    def __init__(self, spec, params: dict, memory: str, inplace: bool):
        self.spec, self.params, self.memory, self.inplace = spec, params, memory, inplace
        self.items = tuple(params.items())
        self.native = NATIVE.get(spec.family)
        self.core = spec.name in _EXACT  # sigmoid, tanh, selu: the core's kernels on CPU float32
        self.plan = _plan(spec, params) if self.core else None
        #: the core's kernel on a small tensor's raw memory (no NumPy view, no plan): ``_fast.at_addresses``
        self.at = prepared_at_addresses(spec, "forward", params) if self.core else None
        self.keep = "output" if self.native is not None else _keep(spec, dict(params), None, memory, inplace)
        #: f' on raw memory, where the backward keeps the input: ``AtAddresses``'s backward
        lean = self.at is not None and self.native is None and self.keep == "input" and not inplace
        self.at_derivative = prepared_at_addresses(spec, "derivative", params) if lean else None
        #: (call, size): torch's own autograd node for a small tensor (``_small``), or None
        self.small = None if self.native is not None else _choose_small(spec, params, self.keep, inplace)

    def __call__(self, x):
        if not _eager(x):
            params = dict(self.params)
            return rectify(self.spec, x, params, memory=self.memory, inplace=self.inplace, resolved=True)
        grad = x.requires_grad and torch.is_grad_enabled()
        if grad and self.small is not None and _small(x, self.small[1]):
            return self.small[0](x)
        spec, params, inplace = self.spec, self.params, self.inplace
        if self.core and x.dtype == torch.float32 and x.is_cpu:  # the core's bits
            if not grad:
                if self.at is not None and not inplace and x.numel() <= AT_MOST and x.is_contiguous():
                    y = torch.empty_like(x)
                    if self.at(x.data_ptr(), y.data_ptr(), x.numel()):  # else a lane was undecided
                        return y
                return core_forward(spec, x, params, inplace, self.plan)
            if self.native is not None and self.plan is not None and x.numel() < SMALL and x.is_contiguous():
                at = self.at if x.numel() <= AT_MOST else None
                return core_over_native(spec, x, params, inplace, self.plan, at)
            if self.at_derivative is not None and x.numel() <= AT_MOST and x.is_contiguous():
                return apply_at_addresses(x, self)
            return apply_eager(x, None, spec, self.items, self.keep, inplace)
        if self.native is not None:
            return self.native(spec, x, params, inplace)
        if not grad:
            return _forward(spec, x, None, params, inplace)[0]
        return apply_eager(x, None, spec, self.items, self.keep, inplace)

    def __reduce__(self):  # pickled by name: the spec's functions are not picklable
        return (_fixed, (self.spec.name, self.params, self.memory, self.inplace))


def _fixed(name, params, memory, inplace):
    return Fixed(registry.get(name), params, memory, inplace)
