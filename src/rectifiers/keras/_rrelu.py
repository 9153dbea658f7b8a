"""RReLU: a random slope per element in training, the mean slope at inference."""

from __future__ import annotations

import keras

from .._apply import evaluate
from .._spec import get
from ._base import Rectifier
from ._prelu import with_slopes
from ._spelling import seed_param


class RReLU(Rectifier):
    r"""Randomized leaky ReLU (Xu et al. 2015), following Keras's ``training`` argument.

    In training (``model.fit``, or ``layer(x, training=True)``) each element draws its slope
    from U(lower, upper); at inference the slope is (lower + upper) / 2, so predictions and a
    saved model are deterministic.

    Args:
        lower, upper: the slope bounds, in [0, 1] with lower <= upper (defaults: the core's,
            1/8 and 1/3).
        seed: an int for reproducible draws, or None. The draws come from a
            ``keras.random.SeedGenerator``, so they advance every step on every backend
            (including inside ``jax.jit``) and the backward pass uses the forward's slopes.

    >>> import keras, numpy as np, rectifiers.keras as rk
    >>> layer = rk.RReLU(lower=0.1, upper=0.3, seed=0)
    >>> keras.ops.convert_to_numpy(layer(np.array([-1.0, 2.0])))  # inference: the mean slope
    array([-0.2,  2. ], dtype=float32)
    >>> slopes = -keras.ops.convert_to_numpy(layer(-np.ones(1000), training=True))
    >>> bool(0.1 <= slopes.min() < slopes.max() < 0.3), len(set(slopes.round(6))) > 900
    (True, True)
    """

    _learned_or_random = True

    def _setup(self, form, arguments):
        spec = get(self.spec_name)  # set by _layers.named
        seed = seed_param(spec)
        seed.validate(arguments[seed.name], spec.name)  # the core's rule (bools, negative, huge ints refused)
        self.seed = arguments[seed.name]  # read by _create_state, which _configure calls before it builds
        params = {k: v for k, v in arguments.items() if k != seed.name}
        self._configure(self.spec_name, params, arguments)

    def _create_state(self):
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs, training=None):
        if not training:
            return evaluate(self.spec, inputs, self.params)
        # The slopes are drawn by Keras so that its seeding (stateless under jax.jit) holds;
        # with them fixed, training-mode rrelu is prelu with those slopes.
        dtype = keras.backend.standardize_dtype(inputs.dtype)
        if "float" not in dtype:
            dtype = self.compute_dtype
        lower, upper = self.spec.draws.bounds(self.params)
        slopes = keras.random.uniform(
            keras.ops.shape(inputs),
            minval=lower,
            maxval=upper,
            dtype=dtype,
            seed=self.seed_generator,
        )
        return with_slopes(inputs, slopes)
