"""Export: torch.export of every module in eval and train mode with no private aten op in the
graph; torch.onnx.export run in onnxruntime against PyTorch; torch.jit.trace(...).save();
torch.jit.script says what to use instead."""

from __future__ import annotations

import io

import pytest

torch = pytest.importorskip("torch")

import rectifiers.torch as rt  # noqa: E402

torch.set_num_threads(1)


def module(class_name):
    return getattr(rt, class_name)(*{"PReLU": (3,), "Softmax": (1,)}.get(class_name, ()))


def points():
    x = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0)) * 3
    x.view(-1)[:3] = torch.tensor([0.0, -0.0, 6.0])
    return x


@pytest.mark.parametrize("class_name", rt.NAMED)
def test_torch_export_has_no_private_aten_op(class_name):
    for training in (False, True):
        m = module(class_name).train(training)
        program = torch.export.export(m, (points(),))
        ops = {str(n.target) for n in program.graph.nodes if n.op == "call_function"}
        assert not [op for op in ops if op.startswith("aten._")], ops  # aten._prelu_kernel was one
        if not training:
            # the graph runs torch's kernels: sigmoid, tanh, selu within 2 ulp of our CPU bits
            torch.testing.assert_close(program.module()(points()), m(points()), rtol=2.5e-7, atol=0)


@pytest.mark.parametrize("class_name", rt.NAMED)
def test_jit_trace_saves_and_loads(class_name):
    m = module(class_name).eval()
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.trace(m, (points(),)), buffer)
    buffer.seek(0)
    torch.testing.assert_close(torch.jit.load(buffer)(points()), m(points()), rtol=2.5e-7, atol=0)


def test_jit_script_says_what_to_use_instead():
    with pytest.raises(TypeError, match=r"cannot be compiled by torch.jit.script.*torch.jit.trace"):
        torch.jit.script(rt.LeakyReLU())


class Each(torch.nn.Module):
    """Every module on the same input, stacked: one ONNX model that runs them all."""

    def __init__(self):
        super().__init__()
        self.each = torch.nn.ModuleList(module(c) for c in rt.NAMED)

    def forward(self, x):
        return torch.stack([m(x) for m in self.each])


def test_onnx_export_runs_in_onnxruntime_like_pytorch():
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    model = Each().eval()
    program = torch.onnx.export(model, (points(),), dynamo=True, verbose=False)
    session = ort.InferenceSession(
        program.model_proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (got,) = session.run(None, {session.get_inputs()[0].name: points().numpy()})
    expected = model(points())
    torch.testing.assert_close(torch.from_numpy(got), expected, rtol=1e-6, atol=1e-6)
    zero = expected == 0  # relu(-0.0) = +0.0 and leaky_relu(-0.0) = -0.0 in ONNX too
    assert torch.equal(torch.signbit(torch.from_numpy(got)[zero]), torch.signbit(expected[zero]))
