"""The core on tf.Tensor inside tf.function and under GradientTape: values, the kink rule for
every activation, prelu's learned alpha, rrelu's generators, and unknown (None) dimensions."""

import numpy as np
import oracle
import pytest
from compare import assert_ulps

import rectifiers as rf
from rectifiers._apply import evaluate
from rectifiers._dtypes import numpy_dtype

tf = pytest.importorskip("tensorflow")

POINTS = np.array([-np.inf, -3.0, -1.0, -0.0, 0.0, 1e-8, 0.5, 6.0, 7.0, np.inf, np.nan])
ELEMENTWISE = [name for name in rf.names() if rf.get(name).elementwise]
TOLERANCE = {"float64": 1e-12, "float32": 1e-6, "float16": 1e-3, "bfloat16": 1e-2}


def _value_and_grad(spec, x, params):
    @tf.function(reduce_retracing=True)
    def run(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = evaluate(spec, x, params)
            total = tf.reduce_sum(tf.cast(y, tf.float64))
        return y, tape.gradient(total, x)

    return run(x)


@pytest.mark.parametrize("dtype", list(TOLERANCE))
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_gradient_in_tf_function_equals_the_core_derivative(name, dtype):
    spec = rf.get(name)
    params = spec.example_params
    x = POINTS.astype(numpy_dtype(dtype))
    y, grad = _value_and_grad(spec, tf.constant(x), params)
    assert y.dtype.name == dtype and grad.dtype.name == dtype
    expected = rf.derivative(name, x, **params).astype("float64")
    actual = tf.cast(grad, tf.float64).numpy()
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)
    if spec.kinks:  # at 0, 6 and NaN the rule is exact
        at = np.isin(POINTS, (0.0, 6.0)) | np.isnan(POINTS)
        np.testing.assert_array_equal(actual[at], expected[at])
    np.testing.assert_allclose(
        tf.cast(y, tf.float64).numpy(), evaluate(spec, x, params).astype("float64"), rtol=tol, atol=0
    )


EXP_FAMILY = [name for name in ELEMENTWISE if rf.get(name).rounds_once]


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
@pytest.mark.parametrize("name", EXP_FAMILY)
def test_exp_family_in_a_graph_is_within_one_ulp(name, dtype):
    """Inside tf.function the math is one XLA kernel (``_tensorflow_namespace.fused``), still in
    float64 and rounded once: within 1 ulp of the float64 oracle (XLA's float32 expm1 is 5 off)."""
    spec, params = rf.get(name), rf.get(name).example_params
    points = np.concatenate(
        [np.linspace(-30, 30, 1 << 15), np.random.default_rng(0).normal(scale=0.01, size=1 << 14)]
    )
    x = points.astype(numpy_dtype(dtype))
    traced = tf.function(lambda v: evaluate(spec, v, params))
    got = tf.cast(traced(tf.cast(tf.constant(x.astype(np.float32)), dtype)), tf.float32).numpy()
    expected = oracle.forward(name, x.astype(np.float64), **params)
    assert_ulps(got.astype(x.dtype), expected, 1, f"{name} {dtype} in tf.function")


def test_unknown_batch_dimension():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        return rf.leaky_relu(x, alpha=0.1) + rf.softmax(x) + rf.prelu(x, tf.constant([0.1, 0.2, 0.3]))

    assert f.get_concrete_function().structured_outputs.shape.as_list() == [None, 3]
    y = f(tf.constant([[-1.0, 0.0, 2.0]]))
    assert y.shape == (1, 3)


def test_prelu_alpha_variable_gets_its_gradient():
    alpha = tf.Variable([0.1, 0.2, 0.3])
    x = tf.constant([[-2.0, 0.0, 3.0], [-1.0, -0.5, np.inf]])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(rf.prelu(x, alpha))
        return tape.gradient(y, alpha)

    np.testing.assert_array_equal(step().numpy(), [-3.0, -0.5, 0.0])  # +inf contributes 0, not NaN


def test_prelu_refuses_a_non_finite_alpha_eagerly():
    with pytest.raises(ValueError, match="alpha must be finite"):
        rf.prelu(tf.constant([-1.0]), tf.constant([np.nan]))


def test_rrelu_with_tensorflow_generators():
    x = -tf.ones([256])
    generator = tf.random.Generator.from_seed(1)
    compiled = tf.function(lambda x: rf.rrelu(x, training=True, seed=generator))
    first, second = -compiled(x).numpy(), -compiled(x).numpy()
    lower, upper = rf.get("rrelu").defaults.values()
    assert ((first >= lower) & (first < upper)).all() and not np.array_equal(first, second)
    seeded = [-rf.rrelu(x, training=True, seed=7).numpy() for _ in range(2)]
    np.testing.assert_array_equal(*seeded)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = rf.rrelu(x, training=True, seed=7)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), seeded[0])


def test_unknown_rank():
    """A tf.function traced with TensorSpec(shape=None): elementwise activations (rrelu's draws
    included) run; softmax, which must place its axis, and prelu with an array alpha, which must
    check broadcasting, say what they need."""

    def traced(f):
        return tf.function(f, input_signature=[tf.TensorSpec(shape=None, dtype=tf.float32)])

    x = tf.constant([[-1.0, 2.0]])
    for name in ELEMENTWISE:
        params = rf.get(name).example_params
        assert traced(lambda v, n=name, p=params: evaluate(rf.get(n), v, p))(x).shape == (1, 2), name
    drawn = -traced(lambda v: rf.rrelu(v, training=True, seed=3))(-tf.ones([2, 8])).numpy()
    np.testing.assert_array_equal(drawn, -rf.rrelu(-tf.ones([2, 8]), training=True, seed=3).numpy())
    with pytest.raises(ValueError, match=r"softmax needs the rank .*Received: x of unknown rank"):
        traced(rf.softmax)(x)
    with pytest.raises(
        ValueError, match=r"prelu: an array alpha needs x of known rank.*Received: x of unknown"
    ):
        traced(lambda v: rf.prelu(v, tf.constant([0.1, 0.2])))(x)


#: Each tf.nn function with the core's call that computes the same function.
TF_NN = {
    "relu": (tf.nn.relu, rf.relu),
    "relu6": (tf.nn.relu6, rf.relu6),
    "leaky_relu": (lambda v: tf.nn.leaky_relu(v, 0.2), lambda v: rf.leaky_relu(v, alpha=0.2)),
    "prelu": (lambda v: tf.nn.leaky_relu(v, 0.25), lambda v: rf.prelu(v, 0.25)),
    "rrelu": (lambda v: tf.nn.leaky_relu(v, 0.25), lambda v: rf.rrelu(v, 0.125, 0.375)),
    "elu": (tf.nn.elu, rf.elu),
    "selu": (tf.nn.selu, rf.selu),
    "sigmoid": (tf.nn.sigmoid, rf.sigmoid),
    "tanh": (tf.nn.tanh, rf.tanh),
}


def _second_derivative(f, x):
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(f(x))
        first = inner.gradient(y, x)
    return outer.gradient(first, x)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "tf.function"])
@pytest.mark.parametrize("size", [7, 0], ids=["seven", "empty"])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_second_derivative_through_nested_tapes_is_tf_nn_s(name, size, traced):
    """d2/dx2 through two GradientTapes is a tensor (tf.nn's), never None: zeros for the
    piecewise-linear activations, on empty inputs too; in a graph too, where the forward and
    its gradient are compiled kernels (``_tensorflow_namespace.fused``)."""
    assert set(TF_NN) == set(ELEMENTWISE), "every elementwise activation has its tf.nn twin here"
    theirs, ours = TF_NN[name]
    x = tf.constant(np.linspace(-3.0, 3.0, size) + 0.25, dtype=tf.float64)  # no point on a kink
    second = tf.function(_second_derivative) if traced else _second_derivative
    got, want = second(ours, x), second(theirs, x)
    assert got is not None and want is not None
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-9, atol=1e-12)
    if rf.get(name).mask is not None:
        np.testing.assert_array_equal(got.numpy(), np.zeros(size))


def test_compute_gradient_of_the_first_derivative_on_empty_input():
    def first(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = tf.reduce_sum(rf.leaky_relu(v))
        return tape.gradient(y, v)

    theoretical, numerical = tf.test.compute_gradient(first, [tf.zeros([0], tf.float64)])
    assert theoretical[0].shape == numerical[0].shape == (0, 0)
