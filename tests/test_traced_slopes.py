"""A slope passed as an array (a tracer under ``jax.jit``/``vmap``, a tensor under
``tf.function``) works as jax.nn and tf.nn's do: the same bits as the Python number it holds,
its gradient, and checks of what can be checked without its value (shape, dtype)."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf

X = np.array([-3.0, -1.0, -0.5, -0.0, 0.0, 0.25, 2.0], dtype=np.float32)
SLOPED = ["leaky_relu", "elu"]


def negative_part_derivative(name, x):
    """d/d alpha of sum(f(x, alpha)): x below 0 for leaky_relu, expm1(x) for elu."""
    below = x[x <= 0].astype(np.float64)
    return below.sum() if name == "leaky_relu" else np.expm1(below).sum()


@pytest.mark.parametrize("name", SLOPED)
def test_jax_jit_takes_a_traced_slope(name):
    jax = pytest.importorskip("jax")
    f = getattr(rf, name)
    traced = jax.jit(lambda t, a: f(t, a))(jax.numpy.asarray(X), 0.1)
    np.testing.assert_array_equal(np.asarray(traced), f(X, 0.1))  # the bits of the Python 0.1
    g = jax.jit(jax.grad(lambda a: f(jax.numpy.asarray(X), a).sum()))(0.1)
    np.testing.assert_allclose(float(g), negative_part_derivative(name, X), rtol=1e-6)
    slopes = jax.numpy.asarray([0.1, 0.5])
    batched = jax.vmap(lambda a: f(jax.numpy.asarray(X), a))(slopes)
    np.testing.assert_array_equal(np.asarray(batched), np.stack([f(X, 0.1), f(X, 0.5)]))


@pytest.mark.parametrize("name", SLOPED)
def test_tf_function_takes_a_tensor_slope(name):
    tf = pytest.importorskip("tensorflow")
    f = getattr(rf, name)
    traced = tf.function(lambda t, a: f(t, a))
    x = tf.constant(X)
    np.testing.assert_array_equal(traced(x, tf.constant(0.1, tf.float64)).numpy(), f(X, 0.1))
    # a float32 tensor holds float32(0.1), and gives that number's bits
    np.testing.assert_array_equal(traced(x, tf.constant(0.1)).numpy(), f(X, float(np.float32(0.1))))
    alpha = tf.Variable(0.1, dtype=tf.float64)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.cast(traced(x, alpha), tf.float64))
    np.testing.assert_allclose(
        tape.gradient(total, alpha).numpy(), negative_part_derivative(name, X), rtol=1e-6
    )


@pytest.mark.parametrize("name", SLOPED)
def test_a_tensor_slope_on_numpy_and_torch_is_the_number_it_holds(name):
    f = getattr(rf, name)
    np.testing.assert_array_equal(f(X, np.array(0.1)), f(X, 0.1))
    with pytest.raises(ValueError, match=r"alpha must be finite\. Received: alpha=array\(nan\)"):
        f(X, np.array(np.nan))
    torch = pytest.importorskip("torch")
    import rectifiers.torch as rt

    torch.set_num_threads(1)
    slope = torch.tensor(0.1, dtype=torch.float64)
    np.testing.assert_array_equal(f(torch.from_numpy(X), slope).numpy(), f(X, 0.1))
    np.testing.assert_array_equal(f(X, slope), f(X, 0.1))
    functional = getattr(rt.functional, name)
    keyword = "negative_slope" if name == "leaky_relu" else "alpha"
    binding = functional(torch.from_numpy(X), **{keyword: slope})  # ATen's elu: its own bits, within 1 ulp
    np.testing.assert_array_equal(binding.numpy(), functional(torch.from_numpy(X), **{keyword: 0.1}).numpy())


@pytest.mark.parametrize("name", SLOPED)
def test_what_a_traced_slope_can_be_checked_for(name):
    jax = pytest.importorskip("jax")
    f = jax.jit(lambda t, a: getattr(rf, name)(t, a))
    x = jax.numpy.asarray(X)
    with pytest.raises(ValueError, match=r"alpha must be one number: .*shape \(\)\)\. Received: alpha="):
        f(x, jax.numpy.ones(2))
    with pytest.raises(TypeError, match=r"not of dtype bool\. Received: alpha="):
        f(x, True)  # a traced bool
    # its value cannot be read under jit: a NaN slope is the caller's, as in jax.nn
    assert np.isnan(np.asarray(f(x, np.nan))[X < 0]).all()


@pytest.mark.parametrize("name", SLOPED)
def test_python_slopes_keep_their_checks(name):
    f = getattr(rf, name)
    for value, error in ((np.inf, ValueError), (True, TypeError), ("0.1", TypeError), (None, TypeError)):
        with pytest.raises(error, match=r"Received: alpha="):
            f(X, value)
