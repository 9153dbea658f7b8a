"""rf.softmax's ``where=``, JAX's semantics: masked positions give 0, a row with every position
masked gives zeros (not NaN), and whatever x holds at a masked position (inf, NaN, 1e308) reaches
neither the result nor the gradient (jax-ml/jax#19490's case)."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
from tests.libraries import AUTODIFF_LIBRARIES, library_params

RNG = np.random.default_rng(19490)
X = RNG.standard_normal((4, 5))
MASK = RNG.random((4, 5)) > 0.4
MASK[0] = False  # every position of row 0 masked
MASK[1] = True  # none of row 1
MASK[2, 1:] = False  # one position kept
POISONED = np.where(MASK, X, np.array([np.inf, -np.inf, np.nan, 1e308, -1e308])[np.arange(5)])


def oracle(x, keep):
    """Each row's softmax over its kept entries alone (float64), 0 elsewhere."""
    y = np.zeros_like(x)
    for i in range(x.shape[0]):
        kept = x[i][keep[i]]
        if kept.size:
            e = np.exp(kept - kept.max())
            y[i][keep[i]] = e / e.sum()
    return y


def as_mask(library, keep):
    if library.name == "torch":
        import torch

        return torch.from_numpy(keep.copy())
    return library.make(keep) if library.name != "numpy" else keep


@pytest.mark.parametrize("library", library_params())
def test_masked_positions_give_zero_and_an_all_masked_row_zeros(library):
    y = library.to_numpy(rf.softmax(library.make(POISONED), where=as_mask(library, MASK)))
    assert not np.isnan(y).any()
    np.testing.assert_array_equal(y[~MASK], 0.0)
    np.testing.assert_array_equal(y[0], 0.0)
    assert y[2, 0] == 1.0
    np.testing.assert_allclose(y, oracle(X, MASK), rtol=1e-14, atol=0)


@pytest.mark.parametrize("library", library_params())
def test_a_mask_of_all_true_is_no_mask(library):
    everywhere = np.ones(X.shape, dtype=bool)
    got = library.to_numpy(rf.softmax(library.make(X), where=as_mask(library, everywhere)))
    np.testing.assert_array_equal(got, library.to_numpy(rf.softmax(library.make(X))))


@pytest.mark.parametrize("shape", [(5,), (1, 5), (4, 1), ()])
def test_the_mask_broadcasts(shape):
    keep = MASK[1:2, :] if shape in ((5,), (1, 5)) else MASK[:, 2:3]
    keep = keep.reshape(shape) if shape else np.bool_(False)
    full = np.broadcast_to(keep, X.shape)
    np.testing.assert_array_equal(rf.softmax(POISONED, where=keep), rf.softmax(POISONED, where=full))
    np.testing.assert_allclose(rf.softmax(POISONED, where=keep), oracle(POISONED, full), rtol=1e-14)


def test_with_a_tuple_of_axes():
    x, keep = X.reshape(2, 2, 5), MASK.reshape(2, 2, 5)
    got = rf.softmax(np.where(keep, x, np.inf), axis=(1, 2), where=keep)
    expected = oracle(x.reshape(2, 10), keep.reshape(2, 10)).reshape(2, 2, 5)
    np.testing.assert_allclose(got, expected, rtol=1e-14)


def test_same_as_jax_nn_softmax_where():
    jax = pytest.importorskip("jax")
    theirs = np.asarray(jax.nn.softmax(jax.numpy.asarray(X), where=MASK))
    np.testing.assert_allclose(rf.softmax(X, where=MASK), theirs, rtol=1e-14, atol=0)


@pytest.mark.parametrize("library", [lib.param() for lib in AUTODIFF_LIBRARIES])
def test_no_gradient_leaks_through_masked_positions(library):
    """The gradient wrt x is exactly 0 at masked positions and finite everywhere, whatever x holds
    there; at kept ones it is the softmax Jacobian's, y * (w - sum(y * w))."""
    w = RNG.standard_normal(X.shape)
    keep, weights = as_mask(library, MASK), library.make(w)
    got = library.grad(lambda v: rf.softmax(v, where=keep) * weights, POISONED)
    assert np.isfinite(got).all()
    np.testing.assert_array_equal(got[~MASK], 0.0)
    y = oracle(X, MASK)
    np.testing.assert_allclose(got, y * (w - (y * w).sum(axis=-1, keepdims=True)), rtol=1e-10, atol=1e-15)


def test_jax_jit_with_a_traced_mask_and_jax_19490():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy

    @jax.jit
    def first(x, keep):
        return rf.softmax(x, where=keep)[2, 0]

    g = jax.grad(first)(jnp.asarray(POISONED), jnp.asarray(MASK))
    assert np.isfinite(g).all() and float(first(jnp.asarray(POISONED), jnp.asarray(MASK))) == 1.0
    np.testing.assert_array_equal(np.asarray(g), 0.0)  # row 2 keeps one position: y = 1, flat
    # forward mode too: an inf tangent at a masked position stays out of the kept ones
    tangent = np.where(MASK, 1.0, np.inf)
    _, dy = jax.jvp(lambda v: rf.softmax(v, where=MASK), (jnp.asarray(X),), (jnp.asarray(tangent),))
    assert np.isfinite(dy).all()
    np.testing.assert_array_equal(np.asarray(dy)[~MASK], 0.0)


@pytest.mark.parametrize(
    ("where", "error", "message"),
    [
        (MASK.astype(np.float64), TypeError, r"must be a boolean array .*Received: where of dtype float64"),
        (MASK.astype(np.int8), TypeError, r"Received: where of dtype int8"),
        (MASK[:, :3], ValueError, r"broadcast .*where of shape \(4, 3\) for x of shape \(4, 5\)"),
        (np.ones((2, 4, 5), dtype=bool), ValueError, r"Received: where of shape \(2, 4, 5\)"),
        ("rows", TypeError, r"where must be None or a boolean array .*Received: where='rows'"),
        (0.5, TypeError, r"Received: where=0.5"),
    ],
)
def test_bad_masks_are_refused_naming_what_was_received(where, error, message):
    with pytest.raises(error, match=message):
        rf.softmax(X, where=where)


def test_lists_of_bools_are_masks():
    np.testing.assert_array_equal(rf.softmax(X, where=MASK.tolist()), rf.softmax(X, where=MASK))


def test_a_masked_array_is_refused_pointing_to_where():
    x = np.ma.masked_array(X, mask=~MASK)
    with pytest.raises(TypeError, match=r"Received: x of type MaskedArray; pass x\.data, where=~x\.mask"):
        rf.softmax(x)
    np.testing.assert_array_equal(rf.softmax(x.data, where=~x.mask), rf.softmax(X, where=MASK))


def test_tf_function_with_unknown_sizes():
    tf = pytest.importorskip("tensorflow")
    specs = [tf.TensorSpec([None, 5], tf.float64), tf.TensorSpec([None, 5], tf.bool)]
    traced = tf.function(lambda x, keep: rf.softmax(x, axis=(0, 1), where=keep), input_signature=specs)
    expected = rf.softmax(POISONED, axis=(0, 1), where=MASK)  # float64: the sums' order may differ
    np.testing.assert_allclose(traced(POISONED, MASK).numpy(), expected, rtol=1e-14, atol=0)
