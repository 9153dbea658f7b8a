"""Counters summed over the processes of a ``torch.distributed`` job, at report time.

A unit is dead only if it is dead on every rank, so fire counts, magnitudes, zero counts and
sample counts add up across ranks (an all-reduce SUM). Outside a distributed job (or before
``init_process_group``) this returns its arguments unchanged. Every rank must ask (the
all-reduce is collective): call ``stats()``, ``report()`` or ``next_window()`` on all of them.
"""

from __future__ import annotations


def reduce_sum(arrays: list, ints: list) -> tuple[list, list]:
    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return arrays, ints
    summed = []
    for array in arrays:
        copy = array.clone()
        dist.all_reduce(copy)
        summed.append(copy)
    if ints:
        nccl = dist.get_backend() == "nccl"
        device = torch.device("cuda", torch.cuda.current_device()) if nccl else torch.device("cpu")
        total = torch.tensor(ints, dtype=torch.int64, device=device)
        dist.all_reduce(total)
        ints = [int(v) for v in total.tolist()]
    return summed, ints
