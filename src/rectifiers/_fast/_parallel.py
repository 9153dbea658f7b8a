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
import contextvars
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
#: The setting of ``with threads(n)`` blocks: per thread (and per asyncio task), so that blocks
#: that overlap in time in several threads never see or undo each other's setting.
_local_threads: contextvars.ContextVar = contextvars.ContextVar("rectifiers_threads", default=None)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def get_threads() -> int:
    """The most threads one call uses: the innermost ``with threads(n)`` of this thread, else
    ``set_threads``'s process-wide setting (``RECTIFIERS_NUM_THREADS``, else the CPUs this
    process may use)."""
    local = _local_threads.get()
    return _threads if local is None else local


def _checked(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"rectifiers: the number of threads must be an int >= 1. Received: {n!r}")
    return n


def set_threads(n: int) -> int:
    """Use at most ``n`` threads per call from now on, process-wide; return the previous setting."""
    global _threads
    previous, _threads = _threads, _checked(n)
    return previous


@contextlib.contextmanager
def threads(n: int):
    """Use at most ``n`` threads per call inside the ``with`` block, for calls made by this thread.

    Blocks nest, and blocks in other threads are independent of this one: each thread's setting
    comes back when its block ends, whatever the other threads did meanwhile.
    """
    token = _local_threads.set(_checked(n))
    try:
        yield
    finally:
        _local_threads.reset(token)


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < workers:
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rectifiers")
        return _pool


def _after_fork_in_child():
    """A forked child has only the thread that forked: the pool's threads are gone, and a lock
    some other thread held stays held. Start the child with no pool and a fresh lock."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)


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
    workers = min(get_threads(), int(n * cost // PARALLEL_MIN))
    if workers <= 1:
        _run_range(kernel, x, y, 0, n)
        return
    blocks = -(-n // BLOCK)
    bounds = [min(n, (blocks * i // workers) * BLOCK) for i in range(workers + 1)]
    pool = _executor(workers - 1)  # the calling thread is one of the workers
    chunks = zip(bounds[1:-1], bounds[2:], strict=True)
    futures = [pool.submit(_run_range, kernel, x, y, a, b) for a, b in chunks]
    try:
        _run_range(kernel, x, y, bounds[0], bounds[1])  # the calling thread takes the first chunk
    finally:
        for future in futures:
            future.result()
