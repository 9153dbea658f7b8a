"""The float32-only exp family (``rectifiers._float32``) within 1 ulp of the float64 oracle, on
about 1 Mi float32 inputs chosen where it is hard: the specials, every binade near 0, the ends
of each range (overflow, underflow, saturation), the boundaries of the reduction, large |x|,
and random bit patterns. Eagerly in NumPy (no fused multiply-add, subnormals kept), and
compiled by XLA (jax.jit, tf.function(jit_compile=True)), which fuses multiply-adds and flushes
subnormals to zero: there a lane whose input or result is subnormal may instead match the
flushed reference. All 2^32 inputs: tests/exhaustive/float32_formulation.py.
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "exhaustive"))

import float32_formulation as exhaustive  # noqa: E402
import oracle  # noqa: E402

import rectifiers as rf  # noqa: E402
from rectifiers import _float32  # noqa: E402

TINY = float(np.finfo(np.float32).tiny)


def hard_inputs() -> np.ndarray:
    """About 1 Mi float32 inputs, both signs of each."""
    rng = np.random.default_rng(14)
    f32 = np.float32
    specials = [0.0, TINY, np.finfo(f32).max, np.inf, np.nan, 1e-45, 2.0**-60, 2.0**-13, 1.0]
    # thresholds: elu's -87 and -174, exp's underflow (-87.34, -103.97), tanh's 9.01 and 10,
    # sigmoid's -110, expm1's -16.6 .. -17.4 (where 2^k - 1 stops being exact), tanh's
    # polynomial up to 1/2 and its x itself below 2^-13, sigmoid's 1 from 16.6 on, tanh' and
    # sigmoid' going to 0 at 52 and 104
    edges = [87.0, 87.3365, 88.72, 103.97, 104.0, 110.0, 174.0, 9.01, 10.0, 16.6, 17.33, 17.5, 20.0]
    edges += [0.5, 2.0**-13, 51.98, 55.0]
    near = np.concatenate(
        [np.float32(e) + np.arange(-2048, 2048, dtype=np.float32) * np.spacing(f32(e)) for e in edges]
    )
    # the reduction's boundaries: x near (k + 1/2) ln 2, where k changes
    halves = (np.arange(-260, 260) + 0.5) * math.log(2)
    boundaries = (halves[:, None] * (1 + np.linspace(-1e-6, 1e-6, 256))).astype(f32).ravel()
    binades = np.ldexp(rng.uniform(1, 2, 200_000), rng.integers(-126, 4, 200_000)).astype(f32)
    small = rng.uniform(-1.2, 1.2, 200_000).astype(f32)
    wide = rng.normal(0, 30, 100_000).astype(f32)
    bits = rng.integers(0, 2**32, 150_000, dtype=np.uint64).astype(np.uint32).view(f32)
    x = np.concatenate([np.float32(specials), near, boundaries, binades, small, wide, bits])
    return np.concatenate([x, -x])


CASES = exhaustive.NAMES
X = hard_inputs()


def _check(name: str, ours: np.ndarray, flushes: bool):
    _, reference = exhaustive.formulation(name)
    with np.errstate(all="ignore"):
        want = reference(X.astype(np.float64)).astype(np.float32)
        d = exhaustive.distance(ours, want)
        if flushes:  # XLA on CPU: a subnormal in or out reads and writes as 0
            flushed = exhaustive.flush(reference(exhaustive.flush(X).astype(np.float64)).astype(np.float32))
            d = np.minimum(d, exhaustive.distance(ours, flushed))
    worst = int(np.argmax(d))
    assert d[worst] <= 1, f"{name}: {d[worst]} ulp at x={X[worst]!r}: {ours[worst]!r}, want {want[worst]!r}"


def test_the_sample_reaches_the_hard_regions():
    assert X.size > 1_000_000
    assert np.isnan(X).any() and np.isinf(X).any() and ((np.abs(X) < 1e-30) & (X != 0)).any()


@pytest.mark.parametrize("name", CASES)
def test_numpy_eagerly_within_one_ulp(name):
    math_, _ = exhaustive.formulation(name)
    with np.errstate(all="ignore"):
        _check(name, math_(X, np), flushes=False)


@pytest.mark.parametrize("library", ["jax", "tensorflow"])
@pytest.mark.parametrize("name", CASES)
def test_compiled_by_xla_within_one_ulp(name, library):
    pytest.importorskip(library)
    math_, _ = exhaustive.formulation(name)
    _check(name, exhaustive.compiled(library, math_)(X), flushes=True)


def test_a_wrong_coefficient_is_caught(monkeypatch):
    """The check can fail: 1/4! off by 1e-4 in the polynomial puts elu a few ulp off. (1/7! off
    by 1% does not: its term is below 2^-30 of the result.)"""
    monkeypatch.setattr(_float32, "_Q", (_float32._Q[0], _float32._Q[1] * 1.0001, *_float32._Q[2:]))
    math_, _ = exhaustive.formulation("elu")
    with pytest.raises(AssertionError, match="ulp at x="):
        with np.errstate(all="ignore"):
            _check("elu", math_(X, np), flushes=False)


@pytest.mark.parametrize("library", ["numpy", "jax"])
def test_sigmoid_and_tanh_at_the_specials(library):
    """Signs of zero, NaN, infinities, a subnormal and both sides of tanh's split at 1/2 and
    2^-13, exactly (the ulp check counts -0.0 and +0.0 as one point)."""
    if library == "jax":
        pytest.importorskip("jax")
    half, tiny = np.float32(0.5), np.float32(2.0**-13)
    x = np.float32([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-45, -1e-45, 0.25, -0.25, 200.0, -200.0])
    x = np.concatenate([x, [np.nextafter(half, 0), half, -half, np.nextafter(tiny, 0), tiny, -tiny]])
    with np.errstate(all="ignore"):
        got = {name: exhaustive.compiled(library, exhaustive.formulation(name)[0])(x) for name in CASES}
    np.testing.assert_array_equal(np.signbit(got["tanh"][:2]), [False, True])
    np.testing.assert_array_equal(got["sigmoid"][:2], [0.5, 0.5])
    np.testing.assert_array_equal(got["sigmoid'"][:2], [0.25, 0.25])
    np.testing.assert_array_equal(got["tanh'"][:2], [1.0, 1.0])
    for name in ("sigmoid", "tanh", "sigmoid'", "tanh'"):
        assert np.isnan(got[name][2]), name
    np.testing.assert_array_equal(got["tanh"][3:5], [1.0, -1.0])
    np.testing.assert_array_equal(got["sigmoid"][3:5], [1.0, 0.0])
    np.testing.assert_array_equal(got["sigmoid'"][3:5], [0.0, 0.0])
    np.testing.assert_array_equal(got["sigmoid"][9:11], [1.0, 0.0])
    np.testing.assert_array_equal(got["tanh'"][9:11], [0.0, 0.0])
    # tanh's tiny x comes back itself, subnormal ones included (XLA flushes only arithmetic)
    np.testing.assert_array_equal(got["tanh"][5:7], x[5:7])
    np.testing.assert_array_equal(got["tanh"][-3:], x[-3:])
    want = np.tanh(x[-6:-3].astype(np.float64)).astype(np.float32)
    assert np.all(np.abs(got["tanh"][-6:-3].view(np.int32) - want.view(np.int32)) <= 1)


@pytest.mark.parametrize(("table", "name"), [("_P", "sigmoid"), ("_T", "tanh")])
def test_a_wrong_cheap_coefficient_is_caught(monkeypatch, table, name):
    """The check can fail for the cheap words too: a coefficient off by 1e-4 in ``_P`` (exp) or
    ``_T`` (tanh below 1/2) puts the result more than 1 ulp off."""
    values = getattr(_float32, table)
    monkeypatch.setattr(_float32, table, (values[0], values[1] * 1.0001, *values[2:]))
    math_, _ = exhaustive.formulation(name)
    with pytest.raises(AssertionError, match="ulp at x="):
        with np.errstate(all="ignore"):
            _check(name, math_(X, np), flushes=False)


def test_split_constant_is_exact_and_short():
    for value in (1.0, 0.1, 1.7580993408473768, 3e38, -2.5e-30):
        head, tail = _float32.split_constant(value)
        assert head + tail == value
        mantissa = math.frexp(head)[0] * 2**11
        assert mantissa == int(mantissa)  # 11 significant bits


@pytest.mark.parametrize("name", ["elu", "selu", "sigmoid", "tanh"])
def test_jax_jit_calls_it_within_one_ulp(name):
    """The public function under jax.jit on float32 (the formulation where the policy picks it)."""
    jax = pytest.importorskip("jax")
    f = jax.jit(getattr(rf, name))
    x = X[np.isfinite(X) & (np.abs(X) >= TINY)][::8]
    with np.errstate(all="ignore"):
        want = oracle.forward(name, x.astype(np.float64), **rf.get(name).defaults).astype(np.float32)
        got = np.asarray(f(x))
        d = np.minimum(exhaustive.distance(got, want), exhaustive.distance(got, exhaustive.flush(want)))
    assert d.max() <= 1, (name, x[np.argmax(d)])


_WITHOUT_X64 = """
import sys, numpy as np, jax, jax.numpy as jnp, rectifiers as rf
assert not jax.config.jax_enable_x64
x = np.load(sys.argv[1])
out = {}
for name in ("elu", "selu", "sigmoid", "tanh"):
    f = getattr(rf, name)
    out[name] = np.asarray(f(jnp.asarray(x)))  # eagerly (one jax.jit unit inside)
    out[name + "_jit"] = np.asarray(jax.jit(f)(x))
    out[name + "'"] = np.asarray(jax.grad(lambda t: jnp.sum(f(t)))(jnp.asarray(x)))
np.savez(sys.argv[2], **out)
"""


def test_jax_without_x64_is_within_one_ulp(tmp_path):
    """JAX's default has no float64: the public functions compute with the formulation, eagerly,
    under jax.jit and under jax.grad (XLA's own float32 expm1 is 5 ulp off). A subprocess: the
    suite turns x64 on (conftest)."""
    pytest.importorskip("jax")
    import subprocess

    x = X[np.isfinite(X) & (np.abs(X) >= TINY)][::4]
    np.save(tmp_path / "x.npy", x)
    env = {**os.environ, "JAX_ENABLE_X64": "0", "JAX_PLATFORMS": "cpu"}
    subprocess.run(
        [sys.executable, "-c", _WITHOUT_X64, str(tmp_path / "x.npy"), str(tmp_path / "y.npz")],
        check=True,
        env=env,
    )
    got = np.load(tmp_path / "y.npz")
    with np.errstate(all="ignore"):
        for name in ("elu", "selu", "sigmoid", "tanh"):
            params = rf.get(name).defaults
            forward = oracle.forward(name, x.astype(np.float64), **params).astype(np.float32)
            slope = oracle.derivative(name, x.astype(np.float64), **params).astype(np.float32)
            for key, want in ((name, forward), (name + "_jit", forward), (name + "'", slope)):
                d = np.minimum(
                    exhaustive.distance(got[key], want), exhaustive.distance(got[key], exhaustive.flush(want))
                )
                assert d.max() <= 1, (key, x[np.argmax(d)], got[key][np.argmax(d)], want[np.argmax(d)])


def test_an_alpha_beyond_float32_keeps_the_float64_pass_when_compiled():
    """The formulation takes alpha in float32 words: a larger one (accepted where float64 computes)
    keeps the float64 pass under tf.function, as eagerly, instead of being refused there."""
    tf = pytest.importorskip("tensorflow")
    x = np.float32([0.0, -1.0, 2.0])
    compiled = tf.function(lambda t: rf.elu(t, 1e39))(tf.constant(x)).numpy()
    np.testing.assert_array_equal(compiled, rf.elu(x, 1e39))
