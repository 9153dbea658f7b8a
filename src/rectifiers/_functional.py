r"""Every activation, written once against the array API.

Each function below is the math of one activation: it receives ``x`` already checked and in
its working dtype (see ``_dtypes``) and the parameters already validated. The decorator
registers its spec; the public function, whose signature and defaults come from that spec, is
generated source in ``_api`` (``_public`` writes it).

Two rules shape every formula:

* the kink: ``x > 0`` strictly selects the positive branch, so automatic differentiation
  through ``where`` gives relu'(0) = 0, leaky'(0) = alpha, elu'(0) = alpha, relu6'(6) = 0;
* NaN propagates forward, while its gradient follows the same rule (NaN is not > 0). That is
  why relu writes NaN as a constant (``where(x <= 0, 0, nan)``) instead of passing ``x``
  through, and why elu feeds ``expm1`` a ``where`` (the "double where"), so that the branch
  not taken cannot put ``inf * 0 = nan`` into the gradient.
"""

from __future__ import annotations

import math
import numbers

from . import _float32
from ._constants import SELU_ALPHA, SELU_SCALE, SELU_SCALE_ALPHA
from ._dtypes import REAL_DTYPES, dtype_name, is_integer, is_unsigned
from ._namespace import as_array, constant as _constant, device, scalar
from ._random import check_seed, uniform
from ._shapes import broadcasts_into, rank
from ._softmax import check_axis, check_where, output_jvp, softmax as _softmax
from ._spec import (
    ActivationSpec,
    Draws,
    Param,
    Properties,
    Reference,
    boolean,
    finite_number,
    finite_or_traced,
    register,
    unit_interval,
)


def activation(derivative=None, **fields):
    """Register the decorated math as an activation's spec and return the math unchanged.

    Its docstring (with ``{args}`` for the parameters) becomes the public function's, which
    ``_public`` generates from the spec into ``_api``."""

    def decorate(forward):
        register(ActivationSpec(name=forward.__name__, forward=forward, derivative=derivative, **fields))
        return forward

    return decorate


def _zero_or_nan(xp, x):
    """0 where ``x <= 0``, NaN where ``x`` is NaN (for integers, plain 0)."""
    zero = _constant(xp, x, 0)
    if is_integer(dtype_name(x.dtype)):
        return zero
    return xp.where(x <= 0, zero, _constant(xp, x, math.nan))


def _step(xp, x, low, high):
    """The derivative of a piece that is linear with slope 1: ``high`` where ``x > 0``, else ``low``."""
    return _from_mask(xp, x > 0, x, low, high)


def _relu_derivative(x, xp):
    return _step(xp, x, 0, 1)


def _positive(x, xp):
    """The bit that decides the derivative of relu, leaky_relu and rrelu: ``x > 0`` (NaN is not)."""
    return x > 0


def _from_mask(xp, mask, like, low, high=1):
    """``high`` where ``mask``, else ``low`` (a number or an array), in ``like``'s dtype."""
    low = low if not isinstance(low, numbers.Real) else _constant(xp, like, low)
    return xp.where(mask, _constant(xp, like, high), low)


@activation(
    derivative=_relu_derivative,
    output_derivative=_relu_derivative,  # y > 0 exactly where x > 0
    mask=_positive,
    mask_window=(0.0, math.nan),
    mask_derivative=lambda mask, like, xp: _from_mask(xp, mask, like, 0),
    params=(),
    formula=r"\max(x, 0) = \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}",
    derivative_formula=r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    properties=Properties(bounded=False, monotone=True, zero_centred=False, saturating=False),
    reference=Reference(
        "Nair & Hinton 2010, Rectified Linear Units Improve Restricted Boltzmann Machines (ICML)",
        "https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf",
    ),
    kinks=(0.0,),
    keeps_integers=True,
    family="relu",
    single_slope=lambda params: 0.0,
    off_mask=lambda params: 0.0,
)
def relu(x, xp):
    r"""Rectified linear unit: :math:`\max(x, 0)`.

    relu(-0.0) is +0.0, NaN stays NaN, integers keep their dtype, and relu'(0) = 0.

    {args}

    Returns:
        an array of the same shape, dtype and library as ``x``.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.relu(np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32))
        array([1. , 0. , 3.4, 0. , 0. , 0. ], dtype=float32)
        >>> rf.relu(np.array([-3, 0, 7], dtype=np.int8))
        array([0, 0, 7], dtype=int8)
    """
    if is_unsigned(dtype_name(x.dtype)):
        return xp.asarray(x, copy=True)
    return xp.where(x > 0, x, _zero_or_nan(xp, x))


def _inside_relu6(x, xp):
    return (x > 0) & (x < 6)


def _relu6_derivative(x, xp):
    return _from_mask(xp, _inside_relu6(x, xp), x, 0)


@activation(
    derivative=_relu6_derivative,
    output_derivative=_relu6_derivative,  # 0 < y < 6 exactly where 0 < x < 6
    mask=_inside_relu6,
    mask_window=(0.0, 6.0),
    mask_derivative=lambda mask, like, xp: _from_mask(xp, mask, like, 0),
    params=(),
    formula=r"\min(\max(x, 0), 6)",
    derivative_formula=r"\begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}",
    properties=Properties(bounded=True, monotone=True, zero_centred=False, saturating=True),
    reference=Reference(
        "Krizhevsky 2010, Convolutional Deep Belief Networks on CIFAR-10",
        "https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf",
    ),
    kinks=(0.0, 6.0),
    keeps_integers=True,
    family="relu6",
    off_mask=lambda params: 0.0,
)
def relu6(x, xp):
    r"""ReLU capped at 6: :math:`\min(\max(x, 0), 6)`.

    relu6'(0) = relu6'(6) = 0; integers keep their dtype (unsigned ones included).

    {args}

    Returns:
        an array of the same shape, dtype and library as ``x``.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.relu6(np.array([-3.0, 0.1, 6.0, 8.0], dtype=np.float32))
        array([0. , 0.1, 6. , 6. ], dtype=float32)
        >>> rf.relu6(np.array([0, 5, 200], dtype=np.uint8))
        array([0, 5, 6], dtype=uint8)
    """
    six = _constant(xp, x, 6)
    if is_unsigned(dtype_name(x.dtype)):
        # Compared through a signed view: PyTorch has no ordering on its wide unsigned types,
        # and a value that wraps negative is >= 2**31, so it clips to 6 as it should.
        signed = xp.astype(x, xp.int64)
        return xp.where((signed >= 0) & (signed < 6), x, six)
    return xp.where(x > 0, xp.where(x < 6, x, six), _zero_or_nan(xp, x))


def _number(xp, x, value):
    """A Python number as it is (the array API rounds it to x's dtype); a 0-d array (a traced slope)
    in x's library, rounded to x's dtype, the same rounding."""
    if isinstance(value, numbers.Real):
        return scalar(xp, value)
    value_xp, value = as_array(value)
    if value_xp is not xp:
        value = xp.asarray(value, device=device(xp, x))
    return xp.astype(value, x.dtype, copy=False)


def _leaky_relu_derivative(x, xp, alpha):
    return _step(xp, x, _number(xp, x, alpha), 1)


_TRACED = (
    " A 0-d array works too (a value traced by jax.jit or tf.function, a tensor): only its shape and "
    "dtype can be checked, and it is rounded to the dtype x is computed in, as a Python number is."
)
_ALPHA_SLOPE = "the slope for x <= 0 (any finite real; alpha > 1 and alpha < 0 work as written)." + _TRACED

_LINEAR = Properties(bounded=False, monotone=True, zero_centred=True, saturating=False)
_LEAKY_FORMULA = r"\begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}"
_LEAKY_DERIVATIVE = r"\begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}"


@activation(
    derivative=_leaky_relu_derivative,
    output_derivative=_leaky_relu_derivative,  # for alpha >= 0, y > 0 exactly where x > 0
    output_derivative_valid=lambda params: params["alpha"] >= 0,
    mask=_positive,
    mask_window=(0.0, math.nan),
    mask_derivative=lambda mask, like, xp, alpha: _from_mask(xp, mask, like, _number(xp, like, alpha)),
    params=(Param("alpha", 0.2, finite_or_traced, _ALPHA_SLOPE),),
    formula=_LEAKY_FORMULA,
    derivative_formula=_LEAKY_DERIVATIVE,
    properties=_LINEAR,
    reference=Reference(
        "Maas, Hannun & Ng 2013, Rectifier Nonlinearities Improve Neural Network Acoustic Models",
        "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
    ),
    kinks=(0.0,),
    family="leaky",
    single_slope=lambda params: params["alpha"],
    off_mask=lambda params: params["alpha"],
)
def leaky_relu(x, xp, alpha):
    r"""Leaky ReLU: :math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise.

    For :math:`0 \le \alpha \le 1` it equals the branch-free
    :math:`\tfrac{1}{2}(1+\alpha)x + \tfrac{1}{2}(1-\alpha)|x|`, which costs several passes over
    memory; this select is one. leaky_relu'(0) = alpha. Integers return a float
    (see the dtype policy).

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> x = np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32)
        >>> rf.leaky_relu(x, alpha=0.01)
        array([ 1.   , -0.005,  3.4  , -0.021,  0.   , -0.065], dtype=float32)
        >>> rf.leaky_relu(x)  # float32(0.2) * -6.5 rounds to -1.3000001, as in every framework
        array([ 1.       , -0.1      ,  3.4      , -0.42     ,  0.       ,
               -1.3000001], dtype=float32)
    """
    return xp.where(x > 0, x, _number(xp, x, alpha) * x)


def _slope_array(x, xp, alpha):
    """``alpha`` as an array of ``x``'s library and working dtype that broadcasts against ``x``."""
    if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
        return scalar(xp, alpha)
    alpha_xp, alpha = as_array(alpha)
    name = dtype_name(alpha.dtype)
    if name not in REAL_DTYPES or not hasattr(alpha, "shape"):
        raise TypeError(
            f"rectifiers.prelu: alpha must be a real number or real array (of the dtypes "
            f"{', '.join(REAL_DTYPES)}). Received: alpha of dtype {name}"
        )
    if rank(x) is None:
        raise ValueError(
            "rectifiers.prelu: an array alpha needs x of known rank, to check that it broadcasts. "
            "Received: x of unknown rank (a tf.function traced with TensorSpec(shape=None)?)"
        )
    shape, alpha_shape = tuple(x.shape), tuple(alpha.shape)
    if not broadcasts_into(alpha_shape, shape):
        raise ValueError(
            f"rectifiers.prelu: alpha must broadcast against x without changing its shape. "
            f"Received: alpha of shape {alpha_shape} for x of shape {shape}"
        )
    if alpha_xp is not xp:  # a NumPy alpha for a torch x, say
        alpha = xp.asarray(alpha, device=device(xp, x))
    alpha = xp.astype(alpha, x.dtype, copy=False)
    finite = _concrete(xp.all(xp.isfinite(alpha)))
    if finite is False:
        raise ValueError("rectifiers.prelu: alpha must be finite. Received: an alpha with inf or nan")
    return alpha


def _concrete(value):
    """``bool(value)``, or ``None`` while tracing (``jax.jit``, ``tf.function``), where it is unknown."""
    try:
        return bool(value)
    except Exception:  # a tracer: the value is only known at run time
        return None


def _finite_or_array(value):
    if isinstance(value, numbers.Real):
        return finite_number(value)
    if value is None or isinstance(value, (str, bytes)):
        return TypeError("must be a real number or real array")
    return None  # arrays are checked against x when applied (_slope_array)


def _real(value):
    """``value`` if it is one real number (not a bool), else ``None`` (prelu's array of slopes)."""
    return value if isinstance(value, numbers.Real) and not isinstance(value, bool) else None


def _prelu_derivative(x, xp, alpha):
    return _step(xp, x, _slope_array(x, xp, alpha), 1)


@activation(
    derivative=_prelu_derivative,
    output_derivative=_prelu_derivative,  # valid where every slope is >= 0 (the caller checks)
    params=(
        Param(
            "alpha",
            check=_finite_or_array,
            doc="the learnable slope(s) for x <= 0: a float, or an array that broadcasts against x "
            "(per channel of NCHW input: shape (C, 1, 1)).",
            kind="positional-only",
            init=0.25,  # He et al. 2015
        ),
    ),
    formula=_LEAKY_FORMULA,
    derivative_formula=_LEAKY_DERIVATIVE,
    properties=_LINEAR,
    reference=Reference(
        "He, Zhang, Ren & Sun 2015, Delving Deep into Rectifiers: Surpassing Human-Level "
        "Performance on ImageNet Classification",
        "https://arxiv.org/abs/1502.01852",
    ),
    kinks=(0.0,),
    family="leaky",
    single_slope=lambda params: _real(params["alpha"]),
    in_place=False,  # PyTorch has no in-place prelu
)
def prelu(x, xp, alpha):
    r"""Parametric ReLU: leaky ReLU whose slope :math:`\alpha` is learned.

    ``alpha`` broadcasts against ``x`` (NumPy rules) and may not enlarge it. Gradients flow
    to ``alpha`` as well as to ``x``. prelu'(0) = alpha.

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> x = np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32)
        >>> rf.prelu(x, 0.25)
        array([ 1.   , -0.125,  3.4  , -0.525,  0.   , -1.625], dtype=float32)
        >>> rf.prelu(np.array([[-1.0], [-1.0]]), np.array([[0.1], [0.2]]))
        array([[-0.1],
               [-0.2]])
    """
    # alpha multiplies only the negative part, so that d/d alpha at x = +inf is 0, not 0 * inf = NaN
    return xp.where(x > 0, x, _slope_array(x, xp, alpha) * _negative_part(xp, x))


def rrelu_mean_slope(lower, upper):
    """rrelu's slope outside training: the mean of U(lower, upper)."""
    return (lower + upper) / 2


def _rrelu_single_slope(params):
    """rrelu's one slope: the mean outside training; in training each element draws its own."""
    return None if params["training"] else rrelu_mean_slope(params["lower"], params["upper"])


def _rrelu_slope(x, xp, lower, upper, training, seed):
    if not training:
        return rrelu_mean_slope(lower, upper)
    return uniform(xp, x, lower, upper, seed)


def _rrelu_derivative(x, xp, lower, upper, training, seed):
    return _step(xp, x, _rrelu_slope(x, xp, lower, upper, training, seed), 1)


def _ordered_bounds(params) -> str | None:
    lower, upper = params["lower"], params["upper"]
    if isinstance(lower, numbers.Real) and isinstance(upper, numbers.Real):
        lower, upper = float(lower), float(upper)  # exactly: np.float32(1/3) > 1/3, where NumPy says no
    if lower > upper:
        return f"lower must be <= upper. Received: lower={params['lower']!r}, upper={params['upper']!r}"
    return None


@activation(
    derivative=_rrelu_derivative,
    output_derivative=_rrelu_derivative,  # slopes lie in [0, 1], so y > 0 exactly where x > 0
    mask=_positive,
    mask_window=(0.0, math.nan),
    mask_derivative=lambda mask, like, xp, lower, upper, training, seed: _from_mask(
        xp, mask, like, _rrelu_slope(like, xp, lower, upper, training, seed)
    ),
    params=(
        Param("lower", 1 / 8, unit_interval, "the smallest random slope, in [0, 1]."),
        Param("upper", 1 / 3, unit_interval, "the largest random slope, in [lower, 1]."),
        Param(
            "training",
            False,
            boolean,
            "draw one slope per element (True) or use the mean slope (False).",
            kind="keyword",
            hyper=False,
        ),
        Param(
            "seed",
            None,
            check_seed,
            "an int in [0, 2**63) (the same slopes on every call), None (fresh slopes; under jax.jit "
            "or vmap pass a key instead), or the library's generator: numpy.random.Generator, "
            "torch.Generator, a JAX key, tf.random.Generator.",
            kind="keyword",
            hyper=False,
        ),
    ),
    check=_ordered_bounds,
    formula=r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases},"
    r"\quad a \sim U(l, u) \text{ in training},\ a = \tfrac{l+u}{2} \text{ otherwise}",
    derivative_formula=r"\begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}",
    properties=_LINEAR,
    reference=Reference(
        "Xu, Wang, Chen & Li 2015, Empirical Evaluation of Rectified Activations in Convolutional Network",
        "https://arxiv.org/abs/1505.00853",
    ),
    kinks=(0.0,),
    family="leaky",
    single_slope=_rrelu_single_slope,
    off_mask=_rrelu_single_slope,
    draws=Draws(bounds=lambda params: (params["lower"], params["upper"]), seed="seed", mode="training"),
)
def rrelu(x, xp, lower, upper, training, seed):
    r"""Randomized leaky ReLU: a random slope per element in training, the mean slope otherwise.

    In training each element draws :math:`a \sim U(l, u)` (x = 0 included: its output is 0,
    its derivative is its slope); the same ``seed`` gives the same slopes on every call, so a
    backward pass can regenerate them. In evaluation the slope is :math:`(l + u) / 2`.

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.rrelu(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), 0.1, 0.2)
        array([-0.3 , -0.15,  0.  ,  1.  ,  2.  ])
        >>> y = rf.rrelu(np.full(4, -1.0), training=True, seed=0)
        >>> bool(np.all((-y >= 1 / 8) & (-y < 1 / 3)))
        True
    """
    return xp.where(x > 0, x, _rrelu_slope(x, xp, lower, upper, training, seed) * x)


_ELU_ALPHA = "the scale of the negative saturation, -alpha." + _TRACED


def _negative_part(xp, x):
    """``x`` where ``x <= 0`` (NaN included), 0 elsewhere: keeps exp/expm1 finite on the branch not taken."""
    return xp.where(x > 0, _constant(xp, x, 0), x)


def _elu_derivative(x, xp, alpha):
    return xp.where(x > 0, _constant(xp, x, 1), _number(xp, x, alpha) * xp.exp(_negative_part(xp, x)))


@activation(
    derivative=_elu_derivative,
    output_derivative=lambda y, xp, alpha: xp.where(y > 0, _constant(xp, y, 1), y + _number(xp, y, alpha)),
    output_derivative_valid=lambda params: params["alpha"] >= 0,
    params=(
        Param("alpha", 1.0, finite_or_traced, "the scale of the negative saturation, -alpha." + _TRACED),
    ),
    formula=r"\begin{cases} x & x > 0 \\ \alpha (e^x - 1) & x \le 0 \end{cases}",
    derivative_formula=r"\begin{cases} 1 & x > 0 \\ \alpha e^x & x \le 0 \end{cases}",
    rounds_once=True,
    properties=Properties(bounded=False, monotone=True, zero_centred=True, saturating=False),
    reference=Reference(
        "Clevert, Unterthiner & Hochreiter 2015, Fast and Accurate Deep Network Learning by "
        "Exponential Linear Units (ELUs)",
        "https://arxiv.org/abs/1511.07289",
    ),
    kinks=(0.0,),
    family="elu",
    exp_constants=lambda params: (params["alpha"], 1.0, params["alpha"]),
    float32=(
        lambda x, xp, alpha: _float32.elu(x, xp, _number(xp, x, alpha)),
        lambda x, xp, alpha: _float32.elu_derivative(x, xp, _number(xp, x, alpha)),
    ),
    float32_compiled=True,
    compute_bound=True,
    output_derivative_cancels=True,
)
def elu(x, xp, alpha):
    r"""Exponential linear unit: :math:`x` for :math:`x > 0`, :math:`\alpha(e^x - 1)` otherwise.

    Computed with ``expm1`` and a double ``where``: elu(+inf) = +inf with a finite gradient,
    elu'(0) = alpha.

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.elu(np.array([1.0, -0.5, 0.0, -6.5], dtype=np.float32))
        array([ 1.        , -0.39346933,  0.        , -0.99849653], dtype=float32)
    """
    return xp.where(x > 0, x, _number(xp, x, alpha) * xp.expm1(_negative_part(xp, x)))


def _selu_derivative(x, xp):
    return xp.where(x > 0, _constant(xp, x, SELU_SCALE), SELU_SCALE_ALPHA * xp.exp(_negative_part(xp, x)))


@activation(
    derivative=_selu_derivative,
    output_derivative=lambda y, xp: xp.where(y > 0, _constant(xp, y, SELU_SCALE), y + SELU_SCALE_ALPHA),
    params=(),
    formula=r"\lambda \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & x \le 0 \end{cases},"
    r"\quad \lambda \approx 1.0507,\ \alpha \approx 1.6733",
    derivative_formula=r"\lambda \begin{cases} 1 & x > 0 \\ \alpha e^x & x \le 0 \end{cases}",
    rounds_once=True,
    properties=Properties(bounded=False, monotone=True, zero_centred=True, saturating=False),
    reference=Reference(
        "Klambauer, Unterthiner, Mayr & Hochreiter 2017, Self-Normalizing Neural Networks",
        "https://arxiv.org/abs/1706.02515",
    ),
    kinks=(0.0,),
    family="elu",
    exp_constants=lambda params: (SELU_ALPHA, SELU_SCALE, SELU_SCALE_ALPHA),
    float32=(
        lambda x, xp: _float32.selu(x, xp, SELU_SCALE, SELU_SCALE_ALPHA),
        lambda x, xp: _float32.elu_derivative(x, xp, SELU_SCALE_ALPHA, SELU_SCALE),
    ),
    float32_compiled=True,
    compute_bound=True,
    output_derivative_cancels=True,
)
def selu(x, xp):
    r"""Scaled exponential linear unit: :math:`\lambda\,\mathrm{elu}_\alpha(x)` with the fixed
    constants of Klambauer et al. (``SELU_SCALE``, ``SELU_ALPHA``).

    selu'(0) = lambda * alpha, as in PyTorch and JAX (TensorFlow gives lambda).

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.selu(np.array([1.0, -0.5, 0.0], dtype=np.float32))
        array([ 1.050701 , -0.6917582,  0.       ], dtype=float32)
    """
    return xp.where(x > 0, SELU_SCALE * x, SELU_SCALE_ALPHA * xp.expm1(_negative_part(xp, x)))


def _exp_minus_abs(xp, x):
    """exp(-|x|): never overflows. -|x| is written with where so that its derivative at 0 is right."""
    return xp.exp(xp.where(x >= 0, -x, x))


def _sigmoid_derivative(x, xp):
    # e / (1 + e)^2 with e = exp(-|x|): sigma * (1 - sigma) without its cancellation for large x
    e = _exp_minus_abs(xp, x)
    return e / ((1 + e) * (1 + e))


def sigmoid_math(x, xp):
    # 1 / (1 + e) for x >= 0, e / (1 + e) below: one division, the numerator chosen
    e = _exp_minus_abs(xp, x)
    return xp.where(x >= 0, _constant(xp, e, 1), e) / (1 + e)


_SATURATING = Properties(bounded=True, monotone=True, zero_centred=False, saturating=True)


@activation(
    derivative=_sigmoid_derivative,
    output_derivative=lambda y, xp: y * (1 - y),
    params=(),
    formula=r"\frac{1}{1 + e^{-x}}",
    derivative_formula=r"\sigma(x)\,(1 - \sigma(x))",
    rounds_once=True,
    properties=_SATURATING,
    reference=Reference(
        "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp", "https://doi.org/10.1007/3-540-49430-8_2"
    ),
    family="sigmoid",
    float32=(_float32.sigmoid, _float32.sigmoid_derivative),
    compute_bound=True,
)
def sigmoid(x, xp):
    r"""Logistic sigmoid :math:`1 / (1 + e^{-x})`, evaluated without overflow for any x.

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.sigmoid(np.array([0.0, 1.0, -20.0], dtype=np.float32))
        array([5.0000000e-01, 7.3105860e-01, 2.0611537e-09], dtype=float32)
    """
    return sigmoid_math(x, xp)


def _tanh_derivative(x, xp):
    # sech^2 x = (2e / (1 + e^2))^2 with e = exp(-|x|): 1 - tanh^2 x without its cancellation
    e = _exp_minus_abs(xp, x)
    sech = 2 * e / (1 + e * e)
    return sech * sech


@activation(
    derivative=_tanh_derivative,
    output_derivative=lambda y, xp: 1 - y * y,
    params=(),
    formula=r"\tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}}",
    derivative_formula=r"1 - \tanh^2 x",
    rounds_once=True,
    properties=Properties(bounded=True, monotone=True, zero_centred=True, saturating=True),
    reference=Reference(
        "LeCun, Bottou, Orr & Müller 1998, Efficient BackProp", "https://doi.org/10.1007/3-540-49430-8_2"
    ),
    family="tanh",
    float32=(_float32.tanh, _float32.tanh_derivative),
    compute_bound=True,
)
def tanh(x, xp):
    r"""Hyperbolic tangent, the zero-centred saturating baseline.

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.tanh(np.array([0.0, 1.0, -20.0], dtype=np.float32))
        array([ 0.       ,  0.7615942, -1.       ], dtype=float32)
    """
    return xp.tanh(x)


@activation(
    params=(
        Param(
            "axis",
            -1,
            check_axis,
            "the axis, or tuple of axes, the probabilities sum to 1 over (a tuple: the joint slice).",
        ),
        Param(
            "where",
            None,
            check_where,
            "None, or a boolean array that broadcasts against x: True keeps a position; a masked "
            "one gives 0 and passes no gradient, and a row with every position masked gives zeros "
            "(jax.nn.softmax's where).",
            kind="keyword",
            hyper=False,
        ),
    ),
    formula=r"\frac{e^{x_i - \max_j x_j}}{\sum_k e^{x_k - \max_j x_j}}",
    derivative_formula=r"\frac{\partial y_i}{\partial x_j} = y_i (\delta_{ij} - y_j)",
    output_jvp=output_jvp,
    rounds_once=True,
    properties=_SATURATING,
    reference=Reference(
        "Bridle 1990, Probabilistic Interpretation of Feedforward Classification Network Outputs",
        "https://doi.org/10.1007/978-3-642-76153-9_28",
    ),
    family="softmax",
    in_place=False,
)
def softmax(x, xp, axis, where):
    r"""Softmax over ``axis`` (one axis, or a tuple of axes normalised jointly), shifted by the
    maximum so that finite input never overflows.

    A 0-d input is one element (its softmax is 1); +inf gives NaN, as in PyTorch and JAX.
    ``where`` masks positions out, as ``jax.nn.softmax``'s: they give 0, a row with none kept
    gives zeros, and their input (inf or NaN included) reaches neither the result nor the
    gradient. Under JAX the backward pass keeps the output alone (a ``custom_jvp``).

    {args}

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.softmax(np.array([-1.0, 0.0, 1.0], dtype=np.float32))
        array([0.09003057, 0.24472848, 0.66524094], dtype=float32)
        >>> rf.softmax(np.array([1000.0, 1000.0]))
        array([0.5, 0.5])
        >>> rf.softmax(np.zeros((2, 2)), axis=(0, 1))
        array([[0.25, 0.25],
               [0.25, 0.25]])
        >>> rf.softmax(np.array([1.0, 1.0, np.inf]), where=np.array([True, True, False]))
        array([0.5, 0.5, 0. ])
    """
    return _softmax(x, xp, axis, where)
