"""PyTorch's own ATen kernels for the activations it already has, called with our rules.

These hold no math of their own: each entry is a native kernel that computes what the core's
spec defines (the tests compare every entry with the core's ``forward``, ``derivative`` and
``output_derivative``). ``forward(x, weight, params, inplace)`` returns ``f(x)``;
``from_output(g, y, weight, params)`` and ``from_input(g, x, weight, params)`` return the
input gradient and, for prelu, the full-size weight gradient to be summed (else ``None``).
An activation missing from a table falls back to the core's array-API math.

Choices that make the native kernels follow the kink rule (``x > 0`` picks the positive branch,
NaN is not > 0): relu is ``threshold(x, 0, 0)`` (``x <= 0 ? 0 : x``, so relu(-0.0) = +0.0 and
NaN stays NaN; ``clamp_min`` gives -0.0), and its backward is ``leaky_relu_backward`` with
slope 0 (``y > 0 ? g : 0 * g``; ``threshold_backward`` would pass ``g`` at NaN).
"""

from __future__ import annotations

import torch

from .._apply import evaluate
from .._constants import SELU_ALPHA, SELU_SCALE
from .._functional import rrelu_mean_slope
from .._spec import get

aten = torch.ops.aten


def _mean_slope(params):
    """rrelu's slope outside training, as the core defines it."""
    return rrelu_mean_slope(params["lower"], params["upper"])


def _threshold(x, inplace):
    return torch.nn.functional.threshold(x, 0.0, 0.0, inplace=inplace)


def _leaky(x, alpha, inplace):
    return aten.leaky_relu_(x, alpha) if inplace else aten.leaky_relu(x, alpha)


def _elu(x, alpha, scale, inplace):
    return aten.elu_(x, alpha, scale, 1.0) if inplace else aten.elu(x, alpha, scale, 1.0)


FORWARD = {
    "relu": lambda x, w, p, inplace: _threshold(x, inplace),
    "relu6": lambda x, w, p, inplace: _threshold(x, inplace).clamp_max_(6.0),
    "leaky_relu": lambda x, w, p, inplace: _leaky(x, p["alpha"], inplace),
    "elu": lambda x, w, p, inplace: _elu(x, p["alpha"], 1.0, inplace),
    "selu": lambda x, w, p, inplace: _elu(x, SELU_ALPHA, SELU_SCALE, inplace),
    "prelu": lambda x, w, p, inplace: aten._prelu_kernel(x, w),
    # rrelu in training draws its slopes in the autograd function; this is evaluation.
    "rrelu": lambda x, w, p, inplace: _leaky(x, _mean_slope(p), inplace),
}


def _relu6_from_output(g, y):
    """``g`` where 0 < y < 6, else 0: two slope-0 leaky backwards, on ``y`` and on ``6 - y``.

    ``6 - y > 0`` exactly where ``y < 6``, and NaN passes neither test, as the kink rule says
    (``hardtanh_backward`` passes ``g`` at NaN on its scalar path).
    """
    return aten.leaky_relu_backward(aten.leaky_relu_backward(g, y, 0.0, True), 6.0 - y, 0.0, True)


FROM_OUTPUT = {
    "relu": lambda g, y, w, p: (aten.leaky_relu_backward(g, y, 0.0, True), None),
    "relu6": lambda g, y, w, p: (_relu6_from_output(g, y), None),
    "leaky_relu": lambda g, y, w, p: (aten.leaky_relu_backward(g, y, p["alpha"], True), None),
    "elu": lambda g, y, w, p: (aten.elu_backward(g, p["alpha"], 1.0, 1.0, True, y), None),
    "selu": lambda g, y, w, p: (aten.elu_backward(g, SELU_ALPHA, SELU_SCALE, 1.0, True, y), None),
    # With every slope > 0, y > 0 exactly where x > 0. Only for a slope that learns nothing: the
    # weight gradient needs x, which y = w * x loses where the product under- or overflows.
    "prelu": lambda g, y, w, p: (aten._prelu_kernel_backward(g, y, w)[0], None),
    "rrelu": lambda g, y, w, p: (aten.leaky_relu_backward(g, y, _mean_slope(p), True), None),
}

#: elu and selu from their input use the core's math (float64, rounded once; f'(NaN) = NaN):
#: ATen's ``elu_backward`` on the input gives 1 (or lambda) at NaN on its scalar tail and is up
#: to 2 ulp off for selu in float32.
FROM_INPUT = {
    "leaky_relu": lambda g, x, w, p: (aten.leaky_relu_backward(g, x, p["alpha"], False), None),
    "prelu": lambda g, x, w, p: aten._prelu_kernel_backward(g, x, w),
}

#: From the output, elu'(x) = y + alpha (selu: y + lambda * alpha) cancels as y -> -alpha: it
#: loses the digits of alpha * e^x (x = -20 in float32 gives 0, exact 2.1e-9). So ``"auto"``
#: keeps their input; only in place, where the input is gone, do they use the output, within
#: eps * alpha of the exact derivative (eps of the input's dtype; docs/accuracy.md).
CANCELS_FROM_OUTPUT = ("elu", "selu")

#: ``memory="bits"`` outside rrelu's training: f' is 1 on the mask and one slope off it, which
#: ATen's ``leaky_relu_backward`` applies to the mask as 0.0/1.0 in one pass (the tests compare
#: each slope with the core's ``mask_derivative``).
OFF_MASK = {
    "relu": lambda p: 0.0,
    "relu6": lambda p: 0.0,
    "leaky_relu": lambda p: p["alpha"],
    "rrelu": _mean_slope,
}


def _softmax(x, axis):
    """``torch.softmax``; an axis that ``x`` lacks goes to the core, which says what it accepts."""
    try:
        return torch.softmax(x, axis)
    except IndexError:
        return evaluate(get("softmax"), x, {"axis": axis})


# Activations PyTorch differentiates from their output already: used as they are.
NATIVE = {
    "sigmoid": lambda x, p, inplace: x.sigmoid_() if inplace else torch.sigmoid(x),
    "tanh": lambda x, p, inplace: x.tanh_() if inplace else torch.tanh(x),
    "softmax": lambda x, p, inplace: _softmax(x, p["axis"]),
}

#: No in-place form: prelu (PyTorch has none) and softmax.
NO_INPLACE = ("prelu", "softmax")
