"""What one row of the bench times: its subject, and the cases (one timed call per implementation)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from .facts import Facts


@dataclasses.dataclass(frozen=True)
class Subject:
    """An activation with its resolved parameters, on one input, at one thread count.

    ``kind`` is ``"forward"`` (f(x)) or ``"derivative"`` (f'(x), what a backward pass needs).
    """

    name: str
    params: dict
    facts: Facts
    x: np.ndarray
    threads: int
    kind: str


@dataclasses.dataclass
class Case:
    """One implementation's call, writing into preallocated memory where it can.

    ``run()`` returns the result (where it lands); ``restore()``, if set, runs untimed before
    each timed call (in-place cases).
    """

    name: str
    run: Callable[[], object]
    restore: Callable[[], object] | None = None


def counterpart(peer: str, table: dict, leaky: Callable, s: Subject):
    """The peer's counterpart of the subject, or ``ValueError`` saying why there is none.

    ``table[family]`` where the peer has a function of the subject's kernel family (the spec's
    ``family``: relu, relu6, elu with its ``exp_constants``, sigmoid, tanh); else, where the
    facts say it is x above 0 and ``a * x`` below with one slope ``a`` (leaky_relu, prelu with a
    scalar, rrelu out of training), ``leaky(a)``: the peer's leaky ReLU. A ``None`` entry is a
    counterpart that cannot take these parameters (``tf.nn.elu`` has no alpha).
    """
    family = s.facts.family
    if family not in table:
        if s.facts.slope is None:
            raise ValueError(f"{peer} has no counterpart of {s.name} with {s.params} (see cli/_bench/)")
        return leaky(s.facts.slope)
    if table[family] is None:
        raise ValueError(
            f"{peer}'s counterpart of {s.name} cannot take these parameters. Received: {s.params}"
        )
    return table[family]
