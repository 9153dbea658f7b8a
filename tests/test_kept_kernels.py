"""Kernels kept per parameters (compiled XLA kernels, JAX custom_jvps, plans) tell -0.0 from
0.0: ``leaky_relu(-3, alpha)`` is -0.0 for alpha = 0.0 and +0.0 for alpha = -0.0."""

import numpy as np
import pytest

import rectifiers as rf

X = np.array([-3.0, 2.0], np.float32)


def signs(y):
    return np.signbit(np.asarray(y)).tolist()


def test_jax_traced_calls():
    jax = pytest.importorskip("jax")
    for _ in range(2):
        assert signs(jax.jit(lambda v: rf.leaky_relu(v, 0.0))(X)) == [True, False]
        assert signs(jax.jit(lambda v: rf.leaky_relu(v, -0.0))(X)) == [False, False]
        assert signs(jax.grad(lambda v: rf.leaky_relu(v, -0.0)[0])(X)) == [True, False]  # d/dx at -3: -0.0


def test_tensorflow_compiled_kernels():
    tf = pytest.importorskip("tensorflow")
    from rectifiers import _tensorflow_namespace as tfn

    saved = dict(tfn._NATIVE)
    tfn._NATIVE.clear()  # the compiled kernels, not tf.nn's ops
    try:
        for dtype in (tf.float32, tf.float64):
            x = tf.constant(X, dtype)
            for _ in range(2):
                assert signs(tf.function(lambda v: rf.leaky_relu(v, 0.0))(x)) == [True, False]
                assert signs(tf.function(lambda v: rf.leaky_relu(v, -0.0))(x)) == [False, False]
    finally:
        tfn._NATIVE.update(saved)


def test_torch_plans_and_functional_calls():
    torch = pytest.importorskip("torch")
    from rectifiers.torch import functional as F

    for _ in range(2):
        x = torch.tensor(X, requires_grad=True)
        assert signs(rf.leaky_relu(x, 0.0).detach()) == [True, False]
        assert signs(rf.leaky_relu(x, -0.0).detach()) == [False, False]
        assert signs(F.leaky_relu(x, 0.0).detach()) == [True, False]
        assert signs(F.leaky_relu(x, -0.0).detach()) == [False, False]
