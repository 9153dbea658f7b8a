"""The PyTorch binding's regressions from issue 9 ("Trust"): each test failed before its fix.

Exactness of the gradients (elu, selu and prelu's weight), rrelu's slopes in evaluation and
under torch.utils.checkpoint, its place in its random stream in the state_dict, the bit mask
on 0-d tensors, and softmax's axis."""

from __future__ import annotations

import io
import math

import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers.torch import _autograd, functional as F  # noqa: E402

torch.set_num_threads(1)

FLOATS = (torch.float64, torch.float32, torch.float16, torch.bfloat16)
MEAN_SLOPE = sum(rf.get("rrelu").defaults.values()) / 2


def gradient(f, x, *params, **options):
    x = x.detach().clone().requires_grad_()
    (g,) = torch.autograd.grad(f(x, *params, **options).sum(), x)
    return g


def ulp(exact):
    """The spacing of ``exact``'s dtype at each value (at 0: the smallest subnormal)."""
    inf = torch.tensor(math.inf, dtype=exact.dtype)
    return (torch.nextafter(exact.abs(), inf).double() - exact.abs().double()).clamp_min(0)


# --- §2: rrelu in evaluation with memory="bits" --------------------------------------------


def test_rrelu_evaluation_with_bits_uses_the_mean_slope_every_time():
    x = -torch.ones(64)
    expected = torch.full_like(x, MEAN_SLOPE)  # (1/8 + 1/3) / 2 = 0.2291667 in float32
    for _ in range(3):
        assert torch.equal(gradient(F.rrelu, x, memory="bits"), expected)
        assert torch.equal(gradient(F.rrelu, x, training=False, memory="bits"), expected)
    module = rt.RReLU(memory="bits").eval()
    assert torch.equal(gradient(lambda t: module(t), x), expected)
    seeded = rt.RReLU(seed=1, memory="bits").eval()
    assert torch.equal(gradient(lambda t: seeded(t), x), expected)


def test_the_slope_off_the_bit_mask_is_the_cores():
    with_off_mask = [name for name in rf.names() if rf.get(name).off_mask is not None]
    assert with_off_mask == [name for name in rf.names() if rf.get(name).mask is not None]
    for name in with_off_mask:
        spec = rf.get(name)
        params = spec.resolve(**({"alpha": 0.3} if name == "leaky_relu" else {}))
        mask = torch.tensor([True, False])
        core = spec.mask_derivative(mask, torch.empty(2, dtype=torch.float64), _autograd.XP, **params)
        assert core.tolist() == [1.0, spec.off_mask(params)], name


# --- §2: ELU/SELU gradients exact; in place within the stated bound ------------------------

GRID = torch.linspace(-30, 30, 2**16 + 1, dtype=torch.float64)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "prelu", "rrelu", "elu", "selu"])
def test_the_default_gradient_is_within_one_ulp_of_the_exact_derivative(name, dtype):
    """memory="auto": elu/selu used to rebuild f' as y + alpha, 0 at x = -20 (exact 2.1e-9)."""
    x = GRID.to(dtype)
    alpha = {"prelu": (torch.tensor(0.25, dtype=dtype),), "leaky_relu": (0.25,)}.get(name, ())
    exact = rf.derivative(name, x.double(), **({"alpha": 0.25} if alpha else {})).to(dtype)
    got = gradient(getattr(F, name), x, *alpha)
    assert ((got.double() - exact.double()).abs() <= ulp(exact)).all()
    if name in ("elu", "selu"):
        assert gradient(getattr(F, name), torch.tensor([-20.0])).item() > 0  # the point


@pytest.mark.parametrize("dtype", FLOATS[1:], ids=str)  # float64 has no exact reference to test against
@pytest.mark.parametrize("name", ["elu", "selu"])
def test_in_place_elu_and_selu_gradients_stay_within_eps_times_alpha(name, dtype):
    """In place the input is gone and f' = y + alpha: off by at most eps * alpha (docs/accuracy.md)."""
    x = GRID.to(dtype)
    alpha = -getattr(rf, name)(torch.tensor(-math.inf, dtype=torch.float64)).item()  # 1, lambda * alpha
    a = x.clone().requires_grad_()
    y = getattr(F, name)(a * 1, inplace=True)
    (got,) = torch.autograd.grad(y.sum(), a)
    error = (got.double() - rf.derivative(name, x.double())).abs()
    eps = torch.finfo(dtype).eps
    assert error.max() <= eps * alpha
    assert error.max() > eps * alpha / 8  # the bound is what in place costs: not exact


@pytest.mark.parametrize("name", ["elu", "selu"])
def test_elu_and_selu_gradients_on_every_layout_equal_the_cores(name):
    """0-d, empty, transposed: the float32 backward runs the core's kernels on a NumPy view."""
    for x in (torch.tensor(-1.5), torch.empty(0, 3), torch.randn(3, 4).t() * 8):
        got = gradient(getattr(F, name), x)
        assert got.shape == x.shape and torch.equal(got, rf.derivative(name, x))


# --- §2: PReLU's weight gradient for every slope -------------------------------------------


@pytest.mark.parametrize(
    "w, x, dtype",
    [(1e-30, -1e-20, torch.float32), (4.0, -30000.0, torch.float16), (0.0, -3.0, torch.float32),
     (0.25, -2.0, torch.bfloat16), (3e38, -2.0, torch.float32)],
)  # fmt: skip
def test_prelu_weight_gradient_equals_torch_nn_for_every_slope(w, x, dtype):
    ours, theirs = rt.PReLU(init=w).to(dtype), torch.nn.PReLU(init=w).to(dtype)
    a = torch.tensor([x, 1.0], dtype=dtype, requires_grad=True)
    b = a.detach().clone().requires_grad_()
    ours(a).sum().backward()
    theirs(b).sum().backward()
    assert ours.weight.grad.item() == theirs.weight.grad.item() == torch.tensor(x, dtype=dtype).item()
    assert torch.equal(a.grad, b.grad)


def test_a_learned_prelu_slope_keeps_the_input_a_fixed_one_the_output():
    x = torch.randn(8, 3, requires_grad=True)
    learned = torch.tensor([0.25, 0.5, 1.0], requires_grad=True)
    (kept, _) = F.prelu(x, learned).grad_fn.saved_tensors
    assert kept.data_ptr() == x.data_ptr()
    y = F.prelu(x, learned.detach())
    assert y.grad_fn.saved_tensors[0].data_ptr() == y.data_ptr()


# --- §2: elu'(NaN) and selu'(NaN) are NaN --------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 64])  # ATen's scalar tail and its vector body
@pytest.mark.parametrize("name", ["elu", "selu"])
def test_elu_and_selu_gradient_at_nan_is_nan(name, size):
    x = torch.full((size,), math.nan)
    assert rf.derivative(name, x).isnan().all()  # the core's rule: NaN is not > 0
    for memory in ("auto", "input"):
        assert gradient(getattr(F, name), x, memory=memory).isnan().all(), memory
    module = getattr(rt, name.upper())()
    assert gradient(lambda t: module(t), x).isnan().all()


# --- §2 and §6: softmax's axis ---------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_softmax_module_honours_its_axis(axis):
    module = rt.Activation("softmax", axis=axis)  # axis=1 raised IndexError at construction
    x = torch.randn(3, 4, 5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(module(x), torch.softmax(x, axis))


def test_softmax_axis_the_input_lacks_is_a_value_error():
    module = rt.Activation("softmax", axis=2)
    for call in (lambda: F.softmax(torch.randn(3), dim=5), lambda: module(torch.ones(2))):
        with pytest.raises(ValueError, match=r"axis must lie in \[-1, 1\) for a 1-d array. Received: axis="):
            call()


def test_prelu_init_that_is_not_a_number_is_a_type_error():
    for init in ("0.25", None, [0.25]):
        with pytest.raises(TypeError, match=r"init must be a real number. Received: init="):
            rt.PReLU(init=init)


# --- §3: memory="bits" on a 0-d tensor ---------------------------------------------------------


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "rrelu"])
def test_bits_mode_on_a_0d_tensor(name):
    for value in (-1.5, 0.0, 2.5):
        x = torch.tensor(value)
        slope = {"alpha": 0.2} if name == "leaky_relu" else {}  # the core's default; torch's is 0.01
        got = gradient(getattr(F, name), x, *slope.values(), memory="bits")
        assert got.shape == () and got.item() == rf.derivative(name, x, **slope).item()
    if name == "rrelu":
        x = torch.tensor(-1.0)
        got = gradient(F.rrelu, x, training=True, seed=3, memory="bits")
        assert got.item() == -F.rrelu(x, training=True, seed=3).item()


# --- §4: rrelu's randomness ------------------------------------------------------------------


def test_core_rrelu_on_a_torch_tensor_follows_torch_manual_seed():
    x = -torch.ones(100)
    torch.manual_seed(0)
    first = rf.rrelu(x, training=True)
    torch.manual_seed(0)
    assert torch.equal(rf.rrelu(x, training=True), first)
    assert not torch.equal(rf.rrelu(x, training=True), first)


def twice(module, x, checkpointed):
    """Two segments that share one seeded rrelu module, each checkpointed or not."""
    from torch.utils.checkpoint import checkpoint

    def segment(t):
        return module(t * 2.0) - 1.0

    if checkpointed:
        return checkpoint(segment, checkpoint(segment, x, use_reentrant=True), use_reentrant=True)
    return segment(segment(x))


def test_seeded_rrelu_under_reentrant_checkpoint_uses_the_forward_slopes():
    x = -torch.rand(500, dtype=torch.float64) - 0.5
    ours, plain = rt.RReLU(seed=3), rt.RReLU(seed=3)
    for _ in range(2):  # the second step goes on in the stream as without checkpoint
        a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
        ya, yb = twice(ours, a, checkpointed=True), twice(plain, b, checkpointed=False)
        assert torch.equal(ya, yb)
        ya.sum().backward()
        yb.sum().backward()
        assert torch.equal(a.grad, b.grad)


def test_seeded_rrelu_under_non_reentrant_checkpoint_keeps_its_stream():
    from torch.utils.checkpoint import checkpoint

    x = -torch.rand(500, dtype=torch.float64) - 0.5
    ours, plain = rt.RReLU(seed=3), rt.RReLU(seed=3)
    for _ in range(2):  # the recompute neither draws other slopes nor moves the stream on
        a, b = x.clone().requires_grad_(), x.clone().requires_grad_()
        ya = checkpoint(lambda t: ours(t).square(), a, use_reentrant=False)
        yb = plain(b).square()
        assert torch.equal(ya, yb)
        ya.sum().backward()
        yb.sum().backward()
        assert torch.equal(a.grad, b.grad)


def test_seeded_rrelu_keeps_its_place_in_the_stream_in_its_state_dict():
    x = -torch.ones(100)
    module = rt.RReLU(seed=3)
    module(x)
    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    second = module(x)
    resumed = rt.RReLU(seed=3)
    buffer.seek(0)
    resumed.load_state_dict(torch.load(buffer, weights_only=True))
    assert torch.equal(resumed(x), second)  # not the first step's slopes again
    assert list(rt.RReLU().state_dict()) == []  # seed=None: torch's generator holds the state
    rt.RReLU(seed=3).load_state_dict(torch.nn.RReLU().state_dict())  # a checkpoint without it loads
