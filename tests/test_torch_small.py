"""The small calls (``rectifiers.torch._small``: torch's own autograd nodes for small eager CPU
float32 tensors) give the bits of the path they shortcut, ``Rectify``: outputs, gradients for
every ``g`` (inf, NaN, -0.0), double backward, what the backward keeps, on NaN, +-inf, +-0 and
the kinks, for every module, memory mode and in-place form where they run."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from torch_values import bits_equal, special  # noqa: E402

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers._random import stream_seed  # noqa: E402
from rectifiers.torch._autograd import SMALL, apply_eager  # noqa: E402
from rectifiers.torch._rectify import rectify  # noqa: E402
from rectifiers.torch._small import TINY  # noqa: E402

torch.set_num_threads(1)
FUNCTION = "RectifyBackward"  # the autograd node of rectifiers' own Function


def node(y) -> str:
    return type(y.grad_fn).__name__


SINGLE = [("relu", {}), ("relu6", {}), ("leaky_relu", {"alpha": 0.01}), ("leaky_relu", {"alpha": 0.0})]
SINGLE += [("leaky_relu", {"alpha": -0.5})]  # keeps the input, as memory="input" does
CASES = [(n, p, m, i) for n, p in SINGLE for m in ("auto", "input") for i in (False, True)]


def module_or_none(name, params, memory, inplace):
    try:
        return rt.Activation(name, memory=memory, inplace=inplace, **params)
    except ValueError:  # in place where the backward needs the input: refused, as before
        return None


def through_rectify(module, x):
    fixed = module._fixed
    return apply_eager(x, None, fixed.spec, fixed.items, fixed.keep, fixed.inplace)


@pytest.mark.parametrize("n", [1, 63, 64, TINY - 1, TINY, SMALL - 1])
@pytest.mark.parametrize(("name", "params", "memory", "inplace"), CASES)
def test_a_small_call_gives_rectifys_output_and_gradient(name, params, memory, inplace, n):
    module = module_or_none(name, params, memory, inplace)
    if module is None:
        return
    t, g = special(n, n)
    leaf1, leaf2 = t.clone().requires_grad_(), t.clone().requires_grad_()
    x1, x2 = leaf1 * 1, leaf2 * 1  # not leaves: in place is allowed
    y1, y2 = module(x1), through_rectify(module, x2)
    limit = TINY if name == "relu6" and module._fixed.keep == "output" else SMALL
    assert (node(y1) != FUNCTION) == (n < limit)  # the small call ran exactly where it should
    assert node(y2) == FUNCTION
    assert (y1 is x1) == inplace
    assert bits_equal(y1.detach(), y2.detach())
    with torch.no_grad():
        assert bits_equal(y1.detach(), module(t.clone()))  # the forward without grad
    (g1,), (g2,) = torch.autograd.grad(y1, leaf1, g), torch.autograd.grad(y2, leaf2, g)
    assert bits_equal(g1, g2)


@pytest.mark.parametrize(("name", "params", "memory", "inplace"), CASES)
def test_a_small_call_keeps_what_rectify_keeps(name, params, memory, inplace):
    module = module_or_none(name, params, memory, inplace)
    if module is None:
        return
    x = torch.randn(64).requires_grad_() * 1
    keep = module._fixed.keep
    kept = []
    with torch.autograd.graph.saved_tensors_hooks(lambda s: kept.append(s) or s, lambda s: s):
        y = module(x)
    assert node(y) != FUNCTION
    if name == "relu6":  # the derivative, where Rectify keeps the output (under TINY) or the input
        assert [(s.shape, s.dtype) for s in kept] == [(x.shape, torch.float32)]
        assert all(s.data_ptr() not in (x.data_ptr(), y.data_ptr()) or inplace for s in kept)
    else:
        assert [s.data_ptr() for s in kept] == [(y if keep == "output" else x).data_ptr()]


@pytest.mark.parametrize(("name", "params", "memory", "inplace"), CASES)
def test_a_small_calls_double_backward_is_rectifys(name, params, memory, inplace):
    module = module_or_none(name, params, memory, inplace)
    if module is None:
        return
    t, g = special(64, 2)
    _, h = special(64, 3)
    results = []
    for call in (module, lambda x: through_rectify(module, x)):
        leaf, gg = t.clone().requires_grad_(), g.clone().requires_grad_()
        (gx,) = torch.autograd.grad(call(leaf * 1), leaf, gg, create_graph=True)
        second = torch.autograd.grad(gx, (leaf, gg), h, allow_unused=True, materialize_grads=True)
        results.append((gx.detach(), *second))
    for a, b in zip(*results, strict=True):
        assert bits_equal(a, b)


def prelu_reference(module, x, g, create_graph=False):
    """``module``'s prelu through ``rectify`` (``Rectify``, keeping the input): y, and the
    gradients of ``x`` and the module's weight."""
    y = rectify(rf.get("prelu"), x, {"alpha": module._slopes(x)})
    assert node(y) == FUNCTION
    return y, torch.autograd.grad(y, (x, module.weight), g, create_graph=create_graph)


@pytest.mark.parametrize("count", [1, 4])
@pytest.mark.parametrize("n", [2, 16, TINY // 4])  # x is (2, 4, n): under TINY for n < 128
def test_a_small_prelu_gives_rectifys_output_and_gradients(count, n):
    t, g = special(8 * n, n)
    t, g = t.reshape(2, 4, n), g.reshape(2, 4, n)
    module = rt.PReLU(count)
    with torch.no_grad():  # slopes > 0, = 0, < 0
        module.weight.copy_(torch.tensor([0.25, 0.0, -1.5, 2.0][:count]))
    x1, x2 = t.clone().requires_grad_(), t.clone().requires_grad_()
    y1 = module(x1)
    assert (node(y1) != FUNCTION) == (t.numel() < TINY)
    y2, (gx2, gw2) = prelu_reference(module, x2, g)
    gx1, gw1 = torch.autograd.grad(y1, (x1, module.weight), g)
    assert bits_equal(y1.detach(), y2.detach()) and bits_equal(gx1, gx2) and bits_equal(gw1, gw2)
    with torch.no_grad():
        assert bits_equal(module(t), y2.detach())
    y3 = module(t)  # an input that needs no gradient (a first layer): the weight's alone
    (gw3,) = torch.autograd.grad(y3, module.weight, g)
    assert (node(y3) != FUNCTION) == (t.numel() < TINY) and bits_equal(gw3, gw2)


def test_a_small_prelus_double_backward_takes_the_kink_rules_branch_at_zero():
    """The kink rule holds at x = 0 in the second derivative too (ATen's prelu double backward
    takes the positive branch there)."""
    t = torch.tensor([[-2.0, 0.0, -0.0, 3.0, math.nan, math.inf, -math.inf]])
    g, h = torch.ones_like(t) * 1.5, torch.full_like(t, 0.75)
    results = []
    for small in (True, False):
        module = rt.PReLU()
        x, gg = t.clone().requires_grad_(), g.clone().requires_grad_()
        if small:
            y = module(x)
            assert node(y) != FUNCTION
            gx, gw = torch.autograd.grad(y, (x, module.weight), gg, create_graph=True)
        else:
            _, (gx, gw) = prelu_reference(module, x, gg, create_graph=True)
        second = torch.autograd.grad(
            (gx * h).sum() + gw.sum(), (x, gg, module.weight), materialize_grads=True
        )
        results.append((gx.detach(), gw.detach(), *second))
    for a, b in zip(*results, strict=True):
        assert bits_equal(a.reshape(-1), b.reshape(-1))
    assert results[0][2][0, 1] == 1.5  # d(gw)/dx at x = 0: the negative branch, g


@pytest.mark.parametrize(("inplace", "memory"), [(False, "auto"), (True, "auto"), (False, "input")])
@pytest.mark.parametrize("n", [64, TINY])
def test_a_small_seeded_rrelu_draws_rectifys_slopes_and_gives_its_gradient(n, inplace, memory):
    t, g = special(n, 4)
    module = rt.RReLU(inplace=inplace, seed=7, memory=memory)
    leaf = t.clone().requires_grad_()
    x = leaf * 1
    y1 = module(x)
    assert (node(y1) != FUNCTION) == (n < TINY) and (y1 is x) == inplace
    params = {"lower": module.lower, "upper": module.upper, "training": True, "seed": stream_seed(7, 0)}
    x2 = t.clone().requires_grad_()
    y2 = rectify(rf.get("rrelu"), x2, params, memory=memory)
    assert node(y2) == FUNCTION and bits_equal(y1.detach(), y2.detach())
    (g1,), (g2,) = torch.autograd.grad(y1, leaf, g), torch.autograd.grad(y2, x2, g)
    assert bits_equal(g1, g2)
    with torch.no_grad():  # the next call without grad: the next slopes of the stream
        params["seed"] = stream_seed(7, 1)
        assert bits_equal(module(t.clone()), rectify(rf.get("rrelu"), t.clone(), params))


def test_a_small_rrelu_without_a_seed_draws_as_without_grad_from_torchs_generator():
    t, g = special(64, 5)
    module = rt.RReLU()
    torch.manual_seed(3)
    with torch.no_grad():
        expected = module(t)
    x = t.clone().requires_grad_()
    torch.manual_seed(3)
    y = module(x)
    assert node(y) != FUNCTION and bits_equal(y.detach(), expected)
    torch.manual_seed(3)
    kept = apply_eager(
        t.clone().requires_grad_(),
        None,
        rf.get("rrelu"),
        tuple({"lower": module.lower, "upper": module.upper, "training": True, "seed": None}.items()),
        "noise",
        False,
    )  # Rectify keeping the noise: seed=None's path, drawing the same slopes
    assert bits_equal(kept.detach(), expected)
    (got,) = torch.autograd.grad(y, x, g)
    (want,) = torch.autograd.grad(kept, kept.grad_fn.next_functions[0][0].variable, g)
    assert bits_equal(got, want)


def test_the_small_calls_step_aside_where_they_do_not_apply():
    x = torch.randn(64, dtype=torch.float64, requires_grad=True)
    assert node(rt.ReLU()(x)) == FUNCTION  # not float32
    assert node(rt.ReLU()(torch.randn(8, 8).t().requires_grad_())) == FUNCTION  # not contiguous
    assert node(rt.ReLU(memory="bits")(torch.randn(64, requires_grad=True))) == FUNCTION
    # elu keeps its second derivative: one of rectifiers' Functions (on raw memory when small)
    assert node(rt.ELU()(torch.randn(64, requires_grad=True))) == "AtAddressesBackward"
    assert node(rt.ELU()(torch.randn(8192, requires_grad=True))) == FUNCTION
    frozen = rt.PReLU().requires_grad_(False)  # a slope that learns nothing: Rectify keeps the output
    assert node(frozen(torch.randn(64, requires_grad=True))) == FUNCTION
