"""ActivationSpec and the registry: the one place that knows each activation's name,
parameters (defaults and validation), formula, derivative, properties and paper.

Everything else (the public functions, the bindings, tests, docs, CLI choices) enumerates
``REGISTRY``; nothing restates a default or a check.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any

from ._dtypes import REAL_DTYPES, dtype_name

REQUIRED = inspect.Parameter.empty


@dataclasses.dataclass(frozen=True)
class Param:
    """One parameter of an activation.

    ``check(value)`` returns ``None`` if the value is fine, else the exception to raise
    (``TypeError`` or ``ValueError``) with what is accepted as its message. ``kind`` is how it
    is passed in the functional API: ``"positional"`` (positional or keyword, after ``x``),
    ``"positional-only"`` or ``"keyword"``.
    """

    name: str
    default: Any = REQUIRED
    check: Callable[[Any], Exception | None] | None = None
    doc: str = ""
    kind: str = "positional"
    hyper: bool = True  # a hyperparameter a layer stores (False for call options such as seed)
    init: Any = None  # where the parameter is learned (prelu's alpha): the layers' initial value

    def validate(self, value, function: str):
        problem = self.check(value) if self.check is not None else None
        if problem is not None:
            raise type(problem)(
                f"rectifiers.{function}: {self.name} {problem}. Received: {self.name}={value!r}"
            )


@dataclasses.dataclass(frozen=True)
class Properties:
    """Shape properties textbooks argue about.

    bounded: the output is bounded on both sides. monotone: non-decreasing (for the default
    parameters). zero_centred: outputs take both signs, so a layer's mean can sit near zero.
    saturating: the gradient vanishes for large positive inputs.
    """

    bounded: bool
    monotone: bool
    zero_centred: bool
    saturating: bool


@dataclasses.dataclass(frozen=True)
class Reference:
    citation: str
    url: str


@dataclasses.dataclass(frozen=True)
class Draws:
    """How a stochastic activation draws (rrelu): while the parameter named ``mode`` is true (its
    ``training``), each element's slope below 0 comes from U(*bounds(params)), drawn by the
    generator that the parameter named ``seed`` gives (``_random.check_seed``'s values).

    Bindings read the roles here, not the names: a layer sets ``mode`` from its training flag and
    hands its seed to ``seed``; a backward pass draws from ``bounds`` again.
    """

    bounds: Callable[[dict], tuple[float, float]]
    seed: str = "seed"
    mode: str = "training"


@dataclasses.dataclass(frozen=True)
class ActivationSpec:
    """Everything the project knows about one activation.

    ``forward(x, xp, **params)`` and ``derivative(x, xp, **params)`` are the math, written once
    against the array API; they receive ``x`` already checked and in its working dtype, and the
    parameters already validated. ``derivative`` is ``None`` for activations that are not
    elementwise (softmax).
    """

    name: str
    forward: Callable
    derivative: Callable | None
    params: tuple[Param, ...]
    formula: str
    derivative_formula: str
    properties: Properties
    reference: Reference
    kinks: tuple[float, ...] = ()
    # f'(x) from y = f(x) alone, so a backward pass can keep the output instead of the input;
    # ``output_derivative_valid(params)`` says for which parameters that is exact.
    output_derivative: Callable | None = None
    output_derivative_valid: Callable[[dict], bool] = lambda params: True
    # Piecewise-linear activations: f'(x) depends on x only through one bit per element,
    # ``mask(x, xp)``, and ``mask_derivative(mask, like, xp, **params)`` is f' from that bit
    # (``like``: any array of the working dtype and shape; rrelu draws its slopes from it). A
    # backward pass can then keep 1 bit per element instead of a float copy.
    mask: Callable | None = None
    mask_derivative: Callable | None = None
    # The tangent from the output, ``output_jvp(y, dx, xp, **params)``, for activations that are
    # not elementwise (softmax's y * (dx - sum(y dx))): under JAX the public function is a
    # custom_jvp with it, so that reverse mode keeps the output alone (``_apply``). Its Jacobian
    # must be symmetric (softmax's diag(y) - y y^T): in a TensorFlow graph the same map is the
    # gradient (the vector-Jacobian product) of the compiled forward.
    output_jvp: Callable | None = None
    keeps_integers: bool = False
    rounds_once: bool = False  # computed in float64 where available, rounded once (see _dtypes)
    #: The same math in float32 arithmetic alone, ``(forward, derivative)`` with the signatures of
    #: the two above, each within 1 ulp of the reference rounded to float32 for every float32
    #: input (``_float32``, checked on all 2^32 by tests/exhaustive/float32_formulation.py).
    #: ``_dtypes.float32_math`` says where it replaces the float64 pass; ``float32_compiled``:
    #: whether it is faster than that pass in compiled code (XLA), so that float32 input
    #: computes with it there too.
    float32: tuple[Callable, Callable] | None = None
    float32_compiled: bool = False
    check: Callable[[dict], str | None] | None = None  # checks across parameters
    # What the fast paths and the bindings need to know, declared here so that none of them
    # branches on a name. Each is a fact about the math above; a new activation may leave all of
    # them at their defaults and is then computed by the reference math everywhere.
    #: The native kernel family that computes it (``_fast._compiled``, the torch binding's ATen
    #: tables, the bench): "relu", "relu6", "leaky" (x above 0, ``single_slope * x`` below, or a
    #: learned slope), "elu" (``exp_constants``), "sigmoid", "tanh", "softmax"; ``None``: none.
    family: str | None = None
    #: f(x) = x for x > 0 and ``slope * x`` for x <= 0 with one slope: ``single_slope(params)`` is
    #: that slope, or ``None`` for parameters that give no single one (random or array slopes).
    single_slope: Callable[[dict], Any] | None = None
    #: The elu family, f(x) = scale * x above 0 and scale * alpha * (e^x - 1) below:
    #: ``exp_constants(params)`` is ``(alpha, scale, scale * alpha)``, the product to full precision.
    exp_constants: Callable[[dict], tuple[float, float, float]] | None = None
    #: f' off the bit mask (it is 1 on it) where that is one number for ``params``, else ``None``.
    off_mask: Callable[[dict], Any] | None = None
    #: The bit mask (``mask``) as the open window ``low < x < high`` it is (``high`` NaN: no upper
    #: bound), for the kernels that pack or read it in one pass; ``None``: no such window.
    mask_window: tuple[float, float] | None = None
    #: How it draws random slopes (rrelu), or ``None``: it never draws (see :class:`Draws`).
    draws: Draws | None = None
    #: Whether a binding may offer ``inplace=True`` (prelu and softmax: no).
    in_place: bool = True
    #: Whether it calls exp, expm1 or tanh per element: compute-bound, not memory-bound.
    compute_bound: bool = False
    #: Whether f' from the output cancels digits (elu: y + alpha as y -> -alpha), so that a
    #: backward pass keeps the input unless the input is gone (in place).
    output_derivative_cancels: bool = False

    @property
    def learned(self) -> tuple[str, ...]:
        """The parameters a layer learns (those with an initial value): prelu's ``alpha``."""
        return tuple(p.name for p in self.params if p.init is not None)

    def stochastic(self, params: dict) -> bool:
        """Whether a call with ``params`` draws random numbers (rrelu in training)."""
        return self.draws is not None and bool(params[self.draws.mode])

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    @property
    def example_params(self) -> dict:
        """Defaults, with learnable parameters at their initial value: a valid call for demos and tests."""
        return {p.name: p.init if p.default is REQUIRED else p.default for p in self.params if p.hyper}

    @property
    def defaults(self) -> dict:
        """The hyperparameters with their defaults (required ones left out)."""
        return {p.name: p.default for p in self.params if p.hyper and p.default is not REQUIRED}

    def signature(self) -> inspect.Signature:
        """The functional API's signature: ``(x, /, <params>, *, out=None, name=None)``.

        ``out`` (a NumPy array to write the result into) exists for elementwise activations only.
        """
        kinds = {
            "positional-only": inspect.Parameter.POSITIONAL_ONLY,
            "positional": inspect.Parameter.POSITIONAL_OR_KEYWORD,
            "keyword": inspect.Parameter.KEYWORD_ONLY,
        }
        parameters = [inspect.Parameter("x", inspect.Parameter.POSITIONAL_ONLY)]
        parameters += [inspect.Parameter(p.name, kinds[p.kind], default=p.default) for p in self.params]
        if self.elementwise:
            parameters.append(inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
        parameters.append(inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY, default=None))
        return inspect.Signature(parameters)

    def resolve(self, **params) -> dict:
        """Fill in defaults and validate; raise ``TypeError``/``ValueError`` naming what was received.

        >>> get("leaky_relu").resolve()
        {'alpha': 0.2}
        >>> get("rrelu").resolve(lower=0.5, upper=0.25)
        Traceback (most recent call last):
        ...
        ValueError: rectifiers.rrelu: lower must be <= upper. Received: lower=0.5, upper=0.25
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            accepted = ", ".join(known) or "none"
            raise TypeError(
                f"rectifiers.{self.name} got unexpected parameters {unknown}. "
                f"Accepted parameters: {accepted}."
            )
        resolved = {}
        for p in self.params:
            value = params.get(p.name, p.default)
            if value is REQUIRED:
                raise TypeError(f"rectifiers.{self.name} is missing its required parameter {p.name!r}.")
            p.validate(value, self.name)
            resolved[p.name] = value
        message = self.check(resolved) if self.check is not None else None
        if message is not None:
            raise ValueError(f"rectifiers.{self.name}: {message}")
        return resolved


REGISTRY: dict[str, ActivationSpec] = {}


def params_key(params: dict) -> tuple:
    """A cache key for parameters that tells apart what ``==`` does not: -0.0 and 0.0 (their
    results differ in sign), 0.1 and ``np.float64(0.1)``.

    >>> params_key({"alpha": -0.0}) == params_key({"alpha": 0.0})
    False
    """
    return tuple((name, type(value), repr(value)) for name, value in sorted(params.items()))


def register(spec: ActivationSpec) -> ActivationSpec:
    if spec.name in REGISTRY:
        raise ValueError(f"An activation named {spec.name!r} is already registered.")
    REGISTRY[spec.name] = spec
    return spec


def get(name: str) -> ActivationSpec:
    """The spec of the activation called ``name``.

    >>> get("elu").defaults
    {'alpha': 1.0}
    """
    if isinstance(name, ActivationSpec):
        return name
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown activation. Received: name={name!r}. Accepted: {', '.join(REGISTRY)}."
        ) from None


def names() -> tuple[str, ...]:
    """Every registered activation name, in registration order."""
    return tuple(REGISTRY)


# Validators: each returns None, or the exception that says what is accepted.


def finite_number(value) -> Exception | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return TypeError("must be a real number")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int beyond float64, such as 10**400
        return ValueError("must be finite and within the float64 range (|value| < 1.8e308)")
    if not finite:
        return ValueError("must be finite")
    return None


def finite_or_traced(value) -> Exception | None:
    """A finite real number, or a 0-d real array: a slope traced by ``jax.jit`` or ``tf.function``
    (or any tensor), whose value cannot be read, so only its shape and dtype are checked (a 0-d
    NumPy array is read: it is checked as the number it holds)."""
    if isinstance(value, numbers.Real) or value is None or isinstance(value, (str, bytes)):
        return finite_number(value)
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is None or dtype is None:
        return finite_number(value)
    if dtype_name(dtype) not in REAL_DTYPES:
        return TypeError(f"must be a real number or a 0-d real array, not of dtype {dtype_name(dtype)}")
    if getattr(shape, "rank", 0) is None or tuple(shape) != ():
        return ValueError("must be one number: a Python number or a 0-d array (shape ())")
    if type(value).__module__ == "numpy":
        return finite_number(value.item())
    return None


def unit_interval(value) -> Exception | None:
    problem = finite_number(value)
    if problem is None and not 0 <= value <= 1:
        return ValueError("must lie in [0, 1]")
    return problem


def integer(value) -> Exception | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return TypeError("must be an int")
    return None


def boolean(value) -> Exception | None:
    return None if isinstance(value, bool) else TypeError("must be True or False")


def call_name(function: str, name) -> None:
    """Refuse a ``name=`` (the call's naming/profiling scope) that is neither a str nor None."""
    if name is not None and not isinstance(name, str):
        raise TypeError(
            f"rectifiers.{function}: name must be a str (a naming/profiling scope) or None. "
            f"Received: name={name!r}"
        )
