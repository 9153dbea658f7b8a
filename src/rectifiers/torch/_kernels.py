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

from .._apply import evaluate
from .._shapes import is_axis
from .._spec import get as spec_of, names

aten = torch.ops.aten


def _threshold(x, inplace):
    return torch.nn.functional.threshold(x, 0.0, 0.0, inplace=inplace)


def _leaky(x, alpha, inplace):
    return aten.leaky_relu_(x, alpha) if inplace else aten.leaky_relu(x, alpha)


def _elu(spec, x, params, inplace):
    alpha, scale, _ = spec.exp_constants(params)
    return aten.elu_(x, alpha, scale, 1.0) if inplace else aten.elu(x, alpha, scale, 1.0)


def _leaky_forward(spec, x, w, p, inplace):
    if w is not None:  # a learned slope: torch.where, not aten._prelu_kernel (private, torch.export keeps it)
        return torch.where(x > 0, x, w * x)
    # the stochastic case (rrelu in training) draws its slopes in the autograd function
    return _leaky(x, spec.single_slope(p), inplace)


FORWARD = {
    "relu": lambda spec, x, w, p, inplace: _threshold(x, inplace),
    "relu6": lambda spec, x, w, p, inplace: _threshold(x, inplace).clamp_max_(6.0),
    "leaky": _leaky_forward,
    "elu": lambda spec, x, w, p, inplace: _elu(spec, x, p, inplace),
}


def _relu6_from_output(g, y):
    """``g`` where 0 < y < 6, else 0: two slope-0 leaky backwards, on ``y`` and on ``6 - y``.

    ``6 - y > 0`` exactly where ``y < 6``, and NaN passes neither test, as the kink rule says
    (``hardtanh_backward`` passes ``g`` at NaN on its scalar path).
    """
    return aten.leaky_relu_backward(aten.leaky_relu_backward(g, y, 0.0, True), 6.0 - y, 0.0, True)


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
    "relu6": lambda spec, g, y, w, p: (_relu6_from_output(g, y), None),
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
    third, up to 2 ulp; tanh on 0.1%, 1 ulp. elu (scale 1) is exact too but 1.9x slower than
    ATen's: it keeps ATen's forward, within 1 ulp.
    """
    if spec.family == "elu":
        return len(spec.params) == 0 and spec.exp_constants({})[1] != 1.0
    return spec.family in ("sigmoid", "tanh")


#: The registered activations ``exact_on_cpu`` picks (sigmoid, tanh, selu).
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
