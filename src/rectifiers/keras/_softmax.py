"""Softmax, with ``keras.layers.Softmax``'s ``mask``, which is the core's ``where``: masked
positions give 0 and pass no gradient, and a row with every position masked gives zeros (not a
uniform distribution, not NaN)."""

from __future__ import annotations

import keras

from .._apply import evaluate
from .._shapes import broadcasts_into
from ._base import Rectifier


def check_mask(inputs, mask):
    """Keras's rule, the core's: the mask broadcasts to the input, each axis 1 or the input's size
    (said here under the layer's names; the core checks ``where`` again)."""
    shape, mask_shape = tuple(inputs.shape), tuple(mask.shape)
    if not broadcasts_into(mask_shape, shape):
        raise ValueError(
            "rectifiers.keras.Softmax: the mask must broadcast to the input, each of its axes 1 or "
            f"the input's size. Received: mask of shape {mask_shape} for input of shape {shape}"
        )


class Softmax(Rectifier):
    r"""Softmax over ``axis`` (an int or a tuple of ints): :math:`e^{x_i} / \sum_j e^{x_j}`, as
    ``keras.layers.Softmax``.

    ``mask`` (call argument, or Keras's propagated mask): True (or > 0.5) keeps a position; it is
    the core's ``where`` (``rectifiers.softmax(x, axis, where=mask)``). Masked positions give 0
    and pass no gradient; a row with all positions masked gives zeros.

    >>> import numpy as np, keras, rectifiers.keras as rk
    >>> x = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], dtype="float32")
    >>> mask = np.array([[True, True, False], [False, False, False]])
    >>> keras.ops.convert_to_numpy(rk.Softmax()(x, mask=mask)).round(4)
    array([[0.2689, 0.7311, 0.    ],
           [0.    , 0.    , 0.    ]], dtype=float32)
    """

    spec_name = "softmax"

    def call(self, inputs, mask=None):
        if mask is None:
            return evaluate(self.spec, inputs, self.params)
        check_mask(inputs, mask)
        mask = keras.ops.convert_to_tensor(mask)
        if keras.backend.standardize_dtype(mask.dtype) != "bool":
            mask = keras.ops.greater(mask, 0.5)
        return evaluate(self.spec, inputs, {**self.params, "where": mask})
