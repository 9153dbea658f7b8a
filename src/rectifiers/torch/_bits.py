"""Bit-packed boolean masks: 1 bit per element (PyTorch has no ``packbits``).

Packing reads the bool mask 8 bytes at a time as one int64 and gathers the low bit of each
byte into the top byte with one multiplication: for bytes ``b0..b7`` (each 0 or 1),
``(sum b_i 2^(8i)) * sum_j 2^(56-7j)`` holds ``sum b_i 2^(56+i)`` in bits 56..63 and no carry
reaches them (every partial product has its own exponent).

>>> import torch
>>> mask = torch.tensor([True, False, True, True, False, False, False, True, True])
>>> packed = pack(mask)
>>> packed.dtype, packed.numel()
(torch.uint8, 2)
>>> torch.equal(unpack(packed, mask.shape), mask)
True
"""

from __future__ import annotations

import torch

_GATHER = sum(1 << (56 - 7 * j) for j in range(8))  # < 2**57: an int64; the product wraps


def pack(mask: torch.Tensor) -> torch.Tensor:
    """``mask`` (bool, any shape) as ``ceil(numel / 8)`` bytes, element ``i`` in bit ``i % 8``."""
    flat = mask.reshape(-1)
    tail = -flat.numel() % 8
    if tail:
        flat = torch.cat((flat, flat.new_zeros(tail)))
    words = flat.view(torch.uint8).view(torch.int64) if flat.numel() else flat.new_zeros(0, dtype=torch.int64)
    return (((words * _GATHER) >> 56) & 255).to(torch.uint8)


def unpack(packed: torch.Tensor, shape) -> torch.Tensor:
    """The bool mask of ``shape`` that :func:`pack` packed."""
    shape = torch.Size(shape)
    shifts = torch.arange(8, dtype=torch.uint8, device=packed.device)  # made here: fake and meta too
    bits = (packed.unsqueeze(-1) >> shifts) & 1
    return bits.reshape(-1)[: shape.numel()].view(torch.bool).reshape(shape)
