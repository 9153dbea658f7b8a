"""The machine and versions a bench run reports beside its numbers."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import sys

import ml_dtypes
import numpy as np

import rectifiers as rf
from rectifiers import _fast


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _version(module: str) -> str | None:
    """The installed version of ``module``, read from its package metadata (importing torch or
    TensorFlow just for this would take seconds)."""
    if module in sys.modules:
        return getattr(sys.modules[module], "__version__", None)
    for distribution in importlib.metadata.packages_distributions().get(module, ()):
        return importlib.metadata.version(distribution)
    return None


def environment() -> dict:
    versions = {"numpy": np.__version__, "rectifiers": rf.__version__, "ml_dtypes": ml_dtypes.__version__}
    for module in ("torch", "jax", "tensorflow"):
        version = _version(module)
        if version is not None:
            versions[module] = version
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": _fast.get_threads(),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": versions,
    }
