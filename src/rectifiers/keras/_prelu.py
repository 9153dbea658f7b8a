"""PReLU: the slope for x <= 0 is a learned weight."""

from __future__ import annotations

import numbers

import keras
import numpy as np

from .._namespace import sloped_in_torch
from .._spec import get
from ._base import Rectifier


def initializer(value, param):
    """A float becomes ``Constant(value)``; anything else goes through ``keras.initializers.get``."""
    if value is None:  # keras.initializers.get(None) is None, and add_weight then draws glorot slopes
        raise ValueError(
            "PReLU: alpha_initializer cannot be None; pass a float (the initial slope) or a Keras "
            "initializer. Received: alpha_initializer=None"
        )
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        problem = param.check(value) if param.check else None
        if problem is not None:
            raise type(problem)(f"PReLU: alpha_initializer {problem}. Received: alpha_initializer={value!r}")
        return keras.initializers.Constant(float(value))
    return keras.initializers.get(value)


def check_slopes(value):
    """Refuse slopes with inf or NaN where they are set (the start, ``set_weights``, a loaded file):
    a check inside ``call`` would break a compiled graph on the data (``Tensor.item()`` under
    torch.compile) and pass unseen under ``jax.jit`` and XLA."""
    values = np.asarray(keras.ops.convert_to_numpy(value))
    if not np.isfinite(values).all():
        raise ValueError(
            f"PReLU: alpha must be finite. Received: slopes with {np.isnan(values).sum()} nan and "
            f"{np.isinf(values).sum()} inf of {values.size}"
        )


def with_slopes(x, alpha):
    """prelu with slopes checked already (``check_slopes``; RReLU's drawn from [lower, upper]):
    the core's formula (``formula``), without the core's per-call look at the values.
    Bit-identical to the core's prelu, gradients included. On the torch backend, eager, it is one
    autograd node that gives the same bits in fewer passes (``_namespace.sloped_in_torch``).
    """
    alpha = alpha if alpha.dtype == x.dtype else keras.ops.cast(alpha, x.dtype)
    y = sloped_in_torch(x, alpha, formula)
    return formula(x, alpha) if y is None else y


def formula(x, alpha):
    """The core's prelu, ``where(x > 0, x, alpha * where(x > 0, 0, x))``, in Keras's ops."""
    positive = x > 0
    negative = keras.ops.where(positive, 0.0, x)  # 0 * inf would make d/d alpha NaN
    return keras.ops.where(positive, x, alpha * negative)


class PReLU(Rectifier):
    r"""Parametric ReLU (He et al. 2015): ``x`` for x > 0, ``alpha * x`` otherwise, with ``alpha`` learned.

    Args (``keras.layers.PReLU``'s, with its defaults):
        alpha_initializer: any Keras initializer (name, config dict or instance; by default
            ``"Zeros"``, as Keras), or a float: the initial slope (He et al. use 0.25).
        alpha_regularizer, alpha_constraint: as in ``keras.layers.PReLU``.
        shared_axes: axes (counting the batch axis as 0, negative ones from the end) along
            which one slope is shared, e.g. ``[1, 2]`` for one slope per channel of NHWC
            images. By default one slope per element, as in Keras.

    Unlike ``keras.layers.PReLU`` (gradient 0 at x = 0), the gradient at x = 0 is alpha (the
    project's kink rule).

    >>> import rectifiers.keras as rk
    >>> rk.PReLU(shared_axes=[1, 2]).compute_output_shape((None, 8, 8, 3))
    (None, 8, 8, 3)
    """

    _learned_or_random = True

    def _learned(self):
        """The learned parameter (prelu's ``alpha``): its name is the weight's, as Keras's PReLU."""
        spec = get(self.spec_name)  # spec_name is set by _layers.named
        return next(p for p in spec.params if p.name in spec.learned)

    def _setup(self, form, arguments):
        self.alpha_initializer = initializer(arguments["alpha_initializer"], self._learned())
        self.alpha_regularizer = keras.regularizers.get(arguments["alpha_regularizer"])
        self.alpha_constraint = keras.constraints.get(arguments["alpha_constraint"])
        shared_axes = arguments["shared_axes"]
        if shared_axes is None:
            shared_axes = ()
        elif isinstance(shared_axes, numbers.Integral):
            shared_axes = (shared_axes,)
        self.shared_axes = tuple(int(a) for a in shared_axes)
        self._configure(self.spec_name, {}, arguments)

    def _resolve(self, params):
        return {}

    def build(self, input_shape):
        ndim = len(input_shape)
        shape = list(input_shape[1:])
        for axis in self.shared_axes:
            if not (1 <= axis < ndim or -ndim < axis < 0):
                raise ValueError(
                    f"PReLU: shared_axes must name non-batch axes of a {ndim}-d input, in [1, {ndim}) "
                    f"or [{-ndim + 1}, -1]. Received: shared_axes={list(self.shared_axes)}"
                )
            shape[axis % ndim - 1] = 1
        if any(n is None for n in shape):
            raise ValueError(
                f"PReLU needs a known size on every non-shared axis. Received: input shape "
                f"{tuple(input_shape)}, shared_axes={list(self.shared_axes)}"
            )
        alpha = self.add_weight(
            shape=tuple(shape),
            name=self._learned().name,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        check_slopes(alpha)  # the start, once: never per call
        self.alpha = alpha

    def call(self, inputs):
        return with_slopes(inputs, self.alpha.value)

    def set_weights(self, weights):
        for value in weights:
            check_slopes(value)
        super().set_weights(weights)

    def load_own_variables(self, store):
        for i in range(len(self.weights)):  # as Layer.load_own_variables, which keys them "0", "1"...
            check_slopes(store[str(i)])
        super().load_own_variables(store)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": keras.initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": keras.regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": keras.constraints.serialize(self.alpha_constraint),
            "shared_axes": list(self.shared_axes) or None,
        }
