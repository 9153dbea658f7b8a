"""rectifiers: the rectifier family of activations, written once, exact on every dtype and the
same on NumPy, PyTorch, JAX and TensorFlow.

>>> import numpy as np, rectifiers as rf
>>> rf.relu(np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32))
array([1. , 0. , 3.4, 0. , 0. , 0. ], dtype=float32)
"""

from ._apply import derivative as derivative
from ._functional import (
    elu as elu,
)
from ._functional import (
    leaky_relu as leaky_relu,
)
from ._functional import (
    prelu as prelu,
)
from ._functional import (
    relu as relu,
)
from ._functional import (
    relu6 as relu6,
)
from ._functional import (
    rrelu as rrelu,
)
from ._functional import (
    selu as selu,
)
from ._functional import (
    sigmoid as sigmoid,
)
from ._functional import (
    softmax as softmax,
)
from ._functional import (
    tanh as tanh,
)
from ._spec import ActivationSpec as ActivationSpec
from ._spec import get as get
from ._spec import names as names

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
