"""rectifiers: the rectifier family of activations, written once, exact on every dtype and the
same on NumPy, PyTorch, JAX and TensorFlow.

>>> import numpy as np, rectifiers as rf
>>> rf.relu(np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32))
array([1. , 0. , 3.4, 0. , 0. , 0. ], dtype=float32)
"""

from . import _api
from ._api import *  # noqa: F403  (every activation, generated from the registry)
from ._apply import derivative as derivative
from ._spec import REGISTRY as _REGISTRY, ActivationSpec as ActivationSpec, get as get, names as names

__version__ = "0.1.0"

__all__ = ["ActivationSpec", "derivative", "get", "names", *_api.__all__]


def __getattr__(name: str):
    """``rectifiers.<name>`` for an activation registered after import (``_public.function``)."""
    if name in _REGISTRY and not hasattr(_api, name):
        from ._public import function

        return function(name)
    raise AttributeError(f"module 'rectifiers' has no attribute {name!r}")
