"""A small CPU float32 call of elu, selu, sigmoid or tanh without grad runs the core's kernel on
the tensor's raw memory (``_native.exp_family_at``, through ``_fast.at_addresses``): the bits
of the general path, an undecided lane sends the call there, and bad addresses are refused.
With grad, elu and selu keep the input in ``_autograd.AtAddresses``, whose backward runs f' the
same way: forward, gradient and second derivative are the general path's, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch_values import bits_equal, special  # noqa: E402

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers._apply import prepared_at_addresses  # noqa: E402
from rectifiers._fast._compiled import _native  # noqa: E402
from rectifiers.torch._rectify import AT_MOST  # noqa: E402

pytestmark = pytest.mark.skipif(_native is None or not _native.EXP_OPS, reason="no compiled exp family")
MODULES = {
    "elu": lambda: rt.ELU(),
    "elu 0.1": lambda: rt.ELU(0.1),
    "selu": lambda: rt.SELU(),
    "sigmoid": lambda: rt.Sigmoid(),
    "tanh": lambda: rt.Tanh(),
}
CORE = {
    "elu": ("elu", {}),
    "elu 0.1": ("elu", {"alpha": 0.1}),
    "selu": ("selu", {}),
    "sigmoid": ("sigmoid", {}),
    "tanh": ("tanh", {}),
}


@pytest.mark.parametrize("n", [1, 7, 8, 9, 64, 1001, AT_MOST])
@pytest.mark.parametrize("case", list(MODULES))
def test_small_calls_give_the_cores_bits(case, n):
    x, _ = special(n, n)
    name, params = CORE[case]
    with torch.no_grad():
        y = MODULES[case]()(x)
    assert bits_equal(y, getattr(rf, name)(x.numpy(), **params))


def undecided_input(name, params, kind="forward"):
    """float32 values one of which the kernel cannot decide (the reference settles it)."""
    run = prepared_at_addresses(rf.get(name), kind, params)
    rng = np.random.default_rng(0)
    for _ in range(200):
        x = torch.from_numpy((rng.standard_normal(1 << 12) * 4).astype(np.float32))
        y = torch.empty_like(x)
        if not run(x.data_ptr(), y.data_ptr(), x.numel()):
            return x
    raise AssertionError("no undecided lane in 800 Ki values: the test cannot tell")


def test_an_undecided_lane_takes_the_general_path():
    x = undecided_input("elu", {"alpha": 1.0})
    with torch.no_grad():
        y = rt.ELU()(x)
    assert bits_equal(y, rf.elu(x.numpy()))


def test_bad_addresses_are_refused():
    op = _native.EXP_OPS.index("elu")
    with pytest.raises(ValueError, match="aligned"):
        _native.exp_family_at(op, 2, 8, 4, 1.0, 1.0)
    with pytest.raises(ValueError, match="no kernel for op 99"):
        _native.exp_family_at(99, 0, 0, 0, 1.0, 1.0)


@pytest.mark.parametrize("case", ["sigmoid", "tanh"])
def test_small_calls_with_grad_give_the_cores_bits_and_torchs_backward(case):
    name, _ = CORE[case]
    for x in (special(1001, 5)[0], undecided_input(name, {})):
        leaf = x.clone().requires_grad_()
        y = MODULES[case]()(leaf)
        assert bits_equal(y.detach(), getattr(rf, name)(x.numpy()))
        g = torch.randn_like(y)
        (got,) = torch.autograd.grad(y, leaf, g)
        backward = {"sigmoid": torch.ops.aten.sigmoid_backward, "tanh": torch.ops.aten.tanh_backward}[name]
        assert bits_equal(got, backward(g, y.detach()))  # from the core's output


def strided(x):
    """``x``'s values in a tensor that is not contiguous: the general path (``Rectify``)."""
    wide = torch.empty(2 * x.numel()).view(-1, 2)[:, 0].reshape(x.shape) if x.dim() == 1 else None
    wide.copy_(x)
    assert not wide.is_contiguous()
    return wide


@pytest.mark.parametrize("case", ["elu", "elu 0.1", "selu"])
def test_small_calls_with_grad_keep_the_input_and_give_the_general_paths_bits(case):
    name, params = CORE[case]
    inputs = {
        "special values": special(1001, 5)[0],
        "an undecided forward lane": undecided_input(name, params),
        "an undecided derivative lane": undecided_input(name, params, "derivative"),
    }
    module = MODULES[case]()
    for label, x in inputs.items():
        results = []
        for leaf in (x.clone().requires_grad_(), strided(x).requires_grad_()):
            y = module(leaf)
            g = torch.randn(y.shape, generator=torch.Generator().manual_seed(3))
            (gx,) = torch.autograd.grad(y, leaf, g, retain_graph=True)  # f' on raw memory
            (graph,) = torch.autograd.grad(y, leaf, g, create_graph=True)  # the core's math
            (gxx,) = torch.autograd.grad(graph, leaf, torch.ones_like(graph))
            results.append((type(y.grad_fn).__name__, y.detach(), gx, graph.detach(), gxx))
        (lean, *ours), (general, *theirs) = results
        assert lean == "AtAddressesBackward" and general != lean, (lean, general)
        for a, b in zip(ours, theirs, strict=True):
            assert bits_equal(a, b), label
        assert bits_equal(ours[0], getattr(rf, name)(x.numpy(), **params)), label


def test_the_lean_backward_gives_g_times_the_cores_derivative():
    x = special(1001, 5)[0]
    leaf = x.clone().requires_grad_()
    y = rt.SELU()(leaf)
    g = torch.randn(y.shape, generator=torch.Generator().manual_seed(4))
    y.backward(g)
    d = torch.from_numpy(rf.derivative("selu", x.numpy()))
    assert type(y.grad_fn).__name__ == "AtAddressesBackward"
    assert bits_equal(leaf.grad, d * g)


def test_a_saved_tensors_hook_that_changes_the_layout_takes_the_general_backward():
    """The lean backward reads the kept input's raw memory: one that a hook unpacks into another
    layout (here every other float of a wider tensor) must not be read as if it were contiguous."""
    x = torch.randn(32, 32)
    expected_leaf = x.clone().requires_grad_()
    g = torch.randn(32, 32)
    rt.ELU()(expected_leaf).backward(g)

    def pack(t):
        return torch.stack([t, torch.full_like(t, float("nan"))], -1)

    def unpack(t):
        return t[..., 0]  # the same values, with gaps between them

    leaf = x.clone().requires_grad_()
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = rt.ELU()(leaf)
    assert type(y.grad_fn).__name__ == "AtAddressesBackward"
    y.backward(g)
    assert bits_equal(leaf.grad, expected_leaf.grad)
