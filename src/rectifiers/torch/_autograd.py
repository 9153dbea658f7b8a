"""One ``torch.autograd.Function`` for every elementwise activation, keeping only what its
backward needs.

What the backward keeps (``keep``):

* ``"output"``: ``y``, wherever ``f'(x)`` can be recovered exactly from it (the spec's
  ``output_derivative_valid``; prelu needs every slope > 0 and a slope that learns nothing).
  The next layer keeps ``y`` anyway, so this costs nothing: PyTorch keeps the input of
  leaky_relu and prelu. elu and selu keep it only in place (the spec's
  ``output_derivative_cancels``).
* ``"input"``: ``x``, where the output cannot give the gradient exactly (elu, selu, a learned
  prelu slope, a negative leaky or elu alpha, a prelu slope <= 0), or when asked for with
  ``memory="input"``.
* ``"bits"``: the spec's 1-bit ``mask`` of ``x``, bit-packed (``memory="bits"``), for the
  piecewise-linear activations.
* rrelu in training keeps one int seed besides: the backward draws the forward's slopes again.
  Under ``torch.compile`` the compiler owns the random state, so it keeps the slopes instead.

The backward is written with differentiable ops, so double backward (gradient penalties) works.
"""

from __future__ import annotations

import torch

from .._apply import derivative_of, evaluate, kept_plan
from .._dtypes import working_dtype
from .._namespace import as_array
from .._random import uniform
from . import _bits
from ._kernels import EXACT_ON_CPU, FORWARD, FROM_INPUT, FROM_OUTPUT, NATIVE, aten, pack_mask, unpack_backward

XP, _ = as_array(torch.empty(0))


def _work(dtype, wide=False):
    return working_dtype(XP, dtype, wide)


def _rrelu_noise(spec, like, positive, params):
    """The factor rrelu multiplies by: 1 where ``positive``, elsewhere the training slope
    (``spec.draws``) drawn from the seed, every call the same (``_random.uniform``)."""
    (lower, upper), seed = spec.draws.bounds(params), params[spec.draws.seed]
    if seed is None:  # under torch.compile: the global generator, traced by the compiler
        return torch.empty_like(like).uniform_(lower, upper).masked_fill_(positive, 1.0)
    return uniform(XP, like, lower, upper, seed, ones_where=positive)


def _rrelu_training_backward(spec, g, positive, params):
    """``g`` times rrelu's training slopes, drawn again from the forward's seed."""
    like = torch.empty(positive.shape, dtype=_work(g.dtype), device=g.device)
    noise = _rrelu_noise(spec, like, positive, params)
    return (g * noise if torch.is_grad_enabled() else noise.mul_(g)).to(g.dtype)


def exact_here(spec, x) -> bool:
    """Whether ``spec``'s forward runs on the core's compiled kernels on ``x``'s memory
    (``exact_on_cpu``; not while torch.jit.trace records ops)."""
    return spec.name in EXACT_ON_CPU and _numpy_view(x) and not torch.jit.is_tracing()


def _plan(spec, params, kind="forward"):
    """The core's kept float32 plan (``rectifiers._apply.kept_plan``)."""
    return kept_plan(spec, kind, params)


def core_forward(spec, x, params, inplace, plan=None):
    """The core's compiled kernels on a NumPy view of ``x`` (no copy): ``rectifiers.*``'s bits.
    ``plan``: ``_plan(spec, params)``, where the caller keeps it."""
    view = x.detach().numpy() if x.requires_grad else x.numpy()
    plan = _plan(spec, params) if plan is None else plan
    y = plan(view) if plan is not None else None
    y = torch.from_numpy(evaluate(spec, view, params) if y is None else y)
    # in place through a copy: the core's out= aliasing its input gives wrong values (selu, sigmoid)
    return x.copy_(y) if inplace else y


#: Below this many elements, sigmoid and tanh with grad take ``core_over_native``: the autograd
#: function's own cost per call is then more than the extra pass of torch's op.
SMALL = 1 << 14


def core_over_native(spec, x, params, inplace, plan, at=None):
    """sigmoid or tanh with grad, for a small contiguous CPU float32 ``x``: torch's own op, for its
    autograd node (which keeps the output and differentiates it with the formula ``Rectify`` uses,
    ``sigmoid_backward`` / ``tanh_backward``), with the core's bits written over its output through
    a NumPy view (``plan``: ``_plan(spec, params)``), where autograd's saved output sees them too;
    ``at``: the same kernel on raw addresses (``_fast.at_addresses``), tried first out of place.
    """
    if at is not None and not inplace:
        y = NATIVE[spec.family](spec, x, params, False)
        if at(x.data_ptr(), y.data_ptr(), x.numel()):
            return y
        view, out = x.detach().numpy(), y.detach().numpy()  # an undecided lane: the plan settles it
        if plan(view, out) is None:
            out[...] = evaluate(spec, view, params)
        return y
    view = x.detach().numpy()
    core = None
    if inplace:  # computed before x is overwritten
        core = plan(view)
        core = evaluate(spec, view, params) if core is None else core
    y = NATIVE[spec.family](spec, x, params, inplace)
    out = y.detach().numpy()
    if core is None and plan(view, out) is None:  # out of place: straight into y's memory
        core = evaluate(spec, view, params)
    if core is not None:
        out[...] = core
    return y


def _forward(spec, x, weight, params, inplace):
    if spec.stochastic(params):
        work = _work(x.dtype)
        xw = x if x.dtype == work else x.to(work)
        noise = _rrelu_noise(spec, xw, xw > 0, params)
        if inplace and xw is x:
            return x.mul_(noise), noise
        y = xw * noise
        y = y if y.dtype == x.dtype else y.to(x.dtype)
        return (x.copy_(y) if inplace else y), noise
    if exact_here(spec, x):
        return core_forward(spec, x, params, inplace), None
    native = FORWARD.get(spec.family)
    if native is not None:
        return native(spec, x, weight, params, inplace), None
    y = spec.forward(x.to(_work(x.dtype)), XP, **params).to(x.dtype)
    return (x.copy_(y) if inplace else y), None


def _core_backward(spec, g, t, weight, params, from_output):
    """``g * f'`` (and prelu's full-size weight gradient) from the core's array-API math.

    Used where no native kernel fits, and for double backward: ATen's double-backward formulas
    pick the positive branch at exactly 0 (``elu_double_backward`` tests ``y < 0``,
    ``_prelu_kernel_backward``'s tests ``x >= 0``), the core's follow the kink rule.
    """
    if weight is not None:
        positive = t > 0
        return torch.where(positive, g, weight * g), torch.where(positive, torch.zeros_like(t), t * g)
    if _numpy_view(t) and not from_output and not torch.is_grad_enabled():
        view = t.detach().numpy()
        plan = _plan(spec, params, "derivative")
        d = plan(view) if plan is not None else None
        d = derivative_of(spec, view, params) if d is None else d
        return torch.from_numpy(d).mul_(g), None  # d is ours: g * d in its memory
    derivative = spec.output_derivative if from_output else spec.derivative
    work = _work(t.dtype, wide=spec.rounds_once)  # elu, selu: float64, rounded once
    return (g * derivative(t.to(work), XP, **params)).to(g.dtype), None


def _numpy_view(t) -> bool:
    """Whether f'(t) may run on a NumPy view of ``t``: the core's compiled kernels give its bits
    (float32 elu, selu: float64 math, rounded once) several times faster than its torch ops."""
    plain = type(t) in (torch.Tensor, torch.nn.Parameter)  # not a FakeTensor or another subclass
    return t.dtype == torch.float32 and plain and t.is_cpu and not torch.compiler.is_compiling()


def _from_bits(spec, g, mask, params):
    """``g * f'`` from the 1-bit mask: rrelu's training slopes drawn again, or f' = 1 on the mask
    and one slope off it (``spec.off_mask``), in one pass of ATen's ``leaky_relu_backward`` on the
    mask as 0.0/1.0; while a graph is built (double backward), the core's ``mask_derivative``.
    """
    if spec.stochastic(params):
        return _rrelu_training_backward(spec, g, mask, params)
    if torch.is_grad_enabled():
        like = torch.empty(mask.shape, dtype=_work(g.dtype), device=g.device)
        return (g * spec.mask_derivative(mask, like, XP, **params)).to(g.dtype)
    return aten.leaky_relu_backward(g, mask.to(g.dtype), spec.off_mask(params), False)


class Rectify(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, spec, items, keep, inplace):
        params = dict(items)
        packed = pack_mask(spec, x) if keep == "bits" else None  # before an in-place forward
        mask = spec.mask(x, XP) if keep == "bits" and packed is None else None
        y, noise = _forward(spec, x, weight, params, inplace)
        if inplace:
            ctx.mark_dirty(x)
        if keep == "output":
            kept = y
        elif keep == "input":
            kept = x
        else:
            kept = (packed if packed is not None else _bits.pack(mask)) if keep == "bits" else noise
        ctx.spec, ctx.params, ctx.keep, ctx.shape = spec, params, keep, x.shape
        ctx.save_for_backward(kept, weight)
        return y

    @staticmethod
    def backward(ctx, g):
        kept, weight = ctx.saved_tensors
        gradients = _gradients(
            ctx.spec, ctx.params, ctx.keep, ctx.shape, g, kept, weight, ctx.needs_input_grad[1]
        )
        return (*gradients, None, None, None, None)


def _gradients(spec, params, keep, shape, g, kept, weight, weight_grad: bool):
    """``(g * f', prelu's weight gradient or None)`` from what the forward kept (``keep``; ``shape``:
    the input's, for a bit mask)."""
    gw = None
    if keep == "noise":
        gx = (g * kept).to(g.dtype)
    elif keep == "bits":
        fused = not spec.stochastic(params) and not torch.is_grad_enabled()
        gx = unpack_backward(g, kept, spec.off_mask(params)) if fused else None
        if gx is None:
            gx = _from_bits(spec, g, _bits.unpack(kept, shape), params)
    elif spec.stochastic(params):
        gx = _rrelu_training_backward(spec, g, kept > 0, params)
    else:
        native = (FROM_OUTPUT if keep == "output" else FROM_INPUT).get(spec.family)
        if native is None or torch.is_grad_enabled():  # grad enabled: create_graph=True
            gx, gw = _core_backward(spec, g, kept, weight, params, from_output=keep == "output")
        else:
            gx, gw = native(spec, g, kept, weight, params)
    if weight is not None and weight_grad:  # kept the input: see _rectify._keep
        gw = gw.sum_to_size(weight.shape)
    return gx, gw


class AtAddresses(torch.autograd.Function):
    """``Rectify`` keeping the input, for a small contiguous CPU float32 tensor of a module whose
    parameters are fixed (``_rectify.Fixed``, the exp family): the forward and ``f'`` are the
    core's compiled kernels on the tensors' raw memory (``_fast.at_addresses``: no NumPy view,
    no plan lookup), the same bits as ``Rectify``'s; a lane the kernel leaves undecided, double
    backward, and everything else take ``Rectify``'s own code."""

    @staticmethod
    def forward(ctx, x, fixed):
        y = torch.empty_like(x)
        if not fixed.at(x.data_ptr(), y.data_ptr(), x.numel()):
            y = core_forward(fixed.spec, x, fixed.params, False, fixed.plan)
        ctx.fixed = fixed
        ctx.save_for_backward(x)
        return y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors  # a saved-tensors hook may have given another layout back
        fixed = ctx.fixed
        if not torch.is_grad_enabled() and x.is_contiguous() and _numpy_view(x):
            d = torch.empty_like(x)
            if fixed.at_derivative(x.data_ptr(), d.data_ptr(), x.numel()):
                return d.mul_(g), None
        return _gradients(fixed.spec, fixed.params, "input", x.shape, g, x, None, False)[0], None


#: ``Rectify.apply`` without ``torch.autograd.Function.apply``'s Python wrapper (about 1.5 µs a
#: call), which only unwraps torch.func's tensors: for eager calls outside every transform and
#: outside torch.compile (``_rectify`` calls ``Rectify.apply`` there).
apply_eager = super(torch.autograd.Function, Rectify).apply
#: ``AtAddresses.apply`` in the same way.
apply_at_addresses = super(torch.autograd.Function, AtAddresses).apply
