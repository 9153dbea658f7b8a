"""PyTorch binding: ``torch.nn`` modules and functional forms whose backward keeps no copy it
does not need.

``import rectifiers`` never imports torch; ``import rectifiers.torch`` does.

>>> import torch, rectifiers.torch as rt
>>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), rt.LeakyReLU(0.2), torch.nn.Linear(8, 1))
>>> model(torch.ones(2, 4)).shape
torch.Size([2, 1])
"""

from . import functional as functional
from ._modules import (
    ELU as ELU,  # the named classes are generated from the registry and its table
    NAMED,
    SELU as SELU,
    Activation as Activation,
    LeakyReLU as LeakyReLU,
    PReLU as PReLU,
    ReLU as ReLU,
    ReLU6 as ReLU6,
    RReLU as RReLU,
    Sigmoid as Sigmoid,
    Softmax as Softmax,
    Tanh as Tanh,
)
from ._rectify import MEMORY as MEMORY

__all__ = ["Activation", "MEMORY", "functional", *NAMED]


def __getattr__(name: str):
    """A named class of an activation the import list above does not spell (a newly registered one)."""
    if name in NAMED:
        from . import _modules

        return getattr(_modules, name)
    raise AttributeError(f"module 'rectifiers.torch' has no attribute {name!r}")
