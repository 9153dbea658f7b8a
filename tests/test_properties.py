"""One property suite: every registered activation x every array library x every real dtype.

The oracle is float64 NumPy (tests/oracle.py); results must keep the input's library, shape
and (by the dtype policy) dtype, and lie within 1 ulp of the oracle rounded to that dtype.
"""

import ml_dtypes
import numpy as np
import oracle
import pytest
from compare import assert_ulps, is_float
from hypothesis import given, settings, strategies as st
from libraries import LIBRARIES, NUMPY_DTYPES, flush_subnormals, library_dtype_params, library_params

import rectifiers as rf
from rectifiers._apply import call_by_name
from rectifiers._dtypes import is_integer

#: Exact activations (no rounding at all beyond the input's own) must match to 0 ulp.
EXACT = {"relu", "relu6"}


def ulps_allowed(name, out_dtype) -> int:
    """0 for exact activations; 1 wherever the math runs wider than the result and rounds once.
    float64 results of exp/tanh-based activations have no wider type to run in: they are as
    accurate as the library's float64 libm (XLA's tanh was measured 7 ulp off near 1)."""
    if name in EXACT:
        return 0
    if rf.get(name).rounds_once and out_dtype == np.float64:
        return 8
    return 1


def values_for(dtype_name):
    dtype = NUMPY_DTYPES[dtype_name]
    if is_integer(dtype_name):
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    return st.floats(allow_nan=True, allow_infinity=True, width=64)


def _cast(values, dtype):
    with np.errstate(over="ignore"):  # float64 values beyond a narrow float's range become inf
        return np.array(values, dtype=np.float64).astype(dtype)


#: Scalars, empties, odd lengths that straddle SIMD widths, and a few ranks. A fixed set keeps
#: JAX's per-shape compilation cache warm; the values are where hypothesis searches.
SHAPES = [(), (0,), (1,), (5,), (17,), (33,), (2, 3), (4, 0), (2, 2, 3)]


@st.composite
def arrays(draw, dtype_name):
    shape = draw(st.sampled_from(SHAPES))
    values = draw(
        st.lists(values_for(dtype_name), min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))
    )
    dtype = NUMPY_DTYPES[dtype_name]
    if is_float(dtype):
        return _cast(values, dtype).reshape(shape)
    return np.array(values, dtype=object).astype(dtype).reshape(shape)


def expected_dtype(name, dtype_name, library):
    if dtype_name in ("float16", "bfloat16", "float32", "float64"):
        return NUMPY_DTYPES[dtype_name]
    if rf.get(name).keeps_integers:
        return NUMPY_DTYPES[dtype_name]
    narrow = dtype_name in ("int8", "uint8", "int16", "uint16")
    return np.dtype(library.default_float if narrow else "float64")


def call(name, x, **params):
    spec = rf.get(name)
    return call_by_name(name, x, **{**spec.example_params, **params}), spec.example_params


@pytest.mark.parametrize(("library", "dtype_name"), library_dtype_params())
@pytest.mark.parametrize("name", rf.names())
def test_matches_float64_oracle(name, library, dtype_name):
    @settings(max_examples=15)
    @given(arrays(dtype_name))
    def check(x):
        result, params = call(name, library.make(x))
        assert type(result) is type(library.make(x)), "the result left the input's library"
        out = library.to_numpy(result)
        assert out.shape == x.shape
        assert out.dtype == expected_dtype(name, dtype_name, library)
        context = f"{name}({dtype_name}) on {library.name}, x={x!r}"
        if not is_float(out.dtype):
            np.testing.assert_array_equal(out, oracle.integer_forward(name, x), err_msg=context)
            return
        x64 = x.astype(np.float64)
        if library.flushes_subnormals:
            x64 = flush_subnormals(x64, x.dtype if is_float(x.dtype) else out.dtype)
        expected = oracle.forward(name, x64, **params)
        if library.flushes_subnormals:
            expected = flush_subnormals(expected, out.dtype)
        assert_ulps(out, expected, ulps_allowed(name, out.dtype), context)

    check()


@pytest.mark.parametrize("library", library_params())
@pytest.mark.parametrize("name", [n for n in rf.names() if rf.get(n).elementwise])
def test_derivative_matches_oracle(name, library):
    """rf.derivative follows the kink rule on every library, in float32 and float64."""
    x = np.array([-np.inf, -20.0, -1.5, -0.0, 0.0, 1e-8, 2.5, 6.0, 7.0, np.inf, np.nan])
    params = rf.get(name).example_params
    for dtype in (np.float32, np.float64):
        got = library.to_numpy(rf.derivative(name, library.make(x.astype(dtype)), **params))
        assert got.dtype == dtype
        assert_ulps(
            got, oracle.derivative(name, x.astype(dtype).astype(np.float64), **params), 2, f"{name}' {dtype}"
        )


@pytest.mark.parametrize("library", library_params(LIBRARIES, dtype="bfloat16"))
def test_bfloat16_keeps_its_dtype(library):
    x = np.array([-1.5, 0.0, 2.0], dtype=ml_dtypes.bfloat16)
    for name in rf.names():
        assert library.to_numpy(call(name, library.make(x))[0]).dtype == ml_dtypes.bfloat16, name
