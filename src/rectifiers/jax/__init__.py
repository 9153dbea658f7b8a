"""JAX extras on top of the core, which already takes ``jax.Array`` (under ``jit``, ``vmap``,
``grad`` and ``jvp``): each stochastic activation of the registry (``spec.draws``: rrelu) with
an explicit PRNG key, ``rectifiers.jax.rrelu(x, key)`` (see ``_keyed``).

The kink rule needs no ``custom_jvp`` here: every core formula selects with
``where(x > 0, ...)`` (and feeds ``expm1``/``exp`` only the negative part), so JAX's own
differentiation of ``where`` gives relu'(0) = 0, leaky'(0) = elu'(0) = prelu'(0) = alpha,
relu6'(6) = 0 and the NaN/inf rules in both forward and reverse mode. ``tests/test_jax_*.py``
pin that for every activation. The core's one ``custom_jvp`` is softmax's (its ``axis`` tuples
and ``where=`` mask are the core's too): a tangent from the output, so the backward pass keeps
the output alone.

>>> import jax, jax.numpy as jnp, rectifiers as rf
>>> zero = jnp.float32(0.0)
>>> float(jax.grad(rf.relu)(zero)), float(jax.grad(rf.leaky_relu)(zero, alpha=0.5))
(0.0, 0.5)
"""

from .._spec import REGISTRY as _REGISTRY
from ._keyed import keyed as _keyed

#: ``{name: function}``: one keyed function per stochastic activation of the registry.
KEYED = {name: _keyed(spec) for name, spec in _REGISTRY.items() if spec.draws is not None}
globals().update(KEYED)

__all__ = list(KEYED)
