"""``--scheduler``: the grid on a Dask cluster (a LocalCluster on the loopback interface) gives
the same results.json as the local run, volatile fields aside."""

from __future__ import annotations

import json

import pytest

from rectifiers.cli import main
from rectifiers.lab import results

pytest.importorskip("torch")
distributed = pytest.importorskip("distributed")

GRID = ["--models", "mlp", "--activations", "relu", "elu", "--seeds", "2", "--epochs", "2", "--quiet"]


def test_a_dask_cluster_gives_the_local_results(tmp_path):
    assert main(["compare", "--out", str(tmp_path / "local"), *GRID, "--jobs", "1"]) == 0
    with distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        dashboard_address=None,
    ) as cluster:
        assert (
            main(
                ["compare", "--out", str(tmp_path / "dask"), *GRID, "--scheduler", cluster.scheduler_address]
            )
            == 0
        )
    local, remote = (json.loads((tmp_path / d / results.JSON).read_text()) for d in ("local", "dask"))
    assert results.deterministic(remote) == results.deterministic(local)
    assert remote["environment"]["scheduler"].startswith("tcp://127.0.0.1")
    assert len((tmp_path / "dask" / results.JSONL).read_text().splitlines()) == 4
