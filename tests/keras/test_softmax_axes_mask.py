"""rk.Softmax and rk.softmax over a tuple of axes, and the layer's ``mask`` as the core's
``where``: the same numbers as ``rectifiers.softmax``, Keras's own where Keras has them, a
model that saves and loads, and no gradient through a masked position even when it holds inf."""

import keras
import numpy as np
import pytest
from keras_testing import gradients, to_numpy

import rectifiers as rf
import rectifiers.keras as rk

X = (np.random.default_rng(14).standard_normal((3, 4, 5)) * 3).astype("float32")
MASK = np.random.default_rng(15).random((3, 4, 5)) > 0.3
MASK[1] = False  # every position of sample 1 masked


def same(ours, core):
    """The core's numbers: its bits where the backend has float64; a few float32 ulps off where it
    lacks it (JAX without x64, as in this session), whose exp and sum are float32's own."""
    np.testing.assert_allclose(ours, core, rtol=2e-6, atol=0)


def test_layer_and_function_take_a_tuple_of_axes():
    core = rf.softmax(X, axis=(1, 2))
    same(to_numpy(rk.Softmax(axis=(1, 2))(X)), core)
    same(to_numpy(rk.softmax(X, axis=(1, 2))), core)
    theirs = to_numpy(keras.layers.Softmax(axis=(1, 2))(X))
    np.testing.assert_allclose(core, theirs, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(core.sum(axis=(1, 2)), 1.0, rtol=1e-6)


def test_bad_axes_are_refused_at_construction():
    with pytest.raises(ValueError, match=r"names axis 2 twice .*Received: axis=\(2, -1\)"):
        rk.Softmax(axis=(2, -1))(X)
    with pytest.raises(TypeError, match=r"Received: axis=\(1, 'a'\)"):
        rk.Softmax(axis=(1, "a"))


def test_mask_is_the_core_where():
    poisoned = np.where(MASK, X, np.inf).astype("float32")
    ours = to_numpy(rk.Softmax(axis=(1, 2))(poisoned, mask=MASK))
    same(ours, rf.softmax(X, axis=(1, 2), where=MASK))
    np.testing.assert_array_equal(ours[~MASK], 0.0)
    np.testing.assert_array_equal(ours[1], 0.0)
    np.testing.assert_allclose(ours[[0, 2]].sum(axis=(1, 2)), 1.0, rtol=1e-6)


def test_mask_shape_is_checked_under_the_layers_name():
    with pytest.raises(ValueError, match=r"Softmax: the mask must broadcast .*mask of shape \(4, 4\)"):
        rk.Softmax()(X, mask=np.ones((4, 4), dtype=bool))


class _Masked(keras.layers.Layer):
    def __init__(self, mask, weights):
        super().__init__()
        self.softmax, self.mask, self.w = rk.Softmax(axis=(1, 2)), mask, weights

    def call(self, x, training=None):
        keep = keras.ops.convert_to_tensor(self.mask)
        return keras.ops.multiply(self.softmax(x, mask=keep), keras.ops.convert_to_tensor(self.w))


def test_no_gradient_through_masked_positions_holding_inf():
    weights = np.random.default_rng(16).standard_normal(X.shape).astype("float32")
    poisoned = np.where(MASK, X, np.inf).astype("float32")
    _, dx, _ = gradients(_Masked(MASK, weights), poisoned)
    dx = to_numpy(dx)
    assert np.isfinite(dx).all() and np.abs(dx[MASK]).max() > 0
    np.testing.assert_array_equal(dx[~MASK], 0.0)


def test_a_model_with_axes_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((4, 5)), rk.Softmax(axis=(1, 2))])
    path = tmp_path / "softmax.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    before, after = (to_numpy(m.predict(X, verbose=0)) for m in (model, loaded))
    np.testing.assert_array_equal(after, before)
    assert tuple(loaded.layers[0].get_config()["axis"]) == (1, 2)
