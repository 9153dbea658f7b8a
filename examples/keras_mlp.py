"""The seeds' MLP, with any rectifier: Dense 64 + rectifier -> Dense 10 softmax.

    KERAS_BACKEND=jax python examples/keras_mlp.py --activation leaky_relu

Where the seed wrote ``Dense(64, activation="relu")``, this writes ``Dense(64)`` followed by
``rk.layer(name)``: the same function, and it also covers PReLU (a learned slope) and RReLU
(random slopes in training), which need a layer. For the parameter-free ones the function
form ``Dense(64, activation=rk.activation(name))`` is equivalent. Keras's own layers drop in
by name as well: ``keras.layers.LeakyReLU(0.1)`` -> ``rk.LeakyReLU(0.1)``, same arguments.
The data are synthetic and seeded: 20 features, 10 classes given by a fixed random linear
teacher.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

import rectifiers.keras as rk


def data(n=512, features=20, classes=10, seed=0):
    """Seeded inputs and one-hot labels a linear model can learn."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    teacher = rng.standard_normal((features, classes)).astype("float32")
    labels = np.argmax(x @ teacher, axis=1)
    return x, np.eye(classes, dtype="float32")[labels]


def build(activation="relu", features=20, classes=10):
    model = keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(64),
            rk.layer(activation),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def train(activation="relu", epochs=5, batch_size=64, n=512, seed=0, verbose=0):
    """Train on the synthetic data; return the model and its ``History``."""
    keras.utils.set_random_seed(seed)
    x, y = data(n, seed=seed)
    model = build(activation)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return model, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activation", default="relu", help="a rectifiers activation name")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    _, history = train(args.activation, epochs=args.epochs, verbose=2)
    print(
        f"{args.activation} on {keras.backend.backend()}: loss {history.history['loss'][0]:.3f} -> "
        f"{history.history['loss'][-1]:.3f}"
    )


if __name__ == "__main__":
    main()
