"""Keras's names and defaults: every named layer and ready-made function has ``keras.layers``' /
``keras.activations``' signature and gives Keras's forward for the same arguments, a model
written with ``keras.layers`` runs with ``rk.`` in its place, and configs saved with the core's
names (before these) still load."""

import inspect

import keras
import numpy as np
import pytest
from keras_testing import gradients, to_numpy

import rectifiers.keras as rk

LAYERS = ["ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax"]
FUNCTIONS = ["relu", "relu6", "leaky_relu", "elu", "selu", "sigmoid", "tanh", "softmax"]
X = (np.random.default_rng(0).standard_normal((3, 4, 5)) * 4).astype("float32")


def _described(signature):
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("name", LAYERS)
def test_layer_signature_is_keras(name):
    ours, theirs = (inspect.signature(getattr(ns, name)) for ns in (rk, keras.layers))
    assert _described(ours) == _described(theirs)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_signature_is_keras(name):
    ours, theirs = (inspect.signature(getattr(ns, name)) for ns in (rk, keras.activations))
    assert _described(ours) == _described(theirs)


LAYER_CALLS = [
    ("ReLU", (), {}),
    ("ReLU", (), {"max_value": 6}),
    ("ReLU", (6.0,), {}),
    ("ReLU", (), {"negative_slope": 0.1}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.1,), {}),
    ("ELU", (), {}),
    ("ELU", (0.5,), {}),
    ("PReLU", (), {}),
    ("PReLU", (), {"alpha_initializer": "ones", "shared_axes": [1]}),
    ("Softmax", (), {}),
    ("Softmax", (1,), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), LAYER_CALLS)
def test_layer_forward_is_keras(name, args, kwargs):
    ours, theirs = (getattr(ns, name)(*args, **kwargs) for ns in (rk, keras.layers))
    np.testing.assert_allclose(to_numpy(ours(X)), to_numpy(theirs(X)), rtol=1e-6, atol=1e-7)
    assert ours.get_config() | {"name": None} == theirs.get_config() | {"name": None} or name == "PReLU"


FUNCTION_CALLS = [
    ("relu", (), {}),
    ("relu", (0.1,), {}),
    ("relu", (), {"max_value": 6.0}),
    ("relu6", (), {}),
    ("leaky_relu", (), {}),
    ("leaky_relu", (), {"negative_slope": 0.3}),
    ("elu", (), {}),
    ("elu", (0.5,), {}),
    ("selu", (), {}),
    ("sigmoid", (), {}),
    ("tanh", (), {}),
    ("softmax", (), {}),
    ("softmax", (), {"axis": 1}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), FUNCTION_CALLS)
def test_function_forward_is_keras(name, args, kwargs):
    x = keras.ops.convert_to_tensor(X)
    ours, theirs = (getattr(ns, name)(x, *args, **kwargs) for ns in (rk, keras.activations))
    np.testing.assert_allclose(to_numpy(ours), to_numpy(theirs), rtol=1e-6, atol=1e-7)


def test_relu_settings_pick_our_activation_or_say_what_is_supported():
    assert rk.ReLU().spec.name == "relu" and rk.ReLU(max_value=6).spec.name == "relu6"
    assert rk.ReLU(negative_slope=0.25).params == {"alpha": 0.25}
    with pytest.raises(
        ValueError,
        match=r"ReLU\(negative_slope=s\).*Received: max_value=None, negative_slope=0.0, threshold=2",
    ):
        rk.relu(X, threshold=2)
    with pytest.raises(ValueError, match="Received: .*max_value=1"):
        rk.relu(X, max_value=1)


def _model(ns):
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8),
            ns.ELU(),
            keras.layers.Dense(8),
            ns.LeakyReLU(negative_slope=0.1),
            keras.layers.Dense(8),
            ns.PReLU(alpha_initializer=keras.initializers.Constant(0.2)),
            keras.layers.Dense(8),
            ns.ReLU(max_value=6),
            keras.layers.Dense(8, activation=ns is rk and rk.relu or "relu"),
            ns.ReLU(),
            keras.layers.Dense(8),
            ns.Activation("sigmoid"),
            keras.layers.Dense(4),
            ns.Softmax(),
        ]
    )


def test_a_keras_model_runs_unchanged_with_rk_in_place_of_keras_layers():
    ours, theirs = _model(rk), _model(keras.layers)
    assert [type(layer).__name__ for layer in ours.layers] == [
        type(layer).__name__ for layer in theirs.layers
    ]
    ours.set_weights(theirs.get_weights())
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((64, 6)).astype("float32"), rng.random((64, 4)).astype("float32")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    losses = []
    for model in (ours, theirs):
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        losses.append(model.fit(x, y, batch_size=32, epochs=2, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)


def test_softmax_mask_zeroes_masked_positions_and_all_masked_rows():
    x = X[0]
    mask = np.ones(x.shape, dtype=bool)
    mask[0, 1:] = False
    mask[1] = False  # every position of row 1 masked
    mask[2, ::2] = False
    ours = to_numpy(rk.Softmax()(x, mask=mask))
    theirs = to_numpy(keras.layers.Softmax()(x, mask=mask))
    np.testing.assert_array_equal(ours[~mask], 0.0)
    np.testing.assert_array_equal(ours[1], 0.0)
    np.testing.assert_allclose(ours[0, 0], 1.0)
    np.testing.assert_allclose(ours[[0, 2, 3]], theirs[[0, 2, 3]], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(rk.Softmax()(x, mask=mask.astype("float32"))), ours)
    row = to_numpy(rk.Softmax()(x, mask=mask[:1]))  # broadcasts, as Keras's
    np.testing.assert_array_equal(row[:, 1:], 0.0)


class _Masked(keras.layers.Layer):
    """rk.Softmax under a fixed mask, times fixed weights (the sum of a softmax has no gradient)."""

    def __init__(self, mask, weights):
        super().__init__()
        self.softmax, self.mask, self.w = rk.Softmax(), mask, weights

    def call(self, x, training=None):
        weights = keras.ops.convert_to_tensor(self.w)
        return keras.ops.multiply(self.softmax(x, mask=keras.ops.convert_to_tensor(self.mask)), weights)


def test_no_gradient_reaches_masked_positions():
    x = X[0]
    mask = np.ones(x.shape, dtype=bool)
    mask[0, 2:], mask[1] = False, False
    weights = np.random.default_rng(3).standard_normal(x.shape).astype("float32")
    _, dx, _ = gradients(_Masked(mask, weights), x)
    np.testing.assert_array_equal(dx[~mask], 0.0)
    assert np.isfinite(dx).all() and np.abs(dx[mask]).max() > 0


def test_softmax_mask_shape_is_checked():
    with pytest.raises(ValueError, match=r"mask must broadcast.*Received: mask of shape \(4, 3\) for input"):
        rk.Softmax()(X[0], mask=np.ones((4, 3), dtype=bool))


def test_configs_saved_with_the_core_names_still_load():
    """Before Keras's names, our LeakyReLU saved ``alpha``: it loads as ``negative_slope``."""
    old = {"module": None, "class_name": "LeakyReLU", "registered_name": "rectifiers>LeakyReLU"}
    old["config"] = {"name": "leaky", "trainable": True, "alpha": 0.1}
    layer = keras.saving.deserialize_keras_object(old)
    assert type(layer) is rk.LeakyReLU and layer.get_config()["negative_slope"] == 0.1
    assert layer.params == {"alpha": 0.1}
