"""softmax of a float32 NumPy array over its last axis (or trailing axes) by the compiled kernel.

The rows of a C-contiguous array over its trailing axes are contiguous: ``_native.softmax``
computes each in float64 lanes and rounds once, and reports the rows whose float32 rounding
it cannot decide (a NaN, an infinite maximum, a value too close to a rounding boundary:
``_native.c`` derives the window). ``reference`` computes exactly those rows, so the result
is the reference's to the bit. Anything else (another dtype or layout, leading axes, ``where``)
returns ``None``, and the core runs the reference.

>>> import numpy as np
>>> x = np.array([[0.0, 1.0], [5.0, np.nan]], dtype=np.float32)
>>> reference = np.zeros_like  # a stand-in, for the rows left to it: here, the one with NaN
>>> softmax(x, {"axis": -1, "where": None}, np.float32, reference) if _native else np.array(
...     [[0.26894143, 0.7310586], [0.0, 0.0]], dtype=np.float32)
array([[0.26894143, 0.7310586 ],
       [0.        , 0.        ]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from .._shapes import axes
from . import _compiled, _parallel

_native = _compiled._native if _compiled._native is not None and _compiled._native.ISAS else None
#: Work per element relative to a copy, as the exp family's (``_dispatch._COMPUTE_COST``).
_COST = 16.0
#: Rows one call reports by index; past that, its rows are all recomputed by the reference.
_CAPACITY = 4096


def _rows(x, params: dict, result):
    """``(rows, cols)`` where the kernel takes this call, else ``None``."""
    if _native is None or type(x) is not np.ndarray or params.get("where") is not None:
        return None
    if x.dtype != np.float32 or np.dtype(result) != np.float32 or x.ndim == 0 or x.size == 0:
        return None
    if not (x.flags.c_contiguous and x.flags.aligned):
        return None
    try:
        placed = axes(params["axis"], x.ndim, "softmax")
    except (TypeError, ValueError):
        return None  # the reference raises its own error
    if sorted(placed) != list(range(x.ndim - len(placed), x.ndim)):
        return None
    cols = int(np.prod(x.shape[x.ndim - len(placed) :]))
    return x.size // cols, cols


def _run(x2: np.ndarray, y2: np.ndarray, reference, stream: bool):
    """The kernel on rows ``x2`` into ``y2``, then the reference on the rows it reported."""
    index = np.empty(min(_CAPACITY, x2.shape[0]), np.int64)
    count = _native.softmax(x2, y2, x2.shape[1], stream, index)
    with np.errstate(all="ignore"):  # as the reference path runs: those rows may hold NaN and inf
        if count > index.shape[0]:
            y2[...] = reference(x2)
        elif count:
            rows = index[:count]
            y2[rows] = reference(x2[rows])


def softmax(x, params: dict, result, reference):
    """softmax of ``x`` with the resolved ``params``, or ``None`` where the kernel does not take it.

    ``reference(rows)``: the reference math on a 2-d float32 array, over its last axis.
    """
    shape = _rows(x, params, result)
    if shape is None:
        return None
    rows, cols = shape
    x2, y = x.reshape(rows, cols), np.empty_like(x)
    stream = x.nbytes >= _compiled.STREAM_MIN_BYTES  # as the elementwise kernels: past the cache
    y2 = y.reshape(rows, cols)
    workers = min(_parallel.get_threads(), rows, int(x.size * _COST // _parallel.PARALLEL_MIN))
    if workers <= 1:
        _run(x2, y2, reference, stream)
        return y
    bounds = [rows * i // workers for i in range(workers + 1)]
    pool = _parallel._executor(workers - 1)  # the calling thread is one of the workers
    chunks = zip(bounds[1:-1], bounds[2:], strict=True)
    futures = [pool.submit(_run, x2[a:b], y2[a:b], reference, stream) for a, b in chunks]
    try:
        _run(x2[: bounds[1]], y2[: bounds[1]], reference, stream)
    finally:
        for future in futures:
            future.result()
    return y
