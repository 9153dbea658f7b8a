"""The activation callables for ``Dense(..., activation=...)``: bound parameters, core values and
gradients, Keras serialization by config."""

import keras
import numpy as np
import pytest
from keras_testing import POINTS, RECTIFIERS, to_numpy

import rectifiers as rf
import rectifiers.keras as rk

FUNCTION_NAMES = [n for n in rf.names() if all(p.hyper for p in rf.get(n).params)]


def _params(name):
    return rf.get(name).example_params


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_callable_equals_core_and_serializes(name):
    fn = rk.activation(name, **_params(name))
    x = np.stack([POINTS, POINTS[::-1]])
    core = rf._apply.evaluate(rf.get(name), x, _params(name))
    np.testing.assert_allclose(to_numpy(fn(keras.ops.convert_to_tensor(x))), core, rtol=2e-7)
    config = keras.activations.serialize(fn)
    assert config["config"] == {"activation": name, **_params(name)}
    assert keras.activations.deserialize(config) == fn
    assert keras.activations.get(config) == fn


def test_activations_are_equal_exactly_where_they_compute_the_same():
    """alpha=-0.0 and alpha=0.0 compare equal as numbers but give -0.0 and +0.0 for x < 0: two
    activations, not one (a set or a dict of them keeps both)."""
    negative, positive = rk.activation("leaky_relu", alpha=-0.0), rk.activation("leaky_relu", alpha=0.0)
    x = keras.ops.convert_to_tensor(np.array([-1.0], np.float32))
    assert np.signbit(to_numpy(negative(x))[0]) != np.signbit(to_numpy(positive(x))[0])
    assert negative != positive and len({negative, positive}) == 2
    assert rk.activation("leaky_relu", alpha=0.1) == rk.activation("leaky_relu", alpha=0.1)
    assert hash(rk.activation("elu", alpha=0.5)) == hash(rk.activation("elu", alpha=0.5))
    assert rk.activation("elu", alpha=0.5) != rk.activation("leaky_relu", alpha=0.5)


def test_ready_made_callables_carry_the_core_defaults():
    expected = {
        n
        for n in rf.names()
        if not rf.get(n).draws  # rrelu: a function cannot see training
        and rf.get(n).defaults.keys() == {p.name for p in rf.get(n).params if p.hyper}
    }
    assert expected == set(rk.FUNCTIONS) and "softmax" in expected  # its where= is a call option
    assert rk.leaky_relu.params == rf.get("leaky_relu").defaults
    assert rk.relu.params == {}


def test_dense_with_our_activation_round_trips_through_its_config():
    fn = rk.activation("leaky_relu", alpha=0.01)
    dense = keras.layers.Dense(4, activation=fn)
    x = np.random.default_rng(0).standard_normal((3, 5)).astype("float32")
    y = to_numpy(dense(x))
    clone = keras.layers.Dense.from_config(dense.get_config())
    clone.build((None, 5))
    clone.set_weights(dense.get_weights())
    assert clone.activation == fn
    np.testing.assert_array_equal(to_numpy(clone(x)), y)
    linear = x @ dense.get_weights()[0] + dense.get_weights()[1]
    np.testing.assert_allclose(y, np.where(linear > 0, linear, 0.01 * linear), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in RECTIFIERS if n in FUNCTION_NAMES and n != "prelu"])
def test_conv2d_accepts_the_callable(name):
    conv = keras.layers.Conv2D(2, 3, activation=rk.activation(name))
    assert conv(np.ones((1, 5, 5, 1), dtype="float32")).shape == (1, 3, 3, 2)
