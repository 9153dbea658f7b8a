"""One harness for the PyTorch binding, parametrized over the registry: every module and
functional form against the core's reference (forward and gradient), torch.nn where our rules
agree, gradcheck and gradgradcheck, repr, state_dict and save/load, errors."""

from __future__ import annotations

import io
import math

import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers._frameworks import spelling  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402
from rectifiers.torch._kernels import EXACT_ON_CPU  # noqa: E402

torch.set_num_threads(1)

NAMES = rf.names()
ELEMENTWISE = tuple(n for n in NAMES if rf.get(n).elementwise)
RECTIFIERS = ("relu", "relu6", "leaky_relu", "prelu", "rrelu", "elu", "selu")
TOL = {torch.float64: 1e-12, torch.float32: 2e-6, torch.float16: 1e-3, torch.bfloat16: 8e-3}


def memories(name):
    return ["auto", "input"] + (["bits"] if rf.get(name).mask is not None else [])


def call_params(name, dtype=torch.float64):
    """Parameters for a call: the spec's example values (prelu: a learnable per-channel slope)."""
    params = dict(rf.get(name).example_params)
    if name == "prelu":
        params["alpha"] = torch.tensor([[0.25], [0.5], [1.5]], dtype=dtype, requires_grad=True)
    if name == "rrelu":
        params |= {"training": True, "seed": 7}
    return params


def points(dtype=torch.float64, kinks=True, nan=False):
    """Random values of shape (2, 3, 11), with the kinks (0, -0.0, 6) and inf written in."""
    x = torch.randn(2, 3, 11, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 4
    if kinks:
        x[0, :, :5] = torch.tensor([0.0, -0.0, 6.0, math.inf, -math.inf], dtype=torch.float64)
    if nan:
        x[1, :, 0] = math.nan
    return x.to(dtype)


def core_reference(name, x, params):
    """y and dy/dx (and dy/dalpha) from the core's array-API math, differentiated by torch."""
    x = x.detach().requires_grad_()
    alpha = params.get("alpha")
    if name == "prelu":
        y = rf.prelu(x, alpha)
    else:
        y = getattr(rf, name)(x, **params)
    return x, y


def grads(y, inputs, g):
    inputs = [t for t in inputs if isinstance(t, torch.Tensor) and t.requires_grad]
    return torch.autograd.grad(y, inputs, g, allow_unused=True)


def torch_names(name, params):
    """The core's parameters under torch.nn.functional's names (leaky_relu's negative_slope...)."""
    spelt = {core: torch_name for torch_name, core in spelling("torch", name).function.core_names().items()}
    return {spelt.get(k, k): v for k, v in params.items()}


def ours(name, x, params, memory="auto"):
    x = x.detach().requires_grad_()
    if name == "prelu":  # torch's weight: one slope per channel (dim 1), 1-d
        return x, F.prelu(x, params["alpha"].reshape(-1), memory=memory)
    return x, getattr(F, name)(x, **torch_names(name, params), memory=memory)


def assert_close(actual, expected, dtype):
    torch.testing.assert_close(actual, expected, rtol=TOL[dtype], atol=TOL[dtype], equal_nan=True)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_forward_and_gradient_equal_the_core(name, dtype):
    for memory in memories(name):
        params = call_params(name)
        if name == "prelu":
            params["alpha"] = params["alpha"].detach().to(dtype).requires_grad_()
        nan = name != "softmax"  # softmax's NaN spreads along its axis
        x = points(dtype, nan=nan)
        if name == "prelu":  # autograd through the core's where gives 0 * inf = nan for d/dalpha at +inf
            x = x.nan_to_num(nan=math.nan, posinf=3.0, neginf=-3.0)
        xr, ref = core_reference(name, x, params)
        xo, y = ours(name, x, params, memory)
        assert y.dtype == dtype and y.shape == x.shape
        assert_close(y, ref, dtype)
        assert torch.equal(torch.signbit(y[y == 0]), torch.signbit(ref[ref == 0])), "signed zeros differ"
        if name == "softmax":  # not elementwise: keep it finite
            xr, ref = core_reference(name, points(dtype, kinks=False), params)
            xo, y = ours(name, points(dtype, kinks=False), params, memory)
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64).to(dtype)
        expected = grads(ref, [xr, params.get("alpha")], g)
        actual = grads(y, [xo, params.get("alpha")], g)
        assert_close(actual[0], expected[0], dtype)
        if name == "prelu":  # the weight gradient sums over elements: a looser tolerance
            tol = TOL[dtype] * 50
            torch.testing.assert_close(actual[1], expected[1], rtol=tol, atol=tol, equal_nan=True)


def test_kink_rule_is_the_core_rule():
    x = torch.tensor([0.0, -0.0, 6.0, math.nan], requires_grad=True)
    for name in ("relu", "relu6", "leaky_relu", "elu"):
        (g,) = torch.autograd.grad(getattr(F, name)(x).sum(), x)
        alpha = {"alpha": 0.01} if name == "leaky_relu" else {}  # torch's default slope
        assert torch.equal(g[:3], rf.derivative(name, x.detach(), **alpha)[:3]), name
    assert F.relu(x)[1].item() == 0.0 and not torch.signbit(F.relu(x)[1])  # relu(-0.0) = +0.0
    assert F.relu6(x)[2].item() == 6.0


TORCH_NN = {
    "relu": lambda: (rt.ReLU(), torch.nn.ReLU()),
    "relu6": lambda: (rt.ReLU6(), torch.nn.ReLU6()),
    "leaky_relu": lambda: (rt.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
    "prelu": lambda: (rt.PReLU(3), torch.nn.PReLU(3)),
    "rrelu": lambda: (rt.RReLU().eval(), torch.nn.RReLU().eval()),
    "elu": lambda: (rt.ELU(0.7), torch.nn.ELU(0.7)),
    "selu": lambda: (rt.SELU(), torch.nn.SELU()),
}


@pytest.mark.parametrize("name", RECTIFIERS)
def test_torch_nn_gives_the_same_numbers(name):
    """Swapping torch.nn's module for ours changes nothing away from NaN and -0.0."""
    mine, theirs = TORCH_NN[name]()
    theirs.load_state_dict(mine.state_dict())
    x = points(torch.float32, kinks=False)
    x.view(-1)[:4] = torch.tensor([0.0, 6.0, 1e-30, -1e-30])
    a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
    ya, yb = mine(a), theirs(b)
    if name in EXACT_ON_CPU:  # the core's bits on CPU float32, where torch's kernel is up to 2 ulp off
        core = {"alpha": 0.7} if name == "elu" else {}  # TORCH_NN's elu: ELU(0.7)
        assert torch.equal(ya, torch.from_numpy(getattr(rf, name)(x.numpy(), **core)))
        torch.testing.assert_close(ya, yb, rtol=2.5e-7, atol=0)
    else:
        assert torch.equal(ya, yb)
    g = torch.randn_like(ya)
    ga, gb = grads(ya, [a, *mine.parameters()], g), grads(yb, [b, *theirs.parameters()], g)
    for p, q in zip(ga, gb, strict=True):
        torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-6)


def module_for(name, **options):
    params = {k: v for k, v in call_params(name).items() if k not in ("training", "seed", "alpha")}
    if name == "prelu":
        return rt.Activation(name, num_parameters=3, init=0.5, **options)
    return rt.Activation(name, **params, **({"seed": 3} if name == "rrelu" else {}), **options)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_gradcheck_and_gradgradcheck(name):
    """float64, every memory mode, at random points and just beside the kinks."""
    x = points(kinks=False)
    x.view(-1)[:6] = torch.tensor([1e-3, -1e-3, 6.001, 5.999, 1e-2, -1e-2])
    for memory in memories(name):
        module = module_for(name, memory=memory).double()
        if name == "rrelu":  # one seed for every call of gradcheck: the same slopes

            def f(t, m=module):
                return F.rrelu(t, training=True, seed=11, memory=m.memory)
        else:
            f = module
        inputs = (x.clone().requires_grad_(),)
        assert torch.autograd.gradcheck(f, inputs)
        assert torch.autograd.gradgradcheck(f, inputs)
    if name == "prelu":  # the weight too, per channel, with the slopes kept or the input kept
        for slopes in ([0.25, 0.5, 2.0], [0.25, -0.5, 0.0]):
            w = torch.tensor(slopes, dtype=torch.float64).requires_grad_()  # torch's: along dim 1
            both = (x.clone().requires_grad_(), w)
            assert torch.autograd.gradcheck(F.prelu, both)
            assert torch.autograd.gradgradcheck(F.prelu, both)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_second_derivative_at_the_kink_equals_the_core(name):
    """At exactly the kink, first and second derivatives follow the core's rule."""
    spec = rf.get(name)
    x = torch.tensor([*spec.kinks, 1.5, -1.5], dtype=torch.float64)
    params = {k: v for k, v in call_params(name).items() if k != "alpha"}
    alpha = (0.5,) if name in ("prelu", "leaky_relu") else ()  # the slope, positional in both
    for memory in memories(name):
        a = x.clone().requires_grad_()
        g, gg = first_and_second(lambda t, m=memory: getattr(F, name)(t, *alpha, **params, memory=m), a)
        b = x.clone().requires_grad_()
        h, hh = first_and_second(lambda t: getattr(rf, name)(t, *alpha, **params), b)
        torch.testing.assert_close(g, h, rtol=1e-15, atol=0)  # the same branch, to the last bits
        torch.testing.assert_close(gg, hh, rtol=1e-12, atol=1e-12)


def first_and_second(f, x):
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    if not g.requires_grad:  # piecewise linear: the first derivative is a constant
        return g, torch.zeros_like(x)
    (gg,) = torch.autograd.grad(g.sum(), x, allow_unused=True, materialize_grads=True)
    return g.detach(), gg


@pytest.mark.parametrize("name", NAMES)
def test_module_repr_state_dict_and_save_load(name, tmp_path):
    module = module_for(name)
    text = repr(module)
    assert text.startswith("Activation(" + repr(name))
    for key, value in module.options.items():
        assert f"{key}={value!r}" in text
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), module, torch.nn.Linear(3, 2))
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(0.1, 1.0)
    x = torch.randn(4, 3)
    model.eval()
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    clone = torch.nn.Sequential(torch.nn.Linear(3, 3), module_for(name), torch.nn.Linear(3, 2)).eval()
    clone.load_state_dict(torch.load(buffer, weights_only=True))
    assert torch.equal(clone(x), model(x))
    path = tmp_path / "model.pt"
    torch.save(model, path)  # the whole model pickles by reference to our classes
    assert torch.equal(torch.load(path, weights_only=False)(x), model(x))


def test_named_modules_take_torch_nn_defaults_and_the_generic_one_the_cores():
    assert rt.LeakyReLU().options == {"alpha": 0.01}  # torch.nn.LeakyReLU's; the core's is 0.2
    assert rt.Activation("leaky_relu").options == rf.get("leaky_relu").defaults
    assert rt.ELU().options == rf.get("elu").defaults
    assert rt.RReLU().options == rf.get("rrelu").defaults | {"seed": None}
    assert rt.PReLU().options["init"] == torch.nn.PReLU().init
    assert repr(rt.LeakyReLU(0.1, inplace=True)) == "LeakyReLU(negative_slope=0.1, inplace=True)"
    assert repr(rt.PReLU(3, memory="input")) == "PReLU(num_parameters=3, memory='input')"
    assert rt.PReLU(3).state_dict().keys() == torch.nn.PReLU(3).state_dict().keys()


@pytest.mark.parametrize(
    "make, error, text",
    [
        (lambda: rt.LeakyReLU("a"), TypeError, "Received: alpha='a'"),
        (lambda: rt.ELU(math.inf), ValueError, "Received: alpha=inf"),
        (lambda: rt.RReLU(0.5, 0.25), ValueError, "Received: lower=0.5, upper=0.25"),
        (lambda: rt.RReLU(1.5), ValueError, "Received: lower=1.5"),
        (lambda: rt.PReLU(0), ValueError, "Received: num_parameters=0"),
        (lambda: rt.RReLU(seed="a"), TypeError, "Received: seed='a'"),
        (lambda: rt.PReLU(init=math.nan), ValueError, "Received: init=nan"),
        (lambda: rt.Activation("swish"), ValueError, "Accepted: relu"),
        (lambda: rt.Activation("relu", alpha=1.0), TypeError, "Accepted:"),
        (lambda: rt.ReLU(memory="fp8"), ValueError, "Received: memory='fp8'"),
        (lambda: rt.ELU(memory="bits"), ValueError, "Received: memory='bits'"),
        (lambda: rt.LeakyReLU(-0.5, inplace=True), ValueError, "in-place would overwrite"),
        (lambda: rt.Activation("prelu", inplace=True), ValueError, "no in-place form"),
        (lambda: rt.PReLU(4)(torch.ones(2, 3)), ValueError, "Received: input of shape (2, 3)"),
        (lambda: F.relu([1.0, -1.0]), TypeError, "Received: list"),
        (lambda: F.relu(torch.tensor([True])), TypeError, "Received: an array of dtype bool"),
        (lambda: F.elu(torch.ones(2, dtype=torch.complex64)), TypeError, "complex64"),
        (lambda: F.prelu(torch.ones(2, 3), torch.ones(4)), ValueError, "Received: weight of shape (4,)"),
    ],
)
def test_bad_input_is_refused_with_what_was_received(make, error, text):
    with pytest.raises(error, match=r".*" + __import__("re").escape(text)):
        make()


@pytest.mark.parametrize("name", NAMES)
def test_integer_input_follows_the_core_dtype_policy(name):
    x = torch.tensor([-3, 0, 5], dtype=torch.int32)
    params = {k: v for k, v in call_params(name).items() if k != "alpha"}
    alpha = (0.5,) if name in ("prelu", "leaky_relu") else ()  # the slope, positional in both
    y = getattr(F, name)(x, *alpha, **torch_names(name, params))
    expected = getattr(rf, name)(x, *alpha, **params)
    assert y.dtype == expected.dtype and torch.equal(y, expected)


# elu and selu in place rebuild f' from the output, within eps * alpha (tests/test_torch_trust.py)
@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "rrelu"])  # as torch, sigmoid has no inplace
def test_inplace_where_safe_gives_the_same_gradient(name):
    params = {k: v for k, v in call_params(name).items() if k != "alpha"}
    x = points(torch.float64, kinks=False)
    a = x.clone().requires_grad_()
    b = x.clone().requires_grad_()
    ya = getattr(F, name)(a * 1, **params, inplace=True)
    yb = getattr(F, name)(b * 1, **params)
    assert torch.equal(ya, yb)
    g = torch.randn_like(ya)
    assert torch.equal(*grads(ya, [a], g), *grads(yb, [b], g))


def test_inplace_is_refused_where_the_backward_needs_the_input():
    x = torch.randn(5, requires_grad=True) * 1
    with pytest.raises(ValueError, match="in-place would overwrite"):
        F.leaky_relu(x, -0.1, inplace=True)
    with pytest.raises(ValueError, match="in-place would overwrite"):
        F.elu(x, -1.0, inplace=True)
    with pytest.raises(ValueError, match="in-place would overwrite"):
        F.relu(x, inplace=True, memory="input")
