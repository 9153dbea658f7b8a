"""The fast paths of rectifiers.torch give the bits of the paths they shortcut.

* the fused C kernels (``_native.window``, ``pack``, ``unpack_backward``) against ATen's
  ``leaky_relu_backward`` passes and ``_bits``, on NaN, +-0, +-inf, the kinks and ragged lengths;
* relu6's one-pass forward (the core's kernel) against ATen's ``threshold`` and ``clamp_max_``;
* each spec's ``mask_window`` against its ``mask``;
* a module's resolved-once path (``_rectify.Fixed``) against ``rectify`` on the same input;
* ``rf.*`` on a CPU float32 tensor (the NumPy fast path on its memory) against the core's reference.
"""

from __future__ import annotations

import math
import pickle

import pytest

torch = pytest.importorskip("torch")

from torch_values import bits_equal, special  # noqa: E402

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers._apply import evaluate  # noqa: E402
from rectifiers._fast._compiled import _native  # noqa: E402
from rectifiers.torch import _bits, _kernels  # noqa: E402
from rectifiers.torch._autograd import XP  # noqa: E402
from rectifiers.torch._rectify import rectify  # noqa: E402

torch.set_num_threads(1)
aten = torch.ops.aten
needs_native = pytest.mark.skipif(_native is None, reason="the C extension is not built")
SIZES = (0, 1, 7, 8, 9, 63, 64, 1001)


@needs_native
@pytest.mark.parametrize("n", SIZES)
def test_window_is_relu6s_two_leaky_backwards(n):
    t, g = special(n, n)
    out = torch.empty_like(g)
    _native.window(g.numpy(), t.numpy(), out.numpy(), 0.0, 6.0, 0.0)
    twice = aten.leaky_relu_backward(aten.leaky_relu_backward(g, t, 0.0, True), 6.0 - t, 0.0, True)
    assert bits_equal(out, twice)


@needs_native
@pytest.mark.parametrize("n", (*SIZES, 1 << 21))
def test_relu6s_one_pass_forward_is_threshold_then_clamp_max(n, monkeypatch):
    monkeypatch.setattr(_kernels, "ONE_PASS_MIN", 0)  # the compiled pass at every size
    x, _ = special(n, n)
    spec = rf.get("relu6")
    two_passes = torch.threshold(x, 0.0, 0.0).clamp_max_(6.0)
    for t in (x, x.clone().requires_grad_()):
        y = _kernels.FORWARD["relu6"](spec, t, None, spec.resolve(), False)
        assert bits_equal(y, two_passes) and (not n or y.data_ptr() != t.data_ptr())  # not in place
    with torch.no_grad():
        assert bits_equal(rt.ReLU6()(x), two_passes)
    inplace = x.clone()
    assert _kernels.FORWARD["relu6"](spec, inplace, None, spec.resolve(), True) is inplace  # ATen's, in place
    assert bits_equal(inplace, two_passes)


@needs_native
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", [name for name in rf.names() if rf.get(name).mask_window is not None])
def test_pack_is_bits_pack_of_the_specs_mask(n, name):
    t, g = special(n, n + 1)
    spec = rf.get(name)
    mask = spec.mask(t, XP)
    packed = _kernels.pack_mask(spec, t)
    assert torch.equal(packed, _bits.pack(mask))
    assert torch.equal(_bits.unpack(packed, t.shape), mask)
    for slope in (0.0, 0.01, 0.3, 2.0):
        got = _kernels.unpack_backward(g, packed, slope)
        assert bits_equal(got, aten.leaky_relu_backward(g, mask.to(torch.float32), slope, False))


def test_the_fast_kernels_step_aside_off_cpu_float32():
    spec = rf.get("relu")
    assert _kernels.pack_mask(spec, torch.zeros(4, dtype=torch.float64)) is None
    assert _kernels.pack_mask(spec, torch.zeros(4, 2).t()) is None  # not contiguous
    assert _kernels.pack_mask(spec, torch.zeros(4, device="meta")) is None
    assert _kernels.pack_mask(rf.get("elu"), torch.zeros(4)) is None  # no bit mask


@needs_native
@pytest.mark.parametrize("memory", ["auto", "bits"])
@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu"])
def test_fused_backwards_equal_the_core_derivative(name, memory):
    t, g = special(1001, 3)
    t = t.nan_to_num(nan=1.0)  # the gradient at NaN is checked by the kernel tests above
    x = t.clone().requires_grad_()
    (got,) = torch.autograd.grad(rt.Activation(name, memory=memory)(x), x, g)
    expected = g * torch.from_numpy(rf.derivative(name, t.numpy()))
    assert bits_equal(got, expected)


CASES = [(name, rf.get(name).example_params) for name in rf.names() if name not in ("prelu", "rrelu")]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("shape", [(4, 4, 4), (3, 2**13)])  # tiny, and past _autograd.SMALL
@pytest.mark.parametrize(("name", "params"), CASES, ids=[c[0] for c in CASES])
def test_a_modules_resolved_path_gives_rectifys_bits(name, params, shape, grad):
    t, g = special(math.prod(shape), 5)
    t, g = t.reshape(shape), g.reshape(shape)
    module = rt.Activation(name, **params)
    assert module._fixed is not None
    x1, x2 = t.clone().requires_grad_(grad), t.clone().requires_grad_(grad)
    y1 = module(x1)
    y2 = rectify(rf.get(name), x2, dict(params))
    assert bits_equal(y1.detach(), y2.detach())
    if grad:
        (g1,) = torch.autograd.grad(y1, x1, g)
        (g2,) = torch.autograd.grad(y2, x2, g)
        assert bits_equal(g1, g2)


def test_a_module_follows_a_changed_inplace_and_survives_pickling():
    module = rt.ReLU()
    module.inplace = True
    x = torch.tensor([-1.0, 2.0])
    assert module(x) is x and x.tolist() == [0.0, 2.0]
    again = pickle.loads(pickle.dumps(rt.Sigmoid()))
    assert torch.equal(again(torch.tensor([-100.0])), rt.Sigmoid()(torch.tensor([-100.0])))


ELEMENTWISE = [name for name in rf.names() if rf.get(name).elementwise and name != "prelu"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_rf_on_a_cpu_float32_tensor_is_the_cores_reference(name):
    t, _ = special(2**12 + 3, 7)
    spec = rf.get(name)
    params = spec.example_params
    got = evaluate(spec, t, dict(params))
    assert type(got) is torch.Tensor and got.dtype == torch.float32
    reference = evaluate(spec, t.numpy(), dict(params), fast=False)
    assert bits_equal(got, torch.from_numpy(reference))


def test_rf_on_a_tensor_that_requires_grad_stays_differentiable():
    x = torch.tensor([-1.0, 0.5], requires_grad=True)
    y = rf.elu(x)
    assert y.requires_grad
    (g,) = torch.autograd.grad(y.sum(), x)
    assert g.tolist() == pytest.approx([math.exp(-1.0), 1.0])


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_small_sigmoid_and_tanh_with_grad_give_the_cores_bits_and_torchs_backward(name, inplace):
    """Under _autograd.SMALL elements, torch's own op makes the autograd node, the core's bits
    are written over its output: the output and the saved output the backward reads are both."""
    t, g = special(4096, 9)  # under SMALL; tanh differs from torch on about 0.1% of values
    t = t.nan_to_num(nan=0.5)
    core = torch.from_numpy(getattr(rf, name)(t.numpy()))
    assert not torch.equal(getattr(torch, name)(t), core)  # torch's own bits differ: the test can tell
    leaf = t.clone().requires_grad_()
    x = leaf * 1  # not a leaf: in place is allowed
    y = rt.Activation(name, inplace=inplace)(x)
    assert (y is x) == inplace and bits_equal(y.detach(), core)
    (got,) = torch.autograd.grad(y, leaf, g)
    backward = {"sigmoid": aten.sigmoid_backward, "tanh": aten.tanh_backward}[name]
    assert bits_equal(got, backward(g, core))
