"""Parity with torch.nn.functional, jax.nn and tf.nn where their rules match ours, and the
documented differences pinned where they do not (docs/semantics.md lists them)."""

import numpy as np
import pytest

import rectifiers as rf

X32 = np.random.default_rng(0).normal(scale=4, size=1000).astype(np.float32)
X32[:6] = [1.0, -0.5, 3.4, -2.1, 0.0, -6.5]


def assert_matches(ours, theirs, bitwise):
    """Bit-identical for the piecewise-linear activations; for the exp/tanh-based ones, within
    the peers' own test tolerance (ours are correctly rounded: the peers' float32 results lie
    up to 18 ulp away, see docs/accuracy.md)."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if bitwise:
        np.testing.assert_array_equal(ours, theirs)
    else:
        rtol = 1e-5 if ours.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-30)


def assert_gradients_match(ours, theirs):
    """Gradients agree to the dtype's precision, relative to the largest one (a float32 softmax
    backward cancels digits: ours runs in float64)."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    scale = 1e-5 if ours.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours, theirs, rtol=scale, atol=scale * float(np.max(np.abs(theirs))))


def _pair(id, ours, theirs, ulps):
    """One parity case: ``ours(x)`` against ``theirs(peer, x)`` (the peer is imported by the
    test, so collection imports no framework); ``ulps == 0``: bit-identical."""
    return pytest.param(ours, theirs, ulps, id=id)


# each peer's function, with the parameters spelled the peer's way
TORCH_PAIRS = [
    _pair("relu", rf.relu, lambda F, x: F.relu(x), 0),
    _pair("relu6", rf.relu6, lambda F, x: F.relu6(x), 0),
    _pair("leaky_relu-0.01", lambda x: rf.leaky_relu(x, alpha=0.01), lambda F, x: F.leaky_relu(x, 0.01), 0),
    _pair("leaky_relu-default", rf.leaky_relu, lambda F, x: F.leaky_relu(x, 0.2), 0),
    _pair("prelu", lambda x: rf.prelu(x, 0.25), lambda F, x: F.prelu(x, x.new_tensor([0.25])), 0),
    _pair("elu-0.7", lambda x: rf.elu(x, alpha=0.7), lambda F, x: F.elu(x, 0.7), 1),
    _pair("selu", rf.selu, lambda F, x: F.selu(x), 1),
    _pair("sigmoid", rf.sigmoid, lambda F, x: F.sigmoid(x), 1),
    _pair("tanh", rf.tanh, lambda F, x: F.tanh(x), 1),
    _pair("softmax", rf.softmax, lambda F, x: F.softmax(x, -1), 1),
    _pair("rrelu-eval", lambda x: rf.rrelu(x), lambda F, x: F.rrelu(x, training=False), 0),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("ours", "theirs", "ulps"), TORCH_PAIRS)
def test_torch_forward_and_gradient(ours, theirs, ulps, dtype):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    a = torch.tensor(X32, dtype=getattr(torch, dtype), requires_grad=True)
    b = torch.tensor(X32, dtype=getattr(torch, dtype), requires_grad=True)
    ya, yb = ours(a), theirs(F, b)
    assert_matches(ya.detach().numpy(), yb.detach().numpy(), bitwise=ulps == 0)
    (ya * torch.arange(len(X32))).sum().backward()
    (yb * torch.arange(len(X32))).sum().backward()
    assert_gradients_match(a.grad.numpy(), b.grad.numpy())


def test_torch_pinned_differences():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    neg_zero = torch.tensor([-0.0])
    assert torch.signbit(F.relu(neg_zero)) and not torch.signbit(rf.relu(neg_zero)), (
        "relu(-0.0): torch -0.0, ours +0.0"
    )
    x = torch.tensor([float("nan")], requires_grad=True)
    F.relu(x).sum().backward()
    assert x.grad.item() == 1.0, "torch's relu'(nan) is 1"
    x.grad = None
    rf.relu(x).sum().backward()
    assert x.grad.item() == 0.0, "ours follows the kink rule: nan is not > 0"
    with pytest.raises(NotImplementedError):
        F.leaky_relu(torch.tensor([1, -2]))
    assert rf.leaky_relu(torch.tensor([1, -2])).dtype == torch.float64, "ours: int64 -> float64"


JAX_PAIRS = [
    _pair("relu", rf.relu, lambda jnn, x: jnn.relu(x), 0),
    _pair("relu6", rf.relu6, lambda jnn, x: jnn.relu6(x), 0),
    _pair("leaky_relu-0.01", lambda x: rf.leaky_relu(x, alpha=0.01), lambda jnn, x: jnn.leaky_relu(x), 0),
    _pair("elu-0.7", lambda x: rf.elu(x, alpha=0.7), lambda jnn, x: jnn.elu(x, 0.7), 1),
    _pair("selu", rf.selu, lambda jnn, x: jnn.selu(x), 1),
    _pair("sigmoid", rf.sigmoid, lambda jnn, x: jnn.sigmoid(x), 1),
    _pair("tanh", rf.tanh, lambda jnn, x: jnn.tanh(x), 1),
    _pair("softmax", rf.softmax, lambda jnn, x: jnn.softmax(x), 1),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("ours", "theirs", "ulps"), JAX_PAIRS)
def test_jax_forward_and_gradient(ours, theirs, ulps, dtype):
    jax = pytest.importorskip("jax")
    x = X32[X32 != 0]  # jax.nn.leaky_relu's gradient at 0 differs (pinned below)
    a = jax.numpy.asarray(x.astype(dtype))
    assert_matches(ours(a), theirs(jax.nn, a), bitwise=ulps == 0)
    weights = np.arange(len(x))  # sum(softmax) is constant: weight it so its gradient is not noise
    ga = jax.grad(lambda v: (ours(v) * weights).sum())(a)
    gb = jax.grad(lambda v: (theirs(jax.nn, v) * weights).sum())(a)
    assert_gradients_match(ga, gb)


def test_jax_pinned_differences():
    jax = pytest.importorskip("jax")
    assert jax.grad(jax.nn.leaky_relu)(0.0) == 1.0, "jax.nn: leaky'(0) = 1"
    assert jax.grad(lambda v: rf.leaky_relu(v, alpha=0.01))(0.0) == pytest.approx(0.01)
    ints = jax.numpy.array([-3, 2, 9], dtype=jax.numpy.int32)
    assert jax.nn.relu6(ints).dtype.kind == "f" and rf.relu6(ints).dtype == ints.dtype


TF_PAIRS = [
    _pair("relu", rf.relu, lambda tf, x: tf.nn.relu(x), 0),
    _pair("relu6", rf.relu6, lambda tf, x: tf.nn.relu6(x), 0),
    _pair(
        "leaky_relu-0.01", lambda x: rf.leaky_relu(x, alpha=0.01), lambda tf, x: tf.nn.leaky_relu(x, 0.01), 0
    ),
    _pair("leaky_relu-default", rf.leaky_relu, lambda tf, x: tf.nn.leaky_relu(x), 0),
    _pair("elu", rf.elu, lambda tf, x: tf.nn.elu(x), 1),
    _pair("selu", rf.selu, lambda tf, x: tf.nn.selu(x), 1),
    _pair("sigmoid", rf.sigmoid, lambda tf, x: tf.nn.sigmoid(x), 1),
    _pair("tanh", rf.tanh, lambda tf, x: tf.nn.tanh(x), 1),
    _pair("softmax", rf.softmax, lambda tf, x: tf.nn.softmax(x), 1),
]


@pytest.mark.parametrize(("ours", "theirs", "ulps"), TF_PAIRS)
def test_tensorflow_forward_and_gradient(ours, theirs, ulps):
    tf = pytest.importorskip("tensorflow")
    x = X32[X32 != 0]  # tf's selu'(0) differs (pinned below)
    v = tf.Variable(x)
    assert_matches(ours(v).numpy(), theirs(tf, v).numpy(), bitwise=ulps == 0)
    with tf.GradientTape(persistent=True) as tape:
        ya = tf.reduce_sum(ours(v) * np.arange(len(x)))
        yb = tf.reduce_sum(theirs(tf, v) * np.arange(len(x)))
    assert_gradients_match(tape.gradient(ya, v), tape.gradient(yb, v))


def test_tensorflow_pinned_differences():
    tf = pytest.importorskip("tensorflow")
    zero = tf.Variable([0.0])
    with tf.GradientTape(persistent=True) as tape:
        theirs, ours = tf.nn.selu(zero), rf.selu(zero)
    assert tape.gradient(theirs, zero).numpy()[0] == pytest.approx(1.0507009873554805), (
        "tf: selu'(0) = lambda"
    )
    assert tape.gradient(ours, zero).numpy()[0] == pytest.approx(1.7580993408473768), "ours: lambda * alpha"
    x64 = tf.constant([-1.0], dtype=tf.float64)
    assert tf.nn.leaky_relu(x64, 0.01).numpy()[0] != -0.01, "tf rounds alpha to float32"
    assert rf.leaky_relu(x64, alpha=0.01).numpy()[0] == -0.01
    big = tf.constant([2**40 + 1], dtype=tf.int64)
    assert tf.nn.leaky_relu(big).dtype == tf.float32, "tf casts every integer to float32"
    assert rf.leaky_relu(big).dtype == tf.float64 and rf.leaky_relu(big).numpy()[0] == 2**40 + 1
