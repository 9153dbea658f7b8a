"""From a spec to a public function: resolve the namespace, apply the dtype policy, validate
the parameters, and call the spec's math once."""

from __future__ import annotations

from ._dtypes import check_real, float_dtype_for, is_integer, working_dtype
from ._namespace import as_array, as_result, device, name_scope
from ._spec import REGISTRY, REQUIRED, ActivationSpec, get


def _run(spec: ActivationSpec, math, x, params: dict, name, keep_integers: bool):
    xp, x = as_array(x)
    dtype = check_real(x, spec.name)
    resolved = spec.resolve(**params)
    with name_scope(xp, name):
        if keep_integers and is_integer(dtype):
            return as_result(xp, math(x, xp, **resolved))
        where = device(xp, x)
        out = float_dtype_for(xp, x.dtype, where)
        work = working_dtype(xp, out, wide=spec.rounds_once, device=where)
        y = math(xp.astype(x, work, copy=False), xp, **resolved)
        return as_result(xp, xp.astype(y, out, copy=False))


def evaluate(spec: ActivationSpec, x, params: dict, name=None):
    """``spec`` applied to ``x`` with ``params`` (defaults filled in, validated)."""
    return _run(spec, spec.forward, x, params, name, spec.keeps_integers)


def derivative(name, x, /, **params):
    """The elementwise derivative f'(x) of the activation ``name``, following the kink rule.

    ``x > 0`` strictly selects the positive branch, so relu'(0) = 0, leaky_relu'(0) = alpha,
    elu'(0) = alpha and relu6'(6) = 0; NaN is not > 0. The result is a float array (the
    activation's float dtype for ``x``).

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
    return _run(spec, spec.derivative, x, params, None, keep_integers=False)


def _args_section(spec: ActivationSpec) -> str:
    lines = ["Args:", "    x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API)."]
    for p in spec.params:
        default = "" if p.default is REQUIRED else f" Default: ``{p.default!r}``."
        lines.append(f"    {p.name}: {p.doc}{default}")
    lines.append("    name: a naming/profiling scope where the library has one; ignored elsewhere.")
    return "\n".join("    " + line for line in lines).lstrip()


def public_function(spec: ActivationSpec, doc: str):
    """The functional API for ``spec``: its signature and defaults come from the spec."""
    signature = spec.signature()

    def function(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs).arguments
        x = arguments.pop("x")
        name = arguments.pop("name", None)
        return evaluate(spec, x, arguments, name)

    function.__name__ = function.__qualname__ = spec.name
    function.__module__ = __name__.rpartition(".")[0] + "._functional"
    function.__signature__ = signature
    function.__doc__ = doc.replace("{args}", _args_section(spec))
    return function
