"""Parity with tf.nn.relu, relu6, leaky_relu, elu and selu on every dtype tf.nn accepts, and the
documented places where TensorFlow casts or where the project's rule differs (docs/tensorflow.md)."""

import numpy as np
import pytest

import rectifiers as rf
from rectifiers._dtypes import FLOATS, REAL_DTYPES, is_integer, numpy_dtype

tf = pytest.importorskip("tensorflow")

#: the core's default slope (TensorFlow's default is the same)
LEAKY_ALPHA = rf.get("leaky_relu").defaults["alpha"]
#: Which dtypes each tf.nn function accepts on CPU (TF 2.21, confirmed by running it).
TF_DTYPES = {
    "relu": REAL_DTYPES,
    "relu6": REAL_DTYPES,
    "leaky_relu": REAL_DTYPES,
    "elu": FLOATS,
    "selu": FLOATS,
}
VALUES = np.array([-7.0, -3.5, -1.0, -0.25, 0.0, 0.5, 2.0, 5.75, 6.0, 9.0, 100.0])
#: tolerances for elu and selu (exp/expm1 differ by an ulp between implementations)
RTOL = {"float16": 1e-3, "bfloat16": 1e-2, "float32": 1e-6, "float64": 1e-14}


def _tensor(dtype):
    values = VALUES if not dtype.startswith("u") else np.abs(VALUES)
    if is_integer(dtype):
        values = np.trunc(values)
    return tf.constant(values.astype(numpy_dtype(dtype)))


def _numpy(t):
    return t.numpy().astype("float64")


CASES = [(name, dtype) for name, dtypes in TF_DTYPES.items() for dtype in dtypes]


@pytest.mark.parametrize(("name", "dtype"), CASES, ids=[f"{n}-{d}" for n, d in CASES])
def test_values_match_tf_nn(name, dtype):
    x = _tensor(dtype)
    theirs = getattr(tf.nn, name)(x)
    ours = getattr(rf, name)(x)
    assert isinstance(ours, tf.Tensor)
    if name == "leaky_relu" and is_integer(dtype):
        # TensorFlow casts every integer to float32; the core widens 32- and 64-bit ones to float64
        assert theirs.dtype == tf.float32
        assert ours.dtype == (tf.float32 if dtype in ("int8", "uint8", "int16", "uint16") else tf.float64)
    else:
        assert ours.dtype == theirs.dtype
    if theirs.dtype != ours.dtype:
        ours = tf.cast(ours, theirs.dtype)  # the core's float64, rounded as TensorFlow's float32
    rtol = 0 if name in ("relu", "relu6", "leaky_relu") else RTOL[dtype]
    if name == "leaky_relu" and dtype == "float64":
        rtol = 1e-7  # TF's alpha is a float32 attr: see test_tf_leaky_alpha_is_float32_on_float64
    if name == "leaky_relu" and dtype in ("float16", "bfloat16"):
        rtol = RTOL[dtype]  # TF rounds alpha to the 16-bit dtype first: see test_tf_leaky_on_16_bit_floats
    np.testing.assert_allclose(_numpy(ours), _numpy(theirs), rtol=rtol, atol=0)


@pytest.mark.parametrize("name", ["elu", "selu"])
@pytest.mark.parametrize("dtype", sorted(set(REAL_DTYPES) - set(FLOATS)))
def test_tf_refuses_integers_where_the_core_returns_a_float(name, dtype):
    x = _tensor(dtype)
    with pytest.raises(tf.errors.InvalidArgumentError):
        getattr(tf.nn, name)(x)
    assert getattr(rf, name)(x).dtype in (tf.float32, tf.float64)


def test_tf_leaky_alpha_is_float32_on_float64():
    x = tf.constant([-1.0], dtype=tf.float64)
    assert tf.nn.leaky_relu(x, alpha=0.01).numpy()[0] == np.float64(np.float32(0.01)) * -1
    assert rf.leaky_relu(x, alpha=0.01).numpy()[0] == -0.01


def test_tf_leaky_on_16_bit_floats():
    """TF multiplies by alpha rounded to float16 (0.19995); the core computes in float32 and rounds
    once, so it gives the float16 nearest the true -1.4."""
    x = tf.constant([-7.0], dtype=tf.float16)
    truth = np.float16(-7.0 * LEAKY_ALPHA)
    assert rf.leaky_relu(x).numpy()[0] == truth
    theirs = tf.nn.leaky_relu(x, alpha=LEAKY_ALPHA).numpy()[0]
    assert theirs == np.float16(-7.0 * float(np.float16(LEAKY_ALPHA))) != truth


def _tf_grad(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x))
    return tape.gradient(y, x).numpy()


def test_gradient_at_zero_where_tf_differs():
    zero = np.zeros(3, dtype="float32")
    # selu'(0): TF takes lambda (its positive branch), the core lambda * alpha
    assert _tf_grad(tf.nn.selu, zero)[0] == pytest.approx(rf._functional.SELU_SCALE, rel=1e-6)
    assert _tf_grad(rf.selu, zero)[0] == pytest.approx(rf._functional.SELU_SCALE_ALPHA, rel=1e-6)
    # elu'(0): TF's elu has no alpha and gives 1; the core gives alpha, the same only for alpha = 1
    assert _tf_grad(tf.nn.elu, zero)[0] == 1.0
    assert _tf_grad(lambda v: rf.elu(v, alpha=0.5), zero)[0] == 0.5
    assert _tf_grad(rf.elu, zero)[0] == 1.0


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu"])
def test_gradient_at_zero_where_tf_agrees(name):
    zero = np.zeros(3, dtype="float32")
    np.testing.assert_array_equal(_tf_grad(getattr(tf.nn, name), zero), _tf_grad(getattr(rf, name), zero))
    six = np.full(3, 6.0, dtype="float32")
    np.testing.assert_array_equal(_tf_grad(tf.nn.relu6, six), _tf_grad(rf.relu6, six))


def test_relu_of_negative_zero():
    # TF's sign depends on the length (its vectorised path gives +0.0, the scalar tail -0.0);
    # the core gives +0.0 at every length
    assert np.signbit(tf.nn.relu(tf.constant([-0.0])).numpy()).all()
    for n in range(1, 20):
        assert not np.signbit(rf.relu(tf.constant([-0.0] * n)).numpy()).any(), n
        assert not np.signbit(rf.relu6(tf.constant([-0.0] * n)).numpy()).any(), n
