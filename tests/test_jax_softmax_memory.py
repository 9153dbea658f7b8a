"""Under JAX, the backward pass of rf.softmax keeps no more than jax.nn.softmax's: the residuals
``jax.vjp`` holds (the leaves of its pullback) are its output alone (and the mask, with where=)."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf

jax = pytest.importorskip("jax")
jnp = jax.numpy


def residuals(f, x):
    """``(arrays, elements, bytes)`` that ``jax.vjp(f, x)``'s pullback keeps for the backward pass."""
    _, pullback = jax.vjp(f, x)
    leaves = jax.tree_util.tree_leaves(pullback)
    return len(leaves), sum(leaf.size for leaf in leaves), sum(leaf.nbytes for leaf in leaves)


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
@pytest.mark.parametrize("shape", [(4,), (8, 16)])
def test_backward_keeps_no_more_than_jax_nn(dtype, shape):
    x = jnp.asarray(np.random.default_rng(0).standard_normal(shape), dtype=dtype)
    ours, theirs = residuals(rf.softmax, x), residuals(jax.nn.softmax, x)
    assert all(a <= b for a, b in zip(ours, theirs, strict=True)), (ours, theirs)
    assert ours == (1, x.size, x.nbytes)  # the output, in its own dtype


def test_with_a_mask_and_axes_it_keeps_the_output_and_the_mask():
    x = jnp.asarray(np.random.default_rng(1).standard_normal((3, 4, 5)), dtype="float32")
    keep = jnp.asarray(np.random.default_rng(2).random((3, 4, 5)) > 0.3)
    ours = residuals(lambda v: rf.softmax(v, axis=(1, 2), where=keep), x)
    theirs = residuals(lambda v: jax.nn.softmax(v, axis=(1, 2), where=keep), x)
    assert all(a <= b for a, b in zip(ours, theirs, strict=True)), (ours, theirs)
    assert ours == (2, 2 * x.size, x.nbytes + keep.nbytes)


def test_the_custom_jvp_keeps_first_and_second_derivatives():
    x = jnp.asarray(np.random.default_rng(3).standard_normal((3, 4)))

    def theirs(v):
        return jax.nn.softmax(v, axis=(0, 1))

    def ours(v):
        return rf.softmax(v, axis=(0, 1))

    np.testing.assert_allclose(jax.jacrev(ours)(x), jax.jacrev(theirs)(x), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(jax.jacfwd(ours)(x), jax.jacfwd(theirs)(x), rtol=1e-12, atol=1e-16)
    h = jax.hessian(lambda v: ours(v)[1, 2])(x)
    np.testing.assert_allclose(h, jax.hessian(lambda v: theirs(v)[1, 2])(x), rtol=1e-10, atol=1e-16)
    batched = jax.vmap(jax.grad(lambda v: ours(v)[0, 0]))(jnp.stack([x, 2 * x]))
    assert batched.shape == (2, 3, 4)
