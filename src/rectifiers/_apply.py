"""What every public function does with its spec: resolve the namespace, apply the dtype policy,
validate the parameters, and call the spec's math once (the functions themselves are generated
source in ``_api``, from ``_public``).

NumPy arrays take the fast path (``_fast``), which computes the same bits faster; ``fast=False``
keeps a call on the reference math, so the tests can compare the two.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _fast
from ._dtypes import (
    FLOATS,
    cast_parameter,
    check_real,
    dtype_name,
    float32_math,
    float_dtype_for,
    is_integer,
    working_dtype,
)
from ._namespace import (
    _NUMPY,
    as_array,
    as_result,
    device,
    differentiated_in_torch,
    from_numpy_view,
    from_output,
    fused,
    jax_jit,
    library,
    name_scope,
    not_for_autograph,
    numpy_view,
    output_differentiated_in_torch,
    quiet_floating_point,
    traced,
    unmask,
)
from ._spec import REGISTRY, REQUIRED, ActivationSpec, call_name, get, params_key


def _check_out(function: str, xp, x, result, out):
    """Refuse an ``out`` the result cannot be written into as it is (never cast, never broadcast)."""
    lib = library(xp)
    if lib != "numpy":
        raise TypeError(
            f"rectifiers.{function}: out= takes NumPy arrays only; for {lib} arrays use the returned "
            f"array. Received: x from {lib}"
        )
    if not isinstance(out, np.ndarray) or isinstance(out, np.ma.MaskedArray):  # np.memmap is welcome
        raise TypeError(
            f"rectifiers.{function}: out must be a NumPy array (a masked array's mask would not be "
            f"written). Received: out of type {type(out).__name__}"
        )
    if out.shape != x.shape:
        raise ValueError(
            f"rectifiers.{function}: out must have x's shape {x.shape}. Received: out of shape {out.shape}"
        )
    if out.dtype != result and out.dtype.newbyteorder("=") != result:  # it is written by value
        raise TypeError(
            f"rectifiers.{function}: out must have the result dtype {np.dtype(result)} (either byte order). "
            f"Received: out of dtype {out.dtype}"
        )
    if not out.flags.writeable:
        raise ValueError(f"rectifiers.{function}: out must be writeable. Received: a read-only out")


def _masked(spec: ActivationSpec, x, out):
    """``(data, mask)`` of a NumPy masked array, which keeps its mask as NumPy's ufuncs keep it."""
    data, mask = unmask(x)
    if mask is not None and not spec.elementwise:
        raise TypeError(
            f"rectifiers.{spec.name} does not take masked arrays: the masked entries would enter the "
            f"result. Received: x of type {type(x).__name__}; pass x.data"
            + (", where=~x.mask" if any(p.name == "where" for p in spec.params) else "")
        )
    if mask is not None and out is not None:
        raise TypeError(
            f"rectifiers.{spec.name}: out= takes plain arrays, and x is masked: use the returned masked "
            f"array. Received: x of type {type(x).__name__}"
        )
    return data, mask


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def read_numbers(spec: ActivationSpec, resolved: dict) -> dict:
    """A 0-d array hyperparameter (a tensor slope) as the number it holds, checked as a Python
    number is (finite), where the call is concrete and takes numbers: for a NumPy ``x`` (the fast
    path), and in the torch binding (ATen takes a number, as torch.nn.functional does). Learned
    parameters (prelu's alpha) stay arrays: a gradient may flow to them."""
    for p in spec.params:
        value = resolved[p.name]
        if not p.hyper or p.init is not None or isinstance(value, numbers.Real):
            continue
        if getattr(value, "shape", None) != ():
            continue
        item = getattr(value, "item", None)
        value = item() if callable(item) else np.asarray(value).item()
        p.validate(value, spec.name)
        resolved[p.name] = value
    return resolved


def _cast_parameters(spec: ActivationSpec, resolved: dict, work, x_dtype) -> dict:
    """The real hyperparameters as the math takes them (``_dtypes.cast_parameter``: one rule)."""
    for p in spec.params:
        value = resolved[p.name]
        if type(value) is float and -_FLOAT32_MAX <= value <= _FLOAT32_MAX:
            continue  # the common case, as it is: a Python float that fits every working dtype
        if p.hyper and isinstance(value, numbers.Real) and not isinstance(value, bool):
            resolved[p.name] = cast_parameter(value, work, x_dtype, function=spec.name, name=p.name)
    return resolved


def _plain(params: dict) -> bool:
    """Whether every parameter is a Python number, bool, str or None (no tensor of slopes)."""
    return all(type(v) in (int, float, bool, str, type(None)) for v in params.values())


def _node(spec: ActivationSpec, params: dict, name, keep_integers: bool):
    """``differentiated_in_torch``'s arguments after ``x`` for a forward call with plain
    ``params``: ``(planned, value, derivative, slope)``; ``None`` where the activation has no
    derivative or the call draws random slopes (those differentiate as written)."""
    resolved = spec.resolve(**params)
    if spec.derivative is None or spec.stochastic(resolved):
        return None
    return (
        (lambda v, kind: planned(spec, kind, v, params)) if name is None else (lambda v, kind: None),
        lambda v: _run(spec, "forward", v, params, name, keep_integers),
        lambda v, graph: derivative_of(spec, _in_working_dtype(v), params, fast=not graph),
        spec.single_slope(resolved) if spec.single_slope is not None else None,
    )


def applier(spec: ActivationSpec, params: dict):
    """``lambda x: evaluate(spec, x, params)`` for calls that repeat (a layer's each step): what
    ``evaluate`` decides from ``params`` alone (the torch autograd node's arguments) is decided
    once, at the first call, not at every call."""
    node = []  # [the node's arguments, or None], once decided

    @not_for_autograph
    def apply(x):
        if type(x) is not np.ndarray:
            if not node:
                node.append(
                    _node(spec, params, None, spec.keeps_integers)
                    if spec.elementwise and _plain(params)
                    else None
                )
            y = None if node[0] is None else differentiated_in_torch(x, *node[0])
            if y is not None:
                return y
        return evaluate(spec, x, params)

    return apply


def _run(spec: ActivationSpec, kind: str, x, params: dict, name, keep_integers: bool, out=None, fast=True):
    math = spec.forward if kind == "forward" else spec.derivative
    x, mask = (x, None) if type(x) is np.ndarray else _masked(spec, x, out)
    if mask is not None:
        y = _run(spec, kind, x, params, name, keep_integers, fast=fast)
        return np.ma.masked_array(y, mask=mask.copy())
    plain = fast and out is None and spec.elementwise and _plain(params)
    forward = plain and kind == "forward" and type(x) is not np.ndarray
    node = _node(spec, params, name, keep_integers) if forward else None
    if node is not None:
        y = differentiated_in_torch(x, *node)  # a torch tensor that needs a gradient: one autograd node
        if y is not None:
            return y
    if (
        fast
        and out is None
        and kind == "forward"
        and spec.output_jvp is not None
        and type(x) is not np.ndarray
    ):
        y = output_differentiated_in_torch(  # softmax on a torch tensor that needs a gradient
            x,
            lambda v: _run(spec, "forward", v, params, name, keep_integers),
            lambda y, dy: spec.output_jvp(
                _in_working_dtype(y), _in_working_dtype(dy), as_array(y)[0], **spec.resolve(**params)
            ),
        )
        if y is not None:
            return y
    rows = fast and out is None and spec.family == "softmax" and _plain(params)  # _fast: float32 rows
    view = numpy_view(x) if plain or rows else None
    if view is not None and not spec.stochastic(spec.resolve(**params)):  # (random draws: torch's own)
        # a CPU torch tensor: the NumPy fast path on its memory, the NumPy reference's bits, inside
        # the tensor's library's naming scope (torch's record_function) when a name is given
        if name is None:
            return from_numpy_view(x, _run(spec, kind, view, params, name, keep_integers, fast=fast))
        call_name(spec.name, name)
        with name_scope(as_array(x)[0], name):
            return from_numpy_view(x, _run(spec, kind, view, params, name, keep_integers, fast=fast))
    xp, x = as_array(x)
    dtype = check_real(x, spec.name)
    resolved = spec.resolve(**params)
    call_name(spec.name, name)
    integers = keep_integers and is_integer(dtype)
    result = x.dtype if integers else float_dtype_for(xp, x.dtype, device(xp, x))
    if isinstance(result, np.dtype) and not result.isnative:  # ">f4" in, native order out, as NumPy's ufuncs
        result = result.newbyteorder("=")

    # float32 arithmetic alone where the dtype policy says so (spec.float32: within 1 ulp too);
    # "compiled": what _namespace.fused makes one XLA unit of (plain numbers, that fit float32:
    # a larger alpha keeps the float64 pass that takes it, as eagerly)
    narrow = (
        spec.float32 is not None
        and not integers
        and float32_math(
            xp,
            result,
            compiled=traced(xp, x)
            and all(type(v) in (float, int) and abs(v) <= _FLOAT32_MAX for v in resolved.values()),
            faster=spec.float32_compiled,
            device=device(xp, x),
        )
    )
    if narrow:
        math = spec.float32[kind != "forward"]
    derivative = spec.float32[1] if narrow else spec.derivative

    def work():
        if integers:
            return x.dtype
        return (
            xp.float32 if narrow else working_dtype(xp, result, wide=spec.rounds_once, device=device(xp, x))
        )

    if not all(type(v) is float for v in resolved.values()) and library(xp) == "numpy":
        resolved = read_numbers(spec, resolved)  # a tensor slope for NumPy x: its number
    resolved = _cast_parameters(spec, resolved, work, x.dtype)
    if out is not None:
        _check_out(spec.name, xp, x, result, out)

    def compute(x, params):
        if not integers:
            x = xp.astype(x, work(), copy=False)
        return xp.astype(math(x, xp, **params), result, copy=False)  # integers too: ">u2" in, native out

    if fast and spec.elementwise and library(xp) == "numpy":
        y = _fast.numpy_apply(spec, kind, math, xp, x, resolved, result, out)  # quiets NumPy itself
        if y is not None:
            return y
    if fast and spec.family == "softmax" and library(xp) == "numpy":
        y = _fast.numpy_softmax(x, resolved, result, lambda rows: compute(rows, {**resolved, "axis": -1}))
        if y is not None:
            return y

    with name_scope(xp, name), quiet_floating_point(xp):
        y = None
        if kind == "forward" and spec.output_jvp is not None and dtype_name(x.dtype) in FLOATS:
            y = _differentiated_from_output(spec, xp, x, resolved, compute)  # None: nothing traces
        if y is None:
            # where the library traces: one compiled unit, the spec's derivative as its gradient
            # (None for softmax, whose derivative is not elementwise, and where nothing traces)
            y = (
                None
                if integers or kind != "forward"
                else fused(xp, x, math, derivative, resolved, work(), result, spec)
            )
            if y is None and narrow and library(xp) == "jax":
                y = jax_jit(xp, x, math, resolved, work(), result)  # concrete: one unit, not 100 ops
            y = compute(x, resolved) if y is None else xp.astype(y, result, copy=False)
    if out is None:
        return as_result(xp, y)
    out[...] = y
    return out


#: ``prepared`` float32 plans per (activation, kind, parameters), the kernel chosen once: for calls
#: that repeat (a layer's each step, a torch module's), where choosing it again cost more than 64
#: elements. Bounded: a sweep over many parameters keeps the newest.
_PLANS: dict = {}
_PLAN_LIMIT = 1024


def kept_plan(spec: ActivationSpec, kind: str, params: dict):
    """``prepared(spec, kind, params, float32)``, kept per ``params_key`` (-0.0 is not 0.0)."""
    key = (spec.name, kind, params_key(params))
    plan = _PLANS.get(key, _PLANS)
    if plan is _PLANS:
        if len(_PLANS) >= _PLAN_LIMIT:
            _PLANS.clear()
        plan = _PLANS[key] = prepared(spec, kind, params, np.float32)
    return plan


def planned(spec: ActivationSpec, kind: str, x, params: dict):
    """``evaluate``'s (or ``derivative_of``'s) bits for a C-contiguous CPU float32 torch ``x`` from
    a kept plan, skipping the per-call dispatch; ``None`` where no plan takes ``x``."""
    view = numpy_view(x)
    if view is None:
        return None
    plan = kept_plan(spec, kind, params)
    y = None if plan is None else plan(view)
    return None if y is None else from_numpy_view(x, y)


def _in_working_dtype(x):
    """``x`` in the dtype the math runs in (float32 for the 16-bit floats): a gradient ``g * f'(x)``
    of a float16 ``x`` is then rounded once, as the math's own is."""
    xp, x = as_array(x)
    return xp.astype(x, working_dtype(xp, x.dtype), copy=False)


def prepared(spec: ActivationSpec, kind: str, params: dict, dtype):
    """``_fast.plan`` for C-contiguous NumPy arrays of ``dtype`` (float32 or float64): ``run(x)``
    gives ``evaluate``'s (or ``derivative_of``'s) bits, the parameters resolved and cast once here.
    ``None`` where the fast path does not take these parameters."""
    dtype = np.dtype(dtype)
    math = spec.forward if kind == "forward" else spec.derivative
    return _fast.plan(spec, kind, math, _NUMPY, _prepared_params(spec, params, dtype), dtype)


def prepared_at_addresses(spec: ActivationSpec, kind: str, params: dict):
    """``_fast.at_addresses`` for float32 memory at raw addresses (a small torch tensor's): the
    compiled exp-family kernel, the parameters resolved and cast once here as ``prepared``'s."""
    return _fast.at_addresses(spec, kind, _prepared_params(spec, params, np.dtype(np.float32)))


def _prepared_params(spec: ActivationSpec, params: dict, dtype: np.dtype) -> dict:
    resolved = spec.resolve(**params)
    work = working_dtype(_NUMPY, dtype, wide=spec.rounds_once)
    return _cast_parameters(spec, resolved, lambda: work, dtype)


def _differentiated_from_output(spec: ActivationSpec, xp, x, resolved: dict, compute):
    """``compute(x, resolved)`` differentiated by ``spec.output_jvp`` from its output, where the
    library has a way (``_namespace.from_output``: a JAX ``custom_jvp``; in a TensorFlow graph, two
    XLA kernels); ``None`` elsewhere."""
    arrays = {k: v for k, v in resolved.items() if hasattr(v, "dtype")}  # where=: arguments, not constants
    fixed = {k: v for k, v in resolved.items() if k not in arrays}
    return from_output(
        xp,
        lambda v, given: compute(v, {**fixed, **given}),
        lambda y, dy, given: spec.output_jvp(y, dy, xp, **fixed, **given),
        x,
        arrays,
        key=(spec.name, params_key({k: tuple(v) if isinstance(v, list) else v for k, v in fixed.items()})),
    )


@not_for_autograph
def evaluate(spec: ActivationSpec, x, params: dict, name=None, out=None, *, fast=True):
    """``spec`` applied to ``x`` with ``params`` (defaults filled in, validated), into ``out`` if given."""
    return _run(spec, "forward", x, params, name, spec.keeps_integers, out, fast)


@not_for_autograph
def derivative(name, x, /, *, out=None, **params):
    """The elementwise derivative f'(x) of the activation ``name``, following the kink rule.

    ``x > 0`` strictly selects the positive branch, so relu'(0) = 0, leaky_relu'(0) = alpha,
    elu'(0) = alpha and relu6'(6) = 0; NaN is not > 0. The result is a float array (the
    activation's float dtype for ``x``); ``out=`` writes it into a NumPy array, as the
    activations do.

    >>> import numpy as np, rectifiers as rf
    >>> rf.derivative("leaky_relu", np.array([-1.0, 0.0, 2.0]), alpha=0.1)
    array([0.1, 0.1, 1. ])
    >>> rf.derivative("relu6", np.array([0.0, 3.0, 6.0]))
    array([0., 1., 0.])
    """
    spec = get(name)
    if not spec.elementwise:
        raise ValueError(
            f"rectifiers.derivative takes elementwise activations; {spec.name} is not elementwise "
            f"(its derivative is a Jacobian). Received: name={name!r}. Accepted: "
            f"{', '.join(n for n, s in REGISTRY.items() if s.elementwise)}."
        )
    return derivative_of(spec, x, params, out=out)


def derivative_of(spec: ActivationSpec, x, params: dict, *, out=None, fast=True):
    """``derivative`` for a spec already checked to be elementwise; ``fast=False`` is the reference."""
    return _run(spec, "derivative", x, params, None, keep_integers=False, out=out, fast=fast)


@not_for_autograph
def call_by_name(name, x, /, **params):
    """``rectifiers.<name>(x, ...)`` with every parameter passed by name, positional-only ones
    (prelu's ``alpha``) included: what demos, docs and tests use to call any activation.

    >>> import numpy as np
    >>> call_by_name("prelu", np.array([-2.0]), alpha=0.25)
    array([-0.5])
    """
    spec = get(name)
    call = params.pop("name", None)
    out = params.pop("out", None) if spec.elementwise else None
    return evaluate(spec, x, params, call, out)


def args_section(spec: ActivationSpec) -> str:
    """The ``Args:`` section of ``spec``'s public function, from its parameters' docs."""
    lines = ["Args:", "    x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API)."]
    for p in spec.params:
        default = "" if p.default is REQUIRED else f" Default: ``{p.default!r}``."
        lines.append(f"    {p.name}: {p.doc}{default}")
    if spec.elementwise:
        lines.append(
            "    out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place)."
            " Default: ``None``."
        )
    lines.append("    name: a naming/profiling scope where the library has one; ignored elsewhere.")
    return "\n".join("    " + line for line in lines).lstrip()
