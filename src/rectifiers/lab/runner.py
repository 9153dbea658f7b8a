"""The grid on one machine (``jobs`` local processes) or on an existing Dask distributed
cluster (``scheduler`` address): each run is one task, and each finished run is handed to
``on_result`` in the driver as soon as it ends (which appends it to ``results.jsonl``).

A run's numbers depend only on its :class:`~rectifiers.lab.grid.RunSpec` and the data: every
worker runs one thread per run and seeds every generator from the run's key; runs sharing a
process (a threaded Dask worker) take turns, since torch's global generator is per process.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import queue as queues
import threading

_LOCK = threading.Lock()
_WORKER: dict = {}


def run_task(spec, split, classes, batch_size, momentum, target, progress=None) -> dict:
    """One run, anywhere: the record with its summary."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from .record import summarise

    with _LOCK:
        if spec.framework == "keras":
            from .keras_run import train
        else:
            from .run import train
        record = train(spec, split, classes, batch_size, momentum, progress)
    record["summary"] = summarise(record, target)
    return record


def _init(context, queue):
    os.environ["OMP_NUM_THREADS"] = "1"
    _WORKER["context"], _WORKER["queue"] = context, queue


def _local_task(spec):
    queue = _WORKER["queue"]
    report = (lambda key, epoch, epochs: queue.put((key, epoch, epochs))) if queue is not None else None
    return run_task(spec, *_WORKER["context"], progress=report)


def run_local(specs, context, jobs, on_result, on_progress=None):
    """``jobs`` == 1: in this process; more: a pool of fresh (spawned) processes."""
    if jobs <= 1:
        for spec in specs:
            on_result(run_task(spec, *context, progress=on_progress))
        return
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue() if on_progress is not None else None
    with concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=spawn, initializer=_init, initargs=(context, queue)
    ) as pool:
        pending = {pool.submit(_local_task, spec) for spec in specs}
        try:
            while pending:
                done, pending = concurrent.futures.wait(pending, timeout=0.2, return_when="FIRST_COMPLETED")
                _drain(queue, on_progress)
                for future in done:
                    on_result(future.result())
            _drain(queue, on_progress)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _drain(queue, on_progress):
    if queue is None:
        return
    while True:
        try:
            on_progress(*queue.get_nowait())
        except queues.Empty:
            return


def run_dask(specs, context, address, on_result, fingerprint):
    """Each run one task on the cluster at ``address``; results stream back as they finish."""
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        split, *rest = context
        shared = client.scatter(split, broadcast=True)
        futures = [
            client.submit(
                run_task, spec, shared, *rest, key=f"rectifiers-{fingerprint}-{spec.key}", retries=2
            )
            for spec in specs
        ]
        try:
            for future in as_completed(futures):
                on_result(future.result())
        finally:
            client.cancel(futures)
