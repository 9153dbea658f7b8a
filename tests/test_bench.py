"""``rectifiers bench``: a tiny run has the promised structure, and every case computes what its
row says. Times are never asserted."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import rectifiers as rf
from rectifiers._apply import call_by_name
from rectifiers.cli import main
from rectifiers.cli._bench import cases, facts, options
from rectifiers.cli._bench.report import HEADER

TINY = ["--activations", "relu,leaky_relu", "--sizes", "1Ki", "--dtypes", "float32,bfloat16",
        "--threads", "1", "--rounds", "2", "--peers", "numpy,formula"]  # fmt: skip


def test_a_tiny_run_prints_the_table_and_writes_json(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert main(["bench", *TINY, "--json", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "| " + " | ".join(HEADER) + " |" in printed
    rows = [line for line in printed.splitlines() if line.startswith("| relu") or line.startswith("| leaky")]
    assert len(rows) == 4 and all(line.count("|") == len(HEADER) + 1 for line in rows)

    report = json.loads(path.read_text())
    assert set(report) == {"environment", "rows"} and "numpy" in report["environment"]["versions"]
    assert {(r["activation"], r["dtype"]) for r in report["rows"]} == {
        (a, d) for a in ("relu", "leaky_relu") for d in ("float32", "bfloat16")
    }
    for row in report["rows"]:
        assert row["n"] == 1024 and row["threads"] == 1
        assert {"copy", "ours", "ours_inplace", "numpy", "formula"} <= set(row["summary"])
        assert all(len(times) == 2 for times in row["samples"].values())
        for stats in row["summary"].values():
            assert stats["median_s"] > 0 and stats["gbps"] > 0 and stats["noise"] >= 0
        assert row["summary"]["copy"]["ratio_to_copy"] == pytest.approx(1.0)


def test_unknown_activation_is_refused():
    with pytest.raises(SystemExit, match="softmax"):
        main(["bench", "--activations", "softmax", "--sizes", "1Ki"])


def test_plot_without_matplotlib_says_what_to_install(monkeypatch):
    for module in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(SystemExit, match="pip install matplotlib"):
        main(["bench", *TINY, "--plot", "out.png"])


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "bench.png"
    assert main(["bench", *TINY, "--plot", str(path)]) == 0
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_sizes_parse_and_print_back():
    assert [options.parse_size(s) for s in ("64Ki", "1Mi", "7")] == [65536, 1 << 20, 7]
    assert options.size_label(64 << 20) == "64Mi" and options.size_label(1000) == "1000"


def test_derivatives_add_a_row_per_activation_with_torch_backward(capsys):
    pytest.importorskip("torch")
    args = ["--activations", "leaky_relu", "--sizes", "1Ki", "--dtypes", "float32", "--threads", "1",
            "--rounds", "1", "--peers", "numpy,torch"]  # fmt: skip
    assert main(["bench", *args, "--derivatives"]) == 0
    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines() if line.startswith("| leaky")]
    assert [row[0] for row in rows] == ["| leaky_relu", "| leaky_relu'"]
    derivative = dict(zip(HEADER, [cell.strip(" |") for cell in rows[1]], strict=True))
    assert derivative["formula"] == "—" and derivative["torch_inplace"] == "—"
    assert float(derivative["torch_out"]) > 0 and float(derivative["numpy"]) > 0


PEERS = ("numpy", "formula", "torch", "jax", "tensorflow")


@pytest.mark.parametrize("name", rf.names())
def test_every_activation_is_benchmarked_as_itself_or_refused(name):
    """Each case the bench times computes this activation (or its derivative); others are refused."""
    x = np.linspace(-7.9, 7.9, 64, dtype=np.float32)  # no kink: peers' conventions differ there
    spec = rf.get(name)
    if not spec.elementwise:
        with pytest.raises(ValueError, match=f"Received: '{name}'"):
            cases.build_cases(name, x, 1, PEERS)
        return
    params = spec.resolve(**spec.example_params)
    expected = {"forward": call_by_name(name, x, **params), "derivative": rf.derivative(name, x, **params)}
    for kind, want in expected.items():
        built = cases.build_cases(name, x, 1, PEERS, kind)
        assert {"copy", "ours", "ours_inplace"} <= {case.name for case in built}
        for case in built:
            if case.name == "copy":
                continue
            if case.restore is not None:
                case.restore()
            got = np.asarray(case.run(), dtype=np.float32)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"{name} {kind} {case.name}")


def test_an_activation_without_facts_is_timed_as_itself_and_says_what_is_missing(monkeypatch, capsys):
    monkeypatch.delitem(facts.FACTS, "leaky")  # as for a newly registered family
    built = cases.build_cases("leaky_relu", np.linspace(-2, 2, 8), 1, ("numpy", "formula"))
    assert [case.name for case in built] == ["copy", "ours", "ours_inplace"]
    assert "numpy skipped for leaky_relu" in capsys.readouterr().out
