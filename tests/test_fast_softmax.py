"""softmax's compiled rows (``_fast._softmax``, ``_native.softmax``) against the reference, bit for bit.

Many shapes (one column, odd lengths, long rows, 1-d), the last axis and trailing-axis tuples,
rows with -inf, +inf, NaN, all equal and a huge spread, on each instruction set, with threads,
and with more undecided rows than the kernel's index holds. Also the premise of the kernel's
window (``_native.c``): NumPy sums a contiguous float64 row pairwise, in the order emulated here.
"""

from __future__ import annotations

import numpy as np
import pytest
from native_isa import selected_isa

import rectifiers as rf
from rectifiers import _apply, _fast
from rectifiers._fast import _compiled, _parallel, _softmax

SPEC = rf.get("softmax")
native = _softmax._native
ISAS = tuple(getattr(native, "ISAS", ())) if native is not None else ()
needs_kernel = pytest.mark.skipif(native is None, reason="needs the compiled softmax (AVX2 and FMA)")


def _isa(name: str):
    return selected_isa(native, name)


def _reference(x, axis=-1):
    with np.errstate(all="ignore"):
        return _apply.evaluate(SPEC, x, {"axis": axis, "where": None}, fast=False)


def assert_same_bits(got, want):
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got.view(np.uint32)[~nan], want.view(np.uint32)[~nan])


def _rows(rng, rows: int, cols: int) -> np.ndarray:
    """Random rows of several scales, then rows with the special cases, cycling."""
    scales = np.array([1e-3, 0.5, 3.0, 30.0, 1e4])[rng.integers(0, 5, (rows, 1))]
    x = (rng.standard_normal((rows, cols)) * scales).astype(np.float32)
    for r in range(rows):
        kind = r % 9
        if kind == 1:
            x[r, rng.integers(0, cols, max(1, cols // 3))] = -np.inf
        elif kind == 2 and cols > 1:
            x[r] = -np.inf
        elif kind == 3:
            x[r, rng.integers(0, cols)] = np.inf
        elif kind == 4:
            x[r, rng.integers(0, cols)] = np.nan
        elif kind == 5:
            x[r] = np.float32(rng.standard_normal() * 10)  # all equal
        elif kind == 6:
            x[r, :: max(1, cols // 4)] = np.float32(3e38)  # a huge spread
            x[r, 1 :: max(2, cols // 3)] = np.float32(-3e38)
        elif kind == 7:
            x[r, rng.integers(0, cols)] = 88.0 + 200 * rng.standard_normal()
    return x


SHAPES = [(1, 1), (5, 1), (3, 2), (4, 7), (9, 8), (9, 9), (18, 17), (9, 33), (9, 128), (9, 129)]
SHAPES += [(9, 1000), (3, 4096), (2, 20_001)]


@needs_kernel
@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rows_match_the_reference_on_each_instruction_set(shape, streaming, monkeypatch):
    if streaming:
        monkeypatch.setattr(_compiled, "STREAM_MIN_BYTES", 0)
    x = _rows(np.random.default_rng(shape[1]), *shape)
    want = _reference(x)
    for isa in ISAS:
        with _isa(isa):
            assert_same_bits(rf.softmax(x), want)


@needs_kernel
@pytest.mark.parametrize(
    ("shape", "axis"),
    [((7,), -1), ((7,), 0), ((1000,), (0,)), ((3, 4, 5), (1, 2)), ((3, 4, 5), (2, 1)), ((3, 4, 5), (0, 1, 2))]
    + [((2, 3, 1), (-1, -2)), ((6, 1, 9), -1), ((4, 6), 0), ((3, 4, 5), (0, 2))],
    ids=str,
)
def test_trailing_axes_and_the_rest(shape, axis):
    """Trailing axes are the kernel's rows; other axes (0 of a 2-d array, (0, 2)) the reference's."""
    x = _rows(np.random.default_rng(1), int(np.prod(shape[:-1])), shape[-1]).reshape(shape)
    assert_same_bits(rf.softmax(x, axis=axis), _reference(x, axis))


@needs_kernel
def test_the_kernel_is_taken_and_decides_nearly_every_row():
    x = (np.random.default_rng(2).standard_normal((512, 4096)) * 5).astype(np.float32)
    y, index = np.empty_like(x), np.empty(512, np.int64)
    assert native.softmax(x, y, 4096, False, index) < 16
    assert_same_bits(_softmax.softmax(x, {"axis": -1, "where": None}, np.float32, _reference), _reference(x))
    assert _softmax.softmax(x, {"axis": 0, "where": None}, np.float32, None) is None
    assert _softmax.softmax(x.astype(np.float64), {"axis": -1, "where": None}, np.float64, None) is None
    assert _softmax.softmax(x[:, ::2], {"axis": -1, "where": None}, np.float32, None) is None
    where = np.ones(x.shape, bool)
    assert _softmax.softmax(x, {"axis": -1, "where": where}, np.float32, None) is None


@needs_kernel
@pytest.mark.parametrize("capacity", [0, 2, 4096])
def test_threads_and_a_full_index(capacity, monkeypatch):
    monkeypatch.setattr(_softmax, "_CAPACITY", capacity)
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1 << 12)
    x = _rows(np.random.default_rng(3), 301, 257)
    want = _reference(x)
    with _fast.threads(3):
        assert_same_bits(rf.softmax(x), want)


@needs_kernel
def test_a_cpu_torch_tensor_takes_the_kernel():
    torch = pytest.importorskip("torch")
    x = _rows(np.random.default_rng(4), 40, 300)
    got = rf.softmax(torch.from_numpy(x), axis=-1)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float32
    assert_same_bits(got.numpy(), _reference(x))
    assert_same_bits(rf.softmax(torch.from_numpy(x), axis=0).numpy(), _reference(x, 0))  # NumPy's reference
    graph = torch.from_numpy(x).requires_grad_()
    assert rf.softmax(graph).grad_fn is not None  # with grad: torch's ops, which autograd sees


def _numpy_pairwise(a: list) -> float:
    """NumPy's pairwise_sum (loops_utils.h.src) for a contiguous row, in Python."""
    n = len(a)
    if n < 8:
        total = -0.0
        for v in a:
            total += v
        return total
    if n <= 128:
        r = list(a[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] += a[i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for v in a[i:]:
            total += v
        return total
    half = n // 2
    half -= half % 8
    return _numpy_pairwise(a[:half]) + _numpy_pairwise(a[half:])


@pytest.mark.parametrize("n", [1, 5, 8, 9, 100, 128, 129, 300, 1000, 4097, 20_001])
def test_numpy_sums_a_row_pairwise(n):
    """The premise of the window in _native.c: at most 25 + log2(n) additions per term."""
    e = np.exp(np.random.default_rng(n).standard_normal((2, n)) * 3)
    want = [_numpy_pairwise(row.tolist()) for row in e]
    np.testing.assert_array_equal(np.sum(e, axis=-1), want)
    np.testing.assert_array_equal(np.sum(e.reshape(2, 1, n), axis=(1, 2)), want)
