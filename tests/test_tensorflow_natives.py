"""In a TensorFlow graph, relu and the single-slope activations run tf.nn's own op
(``_tensorflow_namespace._NATIVE``): the same bits forward, the same gradient for every g, and
a second derivative of zeros, as the compiled kernel and the eager core give."""

import numpy as np
import pytest

import rectifiers as rf
from rectifiers._apply import call_by_name

tf = pytest.importorskip("tensorflow")
from rectifiers import _tensorflow_namespace as tfn  # noqa: E402

#: No subnormals: TensorFlow's CPU kernels flush them to zero, each kernel as it does
#: (docs/semantics.md, "Subnormals on JAX and TensorFlow"); the bits compared are the others'.
VALUES = np.array([-np.inf, -3.0, -1e-30, -0.0, 0.0, 1e-30, 0.5, 6.0, 7.0, np.inf, np.nan], np.float32)
X = np.concatenate([VALUES, np.random.default_rng(0).standard_normal(1000).astype(np.float32) * 5])
G = np.random.default_rng(1).standard_normal(X.size).astype(np.float32)
G[::7], G[::11], G[::13], G[::17] = np.inf, np.nan, -0.0, -np.inf
CASES = [
    ("relu", {}),
    *(("leaky_relu", {"alpha": a}) for a in (0.2, 0.01, 0.0, -0.0, 1.5, -0.5, 1e3)),
    ("prelu", {"alpha": 0.25}),
    ("rrelu", {"training": False}),
]


def bits(a):
    a = np.asarray(a, np.float32)
    return np.where(np.isnan(a), np.float32(np.nan), a).view(np.int32)  # any NaN payload is NaN


def value_grad_second(name, params, compiled):
    x, g = tf.constant(X), tf.constant(G)

    def step(v):
        with tf.GradientTape() as outer:
            outer.watch(v)
            with tf.GradientTape() as inner:
                inner.watch(v)
                y = call_by_name(name, v, **params)
            dx = inner.gradient(y, v, output_gradients=g)
        return y, dx, outer.gradient(dx, v, output_gradients=tf.ones_like(dx))

    if compiled:  # the same call with the native table off: the compiled kernel
        saved = dict(tfn._NATIVE)
        tfn._NATIVE.clear()
        try:
            return tf.function(step)(x)
        finally:
            tfn._NATIVE.update(saved)
    return tf.function(step)(x)


@pytest.mark.parametrize(("name", "params"), CASES)
def test_the_native_op_gives_the_compiled_kernels_bits(name, params):
    native = value_grad_second(name, params, compiled=False)
    compiled = value_grad_second(name, params, compiled=True)
    eager = call_by_name(name, X, **params)
    np.testing.assert_array_equal(bits(native[0]), bits(eager))  # -0.0 included
    np.testing.assert_array_equal(bits(native[1]), bits(compiled[1]))
    assert native[2] is not None and compiled[2] is not None
    np.testing.assert_array_equal(bits(native[2]), bits(compiled[2]))


def test_the_graph_holds_tf_nn_s_op_and_no_compiled_call():
    graph = (
        tf.function(lambda v: rf.leaky_relu(v, 0.1))
        .get_concrete_function(tf.TensorSpec([None], tf.float32))
        .graph
    )
    types = {op.type for op in graph.get_operations()}
    assert "LeakyRelu" in types
    assert not any("_XlaMustCompile" in op.node_def.attr for op in graph.get_operations())


@pytest.mark.parametrize("dtype", [tf.float64, tf.float16])
def test_other_dtypes_keep_the_compiled_kernel(dtype):
    """tf.nn.leaky_relu takes alpha as a float32 attribute: for float64 it would not be the
    core's alpha; float16 computes in float32 and rounds once in the core."""
    graph = (
        tf.function(lambda v: rf.leaky_relu(v, 0.1)).get_concrete_function(tf.TensorSpec([None], dtype)).graph
    )
    assert "LeakyRelu" not in {op.type for op in graph.get_operations()}
