"""rf.softmax inside tf.function: one XLA kernel for the value and one for its gradient from the
output (``_tensorflow_namespace.from_output``), with eager's bits forward and its gradient and
second derivative within float rounding, on axes, axis tuples and masks."""

import numpy as np
import pytest

import rectifiers as rf

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((16, 9, 5)) * 5).astype(np.float32)
X[0, 0, :] = [np.inf, 1.0, 2.0, -np.inf, 0.0]
X[1, 0, :] = np.nan
X[2, 0, :] = -np.inf
W = RNG.standard_normal(X.shape).astype(np.float32)
MASK = RNG.random(X.shape) > 0.3
MASK[3] = False  # a slice with every position masked
CASES = {
    "last axis": {"axis": -1},
    "first axis": {"axis": 0},
    "axis tuple": {"axis": (1, 2)},
    "mask": {"axis": -1, "where": MASK},
    "mask, axis tuple": {"axis": (0, 2), "where": MASK[:, :1, :]},
}


def derivatives(x, kwargs):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = rf.softmax(x, **kwargs)
            loss = tf.reduce_sum(tf.where(tf.math.is_finite(y), y, 0.0) * W)
        g = inner.gradient(loss, x)
        curvature = tf.reduce_sum(tf.where(tf.math.is_finite(g), g, 0.0) ** 2)
    return y, g, outer.gradient(curvature, x)


def kernels(graph) -> int:
    compiled = [op for op in graph.get_operations() if "_XlaMustCompile" in op.node_def.attr]
    return sum(bool(op.get_attr("_XlaMustCompile")) for op in compiled)


@pytest.mark.parametrize("case", list(CASES))
def test_graph_softmax_matches_eager(case):
    kwargs = CASES[case]
    x = tf.constant(X)
    eager = derivatives(x, kwargs)
    traced = tf.function(lambda v: derivatives(v, kwargs))
    graph = traced(x)
    np.testing.assert_array_equal(graph[0].numpy(), eager[0].numpy())  # the same bits, NaN rows too
    for got, expected in zip(graph[1:], eager[1:], strict=True):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    if "where" in kwargs:
        assert np.all(graph[1].numpy()[~np.broadcast_to(kwargs["where"], X.shape)] == 0)  # nothing leaks


def test_the_value_and_its_gradient_are_compiled_kernels():
    traced = tf.function(lambda v: derivatives(v, {"axis": -1})[:2])
    graph = traced.get_concrete_function(tf.TensorSpec(X.shape, tf.float32)).graph
    assert kernels(graph) >= 2  # the value's kernel and its gradient's
    spec = tf.TensorSpec(X.shape, tf.float32)
    plain = tf.function(lambda v: tf.nn.softmax(v) * 2).get_concrete_function(spec)
    assert kernels(plain.graph) == 0  # the count is of our kernels, not of anything in a graph


def test_ranks_seen_one_after_another_keep_their_rank():
    """The kept kernels relax shapes as they see more (reduce_retracing): one per rank, so a
    TensorSpec([None, 3]) after rank-1 and rank-3 calls still places the axis."""
    for shape in [(5,), (2, 3, 4), (6, 3), (1, 2, 3, 4), (7,)]:
        x = tf.constant(RNG.standard_normal(shape).astype(np.float32))
        np.testing.assert_array_equal(tf.function(lambda v: rf.softmax(v))(x).numpy(), rf.softmax(x).numpy())
    unknown = tf.function(lambda v: rf.softmax(v), input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    assert unknown.get_concrete_function().structured_outputs.shape.as_list() == [None, 3]
