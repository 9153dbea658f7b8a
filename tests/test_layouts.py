"""Every NumPy entry point over every memory layout, bit for bit against the reference (``fast=False``).

One property test: each elementwise activation and ``rf.derivative``, out of place, into ``out=``
and in place; input and ``out`` in C or Fortran order, strided, reversed (negative strides), 0-d
or empty, at any byte offset (unaligned), in either byte order, in an ``np.memmap``, overlapping
each other; sizes across the block, thread-split and streaming thresholds. Then the streaming
path at every misalignment of ``out``, in a subprocess that must finish (a C loop that stops
advancing would hang with the GIL released, deaf to any in-process timeout).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from test_fast_numpy import NUMPY_DTYPES, _float_elements, assert_same_bits

import rectifiers as rf
from rectifiers import _apply, _fast
from rectifiers._dtypes import REAL_DTYPES
from rectifiers._fast import _compiled, _parallel

ELEMENTWISE = [name for name in rf.names() if rf.get(name).elementwise]
REFERENCE = {"forward": _apply.evaluate, "derivative": _apply.derivative_of}
LAYOUTS = ["C", "F", "reversed", "strided"]
_FILES = tempfile.TemporaryDirectory(prefix="rectifiers-layouts-")


def public(path: str, name: str, x, params: dict, out=None):
    """The entry point a user calls: ``rf.<name>`` or ``rf.derivative``."""
    extra = {} if out is None else {"out": out}
    if path == "forward":
        return _apply.call_by_name(name, x, **params, **extra)
    return rf.derivative(name, x, **params, **extra)


def storage(n: int, dtype: np.dtype, offset: int, memmap: bool) -> np.ndarray:
    """``n`` elements of ``dtype``: in a file, or ``offset`` bytes into a fresh buffer (unaligned if odd)."""
    if memmap and n:
        with tempfile.NamedTemporaryFile(dir=_FILES.name) as file:  # the mapping outlives the name
            return np.memmap(file.name, dtype=dtype, mode="w+", shape=(n,))
    raw = np.zeros(n * dtype.itemsize + 64, np.uint8)
    start = offset + (-raw.ctypes.data) % 32  # offset bytes past a 32-byte boundary
    return raw[start : start + n * dtype.itemsize].view(dtype)


def laid_out(buffer: np.ndarray, shape: tuple, layout: str) -> np.ndarray:
    """A view of ``buffer`` with ``shape`` in ``layout`` (``buffer`` holds twice the elements needed)."""
    size = int(np.prod(shape))
    if layout == "F":
        return buffer[:size].reshape(shape, order="F")
    if layout == "reversed" and shape:
        return buffer[:size].reshape(shape)[::-1]
    if layout == "strided" and shape:
        return buffer[: 2 * size].reshape(shape[:-1] + (2 * shape[-1],))[..., ::2]
    return buffer[:size].reshape(shape)


@st.composite
def parameters(draw, name: str):
    """Valid parameters as Python floats or NumPy scalars (the same value either way)."""
    spec, params = rf.get(name), {}
    as_number = st.sampled_from([float, np.float64, np.float32])
    for p in spec.params:
        if p.name == "alpha":
            params["alpha"] = draw(as_number)(draw(st.sampled_from([0.2, 0.01, 0.0, 1.0, 1.5, -0.5, 1e3])))
        elif p.name in ("lower", "upper"):
            params[p.name] = draw(as_number)(draw(st.sampled_from([0.0, 1 / 8, 1 / 3, 1.0])))
        elif p.name == "training":
            params["training"] = draw(st.booleans())
        elif p.name == "seed":
            params["seed"] = 0
    if name == "rrelu" and float(params["lower"]) > float(params["upper"]):  # exactly, as the core checks
        params["lower"], params["upper"] = params["upper"], params["lower"]
    return params


@st.composite
def shapes(draw):
    """Mostly small; sometimes past a block (65536), and past the lowered thread and streaming limits."""
    regime = draw(st.sampled_from(["small", "small", "small", "0-d", "empty", "blocks"]))
    if regime == "0-d":
        return ()
    if regime == "empty":
        return draw(st.sampled_from([(0,), (3, 0), (0, 2, 2)]))
    if regime == "blocks":
        return draw(
            st.sampled_from(
                [(_parallel.BLOCK + 3,), (3, _parallel.BLOCK // 2 + 1), (2 * _parallel.BLOCK - 1, 1)]
            )
        )
    return draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=9))


@contextlib.contextmanager
def thresholds(low: bool):
    """Lowered thread-split and streaming limits, so small arrays take those paths too."""
    saved = _parallel.PARALLEL_MIN, _compiled.STREAM_MIN_BYTES
    if low:
        _parallel.PARALLEL_MIN, _compiled.STREAM_MIN_BYTES = 1 << 12, 1 << 12
    try:
        with _fast.threads(3):
            yield
    finally:
        _parallel.PARALLEL_MIN, _compiled.STREAM_MIN_BYTES = saved


def _fill(draw, target: np.ndarray, native: np.dtype):
    """Write drawn values (bit patterns, specials, ordinary numbers) into ``target``."""
    if target.size == 0:
        return
    elements = None if native.kind in "iu" else _float_elements(native)
    n = min(target.size, 64)
    values = draw(hnp.arrays(native, n, elements=elements))
    target[...] = np.resize(values, target.shape) if target.shape else values[0]


@pytest.mark.parametrize("path", REFERENCE)
@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=30)
@given(data=st.data())
def test_every_layout_matches_the_reference(name, path, data):
    draw, spec = data.draw, rf.get(name)
    native = NUMPY_DTYPES[draw(st.sampled_from(REAL_DTYPES))]
    swapped = native.itemsize > 1 and draw(st.booleans())
    dtype = native.newbyteorder("S") if swapped else native
    shape, params = draw(shapes()), draw(parameters(name))
    size = int(np.prod(shape))
    mode = draw(st.sampled_from(["new", "out", "in place", "overlap"]))
    # x (and, overlapping it, out) live in one buffer of three times the elements x needs
    buffer = storage(3 * size, dtype, draw(st.integers(0, 31)), memmap=draw(st.booleans()))
    x = laid_out(buffer, shape, draw(st.sampled_from(LAYOUTS)))
    _fill(draw, x, native)
    with np.errstate(all="ignore"):
        expected = REFERENCE[path](spec, np.array(x), params, fast=False)  # from a plain copy
    assert expected.dtype.isnative  # the result is in the machine's byte order, as NumPy's ufuncs
    if expected.dtype != x.dtype.newbyteorder("="):
        mode = "out" if mode != "new" else mode
    if mode == "out":  # a separate out, in either byte order
        out_dtype = expected.dtype.newbyteorder("S") if draw(st.booleans()) else expected.dtype
        memmap = draw(st.booleans())
        out = laid_out(
            storage(2 * size, out_dtype, draw(st.integers(0, 31)), memmap),
            shape,
            draw(st.sampled_from(LAYOUTS)),
        )
    elif mode == "overlap":  # out shares x's memory, shifted and in any layout
        out = laid_out(buffer[draw(st.integers(0, size)) :], shape, draw(st.sampled_from(LAYOUTS)))
    else:
        out = x if mode == "in place" else None
    with thresholds(draw(st.booleans())), np.errstate(all="ignore"):
        got = public(path, name, x, params, out=out)
    if out is None:
        assert got.dtype == expected.dtype
    else:
        assert got is out
        got = np.array(got).astype(expected.dtype)  # by value, from whatever byte order out has
    assert_same_bits(np.array(got), expected)


#: At the real thresholds: large enough to stream (>= 16 MiB) and to split across threads.
BIG = 4 * (1 << 20) + 17


@pytest.mark.parametrize(
    ("name", "path", "mode"),
    [("sigmoid", "forward", "new"), ("relu", "forward", "out"), ("tanh", "derivative", "in place")],
)
def test_arrays_past_the_streaming_threshold_match_the_reference(name, path, mode):
    x = np.random.default_rng(3).standard_normal(BIG).astype(np.float32) * 8
    assert x.nbytes >= _compiled.STREAM_MIN_BYTES
    spec = rf.get(name)
    expected = REFERENCE[path](spec, x, {}, fast=False)
    with _fast.threads(4):
        if mode == "new":
            got = public(path, name, x, {})
        else:
            out = x if mode == "in place" else np.empty_like(x)
            got = public(path, name, x, {}, out=out)
            assert got is out
    assert_same_bits(got, expected)


_STREAMING_AT_EVERY_OFFSET = """
import numpy as np, rectifiers as rf
from rectifiers import _apply
from rectifiers._fast import _compiled
native = _compiled._native
n = 1000
x = (np.random.default_rng(0).standard_normal(n) * 8).astype(np.float32)
raw = np.zeros(n * 8 + 64, np.uint8)
base = (-raw.ctypes.data) % 32
for offset in range(32):
    # the C loops themselves, streaming on: misaligned buffers are refused, aligned ones computed
    y = raw[base + offset : base + offset + 4 * n].view(np.float32)
    for op in range(len(native.EXP_OPS)):
        try:
            native.exp_family(op, x, y, 1.0, 1.0, True, np.empty(4096, np.int64))
            assert offset % 4 == 0, offset
        except ValueError:
            assert offset % 4, offset
    for code, dtype in enumerate(native.DTYPES):
        size = 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize
        xs = np.zeros(n * size, np.uint8)
        ys = raw[base + offset : base + offset + xs.size]
        for op in range(len(native.OPS)):
            try:
                native.run(op, code, xs, ys, 0.1, True)
                assert offset % size == 0, (offset, dtype)
            except ValueError:
                assert offset % size, (offset, dtype)
# and the public path, streaming (>= 16 MiB) into an out at every misalignment
big = np.resize(x, (16 << 20) // 4 + 3)
want = {"sigmoid": rf.sigmoid(big), "tanh'": rf.derivative("tanh", big)}
raw = np.zeros(big.nbytes + 64, np.uint8)
base = (-raw.ctypes.data) % 32
for offset in range(1, 32):
    out = raw[base + offset : base + offset + big.nbytes].view(np.float32)
    rf.sigmoid(big, out=out)
    assert np.array_equal(out, want["sigmoid"]), offset
    if offset in (1, 2, 3, 4, 30):
        rf.derivative("tanh", big, out=out)
        assert np.array_equal(out, want["tanh'"]), offset
print("every offset finished")
"""


def test_the_streaming_path_finishes_at_every_out_misalignment():
    """Streaming into an out whose address is not a multiple of 4 looped forever in C (0 lanes a step)."""
    if not _compiled.AVAILABLE or not _compiled._native.EXP_OPS:
        pytest.skip("needs the compiled kernels with the exp family (AVX2 and FMA)")
    src = str(Path(rf.__file__).parents[1])
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_STREAMING_AT_EVERY_OFFSET)],
        capture_output=True,
        text=True,
        timeout=300,  # generous on a loaded machine: a hang never ends, a working run takes seconds
        env={**os.environ, "PYTHONPATH": src, "RECTIFIERS_NUM_THREADS": "2"},
    )
    assert done.returncode == 0, done.stderr
    assert "every offset finished" in done.stdout
