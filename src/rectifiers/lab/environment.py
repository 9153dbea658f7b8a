"""The versions and machine a bug report (and every report) needs, read from the installed
packages' metadata: nothing is imported, so it is fast and works when a framework is broken.

>>> info = collect()
>>> sorted(info)[:3]
['cpus', 'host', 'implementation']
>>> "numpy" in info["versions"]
True
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import sys

PACKAGES = (
    "rectifiers",
    "numpy",
    "array-api-compat",
    "torch",
    "keras",
    "tensorflow",
    "tensorflow-cpu",
    "jax",
    "jaxlib",
    "ml-dtypes",
    "scikit-learn",
    "matplotlib",
    "tqdm",
    "dask",
    "distributed",
    "pillow",
)
VARIABLES = ("KERAS_BACKEND", "OMP_NUM_THREADS", "CUDA_VISIBLE_DEVICES")


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def collect() -> dict:
    usable = usable_cpus()
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "host": platform.node(),
        "cpus": {"usable": usable, "total": os.cpu_count()},
        "versions": {name: v for name in PACKAGES if (v := _version(name)) is not None},
        "variables": {name: os.environ[name] for name in VARIABLES if name in os.environ},
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def text(info: dict) -> str:
    """Copy-and-paste form for an issue."""
    lines = [
        f"- Python: {info['python']} ({info['implementation']})",
        f"- Platform: {info['platform']} ({info['machine']}), {info['cpus']['usable']} usable CPUs "
        f"of {info['cpus']['total']}",
    ]
    lines += [f"- {name}: {version}" for name, version in info["versions"].items()]
    lines += [f"- {name}={value}" for name, value in info["variables"].items()]
    return "\n".join(lines)
