"""The same models as :mod:`.models`, in Keras 3 (``--framework keras``; the backend from
``KERAS_BACKEND``), each hidden activation a ``rectifiers.keras`` layer built from the registry
by name (``rk.layer(name, **params)``). Images are channels-last, as Keras wants them.
"""

from __future__ import annotations

import keras

import rectifiers.keras as rk

from .models import DEEP_LAYERS, FILTERS, WIDTH


def build(model: str, activation: str, params: dict, input_shape, classes: int) -> keras.Model:
    """A fresh model; ``input_shape`` is channels-first, as the data are (seed Keras first)."""
    dense = lambda units: keras.layers.Dense(units, kernel_initializer="he_normal")  # noqa: E731
    act = lambda: rk.layer(activation, **params)  # noqa: E731
    if model == "cnn":
        if len(input_shape) != 3 or min(input_shape[1:]) < 4:
            raise ValueError(
                f"the cnn model needs images of at least 4x4 pixels. Received: {tuple(input_shape)}"
            )
        channels, height, width = input_shape
        conv = lambda filters: keras.layers.Conv2D(filters, 3, padding="same", kernel_initializer="he_normal")  # noqa: E731
        pool = keras.layers.MaxPooling2D
        layers = [keras.Input((height, width, channels)), conv(FILTERS[0]), act(), pool(2)]
        layers += [conv(FILTERS[1]), act(), pool(2), keras.layers.Flatten(), dense(WIDTH), act()]
    else:
        shape = (*input_shape[1:], input_shape[0]) if len(input_shape) == 3 else tuple(input_shape)
        layers = [keras.Input(shape), keras.layers.Flatten()]
        for _ in range(DEEP_LAYERS if model == "deep-mlp" else 1):
            layers += [dense(WIDTH), act()]
    return keras.Sequential([*layers, dense(classes)])
