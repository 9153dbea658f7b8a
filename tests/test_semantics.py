"""The rules of DESIGN.md's "Semantics the project owns" table, one test each, on every library."""

import math

import numpy as np
import pytest
from libraries import LIBRARIES, NUMPY_DTYPES, library_params

import rectifiers as rf
from rectifiers._apply import call_by_name

SEED = np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32)
ELEMENTWISE = [n for n in rf.names() if rf.get(n).elementwise]


def _call(activation, x, /, **params):
    return call_by_name(activation, x, **{**rf.get(activation).example_params, **params})


@pytest.mark.parametrize("library", library_params())
def test_seed_examples_hold_exactly(library):
    relu = library.to_numpy(rf.relu(library.make(SEED)))
    leaky = library.to_numpy(rf.leaky_relu(library.make(SEED), alpha=0.01))
    np.testing.assert_array_equal(relu, np.array([1, 0, 3.4, 0, 0, 0], dtype=np.float32))
    # [1, -0.005, 3.4, -0.021, 0, -0.065] as float32 * float32(0.01) rounds it, which is what
    # TensorFlow, PyTorch and JAX print with more digits (peers-semantics.md, section 4.1)
    frameworks = np.array([1, -0.00499999989, 3.4, -0.0209999979, 0, -0.0649999976], dtype=np.float32)
    np.testing.assert_array_equal(leaky, frameworks)
    assert np.array2string(leaky, separator=", ") == "[ 1.   , -0.005,  3.4  , -0.021,  0.   , -0.065]"
    assert relu.dtype == leaky.dtype == np.float32


X = np.random.default_rng(0).normal(size=10_000) * 10


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2, 0.5, 1.0])
def test_efficient_leaky_identity(alpha):
    """The seeds' "efficient LeakyReLU" 0.5(1+a)x + 0.5(1-a)|x| equals leaky_relu for 0 <= a <= 1,
    up to its own rounding (four roundings against our one multiply)."""
    efficient = 0.5 * (1 + alpha) * X + 0.5 * (1 - alpha) * np.abs(X)
    np.testing.assert_allclose(rf.leaky_relu(X, alpha=alpha), efficient, rtol=1e-13, atol=1e-300)


def test_max_form_breaks_outside_unit_interval_where_ours_does_not():
    """max(x, a x) (Keras's NumPy backend) is leaky_relu only for a <= 1; the select is right for any a.
    (The efficient form's algebra holds for any a too.)"""
    alpha = 1.5
    assert not np.allclose(np.maximum(X, alpha * X), rf.leaky_relu(X, alpha=alpha))
    np.testing.assert_allclose(rf.leaky_relu(X, alpha=alpha), np.where(X > 0, X, alpha * X), rtol=0)
    efficient = 0.5 * (1 + alpha) * X + 0.5 * (1 - alpha) * np.abs(X)
    np.testing.assert_allclose(rf.leaky_relu(X, alpha=alpha), efficient, rtol=1e-13)


def test_defaults_are_the_seeds():
    assert rf.get("leaky_relu").defaults == {"alpha": 0.2}
    assert rf.get("elu").defaults == {"alpha": 1.0}
    assert rf.get("rrelu").defaults == {"lower": 1 / 8, "upper": 1 / 3}
    assert rf.get("softmax").defaults == {"axis": -1}
    assert rf.get("prelu").example_params == {"alpha": 0.25}


@pytest.mark.parametrize("library", library_params())
@pytest.mark.parametrize("name", [name for name in ELEMENTWISE if rf.get(name).kinks])
def test_kink_rule(library, name):
    """x > 0 strictly selects the positive branch, at every length (scalar path and SIMD body alike)."""
    spec = rf.get(name)
    params = {"alpha": 0.5} if name == "elu" else spec.example_params  # at alpha 1 both slopes are 1
    for kink in spec.kinks:
        for n in (1, 7, 16, 17, 33):
            x = np.full(n, kink)
            left = np.full(n, kink - 1.0)
            got = library.to_numpy(rf.derivative(name, library.make(x), **params))
            if kink == 0.0:
                expected = library.to_numpy(rf.derivative(name, library.make(left), **params))
                if name in ("elu", "selu"):  # smooth slope on the left: take its limit at 0
                    expected = library.to_numpy(
                        rf.derivative(name, library.make(np.full(n, -1e-300)), **params)
                    )
            else:  # relu6 at 6: the flat branch
                expected = np.zeros(n)
            np.testing.assert_array_equal(got, expected, err_msg=f"{name}'({kink}) at length {n}")


def test_kink_values():
    zero = np.zeros(1)
    assert rf.derivative("relu", zero)[0] == 0
    assert rf.derivative("leaky_relu", zero, alpha=0.3)[0] == 0.3
    assert rf.derivative("elu", zero, alpha=0.7)[0] == 0.7
    assert rf.derivative("relu6", np.array([6.0]))[0] == 0
    assert rf.derivative("selu", zero)[0] == pytest.approx(1.7580993408473768)
    assert rf.derivative("prelu", zero, alpha=0.25)[0] == 0.25


@pytest.mark.parametrize("library", library_params())
def test_nan_inf_and_signed_zero(library):
    def run(name, values, **params):
        return library.to_numpy(_call(name, library.make(np.array(values)), **params))

    for name in rf.names():
        assert np.isnan(run(name, [np.nan, 1.0])[0]), f"{name} lost a NaN"
    relu_zero = run("relu", [-0.0])
    assert relu_zero[0] == 0 and not np.signbit(relu_zero[0])
    assert not np.signbit(run("relu6", [-0.0])[0])
    assert run("elu", [np.inf])[0] == np.inf
    assert run("relu6", [np.inf, -np.inf]).tolist() == [6.0, 0.0]
    np.testing.assert_allclose(run("softmax", [1000.0, 1000.0, -np.inf]), [0.5, 0.5, 0.0])


@pytest.mark.parametrize("library", [lib.param() for lib in LIBRARIES if lib.grad is not None])
def test_elu_gradient_at_infinity_is_finite(library):
    grad = library.grad(lambda v: rf.elu(v), np.array([np.inf, 1e4, -np.inf]))
    np.testing.assert_array_equal(grad, [1.0, 1.0, 0.0])


@pytest.mark.parametrize("library", library_params())
def test_python_float_parameter_never_upcasts(library):
    for dtype in ("float16", "bfloat16", "float32"):
        if dtype not in library.dtypes:
            continue
        x = library.make(np.array([-1.0, 2.0]).astype(NUMPY_DTYPES[dtype]))
        for name in ("leaky_relu", "elu", "prelu", "rrelu"):
            y = _call(name, x, **({"alpha": 0.1234} if name != "rrelu" else {}))
            assert library.to_numpy(y).dtype == NUMPY_DTYPES[dtype]


@pytest.mark.parametrize("library", library_params())
def test_integer_policy(library):
    for dtype in ("int8", "uint8", "int64", "uint64"):
        if dtype not in library.dtypes:
            continue
        x = library.make(np.array([0, 3, 9], dtype=dtype))
        assert library.to_numpy(rf.relu(x)).dtype == np.dtype(dtype)
        assert library.to_numpy(rf.relu6(x)).dtype == np.dtype(dtype)
        elu = library.to_numpy(rf.elu(x))
        assert elu.dtype.kind == "f"
        if dtype.endswith("64"):
            assert elu.dtype == np.float64, "int64 must never silently become float32"


def test_int64_keeps_its_precision():
    big = np.array([2**40 + 1], dtype=np.int64)
    assert rf.leaky_relu(big)[0] == 2**40 + 1
    assert rf.relu(np.array([2**62 + 1], dtype=np.int64))[0] == 2**62 + 1


def test_softmax_rows_sum_to_one_along_axis():
    x = np.random.default_rng(1).normal(size=(3, 4, 5))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(np.sum(rf.softmax(x, axis=axis), axis=axis), 1.0)
    assert rf.softmax(np.float64(3.0)) == 1.0
    assert rf.softmax(np.zeros((0, 3))).shape == (0, 3)


@pytest.mark.parametrize("library", library_params())
def test_rrelu_randomness(library):
    x = library.make(np.full(1000, -1.0, dtype=np.float32))
    a = library.to_numpy(rf.rrelu(x, training=True, seed=7))
    b = library.to_numpy(rf.rrelu(x, training=True, seed=7))
    c = library.to_numpy(rf.rrelu(x, training=True, seed=8))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    slopes = -a
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert abs(slopes.mean() - (1 / 8 + 1 / 3) / 2) < 0.02
    # the derivative regenerates exactly the forward's slopes
    grad = library.to_numpy(rf.derivative("rrelu", x, training=True, seed=7))
    np.testing.assert_array_equal(grad, slopes)
    # evaluation: the mean slope, deterministic
    eval_ = library.to_numpy(rf.rrelu(x))
    np.testing.assert_allclose(eval_, -(1 / 8 + 1 / 3) / 2, rtol=1e-6)


def test_rrelu_accepts_library_generators():
    gen = np.random.default_rng(3)
    y = rf.rrelu(np.full(10, -1.0), training=True, seed=gen)
    assert np.all((-y >= 1 / 8) & (-y < 1 / 3))
    assert math.isclose(rf.rrelu(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), 0.1, 0.2)[0], -0.3)


SCOPE = "rectifiers_scope_probe"


def _scope_is_seen(library, f, x) -> bool | None:
    """Whether ``f(x, name=SCOPE)`` opened the library's scope (``None``: the library has none)."""
    if library.name == "torch":
        import torch

        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
            f(library.make(x))
        return SCOPE in {event.name for event in profile.events()}
    if library.name == "jax":
        import jax

        return f"{SCOPE}/" in jax.jit(f).lower(library.make(x)).as_text(debug_info=True)
    if library.name == "tensorflow":
        import tensorflow as tf

        graph = tf.function(f).get_concrete_function(tf.TensorSpec(x.shape, tf.float32)).graph
        return any(op.name.startswith(f"{SCOPE}/") for op in graph.get_operations())
    return None


@pytest.mark.parametrize("library", library_params())
@pytest.mark.parametrize("activation", rf.names())
def test_name_opens_the_library_scope(library, activation):
    """``name=`` is torch's record_function, JAX's named_scope, TensorFlow's name_scope; NumPy and
    array_api_strict have none and accept it. The result is the same with and without it, and a
    name that is not a str is refused on every library."""
    x = library.make(SEED)
    np.testing.assert_array_equal(
        library.to_numpy(_call(activation, x, name=SCOPE)), library.to_numpy(_call(activation, x))
    )
    seen = _scope_is_seen(library, lambda v: _call(activation, v, name=SCOPE), SEED)
    assert seen is (None if library.name in ("numpy", "array_api_strict") else True)
    with pytest.raises(TypeError, match=r"name must be a str .*Received: name=5"):
        _call(activation, x, name=5)


def test_jax_without_x64_returns_float32_for_integers():
    """JAX without jax_enable_x64 has no float64: integers become its default float, float32."""
    pytest.importorskip("jax")
    import subprocess
    import sys

    code = (
        "import jax.numpy as jnp, rectifiers as rf\n"
        "x = jnp.array([-3, 2], dtype=jnp.int32)\n"
        "print(rf.elu(x).dtype, rf.relu(x).dtype, rf.sigmoid(jnp.array([0.5], jnp.float32)).dtype)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["float32", "int32", "float32"]
