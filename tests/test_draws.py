"""rrelu's counter-based slopes (``_draws.c``): SplitMix64's stream, uniform on [lower, upper],
the same for the same seed, and the forward's slopes in the backward."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf

native = pytest.importorskip("rectifiers._draws_native", reason="the C extension is not built")

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def splitmix64(seed: int, count: int) -> list[int]:
    """SplitMix64's first ``count`` outputs for ``seed``, in Python integers (the reference)."""
    out, state = [], seed
    for _ in range(count):
        state = (state + GAMMA) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        out.append(z ^ (z >> 31))
    return out


def draws(n, seed, lower=0.125, upper=1 / 3, positive=None):
    out = np.empty(n, np.float32)
    native.noise(positive, out, seed, lower, upper)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2**63 - 1, 123456789])
def test_the_draws_are_splitmix64s_stream(seed):
    lower, upper = 0.125, 1 / 3
    expected = [np.float32(lower + (upper - lower) * ((z >> 40) * 2.0**-24)) for z in splitmix64(seed, 5000)]
    np.testing.assert_array_equal(draws(5000, seed, lower, upper), np.array(expected, np.float32))


def test_the_same_seed_gives_the_same_draws_and_other_seeds_others():
    a, b, c = draws(10_000, 7), draws(10_000, 7), draws(10_000, 8)
    np.testing.assert_array_equal(a, b)
    assert np.mean(a == c) < 0.01
    np.testing.assert_array_equal(draws(9000, 7)[:4096], a[:4096])  # a prefix does not depend on n


def test_the_draws_are_uniform_on_the_interval():
    n, lower, upper = 1 << 20, 0.125, 1 / 3
    u = (draws(n, 11, lower, upper).astype(np.float64) - lower) / (upper - lower)
    assert u.min() >= 0 and u.max() <= 1
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    counts = np.histogram(u, bins=64, range=(0, 1))[0]
    chi2 = ((counts - n / 64) ** 2 / (n / 64)).sum()
    assert chi2 < 130  # 63 degrees of freedom: p < 1e-5 above 130
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 5 / np.sqrt(n)  # neighbours are not correlated


@pytest.mark.parametrize("n", [0, 1, 4095, 4096, 4097, 10_001])
def test_ones_where_positive_and_the_draws_elsewhere(n):
    positive = np.random.default_rng(n).random(n) > 0.4
    got = draws(n, 5, positive=positive)
    np.testing.assert_array_equal(got, np.where(positive, np.float32(1), draws(n, 5)))


def test_bad_buffers_are_refused_with_their_sizes():
    with pytest.raises(ValueError, match=r"one byte per element of out \(8\)\. Received: 7 bytes"):
        native.noise(np.zeros(7, bool), np.empty(8, np.float32), 0, 0.1, 0.2)
    with pytest.raises(ValueError, match="float32 buffer"):
        native.noise(None, np.empty(3, np.uint8), 0, 0.1, 0.2)
    with pytest.raises(TypeError):
        native.noise(None, np.empty(3, np.float32).data.toreadonly(), 0, 0.1, 0.2)


torch = pytest.importorskip("torch")


def test_torch_cpu_float32_draws_come_from_the_counter_and_other_dtypes_from_torch():
    from rectifiers._random import uniform
    from rectifiers.torch._autograd import XP

    like = torch.empty(3000)
    np.testing.assert_array_equal(uniform(XP, like, 0.125, 1 / 3, 9).numpy(), draws(3000, 9))
    wide = torch.empty(3000, dtype=torch.float64)
    generator = torch.Generator().manual_seed(9)
    expected = torch.empty(3000, dtype=torch.float64).uniform_(0.125, 1 / 3, generator=generator)
    assert torch.equal(uniform(XP, wide, 0.125, 1 / 3, 9), expected)


@pytest.mark.parametrize("memory", ["auto", "input", "bits"])
@pytest.mark.parametrize("shape", [(7,), (64, 513)])
def test_the_backward_uses_the_forwards_slopes(memory, shape):
    import rectifiers.torch as rt

    x = torch.randn(shape, generator=torch.Generator().manual_seed(0)) * 3
    x.view(-1)[:3] = torch.tensor([0.0, -0.0, float("nan")])
    leaf = x.clone().requires_grad_()
    layer = rt.RReLU(seed=4, memory=memory).train()
    y = layer(leaf)
    y.backward(torch.ones_like(y))
    negative = ~(x > 0)
    assert torch.equal(y.detach()[negative & ~x.isnan()], (x * leaf.grad)[negative & ~x.isnan()])
    assert bool(((leaf.grad[negative] >= 0.125) & (leaf.grad[negative] <= 1 / 3)).all())
    assert torch.equal(leaf.grad[x > 0], torch.ones_like(leaf.grad[x > 0]))


def test_the_core_and_the_binding_draw_the_same_slopes():
    from rectifiers.torch import functional as F

    x = -torch.rand(4096) - 0.5
    core = rf.rrelu(x, training=True, seed=12)
    binding = F.rrelu(x, training=True, seed=12)
    assert torch.equal(core, binding)
