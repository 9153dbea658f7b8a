"""An elementwise activation on a torch tensor that needs a gradient, as one autograd node; and
prelu with a tensor of slopes (a learned weight) the same way (``Sloped``).

Without it, autograd records the core's math op by op (the casts to the working dtype, each
``where``, ``expm1``) and differentiates every one of them: float64 passes and a saved tensor
per op. Here the forward is the core's value, computed without a graph (on a CPU float32
tensor, its compiled kernels on the tensor's memory), and the backward is
:math:`\\bar x = \\bar y \\, f'(x)` with the spec's derivative, which follows the kink rule.
The node keeps ``x``, as ``torch.nn.functional.elu`` does.

A second derivative (``create_graph=True``) differentiates the derivative's math in torch
ops, so Hessians come out as before. Imported only once a torch tensor was passed in (the core's
other framework adapter is ``_tensorflow_namespace``).
"""

import torch

aten = torch.ops.aten


class Elementwise(torch.autograd.Function):
    """``value(x)``, differentiated as ``g * derivative(x, graph)``: ``graph`` says whether the
    derivative must itself be differentiable (a backward that builds a graph). ``planned(x,
    kind)``, the same value (``"forward"``) or derivative from a kept plan, is tried first.

    ``slope``: where f' is 1 for x > 0 and one number below (NaN included), that number, else
    ``None``. Then ``g * f'`` in float32 and float64 is ATen's ``leaky_relu_backward`` (``x > 0 ? g
    : g * slope``, the slope rounded to the dtype as the derivative is), one pass where the
    derivative and the product were two."""

    @staticmethod
    def forward(ctx, x, planned, value, derivative, slope=None):
        ctx.planned, ctx.derivative, ctx.slope = planned, derivative, slope
        ctx.save_for_backward(x)
        y = planned(x.detach(), "forward")
        return value(x.detach()) if y is None else y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a derivative autograd can differentiate
            return (g * ctx.derivative(x, True)).to(g.dtype), None, None, None, None
        if ctx.slope is not None and x.dtype in (torch.float32, torch.float64) and g.dtype == x.dtype:
            return aten.leaky_relu_backward(g, x.detach(), ctx.slope, False), None, None, None, None
        d = ctx.planned(x.detach(), "derivative")
        if d is not None:
            return d.mul_(g), None, None, None, None  # d is new, float32 as g: g * d in its memory
        return (g * ctx.derivative(x.detach(), False)).to(g.dtype), None, None, None, None


class FromOutput(torch.autograd.Function):
    """``value(x)``, differentiated as ``tangent(y, g)`` from its output ``y`` alone: the node
    keeps ``y``, as ``torch.softmax``'s does. A backward that builds a graph differentiates
    ``tangent``'s torch ops, through ``y`` and this node again."""

    @staticmethod
    def forward(ctx, x, value, tangent):
        y = value(x.detach())
        ctx.tangent = tangent
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return ctx.tangent(y, g).to(g.dtype), None, None


class Sloped(torch.autograd.Function):
    """``formula(x, w)``, prelu with slopes ``w`` of ``x``'s dtype that broadcast against ``x``
    (``x > 0 ? x : w * x``), with the bits autograd gives for ``formula`` written as
    ``where(x > 0, x, w * where(x > 0, 0, x))``, in fewer passes.

    ``torch.where`` on a boolean mask is a slow pass on CPU (about ten ``torch.relu``'s at (256,
    256)), and that formula, differentiated op by op, is eight of them. Here every pass selects
    on float values: the forward is ATen's ``_prelu_kernel`` (the same select and product), and
    the backward selects on ``s``, 1 where x > 0 and -1 elsewhere (NaN is not > 0)::

        dx = g * (x > 0 ? 1 : w) + 0.0   (the where's two branches summed: never -0.0)
        dw = x > 0 ? +0.0 : g * x        (full size: autograd sums it to w's shape)

    It takes an ``x`` whose elements fill its memory (``dense``) and brings ``g`` to ``x``'s
    layout first, as the formula's ``where``'s do: every pass then runs in one layout, vectorized
    as the formula's arithmetic is (the bits of NaN in float16 and bfloat16 differ between
    ATen's vector and scalar loops), ``dx`` has ``x``'s strides, and summing ``dw`` adds in the
    formula's order. A backward that builds a graph (``create_graph=True``) differentiates ``formula``
    op by op instead, so second derivatives are as before.
    """

    @staticmethod
    def forward(ctx, x, w, formula):
        ctx.formula = formula
        ctx.save_for_backward(x, w)
        return torch._prelu_kernel(x, w)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        wants = ctx.needs_input_grad[:2]
        if torch.is_grad_enabled():
            return (*_formula_gradients(ctx.formula, x, w, g, wants), None)
        if g.stride() != x.stride():
            g = torch.empty_like(x).copy_(g)
        s = aten.leaky_relu_backward(x.new_ones(()), x, -1.0, False)  # 1 where x > 0, else -1
        dx = dw = None
        if wants[0]:
            dx = (g * torch._prelu_kernel(s, -w)).add_(0.0)  # (-w) * (-1) is w, exactly
        if wants[1]:
            dw = aten.threshold_backward(g * x, -s, 0.0)
        return dx, dw, None


def _formula_gradients(formula, x, w, g, wants):
    """``formula``'s vector-Jacobian product for the inputs in ``wants``, as a graph."""
    with torch.enable_grad():
        inputs = [t for t, want in zip((x, w), wants, strict=True) if want]
        grads = iter(torch.autograd.grad(formula(x, w), inputs, g, create_graph=True))
    return tuple(next(grads) if want else None for want in wants)


def sloped(x, w, formula):
    """``formula(x, w)`` (prelu with slopes ``w``) on eager torch tensors: ``Sloped`` where a
    gradient is needed, else ``_prelu_kernel`` alone; ``None`` where a tracer or transform must
    see ``formula`` op by op, ``w`` is not a tensor of ``x``'s dtype and device, or ``x`` has gaps
    or overlaps in its memory."""
    if not (eager(x, w) and w.dtype == x.dtype and w.device == x.device and dense(x)):
        return None
    if torch.is_grad_enabled() and (x.requires_grad or w.requires_grad):
        return Sloped.apply(x, w, formula)
    return torch._prelu_kernel(x, w)


def dense(t) -> bool:
    """Whether ``t``'s elements fill its memory, without gaps or overlaps, in some order of its axes
    (contiguous, channels-last, transposed)."""
    expected = 1
    for stride, size in sorted((st, n) for st, n in zip(t.stride(), t.shape, strict=True) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _plain(t) -> bool:
    return type(t) in (torch.Tensor, torch.nn.Parameter)


def applies(x) -> bool:
    """Whether ``x`` is an eager float tensor (``eager``) whose result needs a gradient."""
    return x.requires_grad and torch.is_grad_enabled() and eager(x)


def eager(*tensors) -> bool:
    """Whether the tensors are plain strided float tensors, not under torch.compile,
    ``torch.jit.trace``, a torch.func transform or forward-mode AD, which see the core's math op
    by op."""
    return (
        all(_plain(t) and t.is_floating_point() and t.layout is torch.strided for t in tensors)
        and not torch.compiler.is_compiling()
        and torch._C._get_tracing_state() is None
        and not torch._C._are_functorch_transforms_active()
        and torch.autograd.forward_ad._current_level < 0
    )
