"""A functional call keeps what its arguments decide (``functional._fixed``): the same bits and
gradients as ``rectify``, one kept call per distinct argument (-0.0 is not 0.0), the core's
messages for bad arguments on every call, and a bounded cache."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from torch_values import bits_equal, special  # noqa: E402

import rectifiers as rf  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402
from rectifiers.torch._rectify import rectify  # noqa: E402

torch.set_num_threads(1)

CALLS = {  # functional call -> (core name, core parameters)
    "relu": (lambda x, **k: F.relu(x, **k), "relu", {}),
    "relu6": (lambda x, **k: F.relu6(x, **k), "relu6", {}),
    "leaky 0.1": (lambda x, **k: F.leaky_relu(x, 0.1, **k), "leaky_relu", {"alpha": 0.1}),
    "leaky -0.0": (lambda x, **k: F.leaky_relu(x, -0.0, **k), "leaky_relu", {"alpha": -0.0}),
    "elu 0.5": (lambda x, **k: F.elu(x, 0.5, **k), "elu", {"alpha": 0.5}),
    "selu": (lambda x, **k: F.selu(x, **k), "selu", {}),
    "softmax": (lambda x, **k: F.softmax(x, 0, **k), "softmax", {"axis": 0}),
}


#: memory="bits" only where a 1-bit mask decides the derivative (elsewhere it is refused)
SETTINGS = [
    (case, memory)
    for case, (_, name, _) in CALLS.items()
    for memory in ("auto", "input", "bits")
    if memory != "bits" or rf.get(name).mask is not None
]


@pytest.mark.parametrize("n", [64, 5000, 20000])
@pytest.mark.parametrize(("case", "memory"), SETTINGS)
def test_a_kept_call_gives_rectifys_bits_and_gradient(case, memory, n):
    call, name, params = CALLS[case]
    spec = rf.get(name)
    x, g = special(n, n)
    if name == "softmax":
        x = torch.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0)
    results = []
    kept, general = lambda v: call(v, memory=memory), lambda v: rectify(spec, v, dict(params), memory=memory)
    for function in (kept, general):
        for _ in range(2):  # the second call takes the kept one
            leaf = x.clone().requires_grad_()
            y = function(leaf)
            y.backward(g)
            results.append((y.detach(), leaf.grad))
    for y, grad in results[1:]:
        assert bits_equal(y, results[0][0]) and bits_equal(grad, results[0][1])


def test_minus_zero_and_zero_are_kept_apart():
    x = torch.tensor([-2.0, 3.0])
    for _ in range(2):  # -2 * 0.0 = -0.0, -2 * -0.0 = +0.0, as the core
        assert torch.signbit(F.leaky_relu(x, 0.0)[0]) and not torch.signbit(F.leaky_relu(x, -0.0)[0])


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_bad_arguments_are_refused_on_every_call(bad):
    for _ in range(2):
        with pytest.raises(ValueError, match="Received"):
            F.leaky_relu(torch.ones(3), bad)
    with pytest.raises(ValueError, match="memory must be one of"):
        F.relu(torch.ones(3), memory="lean")


def test_the_kept_calls_stay_few_over_a_sweep():
    from rectifiers.torch import functional

    for k in range(600):
        F.leaky_relu(torch.ones(2), 0.001 * (k + 1))
    assert 0 < len(functional._FIXED) <= functional._FIXED_LIMIT
