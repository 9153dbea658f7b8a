"""The NumPy fast path against the reference path, bit for bit: every elementwise activation and
its derivative, the 12 real dtypes, any shape and layout, ``out=`` and in place.

NaN must stay NaN (its payload may differ); every other result must have the reference's bits,
the sign of zero included.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import rectifiers as rf
from rectifiers import _apply, _fast
from rectifiers._dtypes import REAL_DTYPES, numpy_dtype
from rectifiers._fast import _compiled, _dispatch, _kernels, _parallel, _small
from rectifiers._namespace import as_array
from rectifiers._spec import params_key

NUMPY_DTYPES = {name: numpy_dtype(name) for name in REAL_DTYPES}
ELEMENTWISE = [name for name in rf.names() if rf.get(name).elementwise]
SPECIAL = [0.0, -0.0, 1.0, -1.0, 6.0, 5.999, 6.001, 1e-40, -1e-40, 1e30, -1e30]
SPECIAL += [np.inf, -np.inf, np.nan, -np.nan]
SLOPES = [0.2, 0.01, 0.0, -0.0, 1.0, 1 / 3, 1.5, -0.5, 100.0]


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).reshape(-1).view(f"u{a.dtype.itemsize}")


def _isnan(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a).reshape(-1)
    if a.dtype.kind in "iu":
        return np.zeros(a.shape, bool)
    return np.isnan(a.astype(np.float64))


def assert_same_bits(fast, reference):
    fast, reference = np.asarray(fast), np.asarray(reference)
    assert fast.dtype == reference.dtype and fast.shape == reference.shape
    nan = _isnan(reference)
    np.testing.assert_array_equal(_isnan(fast), nan, err_msg="NaN where the reference has none, or lost")
    np.testing.assert_array_equal(_bits(fast)[~nan], _bits(reference)[~nan])


def _float_elements(dtype):
    unsigned = np.dtype(f"u{dtype.itemsize}")
    patterns = st.integers(0, np.iinfo(unsigned).max).map(lambda b: np.array(b, unsigned).view(dtype)[()])
    nice = st.floats(-10, 10, width=32).map(lambda v: np.array(v).astype(dtype)[()])
    special = st.sampled_from(SPECIAL).map(lambda v: np.array(v).astype(dtype)[()])
    return st.one_of(patterns, nice, special)


@st.composite
def arrays(draw, dtype_name: str):
    """An array of ``dtype_name`` in any layout: C, Fortran, strided, reversed, 0-d or empty."""
    dtype = NUMPY_DTYPES[dtype_name]
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=7))
    layout = draw(st.sampled_from(["C", "F", "strided", "reversed"]))
    big = shape[:-1] + (shape[-1] * 2,) if layout == "strided" and shape else shape
    if dtype.kind in "iu":
        base = draw(hnp.arrays(dtype, big))
    else:
        bits = draw(hnp.arrays(np.dtype(f"u{dtype.itemsize}"), big))
        base = bits.view(dtype)
        mixed = draw(hnp.arrays(dtype, big, elements=_float_elements(dtype))) if base.size else base
        base = np.where(draw(hnp.arrays(np.bool_, big)), base, mixed).astype(dtype)
    if layout == "F":
        return np.asfortranarray(base)
    if layout == "strided" and shape:
        return base[..., ::2]
    if layout == "reversed" and shape:
        return base[::-1]
    return base


@st.composite
def params_for(draw, name: str):
    spec = rf.get(name)
    params = {}
    for p in spec.params:
        if p.name == "alpha":
            params["alpha"] = draw(st.one_of(st.sampled_from(SLOPES), st.floats(-2, 2, width=32)))
        elif p.name in ("lower", "upper"):
            params[p.name] = draw(st.sampled_from([0.0, 1 / 8, 0.2, 1 / 3, 1.0]))
        elif p.name == "training":
            params["training"] = draw(st.booleans())
        elif p.name == "seed":
            params["seed"] = 0
    if name == "rrelu" and params["lower"] > params["upper"]:
        params["lower"], params["upper"] = params["upper"], params["lower"]
    return params


def _case(name, dtype_name):
    return st.tuples(arrays(dtype_name), params_for(name))


@contextlib.contextmanager
def engine(kind: str):
    """Run the fast path one way: the compiled kernels (as configured, or streaming every store),
    or without them on the NumPy kernels (16-bit tables from TABLE_MIN elements, or always)."""
    saved = _compiled._native, _compiled.STREAM_MIN_BYTES, _small.TABLE_MIN
    if kind == "streaming":
        _compiled.STREAM_MIN_BYTES = 0
    if kind.startswith("numpy"):
        _compiled._native = None
    if kind == "numpy-tables":
        _small.TABLE_MIN = 0
    try:
        yield
    finally:
        _compiled._native, _compiled.STREAM_MIN_BYTES, _small.TABLE_MIN = saved


ENGINES = pytest.mark.parametrize("engine_kind", ["compiled", "streaming", "numpy", "numpy-tables"])


#: The forward and the derivative a backward pass needs, each with its reference switch.
PATHS = {"forward": _apply.evaluate, "derivative": _apply.derivative_of}


@ENGINES
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype_name", REAL_DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=25)
@given(data=st.data())
def test_fast_path_matches_reference(name, dtype_name, path, engine_kind, data):
    x, params = data.draw(_case(name, dtype_name))
    spec, run = rf.get(name), PATHS[path]
    expected = run(spec, x.copy(), params, fast=False)
    with engine(engine_kind):
        assert_same_bits(run(spec, x, params), expected)


@pytest.mark.parametrize("dtype_name", REAL_DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(max_examples=15)
@given(data=st.data())
def test_out_and_in_place_match_reference(name, dtype_name, data):
    x, params = data.draw(_case(name, dtype_name))
    spec = rf.get(name)
    run = data.draw(st.sampled_from(list(PATHS.values())))
    expected = run(spec, x.copy(), params, fast=False)
    order = data.draw(st.sampled_from("CF"))
    out = np.empty(x.shape, expected.dtype, order=order)
    assert run(spec, x, params, out=out) is out
    assert_same_bits(out, expected)
    if expected.dtype == x.dtype:
        inplace = x.copy()
        assert run(spec, inplace, params, out=inplace) is inplace
        assert_same_bits(inplace, expected)


def test_derivative_takes_out():
    x = np.array([-2.0, 0.0, 3.0], np.float32)
    out = np.empty_like(x)
    assert rf.derivative("leaky_relu", x, alpha=0.1, out=out) is out
    np.testing.assert_array_equal(out, np.array([0.1, 0.1, 1.0], np.float32))
    with pytest.raises(TypeError, match="result dtype float32"):
        rf.derivative("relu", x, out=np.empty(3, np.float64))


@pytest.mark.parametrize("dtype_name", ["float32", "float64", "bfloat16", "float16", "int16", "uint8"])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_threads_and_block_edges(name, dtype_name, monkeypatch):
    """Several chunks on several threads, blocks cut mid-array: the same bits as one reference call."""
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1024)
    rng = np.random.default_rng(0)
    n = 3 * _parallel.BLOCK + 17
    x = (
        (rng.standard_normal(n) * 8).astype(NUMPY_DTYPES[dtype_name])
        if dtype_name[0] != "u"
        else (rng.integers(0, 255, n).astype(dtype_name))
    )
    spec = rf.get(name)
    params = spec.example_params
    with _fast.threads(3):
        for run in (_apply.evaluate, _apply.derivative_of):
            assert_same_bits(run(spec, x, params), run(spec, x, params, fast=False))


def test_overlapping_out_is_never_corrupted():
    x = np.linspace(-3, 3, 200_001).astype(np.float32)
    expected = rf.leaky_relu(x.copy(), 0.1)
    shifted = np.concatenate([x, x[:1]])
    rf.leaky_relu(shifted[:-1], 0.1, out=shifted[1:])  # out overlaps x one element further on
    assert_same_bits(shifted[1:], expected)


@pytest.mark.parametrize(
    ("name", "dtype_name"),
    [
        ("relu", "float32"),
        ("leaky_relu", "float64"),
        ("relu6", "int8"),
        ("elu", "float32"),
        ("relu", "bfloat16"),
    ],
)
def test_the_fast_path_is_taken(name, dtype_name):
    """The comparisons above would pass if every call fell back to the reference; this one would not."""
    spec = rf.get(name)
    x = np.ones(10, NUMPY_DTYPES[dtype_name])
    result = x.dtype if spec.keeps_integers or x.dtype.kind == "f" else np.float64
    xp, x = as_array(x)
    y = _dispatch.apply(name, "forward", spec.forward, xp, x, spec.resolve(**spec.example_params), result)
    assert y is not None


@pytest.mark.parametrize(
    ("name", "kind", "dtype_name", "factory"),
    [
        ("relu", "forward", "float32", _kernels.relu),
        ("leaky_relu", "forward", "float32", _kernels.leaky),
        ("relu6", "forward", "float32", _kernels.relu6),
        ("relu", "forward", "bfloat16", _small.relu_bits),
        ("leaky_relu", "derivative", "float32", _kernels.leaky_derivative),
        ("relu", "derivative", "float32", _kernels.relu_derivative),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_the_hot_kernels_are_branch_free_forms(name, kind, dtype_name, factory, monkeypatch):
    """relu, leaky and the 16-bit relu use maximum / bit masks, not ``where`` (20x slower): the kernel
    chosen (without the compiled ones) is the branch-free factory's, and it runs without ``np.where``."""
    spec, dtype = rf.get(name), NUMPY_DTYPES[dtype_name]
    x = np.random.default_rng(1).standard_normal(1000).astype(dtype)
    with engine("numpy"):  # the ufunc kernels; the compiled ones never see np.where
        kernel, _ = _dispatch._choose(
            name, kind, spec.forward, np, dtype, x.size, spec.resolve(), dtype, False
        )
    assert kernel.__qualname__.split(".")[0] == factory.__name__, kernel.__qualname__
    assert kernel.__module__ == factory.__module__

    def no_where(*args, **kwargs):
        raise AssertionError("the kernel called where")

    monkeypatch.setattr(np, "where", no_where)
    y = np.empty_like(x)
    kernel(x, y, _parallel.Scratch())
    monkeypatch.undo()
    assert_same_bits(y, PATHS[kind](spec, x, {}, fast=False))


@pytest.mark.parametrize(
    ("make_out", "error", "match"),
    [
        (lambda x: np.empty(3, np.float32), ValueError, "shape"),
        (lambda x: np.empty((2, 3), np.float64), TypeError, "result dtype float32"),
        (lambda x: [0.0] * 6, TypeError, "NumPy array"),
        (lambda x: np.broadcast_to(np.float32(0), (2, 3)), ValueError, "writeable"),
    ],
)
def test_bad_out_is_refused(make_out, error, match):
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(error, match=match):
        rf.leaky_relu(x, out=make_out(x))


def test_out_for_integers_takes_the_float_result():
    x = np.array([-2, 3], np.int32)
    with pytest.raises(TypeError, match="float64"):
        rf.elu(x, out=np.empty(2, np.int32))
    out = np.empty(2, np.float64)
    assert rf.elu(x, out=out) is out and out[1] == 3.0


def test_out_is_refused_for_other_libraries():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="NumPy arrays only"):
        rf.relu(torch.zeros(3), out=torch.zeros(3))


def test_softmax_has_no_out():
    with pytest.raises(TypeError):
        rf.softmax(np.zeros(3), out=np.zeros(3))


def test_threads_setting_is_checked():
    with pytest.raises(ValueError, match="threads"):
        _fast.set_threads(0)


@pytest.mark.parametrize("name", ["relu6", "elu", "tanh"])
def test_big_float16_arrays_use_a_table(name, monkeypatch):
    """float16 casts are scalar loops in NumPy; a big array must go through the cached table."""
    monkeypatch.setattr(_small, "_TABLES", {})  # no table left over from another test
    x = np.linspace(-8, 8, 2 * _small.TABLE_MIN).astype(np.float16)
    params = rf.get(name).resolve()
    with engine("numpy"):  # relu6 has a compiled kernel; without it, the table
        _apply.evaluate(rf.get(name), x, params)
    assert _small.has_table((name, "forward", x.dtype, x.dtype, params_key(params)))


COMPILED_DTYPES = ["float32", "float64", "bfloat16", "float16"]
COMPILED_CASES = [
    ("relu", {}),
    ("relu6", {}),
    ("leaky_relu", {"alpha": 0.1}),
    ("leaky_relu", {"alpha": -0.0}),
    ("leaky_relu", {"alpha": 3.0}),
    ("prelu", {"alpha": 0.25}),
    ("rrelu", {"training": False}),
]


def test_the_compiled_kernels_are_built():
    """CI builds them (the install needs a C compiler); without them the NumPy kernels run, slower."""
    assert _compiled.AVAILABLE, "rectifiers._fast._native is missing: was it installed without a compiler?"


@pytest.mark.parametrize(
    ("name", "params", "dtype_name"),
    [(name, params, dtype) for name, params in COMPILED_CASES for dtype in COMPILED_DTYPES]
    + [(name, {}, "float32") for name in ("elu", "selu", "sigmoid", "tanh")],
    ids=str,
)
def test_the_compiled_kernels_serve_their_activations(name, params, dtype_name):
    x = np.ones(10, NUMPY_DTYPES[dtype_name])
    spec = rf.get(name)
    for kind in PATHS:
        kernel, _ = _dispatch._choose(
            name, kind, spec.forward, np, x.dtype, x.size, spec.resolve(**params), x.dtype, False
        )
        assert getattr(kernel, "whole", False), (name, kind, dtype_name)


@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize(
    ("name", "params", "dtype_name"),
    [(name, params, dtype) for name, params in COMPILED_CASES for dtype in COMPILED_DTYPES]
    + [("elu", {"alpha": 1.0}, "float32"), ("elu", {"alpha": 1 + 2**-24}, "float32")]
    + [(name, {}, "float32") for name in ("selu", "sigmoid", "tanh")],
    ids=str,
)
def test_compiled_kernels_on_unaligned_and_ragged_buffers(name, params, dtype_name, streaming):
    """Every start offset of input and output, and lengths around the vector width: the scalar
    head (up to the streaming alignment), the vector body and the scalar tail all agree."""
    rng = np.random.default_rng(7)
    dtype = NUMPY_DTYPES[dtype_name]
    values = np.concatenate([np.array(SPECIAL), rng.standard_normal(64) * 8]).astype(np.float64)
    with np.errstate(over="ignore"):
        base = rng.permutation(np.resize(values, 200)).astype(dtype)
    spec = rf.get(name)
    with engine("streaming" if streaming else "compiled"), np.errstate(all="ignore"):
        for x_offset, y_offset, n in [(0, 0, 64), (1, 3, 37), (3, 1, 19), (5, 0, 7), (2, 7, 100), (0, 1, 1)]:
            x = base[x_offset : x_offset + n]
            for path, run in PATHS.items():
                expected = run(spec, x, params, fast=False)
                out = np.full(128, 99, expected.dtype)[y_offset : y_offset + n]
                if path == "forward":
                    assert_same_bits(_apply.evaluate(spec, x, params, out=out), expected)
                else:
                    assert_same_bits(run(spec, x, params), expected)


@pytest.mark.parametrize("capacity", [0, 3, 4096])
def test_lanes_the_exp_kernel_cannot_decide_go_to_the_reference(capacity, monkeypatch):
    """With alpha = 1 + 2^-24, -alpha lies on a float32 rounding midpoint: every saturated elu lane
    is uncertain. Whether their indices fit the buffer or not, the result is the reference's."""
    if "elu" not in getattr(_compiled._native, "EXP_OPS", ()):
        pytest.skip("needs the compiled exp family (AVX2 and FMA)")
    monkeypatch.setattr(_compiled, "_CAPACITY", capacity)
    x = np.linspace(-60, 2, 1000).astype(np.float32)
    spec, params = rf.get("elu"), {"alpha": 1 + 2**-24}
    for run in PATHS.values():
        assert_same_bits(run(spec, x, params), run(spec, x, params, fast=False))
    op, index = _compiled._native.EXP_OPS.index("elu"), np.empty(0, np.int64)
    assert _compiled._native.exp_family(op, x, np.empty_like(x), params["alpha"], 1.0, False, index) > 3, (
        "the premise: many lanes are uncertain"
    )


# Regression tests (issue 9): each of these gave a wrong answer before its fix.


def test_in_place_exp_family_recomputes_from_x_not_from_its_result():
    """The lanes handed to the reference were read from x after the kernel had overwritten it."""
    x = np.random.default_rng(0).standard_normal(10**6).astype(np.float32)
    want = rf.sigmoid(x)
    assert rf.sigmoid(x, out=x) is x
    assert_same_bits(x, want)
    y = np.full(8, -300, np.float32)
    rf.derivative("elu", y, alpha=1e31, out=y)  # every lane below -200 is uncertain for a huge alpha
    assert_same_bits(y, np.zeros(8, np.float32))


@pytest.mark.parametrize("capacity", [0, 3, 4096])
@pytest.mark.parametrize("name", ["elu", "selu", "sigmoid", "tanh"])
def test_in_place_exp_family_with_many_uncertain_lanes(name, capacity, monkeypatch):
    """More uncertain lanes than the index holds (alpha = 1 + 2^-24 makes every saturated elu lane
    uncertain), and threads: in place equals out of place."""
    monkeypatch.setattr(_compiled, "_CAPACITY", capacity)
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1 << 14)
    x = np.linspace(-60, 2, 3 * _parallel.BLOCK + 5).astype(np.float32)
    spec, params = rf.get(name), ({"alpha": 1 + 2**-24} if name == "elu" else {})
    with _fast.threads(2):
        for run in PATHS.values():
            expected, inplace = run(spec, x, params, fast=False), x.copy()
            assert_same_bits(run(spec, inplace, params, out=inplace), expected)


@pytest.mark.parametrize("order", [">", "<"])
@pytest.mark.parametrize("dtype_name", ["float16", "float32", "float64", "bfloat16", "int16", "uint8"])
@pytest.mark.parametrize(
    ("name", "params"),
    [("relu", {}), ("relu6", {}), ("leaky_relu", {"alpha": 0.1}), ("prelu", {"alpha": 0.25}), ("rrelu", {})],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_byte_order_is_the_values_not_the_bits(name, params, dtype_name, order):
    """The compiled kernels took the dtype by name, so ``>f4`` input was read as ``<f4``."""
    native = NUMPY_DTYPES[dtype_name]
    try:
        swapped = native.newbyteorder(order)
    except (TypeError, ValueError):
        pytest.skip(f"{dtype_name} has no {order} byte order")
    if native.kind == "u":
        x = np.array([0, 1, 2, 7, 200, 255]).astype(native)
    elif native.kind == "i":
        x = np.array([-3, -1, 0, 2, 7, 100]).astype(native)
    else:
        x = np.array([-3.0, -1.0, -0.0, 0.0, 2.0, 7.0, np.nan, -np.inf]).astype(native)
    spec = rf.get(name)
    for run in PATHS.values():
        want = run(spec, x, params, fast=False)
        for n in (x.size, 3000):  # a few lanes, and enough for the vector loops
            xs = np.resize(x, n).astype(swapped)
            got = run(spec, xs, params)
            assert got.dtype.kind == want.dtype.kind
            assert_same_bits(got.astype(want.dtype), np.resize(want, n))
            out = np.empty(n, got.dtype)
            assert_same_bits(run(spec, xs, params, out=out).astype(want.dtype), np.resize(want, n))


def test_a_numpy_scalar_parameter_is_its_value_on_every_path(tmp_path):
    """np.float64(0.1) multiplied in float64 on one path and in float32 on another: -10.4 vs -10.400001."""
    x = np.array([-104.0, -3.0, 2.0], np.float32)
    mapped = np.memmap(tmp_path / "x.bin", dtype=np.float32, mode="w+", shape=x.shape)
    mapped[:] = x
    want = rf.leaky_relu(x, 0.1)
    for alpha in (np.float64(0.1), np.float32(0.1).astype(np.float64)):
        expected = rf.leaky_relu(x, float(alpha))
        for data in (x, mapped):
            assert_same_bits(rf.leaky_relu(data, alpha), expected)
            assert_same_bits(
                _apply.evaluate(rf.get("leaky_relu"), data, {"alpha": alpha}, fast=False), expected
            )
    assert_same_bits(rf.leaky_relu(mapped, np.float64(0.1)), want)
    for dtype in (np.float32, np.float16):
        xs = np.linspace(-100, 1, 999).astype(dtype)
        want = rf.rrelu(xs, 0.1, 0.3)
        for lower, upper in ((np.float64(0.1), np.float64(0.3)), (np.float64(0.1), 0.3)):
            assert_same_bits(rf.rrelu(xs, lower, upper), want)
            assert_same_bits(rf.rrelu(xs.view(np.memmap), lower, upper), want)
            assert_same_bits(
                rf.derivative("rrelu", xs, lower=lower, upper=upper),
                rf.derivative("rrelu", xs, lower=0.1, upper=0.3),
            )


@pytest.mark.parametrize(
    ("call", "dtype_name"),
    [
        (lambda x: rf.leaky_relu(x, alpha=1e39), "float32"),
        (lambda x: rf.prelu(x, 1e39), "float16"),
        (lambda x: rf.prelu(x, -1e39), "bfloat16"),
        (lambda x: rf.derivative("leaky_relu", x, alpha=1e39), "float32"),
        (lambda x: rf.leaky_relu(x, alpha=np.float64(1e39)), "float16"),
    ],
)
def test_a_parameter_beyond_the_working_dtype_is_refused(call, dtype_name):
    """1e39 is finite but is inf in float32: 0 * inf gave NaN from a valid-looking call."""
    x = np.zeros(4, NUMPY_DTYPES[dtype_name])
    with pytest.raises(ValueError, match=r"alpha must fit float32.*Received: alpha=-?1e\+39"):
        call(x)


def test_a_large_parameter_that_fits_is_computed_right():
    """Within the working dtype's range a large slope is computed, overflowing to inf as it should."""
    x = np.array([0.0, -0.0, 1.0, -1.0, -1e-30], np.float32)
    with np.errstate(over="ignore"):
        assert_same_bits(rf.leaky_relu(x, 3e38), np.where(x > 0, x, np.float32(3e38) * x))
        elu = np.where(x > 0, x, 1e39 * np.expm1(x.astype(np.float64))).astype(np.float32)
        assert_same_bits(rf.elu(x, 1e39), elu)  # elu runs in float64, where 1e39 fits
        half = x.astype(np.float16)
        assert_same_bits(rf.prelu(half, 1e5), np.where(half > 0, x, 1e5 * x).astype(np.float16))


def test_masked_arrays_keep_their_mask():
    x = np.ma.masked_array([-1.0, 5.0, -2.0], mask=[0, 1, 0])
    for y in (rf.relu(x), rf.leaky_relu(x, 0.5), rf.derivative("relu", x), rf.elu(x)):
        assert isinstance(y, np.ma.MaskedArray)
        np.testing.assert_array_equal(np.ma.getmaskarray(y), [False, True, False])
    assert rf.relu(x)[1] is np.ma.masked
    np.testing.assert_array_equal(rf.leaky_relu(x, 0.5).compressed(), [-0.5, -1.0])
    assert rf.relu(np.ma.masked_array([-1.0, 2.0])).mask.tolist() == [False, False]  # nomask


@pytest.mark.parametrize(
    "call",
    [
        lambda x: rf.softmax(x),
        lambda x: rf.relu(x, out=np.empty(3)),
        lambda x: rf.relu(x.data, out=np.ma.masked_array(np.empty(3))),
    ],
)
def test_masked_arrays_are_refused_where_the_mask_would_be_lost(call):
    x = np.ma.masked_array([-1.0, 5.0, -2.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match="mask"):
        call(x)


def test_a_memmap_is_accepted_as_out(tmp_path):
    x = np.linspace(-3, 3, 100_001).astype(np.float32)
    out = np.memmap(tmp_path / "y.bin", dtype=np.float32, mode="w+", shape=x.shape)
    assert rf.leaky_relu(x, 0.1, out=out) is out
    assert_same_bits(out, rf.leaky_relu(x, 0.1))
    assert rf.derivative("sigmoid", x, out=out) is out
    assert_same_bits(out, rf.derivative("sigmoid", x))
    assert rf.relu(out, out=out) is out  # in place, on the file
    assert_same_bits(out, rf.relu(rf.derivative("sigmoid", x)))


def test_the_dtype_name_cache_does_not_grow_on_refused_dtypes():
    from rectifiers import _dtypes

    rf.relu(np.zeros(2, np.float32))
    before = len(_dtypes._NUMPY_NAMES)
    for n in range(1, 500):
        with pytest.raises(TypeError, match="Received: an array of dtype str"):
            rf.relu(np.zeros(1, f"U{n}"))
    assert len(_dtypes._NUMPY_NAMES) == before
