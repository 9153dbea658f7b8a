"""The doctor on PyTorch models whose dead units are known by construction: exactly those are
reported, and nothing else; reused and in-place modules, torch.compile, gradients, windows,
and no host sync in a training step."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import rectifiers.torch as rt  # noqa: E402
from rectifiers import doctor  # noqa: E402
from rectifiers.doctor import _collapse  # noqa: E402

torch.set_num_threads(1)
NEVER = -1e4  # a bias no input of these tests can overcome


def dense(act=torch.nn.ReLU, dead1=(1, 4), dead2=(0,), inplace=False):
    """Linear(4, 6) -> act -> Linear(6, 5) -> act, with the units ``dead1``/``dead2`` unable to fire.

    The second layer's weights are positive, so every other unit of it fires whenever one
    input does: no unit is dead by chance; it ignores the units that cannot fire (whose
    output is negative and large for the leaky ones).
    """
    torch.manual_seed(0)
    kwargs = {"inplace": True} if inplace else {}
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), act(**kwargs), torch.nn.Linear(6, 5), act(**kwargs))
    with torch.no_grad():
        model[2].weight.abs_()
        model[2].weight[:, list(dead1)] = 0.0
        model[0].bias[list(dead1)] = NEVER
        model[2].bias[list(dead2)] = NEVER
    return model


@pytest.mark.parametrize(
    "act",
    [torch.nn.ReLU, torch.nn.ReLU6, lambda: torch.nn.LeakyReLU(0.1), torch.nn.ELU, torch.nn.SELU,
     torch.nn.RReLU, torch.nn.PReLU, rt.ReLU, rt.LeakyReLU, rt.ELU, rt.PReLU, lambda: rt.Activation("selu")],
)  # fmt: skip
def test_exactly_the_units_that_cannot_fire_are_dead(act):
    model = dense(act)
    with doctor.watch(model) as doc:
        model(torch.randn(600, 4))
    assert doc.dead_units() == {"1": [1, 4], "3": [0]}
    assert [r["name"] for r in doc.stats()] == ["1", "3"]


def test_a_channel_zeroed_after_batchnorm_is_dead_in_train_and_eval_mode():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
    )  # fmt: skip
    with torch.no_grad():
        model[1].weight[5] = 0.0  # channel 5 is exactly 0 after BN, so after the ReLU
        model[1].bias[5] = 0.0
        model[4].bias[2] = NEVER  # channel 2 of the second block can never fire
    x = torch.randn(500, 3, 8, 8)
    for mode in (model.train, model.eval):
        mode()
        with doctor.watch(model) as doc:
            model(x)
        assert doc.dead_units() == {"2": [5], "5": [2]}
        first = doc.stats()[0]
        assert (first["units"], first["samples"], first["unit_axis"]) == (
            8,
            500,
            1,
        )  # channels, not positions


def test_a_reused_module_is_counted_per_call_site():
    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.relu = torch.nn.Linear(4, 6), torch.nn.Linear(6, 5), torch.nn.ReLU()
            with torch.no_grad():
                self.fc2.weight.abs_()
                self.fc1.bias[3] = NEVER
                self.fc2.bias[[1, 2]] = NEVER

        def forward(self, x):
            return self.relu(self.fc2(self.relu(self.fc1(x))))

    torch.manual_seed(0)
    model = Block()
    with doctor.watch(model) as doc:
        for _ in range(2):  # a second forward counts into the same two sites
            model(torch.randn(300, 4))
    assert doc.dead_units() == {"relu#0": [3], "relu#1": [1, 2]}
    assert [(r["units"], r["samples"]) for r in doc.stats()] == [(6, 600), (5, 600)]


def test_in_place_relu_is_measured_after_it_rectified():
    model = dense(torch.nn.ReLU, inplace=True)
    with doctor.watch(model) as doc:
        model(torch.randn(600, 4)).sum().backward()
    stats = doc.stats()
    assert doc.dead_units() == {"1": [1, 4], "3": [0]}
    # The output of a ReLU has exact zeros where its input was negative: about half of the
    # live units' values and all of the dead ones'; the input would have none.
    assert stats[0]["sparsity"] == pytest.approx((2 + 4 * 0.5) / 6, abs=0.05)
    assert all(r["grad_norm"] is not None for r in stats)


def test_the_output_of_the_activation_is_what_is_measured():
    model = dense(lambda: torch.nn.LeakyReLU(0.5))
    x = torch.randn(600, 4)
    with doctor.watch(model) as doc:
        model(x)
    out = model[1](model[0](x))
    record = doc.stats()[0]
    magnitude = out.abs().mean(0).double()
    assert record["dormant"] == int((magnitude <= 0.025 * magnitude.mean()).sum())
    assert record["sparsity"] == 0.0  # leaky outputs are never exactly 0 here


@pytest.mark.parametrize("order", ["watch, then compile", "compile, then watch"])
def test_a_compiled_model_reports_the_same(order):
    torch._dynamo.reset()
    model, x = dense(), torch.randn(600, 4)
    if order == "watch, then compile":
        doc = doctor.watch(model)
        compiled = torch.compile(model, backend="aot_eager")
    else:
        compiled = torch.compile(model, backend="aot_eager")
        doc = doctor.watch(compiled)
    with doc:
        compiled(x).sum().backward()
        compiled(x).sum().backward()
    stats = doc.stats()
    assert doc.dead_units() == {"1": [1, 4], "3": [0]}
    assert [r["samples"] for r in stats] == [1200, 1200] and all(r["grad_norm"] for r in stats)


def test_gradient_norms_are_those_of_the_loss_with_respect_to_each_output():
    model, x = dense(dead1=(), dead2=()), torch.randn(64, 4)
    outputs = []
    keep = [
        model[i].register_forward_hook(lambda m, a, out: out.retain_grad() or outputs.append(out))
        for i in (1, 3)
    ]
    with doctor.watch(model) as doc:
        (model(x) ** 2).sum().backward()
    for handle in keep:
        handle.remove()
    first, second = doc.stats()
    assert first["grad_norm"] == pytest.approx(outputs[0].grad.norm().item(), rel=1e-5)
    assert second["grad_norm"] == pytest.approx(outputs[1].grad.norm().item(), rel=1e-5)
    assert first["grad_ratio"] == 1.0 and second["grad_ratio"] == pytest.approx(
        second["grad_norm"] / first["grad_norm"]
    )
    with doctor.watch(model) as doc, torch.no_grad():
        model(x)
    assert [r["grad_norm"] for r in doc.stats()] == [None, None]


def test_hooks_are_removed_on_exit_and_layers_can_be_chosen():
    model = dense()
    with doctor.watch(model, layers=["3"]) as doc:
        model(torch.randn(600, 4))
    assert doc.dead_units() == {"3": [0]}
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    with pytest.raises(ValueError, match=r"no activation module named '2'. Accepted: 1, 3"):
        doctor.watch(model, layers=["2"])
    with pytest.raises(TypeError, match="must be a torch.nn.Module. Received: list"):
        doctor.watch([model])


def test_too_few_samples_says_not_enough_evidence():
    model = dense()
    with doctor.watch(model) as doc:
        model(torch.randn(100, 4))
    assert doc.dead_units() == {"1": [], "3": []}
    assert [r["dead"] for r in doc.stats()] == [None, None]
    assert "n/e: not enough evidence yet in 1, 3 (fewer than 459 samples)" in doc.report()


def test_windows_track_persistent_death_and_revival():
    model = dense()
    with doctor.watch(model, window=500) as doc:
        model(torch.randn(500, 4))  # window 0 closes: 1, 4 and 0 dead
        with torch.no_grad():
            model[0].bias[1] = 0.0  # unit 1 revives
        model(torch.randn(250, 4))
        model(torch.randn(250, 4))  # window 1 closes
        model(torch.randn(500, 4))  # window 2 closes
        model(torch.randn(100, 4))
        doc.next_window()  # too little evidence: window 3 stays open
        model(torch.randn(380, 4))
        stats = doc.stats()
    assert stats[0]["window"] == 3 and stats[0]["samples"] == 480
    assert doc.dead_units() == {"1": [4], "3": [0]}
    assert stats[0]["persistently_dead"] == 1 and stats[0]["dead_since"] == [0]
    with doctor.watch(model) as doc:
        with torch.no_grad():
            model[0].bias[4] = NEVER
        model(torch.randn(500, 4))
        doc.next_window()
        with torch.no_grad():
            model[0].bias[4] = 0.0
        model(torch.randn(500, 4))
    assert doc.stats()[0]["revived"] == 1 and doc.dead_units()["1"] == []


@pytest.mark.parametrize("path", ["torch ops (any device)", "numpy on a CPU tensor's memory"])
def test_no_host_sync_in_a_training_step(path, monkeypatch):
    """What would sync a device is refused; a CPU tensor may be read in place as NumPy (its
    memory is the host's), and only a CPU tensor is (``_cpu_tally.supports``)."""
    from rectifiers.doctor import _cpu_tally

    model = dense()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)  # too small to kill a unit
    refused = ["item", "tolist", "cpu", "__bool__", "__int__", "__float__"]
    if path == "torch ops (any device)":
        monkeypatch.setattr(_cpu_tally, "DTYPES", ())
        refused.append("numpy")
    assert not _cpu_tally.supports(torch.zeros(1, device="meta"))

    def refuse(*args, **kwargs):
        raise AssertionError("host sync in a training step")

    with doctor.watch(model, window=600) as doc:
        with monkeypatch.context() as patch:
            for method in refused:
                patch.setattr(torch.Tensor, method, refuse)
            for _ in range(5):  # windows close at 600 and 1200 samples, in the steps
                optimizer.zero_grad()
                model(torch.randn(300, 4)).sum().backward()
                optimizer.step()
        model(torch.randn(200, 4))
        assert doc.dead_units() == {"1": [1, 4], "3": [0]}
        assert [(r["window"], r["samples"]) for r in doc.stats()] == [(2, 500), (2, 500)]


def test_the_collapse_alarm_fires_exactly_for_the_collapsed_nets():
    """Lu et al.'s born-dead nets (collapse_probability's construction) through doctor.watch."""
    x = torch.from_numpy(np.linspace(-np.sqrt(3), np.sqrt(3), 501).reshape(-1, 1))
    alarms, truth = [], []
    for width in (2, 3):
        weights = _collapse.born_dead_weights(width, depth=10, trials=30, seed=width)
        truth += _collapse.collapsed(weights).tolist()
        for trial in range(30):
            layers = []
            for w in weights:
                linear = torch.nn.Linear(*w.shape[1:], bias=False).double()
                linear.weight.data = torch.from_numpy(w[trial].T.copy())
                layers += [linear, torch.nn.ReLU()]
            net = torch.nn.Sequential(*layers)
            with doctor.watch(net) as doc, torch.no_grad():
                net(x)
            alarms.append(any(r["collapsed"] for r in doc.stats()))
    assert alarms == truth and 5 < sum(truth) < 55  # both outcomes occur


def test_report_json_and_png(tmp_path):
    model = dense()
    with doctor.watch(model) as doc:
        model(torch.randn(600, 4)).sum().backward()
    text = doc.report()
    assert "1: 2 dead of 6: [1, 4] (dead since window 0)" in text and "3: 1 dead of 5: [0]" in text
    doc.to_json(tmp_path / "doctor.json")
    saved = json.loads((tmp_path / "doctor.json").read_text())
    assert saved["config"]["samples_needed"] == 459 and "torch" in saved["environment"]["versions"]
    assert [r["dead_units"] for r in saved["layers"]] == [[1, 4], [0]]
    for record in saved["layers"]:
        assert {"name", "units", "samples", "enough_evidence", "dead", "persistently_dead", "revived",
                "rare", "always_on", "dormant", "saturated", "sparsity", "firing_histogram", "grad_norm",
                "grad_ratio", "collapsed"} <= set(record)  # fmt: skip
    pytest.importorskip("matplotlib")
    doc.plot(tmp_path / "doctor.png")
    assert (tmp_path / "doctor.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_collapsed_layer_is_reported():
    model = dense(dead1=range(6), dead2=())
    with doctor.watch(model) as doc:
        model(torch.randn(600, 4))
    assert [r["collapsed"] for r in doc.stats()] == [True, False]  # layer 3 is its biases: some > 0
    assert "COLLAPSE: every unit of 1 is dead (6 of 6)" in doc.report()


def test_sigmoid_and_tanh_report_saturation_not_death():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh())
    with torch.no_grad():
        model[0].bias[1] = 100.0
    with doctor.watch(model) as doc:
        model(torch.randn(600, 4))
    record = doc.stats()[0]
    assert (record["activation"], record["saturated"], record["dead"], record["dead_units"]) == (
        "tanh",
        1,
        0,
        [],
    )


def test_every_k_counts_one_forward_in_k():
    model = dense()
    with doctor.watch(model, every=3) as doc:
        for _ in range(7):  # forwards 0, 3 and 6 are counted
            model(torch.randn(200, 4))
    assert [r["samples"] for r in doc.stats()] == [600, 600] and doc.config()["every"] == 3
    assert doc.dead_units() == {"1": [1, 4], "3": [0]}
    with pytest.raises(ValueError, match="every must be a positive int. Received: every=0"):
        doctor.watch(model, every=0)


def test_sequence_models_use_the_last_axis_and_convolutions_the_channel_axis():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU())
    conv = torch.nn.Sequential(torch.nn.Conv1d(3, 5, 3), torch.nn.ReLU())
    with torch.no_grad():
        seq[0].bias[2] = NEVER
        conv[0].bias[4] = NEVER
    with doctor.watch(seq) as a, doctor.watch(conv) as b:
        seq(torch.randn(500, 7, 4))  # (batch, tokens, features): tokens pooled, 500 examples
        conv(torch.randn(500, 3, 9))  # (batch, channels, length)
    assert (a.dead_units(), b.dead_units()) == ({"1": [2]}, {"1": [4]})
    assert [(r["units"], r["samples"], r["unit_axis"]) for r in a.stats() + b.stats()] == [
        (6, 500, -1),
        (5, 500, 1),
    ]
    with doctor.watch(seq, unit_axis=1) as forced:
        seq(torch.randn(500, 6, 4))
    assert forced.stats()[0]["unit_axis"] == 1 and forced.stats()[0]["units"] == 6
