"""JAX extras on top of the core, which already takes ``jax.Array`` (under ``jit``, ``vmap``,
``grad`` and ``jvp``): ``rrelu`` with an explicit PRNG key.

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

from ._rrelu import rrelu as rrelu

__all__ = ["rrelu"]
