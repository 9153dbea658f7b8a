"""PyTorch's cases: torch.nn.functional allocating, with ``out=`` and in place; for derivatives,
its backward kernels with an incoming gradient of ones."""

from __future__ import annotations

import numpy as np

from rectifiers._dtypes import numpy_dtype

from .subject import Case, Subject, counterpart


def _wrap(x):
    """NumPy -> torch without a copy (bfloat16 through its bits)."""
    import torch

    if x.dtype == numpy_dtype("bfloat16"):
        return lambda a: torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy


def cases(s: Subject) -> list[Case]:
    import torch

    torch.set_num_threads(s.threads)
    return _backward(s) if s.kind == "derivative" else _forward(s)


def _forward(s: Subject) -> list[Case]:
    import torch
    import torch.nn.functional as F

    wrap = _wrap(s.x)
    master, t = wrap(s.x), wrap(s.x.copy())
    work, out = wrap(s.x.copy()), wrap(np.empty_like(s.x))

    def leaky(a):
        return (
            lambda v: F.leaky_relu(v, a),
            lambda: torch._C._nn.leaky_relu(t, a, out=out),
            lambda: F.leaky_relu_(work, a),
        )

    table = {  # by the spec's family
        "relu": (F.relu, lambda: torch.clamp_min(t, 0, out=out), lambda: torch.relu_(work)),
        "relu6": (F.relu6, lambda: torch.clamp(t, 0, 6, out=out), lambda: F.relu6(work, inplace=True)),
        "sigmoid": (torch.sigmoid, lambda: torch.sigmoid(t, out=out), lambda: torch.sigmoid_(work)),
        "tanh": (torch.tanh, lambda: torch.tanh(t, out=out), lambda: torch.tanh_(work)),
    }
    if s.facts.constants is not None:  # F.elu and F.selu are ATen's elu with (alpha, scale)
        alpha, scale, _ = s.facts.constants
        table["elu"] = (
            lambda v: torch._C._nn.elu(v, alpha, scale),
            lambda: torch._C._nn.elu(t, alpha, scale, out=out),
            lambda: torch._C._nn.elu_(work, alpha, scale),
        )
    allocating, with_out, in_place = counterpart("torch", table, leaky, s)
    return [
        Case("torch", lambda: allocating(t)),
        Case("torch_out", with_out),
        Case("torch_inplace", in_place, lambda: work.copy_(master)),
    ]


def _backward(s: Subject) -> list[Case]:
    """g * f'(x) with g = ones: what a backward pass reads and writes (it reads g too)."""
    import torch

    aten = torch.ops.aten
    wrap = _wrap(s.x)
    t, out, g = wrap(s.x.copy()), wrap(np.empty_like(s.x)), wrap(np.ones_like(s.x))
    table = {  # by the spec's family
        "relu": lambda **o: aten.threshold_backward.grad_input(g, t, 0, **o),
        "relu6": lambda **o: aten.hardtanh_backward.grad_input(g, t, 0.0, 6.0, **o),
        "sigmoid": lambda **o: aten.sigmoid_backward.grad_input(g, torch.sigmoid(t), **o),
        "tanh": lambda **o: aten.tanh_backward.grad_input(g, torch.tanh(t), **o),
    }
    if s.facts.constants is not None:
        alpha, scale, _ = s.facts.constants
        table["elu"] = lambda **o: aten.elu_backward.grad_input(g, alpha, scale, 1, False, t, **o)

    def leaky(a):
        return lambda **o: aten.leaky_relu_backward.grad_input(g, t, a, False, **o)

    backward = counterpart("torch", table, leaky, s)
    return [
        Case("torch", lambda: backward(grad_input=torch.empty_like(t))),
        Case("torch_out", lambda: backward(grad_input=out)),
    ]
