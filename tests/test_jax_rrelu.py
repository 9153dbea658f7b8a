"""``rectifiers.jax.rrelu``: an explicit key draws the slopes, None gives the mean slope; pure
under jit, vmap over keys, and grad uses the forward's slopes."""

import numpy as np
import pytest

import rectifiers as rf

jax = pytest.importorskip("jax")
jnp = jax.numpy
from rectifiers.jax import rrelu  # noqa: E402

DEFAULTS = rf.get("rrelu").defaults
X = -jnp.ones((512,), dtype="float32")


def test_no_key_is_the_mean_slope():
    mean = (DEFAULTS["lower"] + DEFAULTS["upper"]) / 2
    np.testing.assert_allclose(np.asarray(rrelu(X)), -mean, rtol=1e-7)
    np.testing.assert_allclose(np.asarray(rrelu(X, lower=0.2, upper=0.4)), -0.3, rtol=1e-7)


def test_a_key_draws_one_slope_per_element_reproducibly():
    key = jax.random.key(0)
    slopes = -np.asarray(rrelu(X, key))
    assert ((slopes >= DEFAULTS["lower"]) & (slopes < DEFAULTS["upper"])).all()
    assert np.unique(slopes).size > 500 * 0.95
    np.testing.assert_array_equal(-np.asarray(rrelu(X, key)), slopes)
    assert not np.array_equal(-np.asarray(rrelu(X, jax.random.key(1))), slopes)
    np.testing.assert_array_equal(-np.asarray(jax.jit(rrelu)(X, key)), slopes)  # jit: same draws
    legacy = -np.asarray(rrelu(X, jax.random.PRNGKey(0)))
    assert ((legacy >= DEFAULTS["lower"]) & (legacy < DEFAULTS["upper"])).all()


def test_grad_uses_the_forward_slopes_zero_included():
    key = jax.random.key(3)
    x = jnp.zeros((64,), dtype="float32")
    dx = jax.grad(lambda v: jnp.sum(rrelu(v, key)))(x)
    slopes = -rrelu(-jnp.ones((64,), dtype="float32"), key)
    np.testing.assert_array_equal(np.asarray(dx), np.asarray(slopes))
    positive = jax.grad(lambda v: jnp.sum(rrelu(v, key)))(jnp.ones((64,), dtype="float32"))
    np.testing.assert_array_equal(np.asarray(positive), 1.0)


def test_vmap_over_keys_gives_each_row_its_slopes():
    keys = jax.random.split(jax.random.key(0), 3)
    rows = jax.vmap(rrelu)(jnp.broadcast_to(X[:8], (3, 8)), keys)
    assert rows.shape == (3, 8)
    assert len({tuple(np.asarray(r).tolist()) for r in rows}) == 3
    np.testing.assert_array_equal(np.asarray(rows[1]), np.asarray(rrelu(X[:8], keys[1])))


@pytest.mark.parametrize("key", [0, np.uint32(5), "key", jnp.zeros(3, dtype=jnp.uint32)])
def test_a_key_that_is_not_a_prng_key_is_refused(key):
    with pytest.raises(TypeError, match="JAX PRNG key.*Received: key="):
        rrelu(X, key)


def test_bounds_are_validated_by_the_core():
    with pytest.raises(ValueError, match="lower must be <= upper"):
        rrelu(X, lower=0.4, upper=0.2)


@pytest.mark.parametrize("transform", [jax.jit, jax.vmap], ids=["jit", "vmap"])
def test_the_core_without_a_seed_under_jit_or_vmap_asks_for_a_key(transform):
    """Traced once, a seed=None draw would be baked into the program: every call the same slopes."""
    with pytest.raises(
        ValueError, match=r"seed=None under jax.jit .*rectifiers.jax.rrelu\(x, key\).*int seed"
    ):
        transform(lambda v: rf.rrelu(v, training=True))(X)
    with pytest.raises(ValueError, match=r"Pass a PRNG key"):
        jax.jit(jax.grad(lambda v: jnp.sum(rf.rrelu(v, training=True))))(X)


def test_the_core_without_a_seed_draws_fresh_slopes_eagerly_and_under_grad():
    first, second = (np.asarray(rf.rrelu(X, training=True)) for _ in range(2))
    assert not np.array_equal(first, second)
    dx = [np.asarray(jax.grad(lambda v: jnp.sum(rf.rrelu(v, training=True)))(X)) for _ in range(2)]
    assert not np.array_equal(*dx)  # grad outside jit runs each call: fresh slopes each time
    jitted = jax.jit(
        lambda v: rf.rrelu(v, training=True, seed=5)
    )  # an int seed is the same slopes, by design
    np.testing.assert_array_equal(np.asarray(jitted(X)), np.asarray(rf.rrelu(X, training=True, seed=5)))


def test_training_is_honoured():
    key = jax.random.key(0)
    mean = (DEFAULTS["lower"] + DEFAULTS["upper"]) / 2
    np.testing.assert_allclose(np.asarray(rrelu(X, key, training=False)), -mean, rtol=1e-7)
    np.testing.assert_array_equal(np.asarray(rrelu(X, key, training=True)), np.asarray(rrelu(X, key)))
    with pytest.raises(TypeError, match=r"training=True needs a key.*Received: key=None"):
        rrelu(X, training=True)
    with pytest.raises(TypeError, match=r"training must be True or False.*Received: training='yes'"):
        rrelu(X, key, training="yes")
    with pytest.raises(TypeError, match=r"the key is the seed.*Received: seed=3"):
        rrelu(X, key, seed=3)


def test_the_core_refuses_a_jax_array_that_is_not_a_key():
    with pytest.raises(TypeError, match=r"seed must be an int in \[0, 2\*\*63\), None or a random generator"):
        rf.rrelu(X, training=True, seed=jnp.zeros(3))
    with pytest.raises(TypeError, match=r"None or a JAX PRNG key for jax arrays.*Received: seed=Gen"):
        rf.rrelu(X, training=True, seed=np.random.default_rng(0))
    raw = jax.random.PRNGKey(1)
    np.testing.assert_array_equal(np.asarray(rf.rrelu(X, training=True, seed=raw)), np.asarray(rrelu(X, raw)))
