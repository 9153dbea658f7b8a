"""rf.softmax over a tuple of axes: one distribution over the joint slice, on every library, with
its gradient, and clear errors for axes given twice or out of range."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
from tests.libraries import AUTODIFF_LIBRARIES, library_params

RNG = np.random.default_rng(14)
X = RNG.standard_normal((2, 3, 4)) * 3


def joint(x, axes):
    """Softmax over ``axes`` by moving them last and flattening them into one (float64)."""
    others = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, others + list(axes))
    flat = moved.reshape(moved.shape[: len(others)] + (-1,))
    e = np.exp(flat - flat.max(axis=-1, keepdims=True))
    y = (e / e.sum(axis=-1, keepdims=True)).reshape(moved.shape)
    return np.transpose(y, np.argsort(others + list(axes)))


@pytest.mark.parametrize("library", library_params())
@pytest.mark.parametrize("axis", [(1, 2), (0, 2), (0, 1, 2), (-1, 0), [2, 1], (1,)])
def test_tuple_axis_is_one_distribution_over_the_joint_slice(library, axis):
    placed = sorted(a % 3 for a in axis)
    got = library.to_numpy(rf.softmax(library.make(X), axis=axis))
    np.testing.assert_allclose(got, joint(X, placed), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(got.sum(axis=tuple(placed)), 1.0, rtol=1e-13)


@pytest.mark.parametrize("library", library_params())
def test_float32_tuple_axis_rounds_once(library):
    x = X.astype(np.float32)
    got = library.to_numpy(rf.softmax(library.make(x), axis=(0, 2)))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, joint(x.astype(np.float64), [0, 2]).astype(np.float32))


def test_one_axis_tuple_equals_the_int():
    np.testing.assert_array_equal(rf.softmax(X, axis=(1,)), rf.softmax(X, axis=1))


def test_same_as_jax_nn_softmax():
    jax = pytest.importorskip("jax")
    theirs = np.asarray(jax.nn.softmax(jax.numpy.asarray(X), axis=(0, 2)))
    np.testing.assert_allclose(rf.softmax(X, axis=(0, 2)), theirs, rtol=1e-14)


@pytest.mark.parametrize("library", [lib.param() for lib in AUTODIFF_LIBRARIES])
def test_gradient_over_the_joint_slice(library):
    """d/dx sum(w * y) = y * (w - sum over the slice of y * w), the softmax Jacobian's product."""
    w = RNG.standard_normal(X.shape)
    weights = library.make(w)
    got = library.grad(lambda v: rf.softmax(v, axis=(1, 2)) * weights, X)
    y = joint(X, [1, 2])
    np.testing.assert_allclose(got, y * (w - (y * w).sum(axis=(1, 2), keepdims=True)), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize(
    ("axis", "error", "message"),
    [
        ((1, -2), ValueError, r"names axis 1 twice \(-2 is 1 for a 3-d array\)\. Received: axis=\(1, -2\)"),
        ((2, 2), ValueError, r"axis names axis 2 twice\. Received: axis=\(2, 2\)"),
        ((0, 3), ValueError, r"axis must lie in \[-3, 3\) for a 3-d array\. Received: axis=\(0, 3\)"),
        ((-4,), ValueError, r"Received: axis=\(-4,\)"),
        ((1, 2.0), TypeError, r"axis must be an int or a tuple of ints\. Received: axis=\(1, 2\.0\)"),
        ((True,), TypeError, r"Received: axis=\(True,\)"),
        (None, TypeError, r"Received: axis=None"),
        ("1", TypeError, r"Received: axis='1'"),
        ((), ValueError, r"axis must name at least one axis .*Received: axis=\(\)"),
        ([], ValueError, r"Received: axis=\[\]"),
    ],
)
def test_bad_axes_are_refused_naming_what_was_received(axis, error, message):
    with pytest.raises(error, match=message):
        rf.softmax(X, axis=axis)


def test_torch_binding_takes_a_tuple_dim_through_the_core():
    torch = pytest.importorskip("torch")
    import rectifiers.torch as rt

    torch.set_num_threads(1)
    x = torch.tensor(X, requires_grad=True)
    np.testing.assert_allclose(rt.Softmax(dim=(1, 2))(x).detach().numpy(), joint(X, [1, 2]), rtol=1e-13)
    assert torch.autograd.gradcheck(lambda v: rt.functional.softmax(v, dim=(0, 2)), (x,))
