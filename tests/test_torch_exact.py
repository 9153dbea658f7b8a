"""The core's bits: on CPU float32 tensors rectifiers.torch's sigmoid, tanh and selu are the
core's compiled kernels run on the tensor's memory, so they give what rectifiers.* gives, where
torch's own kernels are up to 2 ulp off (benchmarks/torch_exactness.py)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402
from rectifiers.torch._kernels import EXACT_ON_CPU  # noqa: E402

torch.set_num_threads(1)
GRID = torch.linspace(-40, 40, 2**16 + 1)


@pytest.mark.parametrize("name", EXACT_ON_CPU)
def test_cpu_float32_gives_the_cores_bits(name):
    core = torch.from_numpy(getattr(rf, name)(GRID.numpy()))
    theirs = getattr(torch, name, None) or getattr(torch.nn.functional, name)
    theirs = theirs(GRID)
    assert not torch.equal(theirs, core)  # the test can tell: torch's kernel differs somewhere
    x = GRID.clone().requires_grad_()
    module = rt.Activation(name)
    for y in (getattr(F, name)(GRID), getattr(F, name)(x), module(GRID), module(x)):
        assert torch.equal(y.detach(), core)
    assert torch.equal(rt.Activation(name, inplace=True)(GRID.clone()), core)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_the_gradient_is_torchs_formula_on_our_output(name):
    x = GRID.clone().requires_grad_()
    y = getattr(F, name)(x)
    g = torch.randn_like(y)
    (got,) = torch.autograd.grad(y, x, g)
    backward = {"sigmoid": torch.ops.aten.sigmoid_backward, "tanh": torch.ops.aten.tanh_backward}[name]
    assert torch.equal(got, backward(g, y.detach()))


def test_sigmoid_far_left_is_not_flushed_to_zero():
    assert F.sigmoid(torch.tensor([-100.0])).item() == pytest.approx(3.7200759760208356e-44, rel=0.1)
    assert F.sigmoid(torch.tensor([-100.0])).item() == rf.sigmoid(torch.tensor([-100.0]).numpy()).item()
