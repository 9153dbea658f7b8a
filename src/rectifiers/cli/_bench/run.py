"""The grid: every dtype, size, thread count, activation and kind, one row each."""

from __future__ import annotations

import itertools

import numpy as np

from rectifiers import _fast
from rectifiers._dtypes import numpy_dtype

from .cases import build_cases
from .options import size_label
from .report import markdown_row, summarize, table_row
from .timing import measure


def run(activations, sizes, dtypes, thread_counts, rounds, peers, echo=print, derivatives=False):
    """Every row, each echoed as a table row as soon as it is measured."""
    rows = []
    kinds = ("forward", "derivative") if derivatives else ("forward",)
    rng = np.random.default_rng(0)
    for dtype_name in dtypes:
        dtype = numpy_dtype(dtype_name)
        for n in sizes:
            x = rng.standard_normal(n, dtype=np.float32).astype(dtype)
            for threads in thread_counts:
                for name, kind in itertools.product(activations, kinds):
                    with _fast.threads(threads), np.errstate(all="ignore"):
                        samples = measure(build_cases(name, x, threads, peers, kind), rounds)
                    row = {
                        "activation": name if kind == "forward" else f"{name}'",
                        "dtype": dtype_name,
                        "n": n,
                        "size": size_label(n),
                        "threads": threads,
                        "samples": samples,
                        "summary": summarize(samples, 2 * n * dtype.itemsize),
                    }
                    rows.append(row)
                    echo(markdown_row(table_row(row)))
    return rows
