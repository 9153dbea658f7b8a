"""``model.save`` then ``keras.models.load_model`` with no ``custom_objects``: every layer and
callable comes back as itself, with bit-identical predictions."""

import keras
import numpy as np
from keras_testing import to_numpy

import rectifiers as rf
import rectifiers.keras as rk
from rectifiers.keras._layers import _NAMED


def _model():
    hidden = [rk.layer(name) for name in _NAMED]
    hidden += [rk.Activation(n) for n in rf.names() if n not in _NAMED and n != "softmax"]
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation=rk.activation("leaky_relu", alpha=0.01)),
            rk.LeakyReLU(0.3),
            rk.ELU(alpha=0.7),
            rk.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.0, 0.5, seed=2)),
            *hidden,
            keras.layers.Dense(4, activation=rk.selu),
            rk.Activation("softmax", axis=-1),
        ]
    )
    return model


def test_save_and_load_round_trip_bit_exactly(tmp_path):
    model = _model()
    x = np.random.default_rng(0).standard_normal((16, 6)).astype("float32") * 3
    before = to_numpy(model.predict(x, verbose=0))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)  # no custom_objects
    after = to_numpy(loaded.predict(x, verbose=0))
    np.testing.assert_array_equal(after, before)
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert [layer.get_config() for layer in loaded.layers] == [layer.get_config() for layer in model.layers]
    assert loaded.layers[0].activation == rk.activation("leaky_relu", alpha=0.01)
    prelus = [(a, b) for a, b in zip(model.layers, loaded.layers, strict=True) if isinstance(a, rk.PReLU)]
    for original, clone in prelus:
        np.testing.assert_array_equal(to_numpy(clone.alpha), to_numpy(original.alpha))
    assert np.unique(to_numpy(prelus[0][0].alpha)).size == 8  # random slopes: a real check


def test_a_trained_example_round_trips(tmp_path):
    """The seeds' MLP with a learned PReLU, after a few steps of training."""
    from keras_testing import load_example

    mlp = load_example("keras_mlp")
    model, _ = mlp.train("prelu", epochs=1, n=128)
    x, _ = mlp.data(32, seed=1)
    model.save(tmp_path / "mlp.keras")
    loaded = keras.models.load_model(tmp_path / "mlp.keras")
    before, after = (to_numpy(m.predict(x, verbose=0)) for m in (model, loaded))
    np.testing.assert_array_equal(after, before)
    alpha = to_numpy(loaded.layers[1].alpha)
    assert not np.all(alpha == rf.get("prelu").params[0].init)  # it trained, and the trained slopes came back


def test_loading_without_the_import_names_the_module_to_import(tmp_path):
    """Keras finds registered classes only once their module has run (it imports no module outside
    Keras's own): the error it gives without ``import rectifiers.keras`` names that module."""
    import subprocess
    import sys

    path = tmp_path / "m.keras"
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation=rk.relu), rk.LeakyReLU()])
    model.save(path)
    code = f"import keras\nkeras.models.load_model({str(path)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Could not locate" in done.stderr and "'module': 'rectifiers.keras'" in done.stderr, done.stderr[
        -2000:
    ]
