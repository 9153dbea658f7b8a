"""The machine and versions a bench run reports beside its numbers."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform

import ml_dtypes
import numpy as np

import rectifiers as rf
from rectifiers import _fast


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def environment() -> dict:
    versions = {"numpy": np.__version__, "rectifiers": rf.__version__, "ml_dtypes": ml_dtypes.__version__}
    for module in ("torch", "jax", "tensorflow"):
        if installed(module):
            with contextlib.suppress(Exception):
                versions[module] = __import__(module).__version__
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": _fast.get_threads(),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": versions,
    }
