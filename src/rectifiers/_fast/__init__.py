"""Accelerated kernels, one module per namespace; each is tested against the reference path.

NumPy (``_dispatch.apply``): cache-blocked, branch-free kernels with no full-size temporaries,
several threads for large arrays, and float16/bfloat16 off NumPy's scalar loops; softmax of
float32 rows by one compiled kernel (``_softmax``). Results are
the reference's to the bit in every layout, byte order and thread (``tests/test_fast_numpy.py``,
``tests/test_layouts.py``, ``tests/test_concurrency.py``).

>>> import numpy as np, rectifiers as rf
>>> from rectifiers import _fast
>>> with _fast.threads(1):
...     rf.relu(np.array([-1.0, 2.0]))
array([0., 2.])
"""

from ._compiled import at_addresses
from ._dispatch import apply as numpy_apply, plan
from ._parallel import get_threads, set_threads, threads
from ._softmax import softmax as numpy_softmax

__all__ = ["at_addresses", "get_threads", "numpy_apply", "numpy_softmax", "plan", "set_threads", "threads"]
