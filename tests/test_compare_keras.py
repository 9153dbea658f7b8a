"""``--framework keras``: the same grid through ``rectifiers.keras`` layers gives records of the
same shape, the doctor's counts from its Keras probe, and reproducible numbers."""

from __future__ import annotations

import json

import pytest

from rectifiers.cli import main
from rectifiers.lab import results

pytest.importorskip("keras")
pytest.importorskip("sklearn")

GRID = ["--framework", "keras", "--models", "mlp", "--activations", "relu", "prelu", "--seeds", "1",
        "--epochs", "1", "--jobs", "1", "--quiet"]  # fmt: skip


def test_keras_grid_runs_and_repeats(tmp_path):
    assert main(["compare", "--out", str(tmp_path / "a"), *GRID]) == 0
    document = json.loads((tmp_path / "a" / results.JSON).read_text())
    assert [r["key"] for r in document["runs"]] == ["mlp/relu/0", "mlp/prelu/0"]
    run = document["runs"][0]
    assert run["framework"].startswith("keras") and len(run["epochs"]) == 1 and len(run["doctor"]) == 2
    layer = run["doctor"][-1]["layers"][0]
    assert layer["units"] == 64 and layer["dead"] is not None and 0 <= layer["sparsity"] <= 1
    assert run["summary"]["test_accuracy"] > 0.1  # better than chance after one epoch
    assert main(["compare", "--out", str(tmp_path / "b"), *GRID]) == 0
    again = json.loads((tmp_path / "b" / results.JSON).read_text())
    assert results.deterministic(again) == results.deterministic(document)
