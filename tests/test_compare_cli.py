"""``rectifiers compare`` end to end on a tiny grid: the files, reproducibility (again, and on
two processes), the refusal of a non-empty --out, and bad data and options (exit 2, one line)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from rectifiers.cli import main
from rectifiers.lab import results

pytest.importorskip("torch")
pytest.importorskip("sklearn")

TINY = ["--models", "mlp", "--activations", "relu", "sigmoid", "--seeds", "2", "--epochs", "2", "--quiet"]


def compare(out, *extra):
    return main(["compare", "--out", str(out), *TINY, *extra])


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("baseline")
    assert compare(out, "--jobs", "1") == 0
    return out


def load(out):
    return json.loads((out / results.JSON).read_text())


def test_the_files(baseline):
    document = load(baseline)
    assert set(document) == {"config", "environment", "paths", "runs", "verdicts"}
    assert [r["key"] for r in document["runs"]] == [
        f"mlp/{a}/{s}" for a in ("relu", "sigmoid") for s in (0, 1)
    ]
    run = document["runs"][0]
    assert len(run["epochs"]) == 2 and len(run["doctor"]) == 3  # pass 0 before training, then one per epoch
    assert {"dead", "sparsity", "grad_norm", "units"} <= set(run["doctor"][-1]["layers"][0])
    assert (
        run["name"] == "relu"
        and run["kind"] == "rectifier"
        and set(run["timing"]) >= {"seconds_per_epoch", "host"}
    )
    assert [v["claim"] for v in document["verdicts"]] == [1, 2, 3, 4, 5]
    for v in document["verdicts"]:
        assert v["verdict"] in ("supported", "not supported", "inconclusive")
        assert v["statement"] and v["test"] and "tests" in v["numbers"]
    # tanh, deep-mlp, the alternatives were left out: "not run"
    assert document["verdicts"][0]["reason"] == "not run: tanh"
    assert document["verdicts"][1]["reason"].startswith("not run")
    lines = (baseline / results.JSONL).read_text().splitlines()
    assert sorted(json.loads(line)["key"] for line in lines) == sorted(r["key"] for r in document["runs"])
    rows = list(csv.DictReader((baseline / results.CSV).open()))
    assert len(rows) == 4 * 2 and rows[0]["activation"] == "relu" and float(rows[0]["val_accuracy"]) >= 0
    html = (baseline / results.HTML).read_text()
    assert 'id="verdicts"' in html and html.count('<img src="data:image/png;base64,') >= 5
    assert 'src="http' not in html and "<script" not in html and "<link" not in html  # self-contained
    assert json.loads((baseline / results.CONFIG).read_text()) == document["config"]


def test_same_seeds_same_results_again_and_on_two_processes(baseline, tmp_path):
    expected = results.deterministic(load(baseline))
    assert compare(tmp_path / "again", "--jobs", "1") == 0
    assert results.deterministic(load(tmp_path / "again")) == expected
    assert compare(tmp_path / "two", "--jobs", "2") == 0
    assert results.deterministic(load(tmp_path / "two")) == expected
    # the volatile parts are the only difference, and they are where they are said to be
    assert load(tmp_path / "two")["paths"]["out"].endswith("two")


def test_a_non_empty_out_is_refused_without_resume_or_force(baseline, tmp_path, capsys):
    out = tmp_path / "full"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert compare(out) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--out" in err and "--resume" in err and "--force" in err
    assert not (out / results.JSON).exists()
    assert compare(out, "--force", "--seeds", "1", "--epochs", "1", "--jobs", "1") == 0
    assert (out / results.JSON).exists() and (out / "notes.txt").read_text() == "mine"


def _error(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse: usage lines, then the message
        code = exit.code
    err = capsys.readouterr().err.strip().splitlines()
    return code, err[-1] if err else ""


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


BAD_DATA = {
    "not an npz": lambda d: (d / "data.npz").write_text("not a zip") and d / "data.npz",
    "missing y": lambda d: _npz(d / "a.npz", x=np.zeros((10, 4))),
    "lengths": lambda d: _npz(d / "b.npz", x=np.zeros((10, 4)), y=np.zeros(9, dtype=int)),
    "float labels": lambda d: _npz(d / "c.npz", x=np.zeros((10, 4)), y=np.linspace(0, 1, 10)),
    "string labels": lambda d: _npz(d / "s.npz", x=np.zeros((4, 4)), y=np.array(list("abab"))),
    "one class": lambda d: _npz(d / "e.npz", x=np.zeros((10, 4)), y=np.zeros(10, dtype=int)),
    "empty folder": lambda d: (d / "empty").mkdir() or d / "empty",
    "unreadable image": lambda d: _folder_with_a_bad_image(d),
    "does not exist": lambda d: d / "nowhere.npz",
}
EXPECTED = {
    "not an npz": "not a readable .npz",
    "missing y": "missing array(s) y",
    "lengths": "differ in length",
    "float labels": "labels must be integers",
    "string labels": "labels must be integers",
    "one class": "one class only",
    "empty folder": "empty folder",
    "unreadable image": "unreadable image",
    "does not exist": "no such file",
}


def _folder_with_a_bad_image(d):
    from PIL import Image

    for label in ("a", "b"):
        (d / "imgs" / label).mkdir(parents=True)
        for i in range(3):
            Image.fromarray(np.full((8, 8), 40 * i, dtype=np.uint8)).save(d / "imgs" / label / f"{i}.png")
    (d / "imgs" / "b" / "broken.png").write_bytes(b"\x89PNG not really")
    return d / "imgs"


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_bad_data_exits_2_with_one_line_naming_the_file(case, tmp_path, capsys):
    path = BAD_DATA[case](tmp_path)
    code, line = _error(capsys, ["compare", "--data", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and line.startswith("rectifiers compare: error: --data")
    assert EXPECTED[case] in line and (path.name in line or str(path) in line), line


@pytest.mark.parametrize(
    "argv, where",
    [
        (["--activations", "relu", "swish"], "--activations"),
        (["--activations", "softmax"], "--activations"),
        (["--activations", "leaky_relu:alpha=nan"], "--activations"),
        (["--models", "resnet"], "--models"),
        (["--seeds", "0"], "--seeds"),
        (["--epochs", "x"], "--epochs"),
    ],
)
def test_bad_options_exit_2_naming_the_option(argv, where, tmp_path, capsys):
    code, line = _error(capsys, ["compare", "--out", str(tmp_path / "out"), *argv])
    assert code == 2 and where in line and "error" in line, line


def test_a_bad_option_and_bad_data_print_no_traceback(tmp_path):
    for argv in (["--seeds", "0"], ["--data", str(tmp_path / "missing.npz")]):
        done = subprocess.run(
            [sys.executable, "-m", "rectifiers", "compare", "--out", str(tmp_path / "o"), *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith(("rectifiers compare: error:", "usage:"))
        assert "error" in done.stderr.strip().splitlines()[-1]


def test_a_users_npz_runs_and_the_cnn_asks_for_images(tmp_path, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5)).astype("float32")
    path = _npz(tmp_path / "mine.npz", x=x, y=(x[:, 0] > 0).astype(int))
    argv = [
        "compare",
        "--data",
        str(path),
        "--activations",
        "relu",
        "--seeds",
        "1",
        "--epochs",
        "1",
        "--quiet",
    ]
    code, line = _error(capsys, [*argv, "--out", str(tmp_path / "a")])
    assert code == 2 and "cnn model needs images" in line and "mine.npz" in line
    assert main([*argv, "--models", "mlp", "--out", str(tmp_path / "b"), "--jobs", "1"]) == 0
    document = load(tmp_path / "b")
    assert document["config"]["data"]["source"] == "mine.npz" and document["paths"]["data"] == str(path)
    assert [r["key"] for r in document["runs"]] == ["mlp/relu/0"]
