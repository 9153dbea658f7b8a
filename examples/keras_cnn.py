"""The seeds' CNN, with any rectifier:

Conv2D 32 3x3 on 64x64x3 -> MaxPooling2D 2 -> Conv2D 64 3x3 -> MaxPooling2D 2 -> Flatten ->
Dense 128 -> Dense 10 softmax, the rectifier after each convolution and the hidden Dense.

    KERAS_BACKEND=torch python examples/keras_cnn.py --activation elu

The data are synthetic and seeded: each class is a fixed random 64x64x3 pattern, blended
with noise, centred like scaled pixels minus their mean (SELU and ELU diverge on raw,
all-positive pixels with this architecture and Adam's default step).
As in the MLP example, each rectifier is its layer (``rk.layer(name)``) after a linear
Conv2D or Dense, which also covers PReLU and RReLU.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

import rectifiers.keras as rk

SHAPE = (64, 64, 3)


def data(n=64, classes=10, noise=0.5, seed=0):
    """Seeded images, centred pixels in [-0.5, 0.5] (the pattern of the class blended with uniform
    noise), and one-hot labels."""
    rng = np.random.default_rng(seed)
    patterns = rng.random((classes, *SHAPE), dtype="float32")
    labels = rng.integers(classes, size=n)
    x = (1 - noise) * patterns[labels] + noise * rng.random((n, *SHAPE), dtype="float32") - 0.5
    return x, np.eye(classes, dtype="float32")[labels]


def build(activation="relu", classes=10):
    model = keras.Sequential(
        [
            keras.Input(SHAPE),
            keras.layers.Conv2D(32, (3, 3)),
            rk.layer(activation),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(64, (3, 3)),
            rk.layer(activation),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(128),
            rk.layer(activation),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def train(activation="relu", epochs=3, batch_size=16, n=64, seed=0, verbose=0):
    """Train on the synthetic images; return the model and its ``History``."""
    keras.utils.set_random_seed(seed)
    x, y = data(n, seed=seed)
    model = build(activation)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return model, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activation", default="relu", help="a rectifiers activation name")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    _, history = train(args.activation, epochs=args.epochs, verbose=2)
    print(
        f"{args.activation} on {keras.backend.backend()}: loss {history.history['loss'][0]:.3f} -> "
        f"{history.history['loss'][-1]:.3f}"
    )


if __name__ == "__main__":
    main()
