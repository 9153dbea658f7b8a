"""The compiled one-pass kernels (``_native.c``) as kernels for ``_parallel``.

relu, relu6 and the leaky family (leaky_relu; prelu with one slope; rrelu in evaluation), and
their derivatives, on float32, float64, bfloat16 and float16; elu, selu, sigmoid, tanh and
their derivatives on float32. Each reads the input once and writes the output once; large
out-of-place results are written with streaming stores. The exp family reports the rare lanes
whose float32 rounding its fast float64 exp cannot decide, and ``reference`` (the reference
math) recomputes exactly those.

The extension is optional: built without a C compiler, ``kernel`` returns ``None`` and the
NumPy kernels (``_kernels``, ``_small``) take over. ``tests/test_fast_numpy.py`` holds both
to the reference's bits.

>>> import numpy as np
>>> from rectifiers import get
>>> run = kernel(get("leaky_relu"), "forward", np.dtype(np.float32), {"alpha": 0.1}, slope=0.1,
...              stream=False, reference=None)
>>> x = np.array([-2.0, -0.0, 0.5], dtype=np.float32); y = np.empty_like(x)
>>> run(x, y, None) if AVAILABLE else np.copyto(y, [-0.2, -0.0, 0.5]); y
array([-0.2, -0. ,  0.5], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from .._dtypes import dtype_name
from . import _parallel

try:
    from . import _native
except ImportError:  # installed without a C compiler
    _native = None

AVAILABLE = _native is not None
#: Out-of-place results of at least this many bytes are streamed past the cache: a result that
#: large would evict itself before anyone reads it, and streaming skips the write-allocate read.
STREAM_MIN_BYTES = 16 << 20

#: The spec's ``family`` names its kernel in ``_native.c``: one pass, one parameter (the slope).
_FAMILIES = ("relu", "relu6", "leaky")
#: The exp family: kernels that call exp per element, with two constants ``(a, b)``.
_EXP_FAMILIES = ("elu", "sigmoid", "tanh")
#: Uncertain lanes one call reports by index; past that, its range is recomputed by blocks.
_CAPACITY = 4096


def kernel(spec, kind: str, dtype: np.dtype, params: dict, *, slope, stream: bool, reference, in_place=False):
    """``kernel(xb, yb, scratch)`` computing ``spec`` (or its derivative) on ``dtype``, or ``None``.

    ``slope`` is the leaky family's one negative-side slope (``None`` where there is none);
    ``reference(x)`` is the reference math on a 1-d array, for the lanes the exp family cannot decide;
    ``in_place``: ``yb`` is ``xb``. The kernels take native byte order and element-aligned buffers
    only (the dtype goes to C by name; ``_dispatch`` copies anything else).
    """
    if not dtype.isnative:
        return None
    family = spec.family
    if family in _EXP_FAMILIES:
        return _exp_family(spec, kind, dtype, params, stream, reference, in_place)
    if _native is None or family not in _FAMILIES or dtype_name(dtype) not in _native.DTYPES:
        return None
    if family == "leaky" and slope is None:
        return None
    op = _native.OPS.index(family if kind == "forward" else f"{family}_derivative")
    code = _native.DTYPES.index(dtype_name(dtype))
    param = float(slope) if family == "leaky" else 0.0
    run = _native.run

    def compiled(xb, yb, scratch):
        run(op, code, xb, yb, param, stream)

    compiled.whole = True  # no temporaries: _parallel hands it a thread's whole range at once
    return compiled


def _exp_constants(spec, params: dict) -> tuple[float, float]:
    """``(a, b)`` of ``_native.c``'s exp family: elu's ``b * x`` above 0, ``a * (e^x - 1)`` below."""
    if spec.family != "elu":
        return 0.0, 0.0
    _, scale, scale_alpha = spec.exp_constants(params)
    return scale_alpha, scale


def at_addresses(spec, kind: str, params: dict):
    """``run(x_address, y_address, n) -> bool``: the exp family's compiled kernel (``kind``
    "forward" or "derivative", ``params`` resolved) on ``n`` float32 values at raw addresses,
    for a caller holding memory without a buffer (a small torch tensor, where a NumPy view and
    ``plan`` cost more than the values). ``True``: ``y`` holds the reference's bits; ``False``:
    a lane was uncertain and ``y`` is not complete, so take the general path. ``None`` where
    there is no kernel."""
    if _native is None or spec.family not in _EXP_FAMILIES:
        return None
    family = spec.family if kind == "forward" else f"{spec.family}_derivative"
    if family not in _native.EXP_OPS:  # a CPU without AVX2 and FMA
        return None
    a, b = (float(v) for v in _exp_constants(spec, params))
    run, op = _native.exp_family_at, _native.EXP_OPS.index(family)
    return lambda x_address, y_address, n: run(op, x_address, y_address, n, a, b) == 0


def _exp_family(spec, kind: str, dtype: np.dtype, params: dict, stream: bool, reference, in_place: bool):
    if _native is None or dtype != np.float32:
        return None
    a, b = _exp_constants(spec, params)
    family = spec.family if kind == "forward" else f"{spec.family}_derivative"
    if family not in _native.EXP_OPS:  # a CPU without AVX2 and FMA
        return None
    run, op, a, b = _native.exp_family, _native.EXP_OPS.index(family), float(a), float(b)

    def settle(xb, yb, index, count):
        """Recompute the uncertain lanes from ``yb``, where each still holds its x."""
        if not count:
            return
        with np.errstate(all="ignore"):  # as the reference path runs
            uncertain = index[:count]
            yb[uncertain] = reference(yb[uncertain])

    def compiled(xb, yb, scratch):
        index = np.empty(min(_CAPACITY, xb.shape[0]), np.int64)  # a small call: room for every lane
        count = run(op, xb, yb, a, b, stream, index)
        if count <= index.shape[0]:
            if count:
                settle(xb, yb, index, count)
            return
        with np.errstate(all="ignore"):
            for start in range(0, xb.shape[0], _parallel.BLOCK):
                end = start + _parallel.BLOCK
                yb[start:end] = reference(xb[start:end])

    def compiled_in_place(xb, yb, scratch):
        # x is overwritten as it goes: block by block, with room for every lane of a block, so
        # that no uncertain lane is ever lost (the out-of-place fallback rereads x).
        index = np.empty(min(_parallel.BLOCK, xb.shape[0]), np.int64)
        for start in range(0, xb.shape[0], _parallel.BLOCK):
            x, y = xb[start : start + _parallel.BLOCK], yb[start : start + _parallel.BLOCK]
            settle(x, y, index, run(op, x, y, a, b, False, index))

    chosen = compiled_in_place if in_place else compiled
    chosen.whole = True
    return chosen
