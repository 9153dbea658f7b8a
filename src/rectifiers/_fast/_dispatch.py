"""Pick the NumPy kernel for one call and run it over the array's memory, whatever its layout.

The core (``_apply``) has already resolved the parameters and the result dtype; this module
only decides *how* to compute: a compiled one-pass kernel (``_compiled``), a branch-free NumPy
kernel (``_kernels``), a bit-pattern or table kernel for small dtypes (``_small``), or the
reference math itself block by block. It returns
``None`` where no blockwise evaluation equals the reference (rrelu's random slopes, prelu's
broadcast slopes), and the core then runs the reference path.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .._dtypes import working_dtype
from .._namespace import quiet_floating_point
from .._spec import get, params_key
from . import _compiled, _kernels, _parallel, _small

#: Work per element of the kernels that call exp/expm1/tanh, relative to a copy: at least 16
#: (the compiled float64 exp is about 15x a copy here, libm's scalar expm1 far more). They go
#: parallel on smaller arrays than memory-bound kernels.
_COMPUTE_COST = 16.0


def single_slope(spec, params: dict):
    """The one negative-side slope of the leaky family (resolved ``params``), or ``None``."""
    return spec.single_slope(params) if spec.single_slope is not None else None


def _blockwise(spec, params: dict) -> bool:
    """Whether the reference math may be cut into blocks (elementwise and deterministic): not
    where it draws random numbers, nor where its slope is not one number (prelu's arrays)."""
    if spec.stochastic(params):
        return False
    return spec.single_slope is None or spec.single_slope(params) is not None


def _unscaled_elu(spec, params: dict):
    """elu's alpha where ``spec`` is the elu family with scale 1 (``_kernels.elu``), else ``None``."""
    if spec.family != "elu":
        return None
    alpha, scale, _ = spec.exp_constants(params)
    return alpha if scale == 1.0 else None


def _direct(spec, kind: str, work: np.dtype, params: dict, aliased: bool):
    """A branch-free kernel on the working dtype, or ``None``."""
    slope = single_slope(spec, params)
    alpha = _unscaled_elu(spec, params)
    if kind == "forward":
        if spec.family == "relu":
            return _kernels.relu(work)
        if spec.family == "relu6":
            return _kernels.relu6(work)
        if slope is not None and work.kind == "f":
            return _kernels.leaky(work, slope, in_place=aliased)
        if alpha is not None:
            return _kernels.elu(work, alpha)
        return None
    if spec.family == "relu":
        return _kernels.relu_derivative(work)
    if spec.family == "relu6":
        return _kernels.relu6_derivative(work)
    if slope is not None:
        return _kernels.leaky_derivative(work, slope)
    if alpha is not None:
        return _kernels.elu_derivative(work, alpha)
    return None


def _generic(math, xp, params: dict, work: np.dtype):
    def kernel(xb, yb, scratch):
        np.copyto(yb, math(xb.astype(work, copy=False), xp, **params), casting="unsafe")

    return kernel


def _with_casts(kernel, x_dtype: np.dtype, work: np.dtype, result: np.dtype):
    if x_dtype == work and result == work:
        return kernel

    def cast_kernel(xb, yb, scratch):
        n = xb.shape[0]
        xw = xb
        if x_dtype != work:
            xw = scratch.get("in", work, n)
            np.copyto(xw, xb, casting="unsafe")
        yw = yb if result == work else scratch.get("out", work, n)
        kernel(xw, yw, scratch)
        if yw is not yb:
            np.copyto(yb, yw, casting="unsafe")

    return cast_kernel


def _choose(spec, kind, math, xp, dtype: np.dtype, size: int, params, result: np.dtype, aliased: bool):
    """``(kernel, cost)`` for ``size`` elements of ``dtype`` (both dtypes native-order), or ``None``.

    ``spec``: the activation's spec (or its name)."""
    spec = get(spec)
    name = spec.name
    if not _blockwise(spec, params):
        return None
    if result == dtype:
        stream = not aliased and size * result.itemsize >= _compiled.STREAM_MIN_BYTES
        compiled = _compiled.kernel(
            spec,
            kind,
            dtype,
            params,
            slope=single_slope(spec, params),
            stream=stream,
            reference=lambda c: _reference(math, xp, params, _working(xp, spec, dtype, result), result, c),
            in_place=aliased,
        )
        if compiled is not None:
            return compiled, _COMPUTE_COST if spec.compute_bound else 1.0
    keeps_dtype = result == dtype and dtype.kind in "iu"
    if kind == "forward" and spec.family == "relu" and (bits := _small.relu_bits(dtype)) is not None:
        return bits, 1.0
    work = _working(xp, spec, dtype, result)
    direct = _direct(spec, kind, work, params, aliased and dtype == work == result)
    cost = _COMPUTE_COST if direct is None or spec.compute_bound else 1.0
    # bfloat16 <-> float32 casts are cheap (ml_dtypes), float16's are not (NumPy's scalar loops):
    # bfloat16 takes a memory-bound direct kernel between two casts, the rest of 1-2 bytes a table.
    bf16_direct = dtype.name == "bfloat16" and direct is not None and cost == 1.0
    if dtype.itemsize <= 2 and not keeps_dtype and not bf16_direct:
        key = (name, kind, dtype, result, params_key(params))
        if size >= _small.TABLE_MIN or _small.has_table(key) or dtype.itemsize == 1:
            values = _small.table(key, dtype, lambda c: _reference(math, xp, params, work, result, c))
            return _small.lookup(values, dtype.itemsize), 1.0
    if direct is None:
        return _generic(math, xp, params, work), cost  # it casts as the reference does
    return _with_casts(direct, dtype, work, result), cost


def _working(xp, spec, x_dtype: np.dtype, result: np.dtype) -> np.dtype:
    """The reference's working dtype (the core's policy): the fast path computes in the same one."""
    if result.kind in "iu":
        return x_dtype
    return np.dtype(working_dtype(xp, result, wide=spec.rounds_once))


def _reference(math, xp, params, work, result, x):
    """The reference pipeline of ``_apply``: cast to the working dtype, the math, cast to the result."""
    return np.asarray(math(x.astype(work, copy=False), xp, **params)).astype(result, copy=False)


def _flat(x: np.ndarray, target: np.ndarray):
    """1-d views of ``x`` and ``target`` in one common memory order, or ``None``.

    ``None`` also where a kernel could not take them as they are: an element not aligned to its
    size, or a byte order other than the machine's.
    """
    xf, tf = x.flags, target.flags
    if not (xf.aligned and tf.aligned and x.dtype.isnative and target.dtype.isnative):
        return None
    if x.ndim == 1 and xf.contiguous and tf.contiguous:
        return x, target
    for order, flag in (("C", "C_CONTIGUOUS"), ("F", "F_CONTIGUOUS")):
        if xf[flag] and tf[flag]:
            return x.reshape(-1, order=order), target.reshape(-1, order=order)
    return None


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def _native(dtype: np.dtype) -> np.dtype:
    return dtype if dtype.isnative else dtype.newbyteorder("=")


def _plain(a):
    """An ``np.memmap`` (an ndarray over a file) as a plain ndarray view; other types are not ours."""
    return a.view(np.ndarray) if type(a) is np.memmap else a


def apply(spec, kind: str, math, xp, x, params: dict, result, out=None):
    """``math`` (``spec``'s forward or derivative) of NumPy ``x`` into ``out`` or a new array.

    Any layout: contiguous, aligned, native-order memory is computed where it lies (``out`` may be
    ``x``); anything else (strided, unaligned, byte-swapped, overlapping ``x`` in another way) goes
    through contiguous copies. Returns ``None`` when there is no fast path for this call.
    """
    x = _plain(x)
    if type(x) is not np.ndarray:
        return None
    result = np.dtype(result)
    target = np.empty_like(x, dtype=result) if out is None else _plain(out)
    flat = _flat(x, target)
    overlap = out is not None and np.may_share_memory(x, target)
    same = overlap and flat is not None and _address(flat[0]) == _address(flat[1])
    same = same and x.dtype.itemsize == result.itemsize
    if flat is None or (overlap and not same):
        flat = None  # strided, or overlapping in a way blocks could corrupt: work on contiguous copies
    chosen = _choose(spec, kind, math, xp, _native(x.dtype), x.size, params, _native(result), aliased=same)
    if chosen is None:
        return None
    kernel, cost = chosen
    # The compiled kernels raise no NumPy warnings; the ufunc ones would, from discarded branches.
    with contextlib.nullcontext() if getattr(kernel, "whole", False) else quiet_floating_point(xp):
        if flat is not None:
            _parallel.run(kernel, *flat, cost=cost)
            return target if out is None else out
        xc = np.array(x, dtype=_native(x.dtype), order="C", copy=True)
        yc = np.empty(x.shape, _native(result))
        _parallel.run(kernel, xc.reshape(-1), yc.reshape(-1), cost=cost)
    np.copyto(target, yc)
    return target if out is None else out


def plan(spec, kind: str, math, xp, params: dict, dtype):
    """``run(x)``: ``apply`` for one (activation, kind, parameters, dtype), chosen once and kept.

    For callers that apply the same activation again and again (a torch module), where choosing
    the kernel again each call would cost more than computing 64 elements. ``run`` takes a
    C-contiguous, aligned, native-order ``dtype`` array (anything else: ``None``, use ``apply``)
    and returns a new array of ``dtype`` (or writes into ``out``, C-contiguous, not overlapping
    ``x``), the same bits as ``apply``'s. ``params`` are resolved and
    cast as ``apply`` takes them; ``dtype`` is float32 or float64 (the result dtype is ``dtype``).
    Returns ``None`` where ``apply`` has no fast path for these parameters.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64) or not _blockwise(spec, params):
        return None
    chosen = {}  # (kernel, cost), once per stream setting

    def kernel(stream_bytes: bool):
        if stream_bytes not in chosen:  # asked once per setting
            size = _compiled.STREAM_MIN_BYTES // dtype.itemsize if stream_bytes else 0
            chosen[stream_bytes] = _choose(spec, kind, math, xp, dtype, size, params, dtype, aliased=False)
        return chosen[stream_bytes]

    def run(x: np.ndarray, out=None):
        if type(x) is not np.ndarray or x.dtype != dtype:
            return None
        flags = x.flags
        if not (flags.c_contiguous and flags.aligned):
            return None
        if out is None:
            y = np.empty_like(x)
        elif (
            type(out) is np.ndarray and (out.dtype, out.shape) == (dtype, x.shape) and out.flags.c_contiguous
        ):
            y = out  # written over; it must not overlap x (the caller's promise)
        else:
            return None
        compiled, cost = kernel(x.nbytes >= _compiled.STREAM_MIN_BYTES)
        flat_x, flat_y = (x, y) if x.ndim == 1 else (x.reshape(-1), y.reshape(-1))
        if not getattr(compiled, "whole", False):
            with quiet_floating_point(xp):
                _parallel.run(compiled, flat_x, flat_y, cost=cost)
        elif x.size * cost < 2 * _parallel.PARALLEL_MIN:  # one thread: no need to ask how many
            compiled(flat_x, flat_y, None)
        else:
            _parallel.run(compiled, flat_x, flat_y, cost=cost)
        return y

    return run if kernel(False) is not None else None
