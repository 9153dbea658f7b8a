"""torch.nn's conventions for the arguments it spells its own way, turned into the core's.

* ``dim=None`` (``Softmax``, ``F.softmax``): torch's implicit-dim rule, with its warning: dim 0
  for 0-, 1- and 3-d input, else dim 1.
* ``weight`` (``F.prelu``): a scalar or a 1-d tensor of 1 or C slopes, C the size of the
  input's dim 1 (the channels); the core broadcasts NumPy-style against the last axes, so the
  slopes get the shape ``(C, 1, ..., 1)``. Shapes only: no look at the values (no host sync).
"""

from __future__ import annotations

import numbers
import warnings

import torch


def implicit_dim(ndim: int, stacklevel: int) -> int:
    """The dim ``torch.nn.functional.softmax`` picks when given ``dim=None``, with its warning."""
    warnings.warn(
        "Implicit dimension choice for softmax has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def channel_weight(x: torch.Tensor, weight):
    """prelu's ``weight`` shaped to broadcast along ``x``'s dim 1, as ``torch.nn.functional.prelu``."""
    if isinstance(weight, numbers.Real) and not isinstance(weight, bool):
        return weight  # a float slope: the core checks it
    if not isinstance(weight, torch.Tensor):
        raise TypeError(
            f"rectifiers.torch.prelu: weight must be a torch.Tensor or a real number. "
            f"Received: {type(weight).__name__}"
        )
    channels = x.shape[1] if x.dim() > 1 else 1
    if weight.dim() > 1 or weight.numel() not in (1, channels):
        raise ValueError(
            f"rectifiers.torch.prelu: weight must be a scalar or a 1-d tensor of 1 slope or one per "
            f"channel (dim 1 of the input: {channels}). Received: weight of shape {tuple(weight.shape)} "
            f"for input of shape {tuple(x.shape)}"
        )
    if weight.numel() == 1:
        return weight.reshape(())
    return weight.reshape(channels, *[1] * (x.dim() - 2))
