"""torch.func over every functional form and module: vmap, grad, jacrev, jvp, forward-mode AD,
per-sample gradients (vmap(grad(functional_call))) and ensembles (stack_module_state), against
torch.nn's results, and the core's kink rule where torch.nn's differs."""

from __future__ import annotations

import copy
import math

import pytest

torch = pytest.importorskip("torch")

from torch.func import functional_call, grad, jacfwd, jacrev, jvp, stack_module_state, vmap  # noqa: E402

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402

torch.set_num_threads(1)
nnF = torch.nn.functional
MEAN = sum(rf.get("rrelu").defaults.values()) / 2


def pair(name):
    """Ours and torch.nn.functional's form of ``name``; per sample (3, 3): C = 3 either way."""
    weight = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
    ours, args = getattr(F, name), {"prelu": (weight,), "softmax": (1,)}.get(name, ())
    theirs = getattr(nnF, name)
    if name == "rrelu":  # torch's rrelu has no batching rule; in evaluation it is leaky_relu
        return (lambda t: ours(t)), (lambda t: nnF.leaky_relu(t, MEAN))
    return (lambda t: ours(t, *args)), (lambda t: theirs(t, *args))


def batch():
    return torch.randn(4, 3, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 3


TRANSFORMS = {
    "vmap": lambda f, x: vmap(f)(x),
    "grad": lambda f, x: vmap(grad(lambda t: f(t).sin().sum()))(x),  # per sample
    "jacrev": lambda f, x: jacrev(f)(x[0]),
    "jvp": lambda f, x: jvp(f, (x,), (torch.cos(x),))[1],
    "jacfwd": lambda f, x: jacfwd(f)(x[0]),
    "hessian": lambda f, x: vmap(jacrev(jacrev(lambda t: f(t).sin().sum())))(x[:2]),
}


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("name", rf.names())
def test_torch_func_transforms_give_torch_nn_results(name, transform):
    ours, theirs = pair(name)
    if (name, transform) == ("prelu", "hessian"):  # torch.nn's prelu fails there (split_with_sizes)
        theirs = lambda t: torch.where(t > 0, t, torch.tensor([0.1, 0.2, 0.3], dtype=t.dtype) * t)  # noqa: E731
    x = batch()
    torch.testing.assert_close(TRANSFORMS[transform](ours, x), TRANSFORMS[transform](theirs, x))


def test_the_kink_rule_holds_under_the_transforms():
    """At 0 and NaN torch.nn's relu gradient differs (relu'(nan) = 1 there); ours is the core's."""
    x = torch.tensor([0.0, -0.0, 6.0, math.nan, 2.0], dtype=torch.float64)
    for name in ("relu", "relu6", "leaky_relu", "elu"):
        expected = rf.derivative(name, x, **({"alpha": 0.01} if name == "leaky_relu" else {}))
        f = getattr(F, name)
        torch.testing.assert_close(vmap(grad(f))(x), expected, equal_nan=True)
        torch.testing.assert_close(jvp(f, (x,), (torch.ones_like(x),))[1], expected, equal_nan=True)


def test_forward_mode_ad_with_dual_tensors():
    fwd = torch.autograd.forward_ad
    x, tangent = batch(), torch.randn(4, 3, 3, dtype=torch.float64)
    for name in ("leaky_relu", "elu", "prelu", "relu6"):
        ours, theirs = pair(name)
        with fwd.dual_level():
            got = fwd.unpack_dual(ours(fwd.make_dual(x, tangent))).tangent
            expected = fwd.unpack_dual(theirs(fwd.make_dual(x, tangent))).tangent
        torch.testing.assert_close(got, expected)


def mlp(make, memory):
    """A small MLP of PReLU, LeakyReLU and ELU from ``make`` (rt or torch.nn); ours keep ``memory``."""
    extra = {"memory": memory} if make is rt else {}
    torch.manual_seed(0)
    layers = [torch.nn.Linear(4, 4), make.PReLU(4), torch.nn.Linear(4, 4)]
    layers += [make.LeakyReLU(0.1, **extra), torch.nn.Linear(4, 4), make.ELU(), torch.nn.Linear(4, 2)]
    return torch.nn.Sequential(*layers).double()


@pytest.mark.parametrize("memory", rt.MEMORY)
def test_per_sample_gradients(memory):
    x, target = batch().reshape(-1, 4)[:9], torch.randn(9, 2, dtype=torch.float64)
    results = []
    for model in (mlp(rt, memory), mlp(torch.nn, memory)):
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss(p, sample, y, m=model):
            return ((functional_call(m, p, (sample[None],)) - y[None]) ** 2).sum()

        results.append(vmap(grad(loss), in_dims=(None, 0, 0))(params, x, target))
    ours, theirs = results
    assert ours.keys() == theirs.keys()
    for key in ours:
        torch.testing.assert_close(ours[key], theirs[key], msg=key)


def test_an_ensemble_of_prelus_with_stack_module_state():
    x = batch()
    results = []
    for make in (rt, torch.nn):
        members = [make.PReLU(3, init=0.1 * (k + 1)).double() for k in range(3)]
        params, buffers = stack_module_state(members)
        base = copy.deepcopy(members[0]).to("meta")

        def run(p, b, t, m=base):
            return functional_call(m, (p, b), (t,))

        out = vmap(run, in_dims=(0, 0, None))(params, buffers, x)
        g = vmap(grad(lambda p, b, t: run(p, b, t).sum()), in_dims=(0, 0, None))(params, buffers, x)
        results.append((out, g["weight"]))
    torch.testing.assert_close(results[0], results[1])
