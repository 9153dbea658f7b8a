"""Meta tensors, FakeTensorMode and no host sync: every module constructs and runs forward and
backward without reading a tensor's values (no .item(), bool(tensor), .tolist() on data),
proved by torch.compile(fullgraph=True) of a whole training step for every memory mode."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch._subclasses.fake_tensor import FakeTensorMode  # noqa: E402

import rectifiers as rf  # noqa: E402
import rectifiers.torch as rt  # noqa: E402

torch.set_num_threads(1)


def make(class_name, memory):
    """``rt.<class_name>`` for 3 channels, keeping ``memory`` where it applies (else "auto")."""
    name = rt.NAMED[class_name]
    memory = memory if memory != "bits" or rf.get(name).mask is not None else "auto"
    args = {"PReLU": (3,), "Softmax": (1,)}.get(class_name, ())
    return getattr(rt, class_name)(*args, memory=memory)


CASES = [(c, m) for c in rt.NAMED for m in rt.MEMORY if m != "bits" or rf.get(rt.NAMED[c]).mask is not None]


@pytest.mark.parametrize("class_name, memory", CASES)
def test_every_module_runs_on_the_meta_device(class_name, memory):
    for training in (True, False):
        module = make(class_name, memory).to("meta").train(training)
        x = torch.randn(2, 3, 4, device="meta", requires_grad=True)
        y = module(x)
        y.sum().backward()
        assert y.device.type == "meta" and y.shape == x.shape and x.grad.shape == x.shape
        if class_name == "PReLU":
            assert module.weight.grad.shape == (3,)


@pytest.mark.parametrize("class_name, memory", CASES)
def test_every_module_runs_under_fake_tensor_mode(class_name, memory):
    with FakeTensorMode():
        for training in (True, False):
            module = make(class_name, memory).train(training)
            x = torch.randn(2, 3, 4, requires_grad=True)
            y = module(x)
            y.sum().backward()
            assert y.shape == x.shape and x.grad.shape == x.shape


@pytest.mark.parametrize("memory", rt.MEMORY)
def test_a_compiled_training_step_has_no_host_sync(memory):
    """fullgraph=True: a .item() or bool(tensor) in any forward or backward would fail it."""
    torch._dynamo.reset()
    torch.manual_seed(0)
    body = [make(c, memory) for c in rt.NAMED if c != "Softmax"]
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 3), torch.nn.Unflatten(1, (3, 1)), *body, make("Softmax", memory)
    )
    compiled = torch.compile(model, backend="aot_eager", fullgraph=True)
    x = torch.randn(5, 4)
    compiled(x).square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    assert all(torch.isfinite(g).all() for g in grads)
    model.eval().zero_grad()  # evaluation (rrelu's mean slope): the same numbers as eager
    compiled(x).square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    model(x).square().sum().backward()
    for p, g in zip(model.parameters(), grads, strict=True):
        torch.testing.assert_close(p.grad, g)
