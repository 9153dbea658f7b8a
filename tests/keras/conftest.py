"""The Keras tests run once per backend, each in its own process: CI sets KERAS_BACKEND to
tensorflow, jax and torch in turn (see ``./dev test``). Their helpers live in
``keras_testing.py``, importable from every test module here."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import keras_testing  # noqa: E402  (sets torch's threads before Keras imports it)


@pytest.fixture(autouse=True)
def _seeded():
    keras_testing.keras.utils.set_random_seed(0)
