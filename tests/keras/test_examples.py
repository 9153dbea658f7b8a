"""The seeds' Keras programs (examples/) train with every rectifier on the active backend:
a few steps on small seeded synthetic data, and the loss falls."""

import pytest
from keras_testing import RECTIFIERS, load_example


@pytest.fixture(scope="module")
def mlp():
    return load_example("keras_mlp")


@pytest.fixture(scope="module")
def cnn():
    return load_example("keras_cnn")


@pytest.mark.parametrize("activation", RECTIFIERS)
def test_mlp_loss_falls(mlp, activation):
    _, history = mlp.train(activation, epochs=3, n=256)
    losses = history.history["loss"]
    assert losses[-1] < losses[0], losses


@pytest.mark.parametrize("activation", RECTIFIERS)
def test_cnn_loss_falls(cnn, activation):
    model, history = cnn.train(activation, epochs=2, n=32, batch_size=16)
    assert model.input_shape == (None, 64, 64, 3)
    losses = history.history["loss"]
    assert losses[-1] < losses[0], losses


def test_mlp_main_runs(mlp, capsys):
    mlp.main(["--activation", "leaky_relu", "--epochs", "1"])
    assert "leaky_relu on" in capsys.readouterr().out
