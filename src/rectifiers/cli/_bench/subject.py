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


def counterpart(peer: str, table: dict, s: Subject):
    """``table[s.name]``: a peer's counterpart of the subject, or ``ValueError`` saying why there is none.

    A ``None`` entry is a counterpart that cannot take these parameters (the peer's leaky ReLU
    where there is no single slope for x <= 0, ``tf.nn.elu`` for an alpha other than 1).
    """
    if s.name not in table:
        raise ValueError(f"{peer} has no counterpart of {s.name} in the bench (cli/_bench/)")
    if table[s.name] is None:
        raise ValueError(
            f"{peer}'s counterpart of {s.name} cannot take these parameters. Received: {s.params}"
        )
    return table[s.name]
