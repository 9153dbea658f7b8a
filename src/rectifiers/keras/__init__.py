"""Keras 3 layers and activation functions for the rectifier family, on the TensorFlow, JAX
and torch backends.

Layers: ``ReLU``, ``ReLU6``, ``LeakyReLU``, ``PReLU``, ``RReLU``, ``ELU``, ``SELU`` and the
generic ``Activation(name, **params)``; ``layer(name)`` picks the right one. Functions for
``Dense(..., activation=...)``: ``activation(name, **params)``, and one ready-made callable
per parameter-free activation (``rk.relu``, ``rk.leaky_relu``, ...). Everything is registered
as Keras-serializable on import, so ``keras.models.load_model`` needs no ``custom_objects``.

>>> import keras, numpy as np, rectifiers.keras as rk
>>> x = np.array([[-2.0, 0.0, 3.0]], dtype="float32")
>>> np.asarray(keras.ops.convert_to_numpy(rk.LeakyReLU(alpha=0.1)(x)))
array([[-0.2,  0. ,  3. ]], dtype=float32)
>>> np.asarray(keras.ops.convert_to_numpy(rk.leaky_relu(x)))  # the core's default, alpha=0.2
array([[-0.4,  0. ,  3. ]], dtype=float32)
"""

from ._base import Rectifier as Rectifier
from ._functions import (
    ActivationFunction as ActivationFunction,
    activation as activation,
    with_defaults as _with_defaults,
)
from ._layers import Activation as Activation, layer as layer, named as _named
from ._prelu import PReLU as PReLU
from ._rrelu import RReLU as RReLU

ReLU = _named("ReLU", "relu")
ReLU6 = _named("ReLU6", "relu6")
LeakyReLU = _named("LeakyReLU", "leaky_relu")
ELU = _named("ELU", "elu")
SELU = _named("SELU", "selu")
_named("PReLU", "prelu", PReLU)
_named("RReLU", "rrelu", RReLU)

#: ``rk.relu``, ``rk.leaky_relu``, ...: activation callables with the core's defaults.
FUNCTIONS = _with_defaults()
globals().update(FUNCTIONS)

__all__ = [
    "ELU",
    "SELU",
    "Activation",
    "ActivationFunction",
    "LeakyReLU",
    "PReLU",
    "RReLU",
    "ReLU",
    "ReLU6",
    "Rectifier",
    "activation",
    "layer",
    *FUNCTIONS,
]
