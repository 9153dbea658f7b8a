"""PyTorch's own ATen kernels for the activations it already has, called with our rules.

These hold no math of their own: each entry is a native kernel that computes what the core's
spec defines (the tests compare every entry with the core's ``forward``, ``derivative`` and
``output_derivative``). The tables are keyed by the spec's ``family`` and read the
spec's declared constants (``single_slope``, ``exp_constants``), never an activation's name.
``forward(spec, x, weight, params, inplace)`` returns ``f(x)``;
``from_output(spec, g, y, weight, params)`` and ``from_input(spec, g, x, weight, params)`` return
the input gradient and, for a learned slope (prelu's ``weight``), the full-size weight gradient to
be summed (else ``None``). A family missing from a table falls back to the core's array-API math.

Choices that make the native kernels follow the kink rule (``x > 0`` picks the positive branch,
NaN is not > 0): relu is ``threshold(x, 0, 0)`` (``x <= 0 ? 0 : x``, so relu(-0.0) = +0.0 and
NaN stays NaN; ``clamp_min`` gives -0.0), and its backward is ``leaky_relu_backward`` with
slope 0 (``y > 0 ? g : 0 * g``; ``threshold_backward`` would pass ``g`` at NaN).
"""

from __future__ import annotations

import torch

from .._apply import evaluate, planned
from .._fast._compiled import _native
from .._shapes import is_axis
from .._spec import get as spec_of, names

aten = torch.ops.aten
#: The same ATen kernels through torch's own Python bindings (what ``torch.nn.functional`` calls):
#: about 1 µs less per call than through ``torch.ops.aten``'s overload packets.
_nn = torch._C._nn


def _threshold(x, inplace):
    return torch.threshold_(x, 0.0, 0.0) if inplace else torch.threshold(x, 0.0, 0.0)


def _leaky(x, alpha, inplace):
    return _nn.leaky_relu_(x, alpha) if inplace else _nn.leaky_relu(x, alpha)


def _elu(spec, x, params, inplace):
    alpha, scale, _ = spec.exp_constants(params)
    return _nn.elu_(x, alpha, scale, 1.0) if inplace else _nn.elu(x, alpha, scale, 1.0)


def _leaky_forward(spec, x, w, p, inplace):
    if w is not None:  # a learned slope: torch.where, not aten._prelu_kernel (private, torch.export keeps it)
        if _eager_tensors(x, w):  # the same op in one pass (x > 0 ? x : w * x), where nothing records it
            return torch._prelu_kernel(x, w)
        return torch.where(x > 0, x, w * x)
    # the stochastic case (rrelu in training) draws its slopes in the autograd function
    return _leaky(x, spec.single_slope(p), inplace)


def _eager_tensors(*tensors) -> bool:
    """Plain tensors in eager mode: no tracer, compiler or exporter records the ops run on them."""
    if torch.compiler.is_compiling() or torch._C._get_tracing_state() is not None:
        return False
    return all(type(t) in (torch.Tensor, torch.nn.Parameter) for t in tensors)


#: From this many elements relu6's one compiled pass beats ATen's two: below, the plan's call
#: costs more than the second pass (64 elements: 9 µs against 4).
ONE_PASS_MIN = 1 << 14


def _relu6(spec, x, params, inplace):
    """relu6 by the kink rule (+0.0 at -0.0, NaN kept): out of place on CPU float32 the core's
    compiled kernel in one pass (its kept plan: blocks and threads); elsewhere ``threshold``, then
    ``clamp_max_`` (``hardtanh`` would keep -0.0)."""
    y = (
        planned(spec, "forward", x, params)
        if not inplace and x.numel() >= ONE_PASS_MIN and native_ready(x)
        else None
    )
    return _threshold(x, inplace).clamp_max_(6.0) if y is None else y


FORWARD = {
    "relu": lambda spec, x, w, p, inplace: _threshold(x, inplace),
    "relu6": lambda spec, x, w, p, inplace: _relu6(spec, x, p, inplace),
    "leaky": _leaky_forward,
    "elu": lambda spec, x, w, p, inplace: _elu(spec, x, p, inplace),
}


def _relu6_from_output(spec, g, y):
    """``g`` where low < y < high (the spec's ``mask_window``, 0 and 6), else 0: two slope-0 leaky
    backwards, on ``y - low`` and on ``high - y``.

    ``high - y > 0`` exactly where ``y < high``, and NaN passes neither test, as the kink rule
    says (``hardtanh_backward`` passes ``g`` at NaN on its scalar path). On CPU float32 the same
    in one pass (``_native.window``).
    """
    low, high = spec.mask_window
    if native_ready(g, y):
        out = torch.empty_like(g)
        _native.window(_view(g), _view(y), out.numpy(), low, high, 0.0)
        return out
    above = y - low if low else y  # (relu6: low is 0, no extra pass)
    return aten.leaky_relu_backward(aten.leaky_relu_backward(g, above, 0.0, True), high - y, 0.0, True)


#: Whether the extension has the fused backward kernels (an extension built from older sources
#: lacks them: then the ATen passes run).
_FUSED = _native is not None and hasattr(_native, "unpack_backward")


def native_ready(*tensors) -> bool:
    """Whether the compiled kernels may run on the tensors' memory: plain contiguous CPU float32
    tensors, in eager mode (not compiled, traced, fake or meta)."""
    if not _FUSED or not _eager_tensors(*tensors):
        return False
    return all(t.dtype == torch.float32 and t.is_cpu and t.is_contiguous() for t in tensors)


def _view(t):
    return t.detach().numpy()


def pack_mask(spec, x):
    """``_bits.pack(spec.mask(x))`` in one pass over ``x`` on CPU float32, else ``None``."""
    window = spec.mask_window  # what _native.pack packs: low < x < high
    if window is None or not native_ready(x):
        return None
    packed = torch.empty((x.numel() + 7) // 8, dtype=torch.uint8)
    _native.pack(_view(x), packed.numpy(), *window)
    return packed


def unpack_backward(g, packed, slope):
    """``g * f'`` from the packed mask, f' = 1 on it and ``slope`` off it, in one pass on CPU
    float32 (``leaky_relu_backward`` on the unpacked mask, fused), else ``None``."""
    if not native_ready(g) or packed.dtype != torch.uint8 or type(packed) is not torch.Tensor:
        return None
    out = torch.empty_like(g)
    _native.unpack_backward(_view(g), _view(packed), out.numpy(), float(slope))
    return out


def _leaky_from_output(spec, g, y, w, p):
    if w is not None:
        # With every slope > 0, y > 0 exactly where x > 0. Only for a slope that learns nothing: the
        # weight gradient needs x, which y = w * x loses where the product under- or overflows.
        return aten._prelu_kernel_backward(g, y, w)[0], None
    return aten.leaky_relu_backward(g, y, spec.single_slope(p), True), None


def _elu_from_output(spec, g, y, p):
    alpha, scale, _ = spec.exp_constants(p)
    return aten.elu_backward(g, alpha, scale, 1.0, True, y)


FROM_OUTPUT = {
    "relu": lambda spec, g, y, w, p: (aten.leaky_relu_backward(g, y, 0.0, True), None),
    "relu6": lambda spec, g, y, w, p: (_relu6_from_output(spec, g, y), None),
    "leaky": _leaky_from_output,
    "elu": lambda spec, g, y, w, p: (_elu_from_output(spec, g, y, p), None),
    # torch's own autograd formulas, for the exact forward above
    "sigmoid": lambda spec, g, y, w, p: (aten.sigmoid_backward(g, y), None),
    "tanh": lambda spec, g, y, w, p: (aten.tanh_backward(g, y), None),
}


def exact_on_cpu(spec) -> bool:
    """Whether torch's own forward kernel is not the core's bits, while the core's compiled kernels,
    run on a NumPy view of a CPU float32 tensor's memory, cost about as much
    (``benchmarks/torch_exactness.py``): there those run instead, and give ``rectifiers.*``'s bits.

    float32 sigmoid differs on 36% of values, up to 2 ulp; selu (the elu family with a scale) on a
    third, up to 2 ulp; tanh on 0.1%, 1 ulp; elu on 0.04%, 1 ulp. Since the AVX-512 kernels the
    core's elu is also faster than ATen's (0.33x; it was 1.9x on AVX2, when elu kept ATen's).
    """
    return spec.family in ("elu", "sigmoid", "tanh")


#: The registered activations ``exact_on_cpu`` picks (elu, selu, sigmoid, tanh).
EXACT_ON_CPU = tuple(name for name in names() if exact_on_cpu(spec_of(name)))


def _leaky_from_input(spec, g, x, w, p):
    if w is not None:
        return aten._prelu_kernel_backward(g, x, w)
    return aten.leaky_relu_backward(g, x, spec.single_slope(p), False), None


#: The elu family from its input uses the core's math (float64, rounded once; f'(NaN) = NaN):
#: ATen's ``elu_backward`` on the input gives 1 (or lambda) at NaN on its scalar tail and is up
#: to 2 ulp off for selu in float32.
FROM_INPUT = {"leaky": _leaky_from_input}


def _softmax(spec, x, params):
    """``torch.softmax``; a tuple of axes or a ``where`` (which torch's softmax does not take), or
    an axis that ``x`` lacks, goes to the core, which computes the first two and says what it
    accepts for the third."""
    axis = params["axis"]
    try:
        if is_axis(axis) and params.get("where") is None:
            return torch.softmax(x, axis)
    except IndexError:
        pass
    return evaluate(spec, x, params)


# Families PyTorch differentiates from their output already: used as they are.
NATIVE = {
    "sigmoid": lambda spec, x, p, inplace: x.sigmoid_() if inplace else torch.sigmoid(x),
    "tanh": lambda spec, x, p, inplace: x.tanh_() if inplace else torch.tanh(x),
    "softmax": lambda spec, x, p, inplace: _softmax(spec, x, p),
}
