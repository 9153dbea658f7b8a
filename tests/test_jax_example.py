"""examples/jax_mlp.py trains with every rectifier: plain SGD, a few steps, the loss falls."""

import importlib.util
import pathlib

import numpy as np
import pytest

import rectifiers as rf

pytest.importorskip("jax")

PATH = pathlib.Path(__file__).resolve().parents[1] / "examples" / "jax_mlp.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("jax_mlp", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("activation", [n for n in rf.names() if rf.get(n).kinks])
def test_loss_falls(example, activation):
    params, before, after = example.train(activation, steps=30)
    assert after < 0.9 * before, (before, after)
    if activation == "prelu":  # the slopes are learned
        assert not np.allclose(np.asarray(params["alpha"]), rf.get("prelu").example_params["alpha"])


def test_main_runs(example, capsys):
    example.main(["--activation", "rrelu", "--steps", "5"])
    assert "rrelu: loss" in capsys.readouterr().out
