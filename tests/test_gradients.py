"""Gradients three ways: torch.autograd.gradcheck in float64, jax.grad, and finite differences;
each against rf.derivative, which follows the kink rule, including at the kinks themselves."""

import numpy as np
import oracle
import pytest
from libraries import AUTODIFF_LIBRARIES

import rectifiers as rf
from rectifiers._apply import call_by_name

ELEMENTWISE = [n for n in rf.names() if rf.get(n).elementwise]


def away_from_kinks(name, n=64, seed=0):
    x = np.random.default_rng(seed).uniform(-8, 8, size=n)
    for kink in rf.get(name).kinks:
        x = np.where(np.abs(x - kink) < 1e-3, x + 0.01, x)
    return x


def _f(name):
    return lambda v: call_by_name(name, v, **rf.get(name).example_params)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    x = away_from_kinks(name)
    f, h = _f(name), 1e-6
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(
        rf.derivative(name, x, **rf.get(name).example_params), numeric, rtol=1e-6, atol=1e-8
    )


def test_finite_differences_would_catch_a_wrong_derivative():
    x = away_from_kinks("elu")
    numeric = (rf.elu(x + 1e-6) - rf.elu(x - 1e-6)) / 2e-6
    assert not np.allclose(rf.derivative("selu", x), numeric, rtol=1e-6)


@pytest.mark.parametrize("library", [lib.param() for lib in AUTODIFF_LIBRARIES])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_autodiff_equals_derivative_everywhere_including_kinks(library, name):
    spec = rf.get(name)
    x = np.concatenate(
        [away_from_kinks(name, 16), np.array(spec.kinks), -np.array(spec.kinks), [-0.0, np.nan]]
    )
    got = library.grad(_f(name), x)
    # the libraries' tanh/sigmoid backward is 1 - y^2 / y(1 - y), which loses relative digits
    # far out on the tails: 1e-9 still tells any wrong rule (a kink value is off by O(1))
    np.testing.assert_allclose(got, oracle.derivative(name, x, **spec.example_params), rtol=1e-9, atol=0)


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_torch_gradcheck_and_gradgradcheck(name):
    torch = pytest.importorskip("torch")
    x = torch.tensor(away_from_kinks(name, 12).reshape(3, 4), requires_grad=True)
    f = _f(name)
    assert torch.autograd.gradcheck(f, (x,))
    if name not in (
        "relu",
        "relu6",
    ):  # piecewise linear: the second derivative is 0 and gradgradcheck is vacuous
        assert torch.autograd.gradgradcheck(f, (x,))


def test_prelu_gradient_reaches_alpha():
    torch = pytest.importorskip("torch")
    x = torch.tensor(away_from_kinks("prelu", 12).reshape(3, 4), requires_grad=True)
    alpha = torch.tensor([[0.1], [0.2], [0.3]], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v, a: rf.prelu(v, a), (x, alpha))
    x0 = torch.tensor([-2.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(0.25, dtype=torch.float64, requires_grad=True)
    rf.prelu(x0, w).sum().backward()
    assert x0.grad.tolist() == [0.25, 0.25, 1.0] and w.grad.item() == -2.0


def test_jax_grad_jvp_and_softmax_jacobian():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    assert jax.grad(rf.relu)(0.0) == 0.0
    assert jax.grad(lambda v: rf.leaky_relu(v, alpha=0.3))(0.0) == 0.3
    _, tangent = jax.jvp(lambda v: rf.leaky_relu(v, alpha=0.3), (jnp.zeros(3),), (jnp.ones(3),))
    np.testing.assert_array_equal(tangent, [0.3, 0.3, 0.3])
    x = jnp.array([0.5, -1.0, 2.0])
    y = rf.softmax(x)
    np.testing.assert_allclose(
        jax.jacobian(rf.softmax)(x), jnp.diag(y) - jnp.outer(y, y), rtol=1e-12, atol=1e-15
    )
