"""``import rectifiers`` imports no framework: the core is framework-free."""

import json
import subprocess
import sys

import pytest

FRAMEWORKS = ("torch", "jax", "tensorflow", "keras")


def frameworks_loaded_after(preamble: str) -> list[str]:
    code = (
        f"{preamble}\n"
        "import sys, json, numpy as np, rectifiers as rf\n"
        "rf.relu(np.zeros(3)); rf.rrelu(np.zeros(3), training=True, seed=0)\n"
        "rf.derivative('elu', np.zeros(2))\n"
        f"print(json.dumps([m for m in {FRAMEWORKS!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_rectifiers_imports_no_framework():
    assert frameworks_loaded_after("") == []


def test_the_probe_sees_a_framework():
    """The probe above can fail: it reports a framework that something did import."""
    pytest.importorskip("jax")
    assert frameworks_loaded_after("import jax") == ["jax"]
