"""Cache-blocked, multi-threaded evaluation of a kernel over flat contiguous arrays.

A kernel is ``kernel(xb, yb, scratch)``: it writes ``f(xb)`` into ``yb``, two contiguous 1-d
slices of at most ``BLOCK`` elements, using ``scratch`` for its temporaries. A block of the
input, the output and a temporary stay in the L2 cache, so the arrays travel through memory
once, and no temporary is ever the size of the input.

NumPy's ufuncs release the GIL, so large arrays are cut into one contiguous chunk per thread;
small ones run on the calling thread, where starting threads would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Elements per block: 256 KiB of float32, so input, output and a temporary fit a 1 MiB L2.
BLOCK = 1 << 16
#: Below this many elements of memory-bound work, one thread is faster than several.
PARALLEL_MIN = 1 << 20


def _default_threads() -> int:
    env = os.environ.get("RECTIFIERS_NUM_THREADS")
    if env:
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_threads = _default_threads()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def get_threads() -> int:
    """The most threads one call uses (``RECTIFIERS_NUM_THREADS``, else the CPUs this process may use)."""
    return _threads


def set_threads(n: int) -> int:
    """Use at most ``n`` threads per call from now on; return the previous setting."""
    global _threads
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"rectifiers: the number of threads must be an int >= 1. Received: {n!r}")
    previous, _threads = _threads, n
    return previous


@contextlib.contextmanager
def threads(n: int):
    """Use at most ``n`` threads per call inside the ``with`` block (process-wide)."""
    previous = set_threads(n)
    try:
        yield
    finally:
        set_threads(previous)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < _threads:
            _pool = ThreadPoolExecutor(max_workers=_threads, thread_name_prefix="rectifiers")
        return _pool


class Scratch:
    """Block-sized temporaries of one thread, allocated on first use and reused for every block."""

    def __init__(self):
        self._buffers = {}

    def get(self, key, dtype, n: int) -> np.ndarray:
        buffer = self._buffers.get((key, dtype))
        if buffer is None:  # the first block of a range is its largest
            buffer = self._buffers[(key, dtype)] = np.empty(n, dtype)
        return buffer[:n]


def _run_range(kernel, x: np.ndarray, y: np.ndarray, start: int, stop: int):
    if getattr(kernel, "whole", False):  # a one-pass kernel with no temporaries: no blocks needed
        kernel(x[start:stop], y[start:stop], None)
        return
    scratch = Scratch()
    for begin in range(start, stop, BLOCK):
        end = min(begin + BLOCK, stop)
        kernel(x[begin:end], y[begin:end], scratch)


def run(kernel, x: np.ndarray, y: np.ndarray, cost: float = 1.0):
    """``kernel`` over 1-d contiguous ``x`` into ``y`` (which may be ``x``), block by block.

    ``cost`` is the kernel's work per element relative to a copy: compute-bound kernels
    (``expm1``) go parallel on smaller arrays than memory-bound ones.
    """
    n = x.shape[0]
    workers = min(_threads, int(n * cost // PARALLEL_MIN))
    if workers <= 1:
        _run_range(kernel, x, y, 0, n)
        return
    blocks = -(-n // BLOCK)
    bounds = [min(n, (blocks * i // workers) * BLOCK) for i in range(workers + 1)]
    pool = _executor()
    chunks = zip(bounds[1:-1], bounds[2:], strict=True)
    futures = [pool.submit(_run_range, kernel, x, y, a, b) for a, b in chunks]
    try:
        _run_range(kernel, x, y, bounds[0], bounds[1])  # the calling thread takes the first chunk
    finally:
        for future in futures:
            future.result()
