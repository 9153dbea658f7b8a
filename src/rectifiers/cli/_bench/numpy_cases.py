"""The NumPy cases: a same-run copy of the bytes, ours (``out=`` and in place), NumPy written the
obvious way, and the seeds' branch-free formula."""

from __future__ import annotations

import numpy as np

import rectifiers as rf
from rectifiers import _fast
from rectifiers._apply import call_by_name

from .subject import Case, Subject


def _as_words(a: np.ndarray) -> np.ndarray:
    """The bytes of ``a`` as the widest unsigned words that divide them: a copy of those is a pure memcpy."""
    size = next(size for size in (8, 4, 2, 1) if a.nbytes % size == 0)
    return a.reshape(-1).view(f"u{size}")


def _copy(x, y, threads):
    x, y = _as_words(x), _as_words(y)
    if threads == 1:
        return lambda: np.copyto(y, x)
    return lambda: _fast._parallel.run(lambda xb, yb, scratch: np.copyto(yb, xb), x, y)


def ours(s: Subject) -> list[Case]:
    """The copy (the physical limit), then ours writing into ``out=`` and in place."""
    if s.kind == "derivative":
        call = lambda x, out: rf.derivative(s.name, x, out=out, **s.params)  # noqa: E731
    else:
        call = lambda x, out: call_by_name(s.name, x, out=out, **s.params)  # noqa: E731
    x, y, work = s.x, np.empty_like(s.x), s.x.copy()
    return [
        Case("copy", _copy(x, y, s.threads)),
        Case("ours", lambda: call(x, y)),
        Case("ours_inplace", lambda: call(work, work), lambda: np.copyto(work, x)),
    ]


def obvious(s: Subject) -> list[Case]:
    """NumPy written the obvious way (``np.maximum(x, 0)``, ...), allocating its result."""
    function = s.facts.numpy_derivative if s.kind == "derivative" else s.facts.numpy
    if function is None:
        raise ValueError(f"no obvious NumPy form of {s.name} is known (add it to cli/_bench/facts.py)")
    return [Case("numpy", lambda: function(s.x))]


def formula(s: Subject) -> list[Case]:
    """The seeds' "efficient" branch-free leaky ReLU, 0.5(1+a)x + 0.5(1-a)|x|, where f has one slope a.

    It exists for the forward pass of single-slope functions only (relu: a = 0); none elsewhere.
    """
    a = s.facts.slope
    if s.kind != "forward" or a is None:
        return []
    x = s.x
    return [Case("formula", lambda: 0.5 * (1 + a) * x + 0.5 * (1 - a) * np.abs(x))]
