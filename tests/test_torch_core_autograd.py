"""``rf.*`` on a torch tensor that needs a gradient: one autograd node (``_torch_function``).

Its forward gives the bits of the same call without a gradient, its backward is exactly
``g * rf.derivative(x)`` (the kink rule at NaN, the kinks and the infinities), a second
derivative matches the core's math differentiated op by op, and the transforms and tracers
that must see the math op by op still do.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
from rectifiers._apply import call_by_name, evaluate  # noqa: E402

torch.set_num_threads(1)
NODE = "ElementwiseBackward"
#: Every elementwise activation with a derivative and no random draws in these parameters.
NAMES = [n for n in rf.names() if rf.get(n).elementwise and rf.get(n).derivative is not None]


def bits(t):
    """``t``'s bytes, -0.0 and NaN payloads included, whatever its strides."""
    return t.detach().contiguous().view(torch.int8)


def call(name, x):
    return call_by_name(name, x, **({"alpha": 0.25} if name == "prelu" else {}))


def special(dtype, n=2001, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.standard_normal(n) * 5
    for step, value in ((7, 0.0), (11, 6.0), (13, math.nan), (17, -0.0), (19, math.inf), (23, -math.inf)):
        t[::step] = value
    g = rng.standard_normal(n)
    g[::29], g[::31] = math.inf, -0.0
    return torch.tensor(t, dtype=dtype), torch.tensor(g, dtype=dtype)


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name", NAMES)
def test_forward_and_gradient_are_the_cores_bits(name, dtype, layout):
    x, g = special(dtype, n=2000)
    if layout == "transposed":  # no kept plan takes it: the general path
        x, g = x.view(40, 50).t(), g.view(40, 50).t()
    leaf = x.clone().requires_grad_() if layout == "contiguous" else x.t().clone().t().requires_grad_()
    y = call(name, leaf)
    assert type(y.grad_fn).__name__ == NODE
    assert torch.equal(bits(y), bits(call(name, x)))  # the same bits, -0.0 too
    (gx,) = torch.autograd.grad(y, leaf, g)
    params = {"alpha": 0.25} if name == "prelu" else {}
    d = rf.derivative(name, x, **params)
    expected = g * d
    assert torch.equal(bits(gx), bits(expected))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("name", ["elu", "sigmoid", "leaky_relu"])
def test_a_16_bit_gradient_is_rounded_once(name, dtype):
    x, g = special(dtype)
    leaf = x.clone().requires_grad_()
    (gx,) = torch.autograd.grad(call(name, leaf), leaf, g)
    d = rf.derivative(name, x.float())
    assert torch.equal(bits(gx), bits((g.float() * d).to(dtype)))  # NaN too


@pytest.mark.parametrize("name", ["elu", "selu", "sigmoid", "tanh"])
def test_second_derivative_matches_the_math_differentiated_op_by_op(name):
    x = torch.linspace(-4, 4, 101, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(call(name, x).sum(), x, create_graph=True)
    (second,) = torch.autograd.grad(first.sum(), x)
    spec = rf.get(name)
    reference = evaluate(spec, x, spec.resolve(), fast=False)
    (ref_first,) = torch.autograd.grad(reference.sum(), x, create_graph=True)
    (ref_second,) = torch.autograd.grad(ref_first.sum(), x)
    assert torch.allclose(second, ref_second, rtol=1e-10, atol=1e-12)
    assert second.abs().max() > 0.01  # a curvature, not zeros


def test_transforms_tracers_and_draws_see_the_math_op_by_op():
    x = torch.linspace(-3, 3, 13, requires_grad=True)
    gradient = torch.func.grad(lambda t: rf.elu(t).sum())(x.detach())
    assert torch.allclose(gradient, rf.derivative("elu", x.detach()))
    traced = torch.jit.trace(lambda t: rf.elu(t), (x,), check_trace=False)
    assert torch.allclose(traced(x), rf.elu(x.detach()))
    drawn = rf.rrelu(x, training=True, seed=0)
    assert type(drawn.grad_fn).__name__ != NODE  # random slopes: the math, differentiated as written
    with torch.no_grad():
        assert rf.elu(x).grad_fn is None


def test_kept_plans_stay_few_over_a_sweep_of_parameters():
    from rectifiers import _apply

    x = torch.linspace(-1, 1, 8, requires_grad=True)
    for k in range(1100):
        rf.leaky_relu(x, 0.001 * (k + 1)).sum().backward()
    assert 0 < len(_apply._PLANS) <= 1025
    assert torch.allclose(x.grad[0], torch.tensor(sum(0.001 * (k + 1) for k in range(1100))))


def test_gradient_flows_into_a_parameter_and_accumulates():
    w = torch.nn.Parameter(torch.tensor([-1.0, 0.0, 2.0]))
    rf.leaky_relu(w, 0.1).sum().backward()
    rf.leaky_relu(w, 0.1).sum().backward()
    assert torch.equal(w.grad, torch.tensor([0.2, 0.2, 2.0]))


SOFTMAX_CASES = {
    "last axis": {"axis": -1},
    "first axis": {"axis": 0},
    "both": {"axis": (0, 1)},
    "mask": {"axis": -1},
}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
@pytest.mark.parametrize("case", list(SOFTMAX_CASES))
def test_softmax_is_one_node_differentiated_from_its_output(case, dtype):
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.standard_normal((40, 17)) * 5).to(dtype)
    x[0, :3] = torch.tensor([math.inf, 1.0, -math.inf])
    w = torch.tensor(rng.standard_normal((40, 17))).to(dtype)
    kwargs = dict(SOFTMAX_CASES[case])
    if case == "mask":
        keep = torch.tensor(rng.random((40, 17)) > 0.3)
        keep[5] = False  # a row with every position masked
        x[6, ~keep[6]] = math.inf  # an inf where it is masked: no NaN may leak into the gradient
        kwargs["where"] = keep
    spec = rf.get("softmax")
    leaf, ref_leaf = x.clone().requires_grad_(), x.clone().requires_grad_()
    y = rf.softmax(leaf, **kwargs)
    assert type(y.grad_fn).__name__ == "FromOutputBackward"
    assert torch.equal(bits(y), bits(rf.softmax(x, **kwargs)))
    reference = evaluate(spec, ref_leaf, spec.resolve(**kwargs), fast=False)
    finite = torch.isfinite(x).all(dim=-1, keepdim=True) | (case == "mask")
    (g,) = torch.autograd.grad((torch.where(finite, y, 0) * w).sum(), leaf, create_graph=True)
    (ref_g,) = torch.autograd.grad((torch.where(finite, reference, 0) * w).sum(), ref_leaf, create_graph=True)
    tol = 2e-3 if dtype == torch.float16 else 1e-6
    assert torch.allclose(g.double(), ref_g.double(), rtol=tol, atol=tol, equal_nan=True)
    (h,) = torch.autograd.grad((torch.nan_to_num(g) ** 2).sum(), leaf)
    (ref_h,) = torch.autograd.grad((torch.nan_to_num(ref_g) ** 2).sum(), ref_leaf)
    assert torch.allclose(h.double(), ref_h.double(), rtol=10 * tol, atol=10 * tol, equal_nan=True)
    if case == "mask":
        assert torch.all(g[~keep] == 0) and not g[6].isnan().any()


def _where_formula(x, w):
    """prelu as the layers write it, differentiated op by op: the reference for ``Sloped``."""
    positive = x > 0
    return torch.where(positive, x, w * torch.where(positive, torch.tensor(0.0), x))


SLOPES = {
    "per element": ((40, 50), (50,)),
    "shared axes": ((4, 5, 6, 3), (1, 1, 3)),
    "one slope": ((40, 50), (1,)),
    "full size": ((40, 50), (40, 50)),
}


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "sliced", "g transposed", "g expanded"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("case", list(SLOPES))
def test_sloped_node_gives_the_formulas_bits(case, dtype, layout):
    """Forward, dx and dw (summed over the broadcast axes) are the bits autograd gives for the
    where formula: -0.0, NaN, the infinities, zero and negative slopes, inf and -0.0 in g."""
    from rectifiers import _namespace

    shape, w_shape = SLOPES[case]
    n = math.prod(shape)
    x, g = special(dtype, n=n)
    x, g = x.view(shape), g.view(shape)
    if layout == "transposed":
        x = x.transpose(0, -1).contiguous().transpose(0, -1)
    elif layout == "sliced":
        x = torch.cat([x, x], dim=-1)[..., ::2]
    elif layout == "g transposed":
        g = g.transpose(0, -1).contiguous().transpose(0, -1)
    elif layout == "g expanded":
        g = g[:1].expand(shape)
    rng = np.random.default_rng(1)
    w = torch.tensor(rng.choice([0.25, 0.0, -0.0, -0.3, 2.0, 1e-30], size=w_shape), dtype=dtype)
    results = []
    for use_node in (True, False):
        leaf, slopes = x.detach().clone().requires_grad_(), w.clone().requires_grad_()
        if layout != "contiguous":  # clone keeps strides only where dense
            leaf = torch.empty_strided(x.shape, x.stride(), dtype=dtype).copy_(x).requires_grad_()
        if use_node and layout == "sliced":  # gaps in memory: the caller's formula, as written
            assert _namespace.sloped_in_torch(leaf, slopes, _where_formula) is None
            return
        if use_node:
            y = _namespace.sloped_in_torch(leaf, slopes, _where_formula)
            assert type(y.grad_fn).__name__ == "SlopedBackward"
        else:
            y = _where_formula(leaf, slopes)
        results.append((y, *torch.autograd.grad(y, (leaf, slopes), g)))
    for ours, reference in zip(*results, strict=True):
        assert torch.equal(bits(ours), bits(reference))
        assert ours.stride() == reference.stride()


def test_sloped_node_second_derivative_and_the_paths_that_keep_the_formula():
    from rectifiers import _namespace

    rng = np.random.default_rng(2)
    x0 = torch.tensor(rng.standard_normal((6, 5)), dtype=torch.float64)
    x0[0, :3] = torch.tensor([0.0, -0.0, math.nan])
    w0 = torch.tensor(rng.uniform(0.1, 0.5, 5), dtype=torch.float64)
    hessians = []
    for use_node in (True, False):
        x, w = x0.clone().requires_grad_(), w0.clone().requires_grad_()
        y = _namespace.sloped_in_torch(x, w, _where_formula) if use_node else _where_formula(x, w)
        dx, dw = torch.autograd.grad((y * y.detach()).sum(), (x, w), create_graph=True)
        hessians.append(torch.autograd.grad((dx * x0 + 0).sum() + dw.pow(2).sum(), (x, w)))
    for ours, reference in zip(*hessians, strict=True):
        assert torch.equal(bits(ours), bits(reference))
    assert hessians[0][1][3:].abs().min() > 0.01  # a curvature, not zeros (column 2 holds the NaN)
    # only x needs a gradient (RReLU's drawn slopes): the node, dx alone
    x = x0.clone().requires_grad_()
    (dx,) = torch.autograd.grad(_namespace.sloped_in_torch(x, w0, _where_formula).sum(), x)
    assert torch.equal(bits(dx), bits(torch.autograd.grad(_where_formula(x, w0).sum(), x)[0]))
    # only the slopes need a gradient (a PReLU on the model's input): the node, dw alone
    w = w0.clone().requires_grad_()
    (dw,) = torch.autograd.grad(_namespace.sloped_in_torch(x0, w, _where_formula).sum(), w)
    assert torch.equal(bits(dw), bits(torch.autograd.grad(_where_formula(x0, w).sum(), w)[0]))
    with torch.no_grad():  # no gradient: ATen's prelu kernel alone
        assert _namespace.sloped_in_torch(x, w0, _where_formula).grad_fn is None

    def layer(t):  # as the Keras layer calls it
        y = _namespace.sloped_in_torch(t, w0, _where_formula)
        return _where_formula(t, w0) if y is None else y

    traced = torch.jit.trace(layer, (x,), check_trace=False)
    assert "prelu" not in str(traced.graph) and "where" in str(traced.graph)  # a tracer sees the formula
    assert _namespace.sloped_in_torch(x, w0.float(), _where_formula) is None  # another dtype: the formula
    assert _namespace.sloped_in_torch(x.detach().numpy(), w0, _where_formula) is None
