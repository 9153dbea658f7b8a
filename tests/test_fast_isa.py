"""The compiled exp family on each instruction set (``_native.ISAS``: AVX2, AVX-512 where the CPU
has it): the same bits as each other, lane for lane (the same uncertain lanes too), and as the
reference, on random inputs of several scales and every special value the kernels care about.

The two widths run one source (``_exp_family.h``), so a difference between them is a bug in the
vocabulary of one; a difference from the reference is a bug in the math or its certainty test.
"""

from __future__ import annotations

import numpy as np
import pytest
from native_isa import selected_isa

import rectifiers as rf
from rectifiers import _apply
from rectifiers._fast import _compiled

native = _compiled._native
ISAS = tuple(getattr(native, "ISAS", ()))
needs_kernels = pytest.mark.skipif(not ISAS, reason="needs the compiled exp family (AVX2 and FMA)")
PATHS = {"forward": _apply.evaluate, "derivative": _apply.derivative_of}
CASES = [
    ("elu", {}),
    ("elu", {"alpha": 0.1}),
    ("elu", {"alpha": 1 + 2**-24}),  # -alpha on a rounding midpoint: saturated lanes uncertain
    ("elu", {"alpha": 2.5}),
    ("elu", {"alpha": -0.5}),
    ("elu", {"alpha": 0.0}),
    ("elu", {"alpha": 1e31}),  # |a| >= 1e30: exp's clamp at -200 is reported, not trusted
    ("selu", {}),
    ("sigmoid", {}),
    ("tanh", {}),
]


def _specials() -> np.ndarray:
    tiny = np.finfo(np.float32).smallest_subnormal
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, tiny, -tiny, 1e-40, -1e-40, 1.1754942e-38]
    values += [-1.1754942e-38, np.finfo(np.float32).max, -np.finfo(np.float32).max, 1e-8, -1e-8]
    values += [-40.0, -40.5, -39.9, -87.3, -88.8, -103.0, -104.0, -199.5, -200.0, -200.5, -1e4, -1e30]
    values += [20.0, 40.0, 88.7, 89.0, 1e30, 0.5, -0.5, 1.0, -1.0, 9.0, -9.0, 17.0, -17.0]
    return np.array(values, np.float32)


def _inputs(seed: int = 0) -> np.ndarray:
    """Random values at scales from 1e-3 to 300, every bit pattern's kind, and the specials."""
    rng = np.random.default_rng(seed)
    parts = [_specials()]
    for scale in (1e-3, 0.1, 1.0, 5.0, 30.0, 300.0):
        parts.append((rng.standard_normal(20_000) * scale).astype(np.float32))
    parts.append(rng.integers(0, 2**32, 20_000, dtype=np.uint64).astype(np.uint32).view(np.float32))
    parts.append(rng.integers(1, 2**23, 2_000, dtype=np.uint32).view(np.float32))  # subnormals
    return np.concatenate(parts)


def _near_the_boundaries(name: str, params: dict, derivative: bool, x: np.ndarray) -> np.ndarray:
    """The lanes of ``x`` the kernel cannot decide, and their float32 neighbours."""
    family, a, b = _raw(name, params, derivative)
    index = np.empty(x.size, np.int64)
    count = native.exp_family(family, x, np.empty_like(x), a, b, False, index)
    hard = x[index[:count]]
    with np.errstate(all="ignore"):
        near = [hard, np.nextafter(hard, np.float32(np.inf)), np.nextafter(hard, np.float32(-np.inf))]
    return np.concatenate(near)


def _raw(name: str, params: dict, derivative: bool):
    """``(op, a, b)``: the kernel's op code and its two constants for ``name``."""
    spec = rf.get(name)
    a, b = _compiled._exp_constants(spec, spec.resolve(**params))
    family = spec.family if not derivative else f"{spec.family}_derivative"
    return native.EXP_OPS.index(family), a, b


def _isa(name: str):
    return selected_isa(native, name)


@pytest.fixture
def restore_isa():
    with _isa(ISAS[-1]):
        yield


def _same_bits(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    nan = np.isnan(want)
    return (np.isnan(got) == nan) & ((got.view(np.uint32) == want.view(np.uint32)) | nan)


def _input_set(name, params, derivative) -> np.ndarray:
    x = _inputs()
    with _isa(ISAS[-1]):
        return np.concatenate([x, _near_the_boundaries(name, params, derivative, x)])


@needs_kernels
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("name", "params"), CASES, ids=str)
def test_each_instruction_set_gives_the_reference_bits(name, params, path, restore_isa):
    spec, run = rf.get(name), PATHS[path]
    x = _input_set(name, params, path == "derivative")
    with np.errstate(all="ignore"):
        want = run(spec, x, params, fast=False)
    for isa in ISAS:
        native.select_isa(isa)
        got = run(spec, x, params)
        same = _same_bits(got, want)
        assert same.all(), f"{isa}: {x[~same][:5]!r} gave {got[~same][:5]!r}, want {want[~same][:5]!r}"


@needs_kernels
@pytest.mark.skipif(len(ISAS) < 2, reason="this CPU has one instruction set for the exp family")
@pytest.mark.parametrize("derivative", [False, True], ids=["forward", "derivative"])
@pytest.mark.parametrize(("name", "params"), CASES, ids=str)
def test_the_instruction_sets_agree_lane_for_lane(name, params, derivative, restore_isa):
    """Raw kernel output, uncertain lanes (left holding x) and their indices: the same on every ISA."""
    op, a, b = _raw(name, params, derivative)
    x = _input_set(name, params, derivative)
    results = {}
    for isa in ISAS:
        native.select_isa(isa)
        y, index = np.empty_like(x), np.empty(x.size, np.int64)
        count = native.exp_family(op, x, y, a, b, False, index)
        results[isa] = (y, index[:count].copy())
    (y0, i0), (y1, i1) = results.values()
    np.testing.assert_array_equal(i0, i1)
    same = _same_bits(y1, y0)
    assert same.all(), f"{ISAS}: {x[~same][:5]!r} gave {y0[~same][:5]!r} and {y1[~same][:5]!r}"


@needs_kernels
def test_select_isa_names_what_it_takes(restore_isa):
    assert native.select_isa(ISAS[0]) == ISAS[-1]
    with pytest.raises(ValueError, match="no instruction set named sse2.*Accepted: avx2"):
        native.select_isa("sse2")
