"""Small eager calls whose autograd node is one of torch's own: no Python in the backward.

A ``torch.autograd.Function`` costs about 5 µs per forward and 20 µs more in the backward (the
engine calling back into Python) whatever it computes, against about 2 µs for a native op: on a
tensor of a few thousand elements that is most of the call. Where a native op's autograd
formula is, kernel for kernel, the backward :class:`~rectifiers.torch._autograd.Rectify` runs,
a small call (plain contiguous CPU float32 tensors under ``SMALL`` elements, in eager mode) is
built from it instead, with the same forward bits and the same gradient bits for every ``g``:

* **a single slope** (relu, leaky_relu), keeping the output:
  ``y = leaky_relu_(x.clone(), slope)``. torch's in-place leaky_relu keeps its result and
  differentiates it with ``leaky_relu_backward(g, y, slope, True)`` (``y > 0 ? g : g * slope``):
  ``_kernels.FROM_OUTPUT``'s kernel. Keeping the input: ``leaky_relu(x, slope)``, whose node
  runs ``leaky_relu_backward(g, x, slope, False)``, ``FROM_INPUT``'s (and for relu, the core's
  ``g * f'(x)``: ``f'`` is 1 or 0). relu's forward is ``threshold`` (relu(-0.0) = +0.0,
  relu(-inf) = 0, where ``x * 0`` gives -0.0 and NaN): its bits are written in place through
  ``Tensor.data``, whose writes leave autograd's version counter alone, before the leaky step
  (which then leaves them as they are) or over the output that the input-keeping node does not
  keep.
* **a derivative the core computes** (relu6), or **a learned slope** (prelu), or **drawn slopes**
  (rrelu in training): ``y = x * d`` with ``d = f'(x)``, constant (relu6: the core's
  derivative; rrelu: the drawn slopes, 1 where x > 0) or ``where(x > 0, 1, w)`` (prelu, whose
  node then gives ``w`` its gradient ``where(x > 0, 0, g * x)``). ``mul``'s node keeps ``d`` and
  computes ``g * d``: the bits ``Rectify``'s backward computes (``g * f'``, ``leaky_relu_backward``
  with 0 or 1 and a slope, ``g * noise``) for every ``g``, inf and NaN included; relu6's forward
  bits (``6`` above 6, +0.0 below 0) are written over ``y`` in place (``mul`` does not keep its
  output). These keep ``d``, a tensor of ``x``'s size that the next layer does not share (prelu:
  also ``x`` and ``where``'s bool mask), where ``Rectify`` keeps the output (or the input and
  prelu's weight, or rrelu's seed), so they run only under ``TINY`` elements (4 KiB): ``memory=``
  keeps what it says on every tensor a memory budget can notice. (relu6 keeping the input:
  ``d`` in its place, as much memory, under ``SMALL``.)

Double backward is the same as ``Rectify``'s: the first derivative is constant in ``x`` (the
kink rule's branch) and linear in ``g`` (and in prelu's ``w``, through ``where``, which takes
the negative branch at exactly 0 as the kink rule does; ATen's own prelu double backward
does not). elu and selu keep a Function of ours (``y = x * d`` would lose their second
derivative): ``Rectify``, or below ``_rectify.AT_MOST`` elements ``AtAddresses``, whose
forward and backward run the core's kernels on the tensors' raw memory.
``memory="bits"`` keeps ``Rectify`` too: it is a request for the lean backward.
"""

from __future__ import annotations

import torch

from .._random import uniform
from ._autograd import SMALL, XP, _plan

#: Below this many elements a small call may keep one tensor of ``x``'s size more than
#: ``Rectify`` would (``y = x * d`` keeps ``d``): 4 KiB of float32 at most.
TINY = 1 << 10

_leaky, _leaky_ = torch._C._nn.leaky_relu, torch._C._nn.leaky_relu_
#: 0 and 1 as 0-d float32 tensors: ``torch.gt(x, _ZERO)`` costs half of ``x > 0`` (a Python number
#: is wrapped in a tensor on every call); a 0-d tensor takes the other operand's dtype.
_ZERO, _ONE = (torch.tensor(v, dtype=torch.float32, device="cpu") for v in (0.0, 1.0))


def small(x, limit=SMALL) -> bool:
    """Whether ``x`` (a plain eager tensor, see ``_rectify._eager``) takes a small call."""
    return x.dtype == torch.float32 and x.is_cpu and x.numel() < limit and x.is_contiguous()


def single_slope(slope, zero_sign, keep, inplace):
    """``y = x > 0 ? x : slope * x`` with torch's leaky_relu node keeping ``keep`` (``"output"``
    or ``"input"``); ``zero_sign``: make ``-0.0`` +0.0 (relu's ``threshold``)."""
    if keep == "input" and inplace or keep == "output" and slope < 0:
        return None  # (refused by _rectify._keep, or kept off the output: not this path's)

    def call(x):
        if keep == "input":
            y = _leaky(x, slope)
            if zero_sign:  # relu's bits over y (not kept): +0.0 for -0.0 and -inf
                torch.threshold(x.data, 0.0, 0.0, out=y.data)
            return y
        y = x if inplace else x.clone()
        if zero_sign:  # relu's bits first: -inf * 0 would be NaN
            torch.threshold_(y.data, 0.0, 0.0)
        return _leaky_(y, slope)

    return call


def with_derivative(spec, params, inplace):
    """``y = x * f'(x)`` with the core's ``f'``, then the core's forward bits over ``y``."""
    forward, derivative = _plan(spec, params), _plan(spec, params, "derivative")
    if forward is None or derivative is None:
        return None

    def call(x):
        view = x.detach().numpy()
        d = torch.from_numpy(derivative(view))
        if inplace:  # the forward's bits before x is overwritten
            bits = forward(view)
            x.mul_(d).data.numpy()[...] = bits
            return x
        y = torch.mul(x, d)
        forward(view, y.data.numpy())
        return y

    return call


def prelu(x, w):
    """prelu with a learned slope ``w`` (broadcasting against ``x``): ``x * where(x > 0, 1, w)``."""
    return torch.mul(x, torch.where(torch.gt(x, _ZERO), _ONE, w))


def with_noise(x, noise):
    """rrelu in training: ``x * noise`` (``noise``: the drawn slopes, 1 where x > 0)."""
    return torch.mul(x, noise)


def choose(spec, params, keep, inplace):
    """The small call for a module's fixed parameters, and the size it runs under; else None."""
    if spec.stochastic(params):
        return None
    if spec.family in ("relu", "leaky") and keep in ("output", "input"):
        slope = float(spec.single_slope(params))
        call = single_slope(slope, spec.family == "relu", keep, inplace)
        return None if call is None else (call, SMALL)
    if spec.family == "relu6" and keep in ("output", "input"):
        call = with_derivative(spec, params, inplace)  # keeps d: where Rectify keeps x, as much
        return None if call is None else (call, SMALL if keep == "input" else TINY)
    return None


def prelu_call(x, w, inplace):
    """A PReLU module's eager call with its slopes ``w`` (shaped against ``x`` already), where
    nothing else needs deciding: without grad ATen's one-pass prelu, as ``Rectify``'s forward;
    with grad on a learned slope, under ``TINY`` elements, ``prelu``. Else None."""
    if inplace or w.dtype != x.dtype or type(w) is not torch.nn.Parameter and type(w) is not torch.Tensor:
        return None
    if not (torch.is_grad_enabled() and (x.requires_grad or w.requires_grad)):
        return torch._prelu_kernel(x, w)
    return prelu(x, w) if w.requires_grad and small(x, TINY) else None


def rrelu_call(x, bounds, inplace, seed):
    """An RReLU module's eager call in training (``bounds``: its ``(lower, upper)``, ``seed``: the
    call's int seed or None), CPU float32: the slopes drawn as ``Rectify``'s forward draws them
    (``_autograd._slopes``). Without grad, ``x > 0 ? x : noise * x`` in ATen's one prelu pass;
    with grad only under ``TINY`` elements, ``x * noise`` (1 where x > 0), whose node keeps the
    noise instead of the output and a seed to draw it again. Else None. With grad and
    ``seed=None`` the slopes come straight from torch's generator, as without grad (no seed is
    drawn first: nothing is drawn again)."""
    if not small(x, float("inf")):
        return None
    grad = torch.is_grad_enabled() and x.requires_grad
    if grad and not small(x, TINY):
        return None
    lower, upper = bounds
    positive = torch.gt(x, _ZERO) if grad else None
    if seed is None:
        noise = torch.empty_like(x).uniform_(lower, upper)
        noise = noise if positive is None else noise.masked_fill_(positive, _ONE)
    else:  # the 1s on the positive part in the same pass as the draws
        noise = uniform(XP, x, lower, upper, seed, ones_where=positive)
    if not grad:
        return x.copy_(torch._prelu_kernel(x, noise)) if inplace else torch._prelu_kernel(x, noise)
    return x.mul_(noise) if inplace else torch.mul(x, noise)
