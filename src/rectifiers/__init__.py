"""rectifiers: the rectifier family of activations, written once, exact on every dtype and the
same on NumPy, PyTorch, JAX and TensorFlow.

>>> import numpy as np, rectifiers as rf
>>> rf.relu(np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32))
array([1. , 0. , 3.4, 0. , 0. , 0. ], dtype=float32)
"""

from ._apply import derivative as derivative
from ._functional import (
    elu as elu,
    leaky_relu as leaky_relu,
    prelu as prelu,
    relu as relu,
    relu6 as relu6,
    rrelu as rrelu,
    selu as selu,
    sigmoid as sigmoid,
    softmax as softmax,
    tanh as tanh,
)
from ._spec import ActivationSpec as ActivationSpec, get as get, names as names

__version__ = "0.1.0"

__all__ = [
    "ActivationSpec",
    "derivative",
    "elu",
    "get",
    "leaky_relu",
    "names",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "sigmoid",
    "softmax",
    "tanh",
]
