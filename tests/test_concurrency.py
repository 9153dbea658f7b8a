"""The NumPy fast path under threads and processes: a forked child after the pool was used, many
threads calling at once, and ``threads()`` blocks that overlap in time in several threads.

Hangs are what these tests look for, so each waits with a timeout and then fails: a child that
is still alive is killed, a thread still running is reported.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import threading

import numpy as np
from test_fast_numpy import assert_same_bits

import rectifiers as rf
from rectifiers import _apply, _fast
from rectifiers._fast import _parallel

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Long enough for a hang to be a hang on a loaded machine; a working run takes a fraction of it.
TIMEOUT = 120
#: Enough elements that relu splits across threads at the real thresholds.
N = 2 * _parallel.PARALLEL_MIN + 5


FORK_CHECK = f"""
import multiprocessing, sys
import numpy as np
import rectifiers as rf
from rectifiers._fast import _parallel, threads

N = {N}

def call_in_child(queue):
    x = np.linspace(-1, 1, N, dtype=np.float32)
    with threads(4):
        y = rf.relu(x)
        z = rf.sigmoid(x[: 1 << 18])
    queue.put(bool(np.array_equal(y, np.maximum(x, 0))) and z.dtype == np.float32)

if __name__ == "__main__":
    with threads(4):
        rf.relu(np.linspace(-1, 1, N, dtype=np.float32))  # the parent starts its pool
    assert _parallel._pool is not None, "the premise: the parent's pool exists"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=call_in_child, args=(queue,))
    child.start()
    child.join({TIMEOUT})
    if child.is_alive():
        child.kill()
        child.join()
        sys.exit("the forked child was still waiting after {TIMEOUT} s")
    assert child.exitcode == 0, child.exitcode
    assert queue.get(timeout=5) is True
    print("the child computed")
"""


def test_a_forked_child_can_use_the_pool_the_parent_used(tmp_path):
    """The child inherits the parent's pool object but none of its threads: it waited forever.
    The parent is a fresh interpreter with NumPy and rectifiers only: forking this process, with
    the threads of JAX, TensorFlow and torch running, could hang the child for reasons not ours."""
    script = tmp_path / "fork_check.py"
    script.write_text(FORK_CHECK)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=2 * TIMEOUT, env=env
    )
    assert result.returncode == 0 and "the child computed" in result.stdout, result.stderr[-3000:]


def _run_threads(count: int, target):
    """Start ``count`` threads on ``target(i)``, wait for them, and re-raise the first error."""
    errors = []

    def run(i):
        try:
            target(i)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            errors.append(error)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIMEOUT)
    assert not any(worker.is_alive() for worker in workers), f"threads still running after {TIMEOUT} s"
    if errors:
        raise errors[0]


CASES = [
    ("relu", "forward", np.float32, {}),
    ("leaky_relu", "derivative", np.float64, {"alpha": 0.1}),
    ("sigmoid", "forward", np.float32, {}),
    ("elu", "derivative", np.float32, {"alpha": 1 + 2**-24}),  # many lanes to the reference
    ("tanh", "forward", np.float16, {}),  # the float16 table, built by whichever thread comes first
    ("relu6", "forward", np.int16, {}),
    ("rrelu", "forward", np.float32, {"training": True, "seed": 5}),
    ("selu", "derivative", np.float32, {}),
]


def test_eight_threads_calling_at_once_get_the_reference_bits(monkeypatch):
    """Each thread calls its own activation, out of place and in place, while the others run; each
    call also splits across the shared pool."""
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1 << 14)
    rng = np.random.default_rng(11)
    inputs = [(rng.standard_normal(3 * _parallel.BLOCK + 7) * 8).astype(dtype) for _, _, dtype, _ in CASES]
    run = {"forward": _apply.evaluate, "derivative": _apply.derivative_of}
    expected = [
        run[kind](rf.get(name), x, p, fast=False) for (name, kind, _, p), x in zip(CASES, inputs, strict=True)
    ]
    start = threading.Barrier(len(CASES))

    def work(i):
        name, kind, _, params = CASES[i]
        x, spec = inputs[i], rf.get(name)
        start.wait(TIMEOUT)
        with _fast.threads(3):
            for _ in range(3):
                assert_same_bits(run[kind](spec, x, params), expected[i])
                if expected[i].dtype == x.dtype:
                    inplace = x.copy()
                    run[kind](spec, inplace, params, out=inplace)
                    assert_same_bits(inplace, expected[i])

    _run_threads(len(CASES), work)


def test_overlapping_threads_blocks_in_several_threads_leave_the_setting_alone():
    """``with threads(1)`` in one thread and ``with threads(4)`` in another, overlapping in time:
    the process-wide setting was left at 1 for good."""
    default = _fast.get_threads()
    entered, leave_first = threading.Barrier(2), threading.Event()
    seen = {}

    def block(i):
        n = (1, 4)[i]
        with _fast.threads(n):
            entered.wait(TIMEOUT)  # both blocks are open now
            if i == 0:
                leave_first.set()  # the first one closes while the second is still open
            else:
                leave_first.wait(TIMEOUT)
            seen[i] = _fast.get_threads()
        seen[f"after {i}"] = _fast.get_threads()

    _run_threads(2, block)
    assert seen[0] == 1 and seen[1] == 4, seen
    assert seen["after 0"] == seen["after 1"] == default, seen
    assert _fast.get_threads() == default


def test_threads_blocks_nest_and_set_threads_is_process_wide():
    default = _fast.get_threads()
    with _fast.threads(2):
        with _fast.threads(5):
            assert _fast.get_threads() == 5
        assert _fast.get_threads() == 2
        seen = []
        other = threading.Thread(target=lambda: seen.append(_fast.get_threads()))
        other.start()
        other.join(TIMEOUT)
        assert seen == [default]  # a block is this thread's, not the process's
    previous = _fast.set_threads(3)
    try:
        seen.clear()
        other = threading.Thread(target=lambda: seen.append(_fast.get_threads()))
        other.start()
        other.join(TIMEOUT)
        assert seen == [3]
    finally:
        _fast.set_threads(previous)
    assert _fast.get_threads() == default
