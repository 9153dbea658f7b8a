"""Every case of one row: ours and the copy always, then each requested peer that is installed."""

from __future__ import annotations

import numpy as np

import rectifiers as rf

from . import jax_cases, numpy_cases, tf_cases, torch_cases
from .environment import installed
from .facts import facts
from .subject import Case, Subject

#: peer (as ``--peers`` names it) -> (the module it needs, or None; its cases).
PEERS = {
    "numpy": (None, numpy_cases.obvious),
    "formula": (None, numpy_cases.formula),
    "torch": ("torch", torch_cases.cases),
    "jax": ("jax", jax_cases.cases),
    "tensorflow": ("tensorflow", tf_cases.cases),
}


def elementwise() -> list[str]:
    """The activations the bench times: every elementwise one in the registry."""
    return [name for name in rf.names() if rf.get(name).elementwise]


def check(name: str):
    """``ValueError`` unless ``name`` is an elementwise activation (softmax's derivative is a Jacobian)."""
    if name not in elementwise():
        raise ValueError(
            f"the bench times elementwise activations. Received: {name!r}. "
            f"Accepted: {', '.join(elementwise())}"
        )


def build_cases(name: str, x: np.ndarray, threads: int, peers, kind: str = "forward") -> list[Case]:
    """The cases for ``name`` (its example parameters) on ``x``; ``ValueError`` if it is not elementwise.

    A peer without a counterpart, or without ``x``'s dtype, is left out, and the bench says so.
    """
    check(name)
    spec = rf.get(name)
    params = spec.resolve(**spec.example_params)
    subject = Subject(name, params, facts(name, params), x, threads, kind)
    cases = numpy_cases.ours(subject)
    for peer, (module, make) in PEERS.items():
        if peer not in peers or (module is not None and not installed(module)):
            continue
        try:
            cases += make(subject)
        except Exception as error:  # no counterpart, or a dtype the peer lacks: its column stays empty
            print(f"  ({peer} skipped for {name} {x.dtype}: {type(error).__name__}: {error})")
    return cases
