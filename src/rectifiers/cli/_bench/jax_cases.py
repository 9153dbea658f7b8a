"""JAX's case: ``jax.nn`` under ``jit``; for derivatives, ``jax.grad`` of the sum (a gradient of ones)."""

from __future__ import annotations

from .subject import Case, Subject, counterpart


def cases(s: Subject) -> list[Case]:
    import jax
    import jax.numpy as jnp

    table = {  # by the spec's family
        "relu": jax.nn.relu,
        "relu6": jax.nn.relu6,
        "sigmoid": jax.nn.sigmoid,
        "tanh": jnp.tanh,
    }
    if s.facts.constants is not None:  # jax.nn.selu is scale * jax.nn.elu(x, alpha), written so
        alpha, scale, _ = s.facts.constants
        table["elu"] = (
            (lambda v: jax.nn.elu(v, alpha)) if scale == 1 else (lambda v: scale * jax.nn.elu(v, alpha))
        )
    function = counterpart("jax", table, lambda a: lambda v: jax.nn.leaky_relu(v, a), s)
    if s.kind == "derivative":
        function = jax.grad(lambda v, f=function: f(v).sum())
    function = jax.jit(function)
    jx = jax.device_put(s.x)
    return [Case("jax_jit", lambda: function(jx).block_until_ready())]
