"""JAX's case: ``jax.nn`` under ``jit``; for derivatives, ``jax.grad`` of the sum (a gradient of ones)."""

from __future__ import annotations

from .subject import Case, Subject, counterpart


def cases(s: Subject) -> list[Case]:
    import jax
    import jax.numpy as jnp

    alpha = s.params.get("alpha")
    table = {
        "relu": jax.nn.relu,
        "relu6": jax.nn.relu6,
        "elu": lambda v: jax.nn.elu(v, alpha),
        "selu": jax.nn.selu,
        "sigmoid": jax.nn.sigmoid,
        "tanh": jnp.tanh,
    }
    function = counterpart("jax", table, lambda a: lambda v: jax.nn.leaky_relu(v, a), s)
    if s.kind == "derivative":
        function = jax.grad(lambda v, f=function: f(v).sum())
    function = jax.jit(function)
    jx = jax.device_put(s.x)
    return [Case("jax_jit", lambda: function(jx).block_until_ready())]
