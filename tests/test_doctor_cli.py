"""``rectifiers doctor MODEL DATA`` for a PyTorch model given as ``module:constructor`` with a
state_dict: the report, JSON and PNG for good input; one line on stderr and exit 2 for bad."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rectifiers.cli import main  # noqa: E402

MODULE = textwrap.dedent(
    """
    import torch

    def make():
        return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))

    class NotATensor:
        pass
    """
)


@pytest.fixture
def files(tmp_path, monkeypatch):
    (tmp_path / "doctor_cli_net.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    with torch.no_grad():
        model[0].bias[[0, 3]] = -1e4
    torch.save(model.state_dict(), tmp_path / "net.pt")
    np.savez(tmp_path / "data.npz", x=np.random.default_rng(0).standard_normal((600, 4)).astype("float32"))
    return tmp_path


def test_a_torch_model_and_its_weights(files, capsys):
    out = files / "doctor.json"
    code = main(["doctor", "doctor_cli_net:make", str(files / "data.npz"), "--weights", str(files / "net.pt"),
                 "--json", str(out), "--plot", str(files / "doctor.png"), "--batch-size", "128"])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0 and "1: 2 dead of 6: [0, 3] (dead since window 0)" in printed
    report = json.loads(out.read_text())
    assert [(r["name"], r["dead_units"], r["samples"]) for r in report["layers"]] == [("1", [0, 3], 600)]
    assert report["config"]["confidence"] == 0.99 and (files / "doctor.png").stat().st_size > 0


def test_without_weights_the_constructed_model_is_used(files, capsys):
    assert main(["doctor", "doctor_cli_net:make", str(files / "data.npz"), "--rare", "0.1"]) == 0
    assert "rules out a firing rate >= 0.1" in capsys.readouterr().out


def bad_cases(files):
    data, weights = str(files / "data.npz"), str(files / "net.pt")
    np.savez(files / "no_x.npz", y=np.zeros(3))
    (files / "text.npz").write_text("not an archive")
    torch.save({"0.weight": __import__("doctor_cli_net").NotATensor()}, files / "pickle.pt")
    torch.save({"other": torch.zeros(1)}, files / "keys.pt")
    return [
        (["doctor_cli_net:make", str(files / "missing.npz")], "no such data file. Received: "),
        (["doctor_cli_net:make", str(files / "no_x.npz")], "has no array x. Received arrays: y"),
        (["doctor_cli_net:make", str(files / "text.npz")], "cannot read"),
        (["doctor_cli_net:make", str(files / "data.csv")], "DATA must be a .npz file"),
        (["doctor_cli_net", data], "MODEL must be a .keras file or package.module:constructor"),
        (["no_such_module_here:make", data], "cannot import 'no_such_module_here'"),
        (["doctor_cli_net:missing", data], "has no callable 'missing'"),
        (["doctor_cli_net:make", data, "--weights", str(files / "pickle.pt")], "cannot load"),
        (["doctor_cli_net:make", data, "--weights", str(files / "keys.pt")], "cannot load"),
        (["doctor_cli_net:make", data, "--weights", str(files / "nope.pt")], "no such weights file"),
        (["doctor_cli_net:make", data, "--layers", "2"], "no activation module named '2'. Accepted: 1"),
        (["doctor_cli_net:make", data, "--confidence", "1.5"], "--confidence must be in (0, 1)"),
        (["doctor_cli_net:make", data, "--batch-size", "0"], "--batch-size must be >= 1"),
        ([str(files / "missing.keras"), data], "no such model file"),
        ([str(files / "missing.keras"), data, "--weights", weights], "--weights is for PyTorch models"),
    ]


def test_bad_input_is_one_line_on_stderr_and_exit_2(files, capsys):
    for argv, message in bad_cases(files):
        assert main(["doctor", *argv]) == 2, argv
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1, (argv, captured.err)
        assert captured.err.startswith("rectifiers doctor: ") and message in captured.err, (
            argv,
            captured.err,
        )


def test_the_model_must_run_on_the_data(files, capsys):
    np.savez(files / "wide.npz", x=np.zeros((10, 7), "float32"))
    assert main(["doctor", "doctor_cli_net:make", str(files / "wide.npz")]) == 2
    assert "the model cannot run on x of shape (10, 7)" in capsys.readouterr().err
