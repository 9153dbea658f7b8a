"""The doctor in Keras, on the current backend: the callback counts inside ``fit``'s compiled
step and reports exactly the units that cannot fire by construction; the probe agrees; the
model is left as it was."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras_testing import BACKEND

import rectifiers.keras as rk
from rectifiers import doctor

NEVER = -1e4


def constructed():
    """Conv2D(relu) -> Dense(relu) -> Dense -> rk.ReLU, with known units unable to fire."""
    inputs = keras.Input((6, 6, 3))
    h = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(6, activation="relu", name="d1")(h)
    h = keras.layers.Dense(5, name="d2")(h)
    h = rk.ReLU(name="act2")(h)
    h = keras.layers.Dense(3, activation="tanh", name="t")(h)
    model = keras.Model(inputs, keras.layers.Dense(1, name="out")(h))
    conv, d1, d2 = (model.get_layer(n) for n in ("conv", "d1", "d2"))
    kernel, bias = conv.get_weights()
    bias[2] = NEVER  # channel 2 (the last axis: channels-last) never fires
    conv.set_weights([kernel, bias])
    kernel, bias = d1.get_weights()
    bias[[1, 4]] = NEVER
    d1.set_weights([kernel, bias])
    kernel, bias = d2.get_weights()
    kernel = np.abs(kernel)
    kernel[[1, 4]] = 0.0
    bias[0] = NEVER
    d2.set_weights([kernel, bias])
    return model


EXPECTED = {"conv": [2], "d1": [1, 4], "act2": [0], "t": []}


def data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6, 6, 3)).astype("float32"), rng.standard_normal((n, 1)).astype("float32")


def test_the_callback_reports_exactly_the_units_that_cannot_fire():
    model = constructed()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    weights = len(model.weights)
    x, y = data()
    cb = doctor.KerasCallback()
    model.fit(x, y, batch_size=100, epochs=2, verbose=0, callbacks=[cb], validation_data=data(200, 1))
    assert cb.doctor.dead_units() == EXPECTED
    stats = cb.doctor.stats()
    assert [r["name"] for r in stats] == ["conv", "d1", "act2", "t"]
    assert [r["samples"] for r in stats] == [1200] * 4  # training only: validation is not counted
    assert stats[0]["units"] == 4 and stats[3]["saturated"] is not None and stats[3]["dead"] == 0
    assert len(model.weights) == weights  # the counter variables are gone with the patch
    assert "call" not in vars(model.get_layer("d1"))
    model.fit(x, y, batch_size=100, epochs=1, verbose=0)  # and training without it still runs


def test_a_window_closes_every_n_samples_and_too_few_is_not_enough_evidence():
    model = constructed()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    x, y = data()
    cb = doctor.KerasCallback(window=500, layers=["d1"])
    model.fit(x, y, batch_size=100, epochs=1, verbose=0, callbacks=[cb])
    (record,) = cb.doctor.stats()
    assert (record["name"], record["window"], record["samples"], record["dead"]) == ("d1", 1, 100, None)
    assert cb.doctor.dead_units() == {"d1": []}


def test_the_probe_agrees_with_the_callback():
    model = constructed()
    found = doctor.probe(model, data()[0], batch_size=128)
    assert found.dead_units() == EXPECTED
    assert found.stats()[0]["samples"] == 600


def test_unknown_layers_are_refused():
    with pytest.raises(
        ValueError, match=r"no layer with a watched activation named 'd2'. Accepted: conv, d1, act2, t"
    ):
        doctor.probe(constructed(), data()[0], layers=["d2"])


def test_the_backend_is_recorded():
    cb = doctor.KerasCallback()
    assert cb.doctor.config()["framework"].endswith(f"({BACKEND})")


def test_the_cli_reads_a_saved_keras_model(tmp_path, capsys):
    from rectifiers.cli import main

    path, data_path = tmp_path / "model.keras", tmp_path / "data.npz"
    constructed().save(path)
    np.savez(data_path, x=data()[0])
    assert main(["doctor", str(path), str(data_path), "--json", str(tmp_path / "d.json")]) == 0
    assert "d1: 2 dead of 6: [1, 4] (dead since window 0)" in capsys.readouterr().out
    (tmp_path / "broken.keras").write_text("no")
    assert main(["doctor", str(tmp_path / "broken.keras"), str(data_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rectifiers doctor: cannot load") and err.count("\n") == 1
