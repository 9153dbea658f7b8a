"""The public functional API, generated from the registry by ``python -m rectifiers._public``.

Do not edit: change the spec in ``_functional.py`` and run the generator again
(``tests/test_architecture.py`` fails while this file is stale).
"""

# ruff: noqa: E501

from __future__ import annotations

from . import _functional  # noqa: F401  (registers every spec)
from ._apply import evaluate as _evaluate
from ._namespace import not_for_autograph as _not_for_autograph
from ._spec import get as _get

_RELU = _get("relu")
_RELU6 = _get("relu6")
_LEAKY_RELU = _get("leaky_relu")
_PRELU = _get("prelu")
_RRELU = _get("rrelu")
_ELU = _get("elu")
_SELU = _get("selu")
_SIGMOID = _get("sigmoid")
_TANH = _get("tanh")
_SOFTMAX = _get("softmax")


@_not_for_autograph
def relu(x, /, *, out=None, name=None):
    r"""Rectified linear unit: :math:`\max(x, 0)`.

    relu(-0.0) is +0.0, NaN stays NaN, integers keep their dtype, and relu'(0) = 0.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape, dtype and library as ``x``.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.relu(np.array([1.0, -0.5, 3.4, -2.1, 0.0, -6.5], dtype=np.float32))
        array([1. , 0. , 3.4, 0. , 0. , 0. ], dtype=float32)
        >>> rf.relu(np.array([-3, 0, 7], dtype=np.int8))
        array([0, 0, 7], dtype=int8)
    """
    return _evaluate(_RELU, x, {}, name, out)


@_not_for_autograph
def relu6(x, /, *, out=None, name=None):
    r"""ReLU capped at 6: :math:`\min(\max(x, 0), 6)`.

    relu6'(0) = relu6'(6) = 0; integers keep their dtype (unsigned ones included).

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape, dtype and library as ``x``.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.relu6(np.array([-3.0, 0.1, 6.0, 8.0], dtype=np.float32))
        array([0. , 0.1, 6. , 6. ], dtype=float32)
        >>> rf.relu6(np.array([0, 5, 200], dtype=np.uint8))
        array([0, 5, 6], dtype=uint8)
    """
    return _evaluate(_RELU6, x, {}, name, out)


@_not_for_autograph
def leaky_relu(x, /, alpha=0.2, *, out=None, name=None):
    r"""Leaky ReLU: :math:`x` for :math:`x > 0`, :math:`\alpha x` otherwise.

    For :math:`0 \le \alpha \le 1` it equals the branch-free
    :math:`\tfrac{1}{2}(1+\alpha)x + \tfrac{1}{2}(1-\alpha)|x|`, which costs several passes over
    memory; this select is one. leaky_relu'(0) = alpha. Integers return a float
    (see the dtype policy).

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        alpha: the slope for x <= 0 (any finite real; alpha > 1 and alpha < 0 work as written). A 0-d array works too (a value traced by jax.jit or tf.function, a tensor): only its shape and dtype can be checked, and it is rounded to the dtype x is computed in, as a Python number is. Default: ``0.2``.
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

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
    return _evaluate(_LEAKY_RELU, x, {"alpha": alpha}, name, out)


@_not_for_autograph
def prelu(x, alpha, /, *, out=None, name=None):
    r"""Parametric ReLU: leaky ReLU whose slope :math:`\alpha` is learned.

    ``alpha`` broadcasts against ``x`` (NumPy rules) and may not enlarge it. Gradients flow
    to ``alpha`` as well as to ``x``. prelu'(0) = alpha.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        alpha: the learnable slope(s) for x <= 0: a float, or an array that broadcasts against x (per channel of NCHW input: shape (C, 1, 1)).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

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
    return _evaluate(_PRELU, x, {"alpha": alpha}, name, out)


@_not_for_autograph
def rrelu(x, /, lower=0.125, upper=0.3333333333333333, *, training=False, seed=None, out=None, name=None):
    r"""Randomized leaky ReLU: a random slope per element in training, the mean slope otherwise.

    In training each element draws :math:`a \sim U(l, u)` (x = 0 included: its output is 0,
    its derivative is its slope); the same ``seed`` gives the same slopes on every call, so a
    backward pass can regenerate them. In evaluation the slope is :math:`(l + u) / 2`.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        lower: the smallest random slope, in [0, 1]. Default: ``0.125``.
        upper: the largest random slope, in [lower, 1]. Default: ``0.3333333333333333``.
        training: draw one slope per element (True) or use the mean slope (False). Default: ``False``.
        seed: an int in [0, 2**63) (the same slopes on every call), None (fresh slopes; under jax.jit or vmap pass a key instead), or the library's generator: numpy.random.Generator, torch.Generator, a JAX key, tf.random.Generator. Default: ``None``.
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

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
    return _evaluate(
        _RRELU, x, {"lower": lower, "upper": upper, "training": training, "seed": seed}, name, out
    )


@_not_for_autograph
def elu(x, /, alpha=1.0, *, out=None, name=None):
    r"""Exponential linear unit: :math:`x` for :math:`x > 0`, :math:`\alpha(e^x - 1)` otherwise.

    Computed with ``expm1`` and a double ``where``: elu(+inf) = +inf with a finite gradient,
    elu'(0) = alpha.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        alpha: the scale of the negative saturation, -alpha. A 0-d array works too (a value traced by jax.jit or tf.function, a tensor): only its shape and dtype can be checked, and it is rounded to the dtype x is computed in, as a Python number is. Default: ``1.0``.
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.elu(np.array([1.0, -0.5, 0.0, -6.5], dtype=np.float32))
        array([ 1.        , -0.39346933,  0.        , -0.99849653], dtype=float32)
    """
    return _evaluate(_ELU, x, {"alpha": alpha}, name, out)


@_not_for_autograph
def selu(x, /, *, out=None, name=None):
    r"""Scaled exponential linear unit: :math:`\lambda\,\mathrm{elu}_\alpha(x)` with the fixed
    constants of Klambauer et al. (``SELU_SCALE``, ``SELU_ALPHA``).

    selu'(0) = lambda * alpha, as in PyTorch and JAX (TensorFlow gives lambda).

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.selu(np.array([1.0, -0.5, 0.0], dtype=np.float32))
        array([ 1.050701 , -0.6917582,  0.       ], dtype=float32)
    """
    return _evaluate(_SELU, x, {}, name, out)


@_not_for_autograph
def sigmoid(x, /, *, out=None, name=None):
    r"""Logistic sigmoid :math:`1 / (1 + e^{-x})`, evaluated without overflow for any x.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.sigmoid(np.array([0.0, 1.0, -20.0], dtype=np.float32))
        array([5.0000000e-01, 7.3105860e-01, 2.0611537e-09], dtype=float32)
    """
    return _evaluate(_SIGMOID, x, {}, name, out)


@_not_for_autograph
def tanh(x, /, *, out=None, name=None):
    r"""Hyperbolic tangent, the zero-centred saturating baseline.

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        out: a NumPy array of x's shape and the result dtype to write into (``out=x``: in place). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

    Returns:
        an array of the same shape and library as ``x``, of its float dtype.

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.tanh(np.array([0.0, 1.0, -20.0], dtype=np.float32))
        array([ 0.       ,  0.7615942, -1.       ], dtype=float32)
    """
    return _evaluate(_TANH, x, {}, name, out)


@_not_for_autograph
def softmax(x, /, axis=-1, *, where=None, name=None):
    r"""Softmax over ``axis`` (one axis, or a tuple of axes normalised jointly), shifted by the
    maximum so that finite input never overflows.

    A 0-d input is one element (its softmax is 1); +inf gives NaN, as in PyTorch and JAX.
    ``where`` masks positions out, as ``jax.nn.softmax``'s: they give 0, a row with none kept
    gives zeros, and their input (inf or NaN included) reaches neither the result nor the
    gradient. Under JAX the backward pass keeps the output alone (a ``custom_jvp``).

    Args:
        x: an array of a real dtype (NumPy, PyTorch, JAX, TensorFlow, array API).
        axis: the axis, or tuple of axes, the probabilities sum to 1 over (a tuple: the joint slice). Default: ``-1``.
        where: None, or a boolean array that broadcasts against x: True keeps a position; a masked one gives 0 and passes no gradient, and a row with every position masked gives zeros (jax.nn.softmax's where). Default: ``None``.
        name: a naming/profiling scope where the library has one; ignored elsewhere.

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
    return _evaluate(_SOFTMAX, x, {"axis": axis, "where": where}, name, None)


__all__ = [
    "relu",
    "relu6",
    "leaky_relu",
    "prelu",
    "rrelu",
    "elu",
    "selu",
    "sigmoid",
    "tanh",
    "softmax",
]
