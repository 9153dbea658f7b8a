"""Keras 3 layers and activation functions for the rectifier family, on the TensorFlow, JAX
and torch backends.

Layers with ``keras.layers``' names, signatures and defaults: ``ReLU``, ``LeakyReLU``,
``PReLU``, ``ELU``, ``Softmax``; ours with the core's names: ``ReLU6``, ``RReLU``, ``SELU``, and
the generic ``Activation(name, **params)``; ``layer(name)`` picks the right one. Functions for
``Dense(..., activation=...)`` with ``keras.activations``' signatures (``rk.relu``,
``rk.leaky_relu``, ...), and ``activation(name, **params)`` with the core's names. Everything
is registered as Keras-serializable when this module is imported, so ``keras.models.load_model``
needs no ``custom_objects`` once ``import rectifiers.keras`` has run.

>>> import keras, numpy as np, rectifiers.keras as rk
>>> x = np.array([[-2.0, 0.0, 3.0]], dtype="float32")
>>> np.asarray(keras.ops.convert_to_numpy(rk.LeakyReLU(negative_slope=0.1)(x)))
array([[-0.2,  0. ,  3. ]], dtype=float32)
>>> np.asarray(keras.ops.convert_to_numpy(rk.leaky_relu(x)))  # keras.activations' default, 0.2
array([[-0.4,  0. ,  3. ]], dtype=float32)
"""

from .._spec import REGISTRY as _REGISTRY
from . import _spelling
from ._base import Rectifier as Rectifier
from ._functions import (
    ActivationFunction as ActivationFunction,
    KerasFunction as KerasFunction,
    activation as activation,
    with_defaults as _with_defaults,
)
from ._layers import Activation as Activation, layer as layer, named as _named
from ._prelu import PReLU as _PReLU
from ._rrelu import RReLU as _RReLU
from ._softmax import Softmax as _Softmax


def _base(spec) -> type[Rectifier]:
    """What a named layer needs beyond the core, from the spec's declared fields: a weight for
    learned parameters, a seed generator for random draws, Keras's ``mask`` for softmax."""
    if spec.learned:
        return _PReLU
    if spec.draws:
        return _RReLU
    if not spec.elementwise:
        return _Softmax
    return Rectifier


#: ``{class name: layer}``: one named layer per registry activation that Keras (or we) name
#: (``rectifiers._frameworks``): ``ReLU``, ``ReLU6``, ``LeakyReLU``, ``PReLU``, ``RReLU``, ...
LAYERS = {
    cls.__name__: cls
    for cls in (_named(spec.name, _base(spec)) for spec in _REGISTRY.values() if _spelling.has_layer(spec))
}
globals().update(LAYERS)

#: ``rk.relu``, ``rk.leaky_relu``, ...: activation callables with keras.activations' signatures.
FUNCTIONS = _with_defaults()
globals().update(FUNCTIONS)

__all__ = [
    "Activation",
    "ActivationFunction",
    "KerasFunction",
    "Rectifier",
    "activation",
    "layer",
    *LAYERS,
    *FUNCTIONS,
]
