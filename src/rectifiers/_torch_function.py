"""An elementwise activation on a torch tensor that needs a gradient, as one autograd node.

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


class Elementwise(torch.autograd.Function):
    """``value(x)``, differentiated as ``g * derivative(x, graph)``: ``graph`` says whether the
    derivative must itself be differentiable (a backward that builds a graph). ``planned(x,
    kind)``, the same value (``"forward"``) or derivative from a kept plan, is tried first."""

    @staticmethod
    def forward(ctx, x, planned, value, derivative):
        ctx.planned, ctx.derivative = planned, derivative
        ctx.save_for_backward(x)
        y = planned(x.detach(), "forward")
        return value(x.detach()) if y is None else y

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a derivative autograd can differentiate
            return (g * ctx.derivative(x, True)).to(g.dtype), None, None, None
        d = ctx.planned(x.detach(), "derivative")
        if d is not None:
            return d.mul_(g), None, None, None  # d is new, float32 as g: g * d in its memory
        return (g * ctx.derivative(x.detach(), False)).to(g.dtype), None, None, None


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


def applies(x) -> bool:
    """Whether ``x`` is a plain eager float tensor whose result needs a gradient: not under
    torch.compile, ``torch.jit.trace``, a torch.func transform or forward-mode AD, which see
    the core's math op by op."""
    return (
        type(x) in (torch.Tensor, torch.nn.Parameter)
        and x.requires_grad
        and torch.is_grad_enabled()
        and x.is_floating_point()
        and not torch.compiler.is_compiling()
        and torch._C._get_tracing_state() is None
        and not torch._C._are_functorch_transforms_active()
        and torch.autograd.forward_ad._current_level < 0
    )
