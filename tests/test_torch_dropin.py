"""rectifiers.torch as a drop-in for torch.nn: every module and functional form has torch's
signature (names, positional order, defaults; our extras keyword-only), and ``nn.X(args)`` ->
``rt.X(args)`` gives the same forward."""

from __future__ import annotations

import inspect

import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers._frameworks import spelling  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402
from rectifiers.torch._kernels import EXACT_ON_CPU  # noqa: E402

torch.set_num_threads(1)
nnF = torch.nn.functional

NAMES = rf.names()


def torch_side(signature) -> list:
    """``[(name, kind, default)]``, less ``*args``/``**kwargs`` and our keyword-only extras."""
    kept = [
        p for p in signature.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return [(p.name, p.kind, p.default) for p in kept]


def keyword_only(signature) -> set:
    return {p.name for p in signature.parameters.values() if p.kind == p.KEYWORD_ONLY}


@pytest.mark.parametrize("name", NAMES)
def test_module_signature_is_torch_nn(name):
    class_name = spelling("torch", name).layer.name
    ours, theirs = getattr(rt, class_name), getattr(torch.nn, class_name)
    assert torch_side(inspect.signature(ours)) == torch_side(inspect.signature(theirs))
    assert keyword_only(inspect.signature(ours)) <= {"memory", "seed", "axis"}


@pytest.mark.parametrize("name", NAMES)
def test_functional_signature_is_torch_nn_functional(name):
    function = spelling("torch", name).function.name
    ours = inspect.signature(getattr(F, function))
    try:
        theirs = torch_side(inspect.signature(getattr(nnF, function)))
    except ValueError:  # torch.nn.functional.prelu is a builtin: its documented signature
        theirs = [("input", inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty)]
        theirs.append(("weight", inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty))
    assert torch_side(ours) == theirs
    assert keyword_only(ours) <= {"memory", "seed", "where"}  # our extras: rrelu's seed, softmax's mask
    assert "out" not in ours.parameters  # it used to show an out=None it refused


def test_the_old_walls_are_gone():
    """Each of these raised TypeError or silently used the core's 0.2."""
    assert rt.LeakyReLU().negative_slope == torch.nn.LeakyReLU().negative_slope == 0.01
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(rt.LeakyReLU(negative_slope=0.1)(x), torch.nn.LeakyReLU(negative_slope=0.1)(x))
    assert torch.equal(rt.ReLU(True)(x.clone()), torch.nn.ReLU(True)(x.clone()))
    assert torch.equal(F.leaky_relu(x.clone(), 0.1, True), nnF.leaky_relu(x.clone(), 0.1, True))
    assert torch.equal(F.softmax(x, dim=1), nnF.softmax(x, dim=1))
    with pytest.raises(TypeError):  # our extras are keyword-only
        rt.RReLU(0.1, 0.2, False, 3)


#: Constructor arguments, positional as a torch user writes them.
MODULE_ARGS = {
    "relu": [(), (True,)],
    "relu6": [(), (True,)],
    "leaky_relu": [(), (0.1,), (0.3, True)],
    "prelu": [(), (3,), (3, 0.1)],
    "rrelu": [(), (0.1, 0.3), (0.2, 0.4, True)],
    "elu": [(), (0.5,), (2.0, True)],
    "selu": [(), (True,)],
    "sigmoid": [()],
    "tanh": [()],
    "softmax": [(0,), (1,), (-1,)],
}


def assert_same_forward(name, ours, theirs, args=()):
    """Bit for bit, or (elu, selu, sigmoid, tanh on CPU float32) the core's bits, where torch's own
    kernel is up to 2 ulp off; ``args``: the call's (elu's first is alpha; the others in
    EXACT_ON_CPU take none)."""
    if name in EXACT_ON_CPU and ours.dtype == torch.float32:
        params = {"alpha": args[0]} if name == "elu" and args else {}
        assert torch.equal(ours, torch.from_numpy(getattr(rf, name)(points().numpy(), **params)))
        torch.testing.assert_close(ours, theirs, rtol=2.5e-7, atol=0)
    else:
        assert torch.equal(ours, theirs)


def points():
    # no exact 0, -0.0 or NaN: there the kink rule and relu(-0.0) = +0.0 differ from torch.nn
    return torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(1)) * 3


@pytest.mark.parametrize("name", NAMES)
def test_renaming_nn_to_rt_gives_the_same_forward(name):
    class_name = spelling("torch", name).layer.name
    for args in MODULE_ARGS[name]:
        ours, theirs = getattr(rt, class_name)(*args).eval(), getattr(torch.nn, class_name)(*args).eval()
        theirs.load_state_dict(ours.state_dict(), strict=False)
        assert_same_forward(name, ours(points()), theirs(points()), args)
        assert repr(ours).split("(")[0] == repr(theirs).split("(")[0]


FUNCTION_ARGS = {
    "relu": [(), (True,)],
    "relu6": [(), (True,)],
    "leaky_relu": [(), (0.1,), (0.3, True)],
    "prelu": [(torch.tensor([0.1, 0.2, 0.3]),), (torch.tensor([0.4]),), (torch.tensor(0.5),)],
    "rrelu": [(), (0.1, 0.3), (0.2, 0.4, False, True)],
    "elu": [(), (0.5,), (2.0, True)],
    "selu": [(), (True,)],
    "sigmoid": [()],
    "tanh": [()],
    "softmax": [(0,), (2,), (-1, 3, torch.float64)],
}


@pytest.mark.parametrize("name", NAMES)
def test_renaming_the_functional_forms_gives_the_same_forward(name):
    function = spelling("torch", name).function.name
    for args in FUNCTION_ARGS[name]:
        ours, theirs = getattr(F, function)(points(), *args), getattr(nnF, function)(points(), *args)
        assert_same_forward(name, ours, theirs, args)


IN_PLACE_ARGS = {"relu_": [()], "leaky_relu_": [(), (0.1,)], "elu_": [(), (0.5,)], "selu_": [()]}
IN_PLACE_ARGS["rrelu_"] = [(), (0.1, 0.3, False)]


@pytest.mark.parametrize("twin", sorted(IN_PLACE_ARGS))
def test_the_in_place_functions_overwrite_their_input_as_torchs_do(twin):
    """``F.relu_(x)`` -> ``rectifiers.torch.functional.relu_(x)``: the same call, the input
    overwritten and returned, the bits of ``relu(x)``, and the gradient of ``relu(x,
    inplace=True)`` through a non-leaf."""
    function = getattr(F, twin[:-1])
    for args in IN_PLACE_ARGS[twin]:
        ours, theirs, out_of_place = points(), points(), points()
        result = getattr(F, twin)(ours, *args)
        assert result is ours
        assert_same_forward(twin[:-1], ours, getattr(nnF, twin)(theirs, *args), args)
        expected = function(out_of_place, *args)
        assert torch.equal(ours.view(torch.int32), expected.view(torch.int32))
        leaf = points().requires_grad_()
        y = getattr(F, twin)(leaf * 1, *args)
        (got,) = torch.autograd.grad(y.sum(), leaf)
        # (from the output, as any in-place form: elu's and selu's then differ from out of place)
        (want,) = torch.autograd.grad(function(leaf * 1, *args, inplace=True).sum(), leaf)
        assert torch.equal(got, want)
    assert "inplace" not in inspect.signature(getattr(F, twin)).parameters
    with pytest.raises(TypeError, match="inplace"):
        getattr(F, twin)(points(), inplace=True)


def test_prelu_weight_broadcasts_along_dim_1_as_torch_does():
    """C == W: NumPy broadcasting against the last axis was silently wrong."""
    x = torch.randn(2, 3, 3, generator=torch.Generator().manual_seed(2))
    w = torch.tensor([0.1, 0.5, 2.0])
    assert torch.equal(F.prelu(x, w), nnF.prelu(x, w))
    x4 = torch.randn(2, 3, 5, 3, generator=torch.Generator().manual_seed(3))
    assert torch.equal(F.prelu(x4, w), nnF.prelu(x4, w))
    for bad in (torch.ones(2), torch.ones(3, 1)):
        with pytest.raises(ValueError, match=r"one per channel \(dim 1 of the input: 3\). Received: weight"):
            F.prelu(x, bad)


def test_softmax_without_dim_follows_torchs_implicit_rule_with_its_warning():
    for shape in ((5,), (2, 5), (2, 3, 4), (2, 3, 4, 5)):
        x = torch.randn(shape, generator=torch.Generator().manual_seed(4))
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as caught:
            ours, module = F.softmax(x), rt.Softmax()(x)
        assert all(w.filename == __file__ for w in caught)  # it points at the caller, as torch's
        with pytest.warns(UserWarning):
            expected = nnF.softmax(x)
        assert torch.equal(ours, expected) and torch.equal(module, expected), shape


def test_a_torch_nn_model_renamed_to_rt_trains_to_the_same_loss_curve():
    """Every activation renamed (RReLU in eval: its training draws differ by design)."""

    def model(nn):
        torch.manual_seed(0)
        body = [torch.nn.Linear(6, 6)]
        for c in ("ReLU", "ReLU6", "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "Sigmoid", "Tanh"):
            body += [getattr(nn, c)(*({"PReLU": (6,)}.get(c, ()))), torch.nn.Linear(6, 6)]
        return torch.nn.Sequential(*body, nn.Softmax(dim=1))

    x = torch.randn(32, 6, generator=torch.Generator().manual_seed(5))
    target = torch.softmax(torch.randn(32, 6, generator=torch.Generator().manual_seed(6)), 1)
    curves = []
    for nn in (torch.nn, rt):
        net = model(nn)
        net[9].eval()  # the RReLU
        optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
        curve = []
        for _ in range(20):
            optimizer.zero_grad()
            loss = (net(x) - target).square().sum()
            loss.backward()
            optimizer.step()
            curve.append(loss.item())
        curves.append(torch.tensor(curve))
    assert curves[0][-1] < curves[0][0]  # it learns
    torch.testing.assert_close(curves[1], curves[0], rtol=1e-5, atol=1e-6)
