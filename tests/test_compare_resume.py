"""Nothing lost: a compare killed after its first finished run resumes with --resume, keeps
that run (byte for byte) and redoes only the missing ones."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from rectifiers.cli import main
from rectifiers.lab import results

pytest.importorskip("torch")

#: Three runs, each long enough (40 epochs: about 0.4 s here, where 2 epochs took 30-70 ms, less
#: than one poll) that a signal sent when the first has been written lands before the last ends.
GRID = ["--models", "mlp", "--activations", "relu", "sigmoid", "tanh", "--seeds", "1", "--epochs", "40"]
GRID += ["--jobs", "1", "--quiet"]
#: How often the tests look for the first finished run.
POLL = 0.005


def test_resume_after_a_kill_redoes_only_the_missing_runs(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rectifiers", "compare", "--out", str(out), *GRID],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    jsonl = out / results.JSONL
    deadline = time.monotonic() + 240
    try:
        while not (jsonl.exists() and jsonl.read_text().count("\n") >= 1):
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "no finished run within the time limit"
            time.sleep(POLL)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    before = jsonl.read_text().splitlines()
    keys_before = [json.loads(line)["key"] for line in before if line.strip().endswith("}")]
    assert 1 <= len(keys_before) < 3 and not (out / results.JSON).exists()

    assert main(["compare", "--out", str(out), *GRID]) == 2  # a non-empty OUT needs --resume
    assert main(["compare", "--out", str(out), *GRID, "--resume"]) == 0
    after = jsonl.read_text().splitlines()
    assert after[: len(keys_before)] == before[: len(keys_before)]  # kept as they were, timings included
    keys = [json.loads(line)["key"] for line in after]
    assert sorted(keys) == sorted(["mlp/relu/0", "mlp/sigmoid/0", "mlp/tanh/0"]) and len(keys) == len(
        set(keys)
    )
    document = json.loads((out / results.JSON).read_text())
    assert [r["key"] for r in document["runs"]] == ["mlp/relu/0", "mlp/sigmoid/0", "mlp/tanh/0"]


def test_resume_refuses_another_configuration(tmp_path, capsys):
    out = tmp_path / "out"
    small = [
        "--models",
        "mlp",
        "--activations",
        "relu",
        "--seeds",
        "1",
        "--epochs",
        "1",
        "--jobs",
        "1",
        "--quiet",
    ]
    assert main(["compare", "--out", str(out), *small]) == 0
    assert main(["compare", "--out", str(out), *small, "--resume"]) == 0  # nothing missing: nothing redone
    assert len((out / results.JSONL).read_text().splitlines()) == 1
    assert main(["compare", "--out", str(out), *small[:-3], "--epochs", "2", "--resume"]) == 2
    assert "differs in: epochs" in capsys.readouterr().err


def test_reports_are_written_atomically(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        results.write_atomic(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_ctrl_c_keeps_the_finished_runs_and_says_how_to_resume(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "rectifiers", "compare", "--out", str(out), *GRID]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    jsonl, deadline = out / results.JSONL, time.monotonic() + 240
    try:
        while not (jsonl.exists() and jsonl.read_text().count("\n") >= 1):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(POLL)
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "Traceback" not in err
    assert "--resume" in err.strip().splitlines()[-1] and jsonl.read_text().count("\n") >= 1
