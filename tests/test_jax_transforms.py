"""The core on JAX under its transforms: ``jit``, ``vmap``, ``grad`` and ``jvp`` give the core's
values and derivatives, the kink rule included, for every activation."""

import numpy as np
import oracle
import pytest
from compare import assert_ulps

import rectifiers as rf
from rectifiers._apply import evaluate
from rectifiers._dtypes import numpy_dtype

jax = pytest.importorskip("jax")
jnp = jax.numpy

#: Kinks, signed zeros, relu6's cap, infinities and NaN.
POINTS = np.array([-np.inf, -3.0, -1.0, -0.0, 0.0, 1e-8, 0.5, 6.0, 7.0, np.inf, np.nan])
ELEMENTWISE = [name for name in rf.names() if rf.get(name).elementwise]
DTYPES = ["float32", "float64"]


def _fn(name):
    spec = rf.get(name)
    params = spec.example_params
    return lambda x: evaluate(spec, x, params), params


def test_the_session_runs_jax_in_x64():
    """tests/conftest.py switches x64 on once for the whole session, whichever files run."""
    assert jnp.asarray(1.0).dtype == jnp.float64


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_grad_and_jvp_equal_the_core_derivative(name, dtype):
    f, params = _fn(name)
    x = jnp.asarray(POINTS, dtype=dtype)
    expected = rf.derivative(name, POINTS.astype(dtype), **params)
    grad = jax.vmap(jax.grad(f))(x)
    _, jvp = jax.jvp(f, (x,), (jnp.ones_like(x),))
    for actual in (grad, jvp):
        assert actual.dtype == x.dtype
        atol = 1e-6 if dtype == "float32" else 0  # float32 autodiff of tanh/sigmoid rounds differently
        np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-6, atol=atol)
    if rf.get(name).kinks:  # at the kinks themselves the rule is exact, not approximate
        kinks = np.isin(POINTS, (0.0, 6.0)) | np.isnan(POINTS)
        np.testing.assert_array_equal(np.asarray(grad)[kinks], expected[kinks])


@pytest.mark.parametrize(
    ("name", "x", "expected"),
    [("relu", 0.0, 0.0), ("relu6", 0.0, 0.0), ("relu6", 6.0, 0.0), ("leaky_relu", 0.0, 0.2),
     ("elu", 0.0, 1.0), ("selu", 0.0, rf._functional.SELU_SCALE_ALPHA), ("relu", np.nan, 0.0),
     ("leaky_relu", np.nan, 0.2)],
)  # fmt: skip
def test_the_kink_rule_under_grad(name, x, expected):
    f, _ = _fn(name)
    assert float(jax.grad(f)(jnp.float32(x))) == pytest.approx(expected, rel=1e-7)


def test_elu_at_infinity_has_a_finite_gradient():
    f, _ = _fn("elu")
    assert float(f(jnp.float32(np.inf))) == np.inf
    assert float(jax.grad(f)(jnp.float32(np.inf))) == 1.0


@pytest.mark.parametrize("name", rf.names())
def test_jit_and_vmap_agree_with_eager(name):
    f, _ = _fn(name)
    x = jnp.asarray(np.random.default_rng(0).standard_normal((4, 5)) * 4, dtype="float32")
    eager = np.asarray(f(x))
    np.testing.assert_array_equal(np.asarray(jax.jit(f)(x)), eager)
    # rows are independent: elementwise, and softmax's default axis is the last one
    np.testing.assert_allclose(np.asarray(jax.vmap(f)(x)), eager, rtol=1e-6)
    jitted_grad = jax.jit(jax.grad(lambda v: jnp.sum(f(v) * jnp.arange(5.0, dtype="float32"))))(x)
    assert jitted_grad.shape == x.shape and bool(jnp.all(jnp.isfinite(jitted_grad)))


def test_prelu_alpha_is_differentiable_and_traceable():
    x = jnp.array([[-2.0, 0.0, 3.0], [-1.0, -0.0, np.inf]], dtype="float32")
    alpha = jnp.array([0.1, 0.2, 0.3], dtype="float32")

    def loss(alpha, x):
        return jnp.sum(rf.prelu(x, alpha))

    dalpha, dx = jax.jit(jax.grad(loss, argnums=(0, 1)))(alpha, x)
    np.testing.assert_array_equal(np.asarray(dalpha), [-3.0, 0.0, 0.0])  # +inf gives 0, not 0 * inf
    expected = np.array([[0.1, 0.2, 1.0], [0.1, 0.2, 1.0]], dtype="float32")
    np.testing.assert_array_equal(np.asarray(dx), expected)


def test_integers_keep_their_dtype_under_jit():
    x = jnp.array([-3, 0, 7], dtype=jnp.int8)
    assert jax.jit(rf.relu)(x).dtype == jnp.int8
    assert jax.jit(rf.relu6)(x).tolist() == [0, 0, 6]


#: Each jax.nn function with the core's call that computes the same function.
JAX_NN = {
    "relu": (jax.nn.relu, rf.relu),
    "relu6": (jax.nn.relu6, rf.relu6),
    "leaky_relu": (lambda v: jax.nn.leaky_relu(v, 0.2), lambda v: rf.leaky_relu(v, alpha=0.2)),
    "prelu": (lambda v: jax.nn.leaky_relu(v, 0.25), lambda v: rf.prelu(v, 0.25)),
    "rrelu": (lambda v: jax.nn.leaky_relu(v, 0.25), lambda v: rf.rrelu(v, 0.125, 0.375)),
    "elu": (jax.nn.elu, rf.elu),
    "selu": (jax.nn.selu, rf.selu),
    "sigmoid": (jax.nn.sigmoid, rf.sigmoid),
    "tanh": (jnp.tanh, rf.tanh),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_second_derivative_is_jax_nn_s(name):
    """d2/dx2 (grad of grad, under jit) equals jax.nn's: the custom_jvp the core traces
    (``_namespace.fused``) is itself differentiable; zeros for the piecewise-linear ones."""
    assert set(JAX_NN) == set(ELEMENTWISE), "every elementwise activation has its jax.nn twin here"
    theirs, ours = JAX_NN[name]
    x = jnp.asarray(np.linspace(-3.0, 3.0, 7) + 0.25)  # float64 (x64), no point on a kink
    got, want = (jax.jit(jax.vmap(jax.grad(jax.grad(f))))(x) for f in (ours, theirs))
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
@pytest.mark.parametrize("name", [name for name in ELEMENTWISE if rf.get(name).rounds_once])
def test_exp_family_under_jit_and_grad_is_within_one_ulp(name, dtype):
    """Under jit, inside the custom_jvp the core traces (``_namespace.fused``), the forward is
    still float64 rounded once (x64): within 1 ulp of the float64 oracle, and so is the value
    ``jax.value_and_grad`` returns."""
    f, params = _fn(name)
    points = np.concatenate(
        [np.linspace(-30, 30, 1 << 15), np.random.default_rng(0).normal(scale=0.01, size=1 << 14)]
    )
    x = points.astype(numpy_dtype(dtype))
    expected = oracle.forward(name, x.astype(np.float64), **params)
    value = jax.jit(jax.vmap(jax.value_and_grad(f)))(jnp.asarray(x))[0]
    for got in (jax.jit(f)(jnp.asarray(x)), value):
        assert_ulps(np.asarray(got), expected, 1, f"{name} {dtype} under jax.jit")
