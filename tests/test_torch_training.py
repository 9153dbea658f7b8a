"""The PyTorch binding in training: what the backward keeps, rrelu's regenerated slopes, and
the machinery around a module (torch.compile, torch.export, autograd.functional, DDP), plus a
smoke run of the memory benchmark."""

from __future__ import annotations

import importlib.util
import math
import os
import pathlib
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402
from rectifiers.torch import functional as F  # noqa: E402

torch.set_num_threads(1)

ROOT = pathlib.Path(__file__).resolve().parents[1]
RECTIFIERS = ("relu", "relu6", "leaky_relu", "prelu", "rrelu", "elu", "selu")
TORCH_NN = {
    "relu": torch.nn.ReLU, "relu6": torch.nn.ReLU6, "leaky_relu": lambda: torch.nn.LeakyReLU(0.2),
    "prelu": torch.nn.PReLU, "rrelu": torch.nn.RReLU, "elu": torch.nn.ELU, "selu": torch.nn.SELU,
}  # fmt: skip


def mlp(act, width=64, layers=3):
    torch.manual_seed(0)
    blocks = []
    for _ in range(layers):
        blocks += [torch.nn.Linear(width, width), act()]
    return torch.nn.Sequential(*blocks)


def saved(model, x):
    """Unique bytes the graph keeps (parameters and the input left out), and each saved (size, dtype)."""
    skip = {p.untyped_storage().data_ptr() for p in model.parameters()} | {x.untyped_storage().data_ptr()}
    kept = {}

    def pack(t):
        if t.untyped_storage().data_ptr() not in skip:
            kept[t.untyped_storage().data_ptr()] = (t.untyped_storage().nbytes(), t.dtype)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = model(x).square().sum()
    loss.backward()
    return sum(n for n, _ in kept.values()), sorted(kept.values(), key=str)


#: Where the output does not give the exact gradient: they keep the input, as torch.nn does
#: (elu, selu: y + alpha cancels; a learned prelu slope: y = w * x can under- or overflow).
KEEP_THE_INPUT = ("prelu", "elu", "selu")


@pytest.mark.parametrize("name", RECTIFIERS)
def test_saved_memory_equals_relus_where_torch_nn_keeps_more(name):
    x = torch.randn(32, 64)
    relu = saved(mlp(torch.nn.ReLU), x)[0]
    ours = saved(mlp(lambda: rt.Activation(name)), x)[0]
    theirs = saved(mlp(TORCH_NN[name]), x)[0]
    assert ours == (theirs if name in KEEP_THE_INPUT else relu)
    if name not in ("relu",):  # torch.nn keeps the input (and rrelu its noise): the test can tell
        assert theirs > relu


@pytest.mark.parametrize("name", [n for n in rf.names() if rf.get(n).mask is not None])
def test_bits_mode_keeps_one_bit_per_element(name):
    x = torch.randn(32, 64)
    total, tensors = saved(mlp(lambda: rt.Activation(name, memory="bits"), layers=3), x)
    masks = [n for n, dtype in tensors if dtype == torch.uint8]
    assert masks == [32 * 64 // 8] * 3
    linear_inputs = 2 * 32 * 64 * 4  # what the 2nd and 3rd Linear keep; the loss keeps the last output
    assert total == sum(masks) + linear_inputs + 32 * 64 * 4


def test_prelu_keeps_its_input_when_a_slope_is_not_positive():
    x = torch.randn(8, 3, requires_grad=True)
    cases = (([0.25, 0.5, 1.0], "output"), ([0.25, 0.0, 1.0], "input"), ([0.25, -1.0, 1.0], "input"))
    for slopes, kept in cases:
        module = rt.PReLU(3).requires_grad_(False)  # a learned slope keeps the input always
        with torch.no_grad():
            module.weight.copy_(torch.tensor(slopes))
        y = module(x)
        (t, _) = y.grad_fn.saved_tensors
        assert t is (y if kept == "output" else x) or torch.equal(t, y if kept == "output" else x)
        assert (t.data_ptr() == y.data_ptr()) == (kept == "output")


def test_rrelu_backward_regenerates_the_forward_slopes():
    x = -torch.rand(1000, dtype=torch.float64) - 0.1
    x.requires_grad_()
    y = F.rrelu(x, training=True)  # seed None: a fresh seed per call, from torch's generator
    (kept, _) = y.grad_fn.saved_tensors
    assert kept.data_ptr() == y.data_ptr()  # the output and an int seed: no noise tensor
    (g,) = torch.autograd.grad(y.sum(), x)
    slopes = (y / x).detach()
    torch.testing.assert_close(g, slopes, rtol=1e-15, atol=0)
    lower, upper = rf.get("rrelu").defaults.values()
    assert lower <= slopes.min() and slopes.max() < upper and slopes.std() > 0.01


def test_rrelu_module_follows_training_and_its_seed():
    x = -torch.ones(2000)
    a, b = rt.RReLU(seed=3), rt.RReLU(seed=3)
    first, second = a(x), a(x)
    assert not torch.equal(first, second)  # fresh slopes every training call
    assert torch.equal(first, b(x)) and torch.equal(second, b(x))  # the same sequence per seed
    torch.manual_seed(1)
    c = rt.RReLU()(x)
    torch.manual_seed(1)
    assert torch.equal(c, rt.RReLU()(x))  # seed=None: torch.manual_seed makes it reproducible
    mean = F.leaky_relu(x, sum(rf.get("rrelu").defaults.values()) / 2)
    assert torch.equal(a.eval()(x), mean)
    assert torch.equal(F.rrelu(x, training=True, seed=5), rf.rrelu(x, training=True, seed=5))


def test_a_seeded_module_draws_its_kth_call_with_the_cores_stream_seed():
    """The module's k-th training call is the core's call with ``stream_seed(seed, k)``: the
    stream rule is written once, in ``_random``."""
    from rectifiers._random import stream_seed

    x = -torch.ones(500)
    module = rt.RReLU(seed=11)
    for k in range(3):
        assert torch.equal(module(x), rf.rrelu(x, training=True, seed=stream_seed(11, k))), k


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
def test_half_precision_modules_train(dtype):
    activations = [rt.Activation(n) for n in RECTIFIERS if n != "prelu"]
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), *activations)
    model.append(rt.PReLU(3))
    model = model.to(dtype)
    x = torch.randn(5, 4, dtype=dtype)
    model(x).sum().backward()
    assert all(p.grad is not None and p.grad.dtype == dtype for p in model.parameters())
    prelu = rt.PReLU(3)  # a float32 slope on 16-bit input
    y = prelu(x[:, :3])
    y.sum().backward()
    assert y.dtype == dtype and prelu.weight.grad.dtype == torch.float32


def _modules():
    return [rt.Activation(n, **({"num_parameters": 4} if n == "prelu" else {})) for n in rf.names()]


@pytest.mark.parametrize("memory", ["auto", "bits"])
def test_torch_compile_has_no_graph_break(memory):
    torch._dynamo.reset()
    for module in _modules():
        if memory == "bits" and rf.get(module.name).mask is None:
            continue
        module.memory = memory
        x = torch.randn(3, 4, requires_grad=True)
        explanation = torch._dynamo.explain(module)(x)
        assert explanation.graph_break_count == 0, (module, explanation.break_reasons)


def test_torch_compile_trains_like_eager():
    torch._dynamo.reset()
    activations = (rt.LeakyReLU(), rt.PReLU(4), rt.ELU(), rt.RReLU().eval())
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), *activations)
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    x = torch.randn(6, 4)
    expected = model(x)
    expected.sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    actual = compiled(x)
    actual.sum().backward()
    torch.testing.assert_close(actual, expected)
    for p, g in zip(model.parameters(), grads, strict=True):
        torch.testing.assert_close(p.grad, g)
    model.train()
    y = torch.compile(rt.RReLU(), backend="aot_eager", fullgraph=True)(-torch.ones(100, requires_grad=True))
    assert y.unique().numel() > 1  # training draws slopes under compile too


def test_torch_export_round_trips():
    activations = (rt.LeakyReLU(0.1), rt.PReLU(4), rt.SELU(), rt.ReLU6())
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), *activations).eval()
    x = torch.randn(3, 4)
    program = torch.export.export(model, (x,))
    torch.testing.assert_close(program.module()(x), model(x))


@pytest.mark.parametrize("name", [n for n in rf.names() if rf.get(n).elementwise])
def test_autograd_functional_jacobian_and_hessian(name):
    x = torch.tensor([-1.5, -0.3, 0.7, 2.0], dtype=torch.float64)
    alpha = (0.5,) if name in ("prelu", "leaky_relu") else ()  # the slope, positional in both
    params = {"training": True, "seed": 2} if name == "rrelu" else {}

    def f(t):
        return getattr(F, name)(t, *alpha, **params)

    def reference(t):
        return getattr(rf, name)(t, *alpha, **params)

    jacobian = torch.autograd.functional.jacobian
    torch.testing.assert_close(jacobian(f, x), jacobian(reference, x))
    torch.testing.assert_close(
        torch.autograd.functional.hessian(lambda t: f(t).sum(), x),
        torch.autograd.functional.hessian(lambda t: reference(t).sum(), x),
    )


def test_wgan_gradient_penalty_through_leaky_relu():
    critic = torch.nn.Sequential(torch.nn.Linear(3, 8), rt.LeakyReLU(0.2), torch.nn.Linear(8, 1))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.LeakyReLU(0.2), torch.nn.Linear(8, 1))
    reference.load_state_dict(critic.state_dict())
    x = torch.randn(16, 3)
    penalties = []
    for model in (critic, reference):
        a = x.clone().requires_grad_()
        (g,) = torch.autograd.grad(model(a).sum(), a, create_graph=True)
        penalty = ((g.norm(dim=1) - 1) ** 2).mean()
        penalty.backward()
        # torch.nn materializes a zero gradient for the first bias (the penalty does not depend on it)
        parameter_grads = [torch.zeros_like(p) if p.grad is None else p.grad for p in model.parameters()]
        penalties.append([penalty.detach(), *parameter_grads])
    for mine, theirs in zip(*penalties, strict=True):
        torch.testing.assert_close(mine, theirs)


DDP_CHECK = """
import sys, torch, rectifiers.torch as rt
torch.set_num_threads(1)
dist = torch.distributed
dist.init_process_group("gloo", init_method="file://" + sys.argv[1], rank=0, world_size=1)
try:
    model, plain = (
        torch.nn.Sequential(torch.nn.Linear(4, 4), rt.PReLU(4), rt.RReLU(seed=1), torch.nn.Linear(4, 1))
        for _ in range(2)
    )
    plain.load_state_dict(model.state_dict())
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    x = torch.randn(8, 4)
    ddp(x).sum().backward()
    plain(x).sum().backward()
    for p, q in zip(model.parameters(), plain.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad)
finally:
    dist.destroy_process_group()
print("gradients equal")
"""


def test_distributed_data_parallel_single_process(tmp_path):
    """DDP (gloo, one rank) gives the plain model's gradients. In its own process, as DDP runs:
    in the same process as the rest of the suite gloo once deadlocked at start-up."""
    if not torch.distributed.is_available():
        pytest.skip("torch.distributed is not built in")
    result = subprocess.run(
        [sys.executable, "-c", DDP_CHECK, str(tmp_path / "store")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert result.returncode == 0 and "gradients equal" in result.stdout, result.stderr[-2000:]


def test_import_rectifiers_does_not_import_torch():
    code = "import sys, rectifiers; rectifiers.relu([1.0]); assert 'torch' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(ROOT / "src")})


def test_memory_benchmark_runs_quick(capsys):
    spec = importlib.util.spec_from_file_location("torch_memory", ROOT / "benchmarks" / "torch_memory.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--quick"])
    out = capsys.readouterr().out
    tables = out.split("\n## ")[1:]
    assert [t.split(":")[0] for t in tables] == ["MLP 4 x (Linear + act)", "CNN (seeds)", "activation alone"]
    alone = [line.split()[0] for line in tables[2].splitlines()[1:] if line.strip()]
    assert alone == list(bench.NAMES)
    for table in tables[:2]:
        rows = [line.split() for line in table.splitlines()[2:] if line.strip()]
        labels = [(r[0], " ".join(r[1:-7])) for r in rows]
        expected = [(n, v) for n in bench.NAMES for v, _ in bench.variants(n)]
        assert labels == expected
        for row in rows:
            assert all(math.isfinite(float(v)) or v == "nan" for v in row[-7:])
