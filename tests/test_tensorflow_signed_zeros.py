"""Signed zeros on TensorFlow, whatever the process did before: TensorFlow's eager mode keeps one
tensor per Python float, keyed by value, and -0.0 == 0.0, so whichever of the two it met first
stood in for both (``rf.leaky_relu(x, alpha=-0.0)`` after any ``x * 0.0`` gave alpha=0.0's
signs); Grappler and XLA fold ``relu(x) + 0.0`` to ``relu(x)``, which keeps -0.0; and the float32
formulation's two-word sums lost the sign of an elu alpha of +-0. Each check runs in a fresh
interpreter whose first act puts the other zero in that cache, and compares the bits with NumPy's,
forward in eager mode, in a graph and under XLA, and the gradient in a graph and under XLA (in
eager mode TensorFlow's tape adds the gradients of the branches, +0.0 + -0.0, so there it is
compared as numbers)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("tensorflow")

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHECK = """
import sys
import numpy as np
import tensorflow as tf
import rectifiers as rf

first = float(sys.argv[1])
_ = tf.constant([1.0]) * first  # the zero the user's code met first
_ = tf.constant([1.0], tf.float64) * first
x = np.array([-1.0, -2.0, 0.0, -0.0, 3.0, 7.0, -np.inf, np.nan], np.float32)
cases = [("relu", {}), ("relu6", {})]
cases += [(name, {"alpha": zero}) for name in ("leaky_relu", "elu", "prelu") for zero in (0.0, -0.0)]
wrong = []
for name, params in cases:
    def f(v, name=name, params=params):
        if name == "prelu":
            return rf.prelu(v, params["alpha"])
        return getattr(rf, name)(v, **params)
    expected = f(x)
    if name == "prelu":
        slope = np.where(x > 0, 1.0, params["alpha"]).astype(np.float32)
    else:
        slope = rf.derivative(name, x, **params)
    for mode in ("eager", "graph", "xla"):
        call = f if mode == "eager" else tf.function(f, jit_compile=mode == "xla")
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = call(t)
        g = tape.gradient(y, t).numpy()
        y = y.numpy()
        same = np.array_equal(np.signbit(y), np.signbit(expected))
        if not (same and np.array_equal(y, expected, equal_nan=True)):
            wrong.append(f"{name} {params} {mode}: {y} where NumPy gives {expected}")
        signs = mode == "eager" or np.array_equal(np.signbit(g), np.signbit(slope))
        if not (signs and np.array_equal(g, slope, equal_nan=True)):
            wrong.append(f"{name} {params} {mode} gradient: {g} where the derivative is {slope}")
print("\\n".join(wrong) if wrong else "all equal")
"""


@pytest.mark.parametrize("first", ["0.0", "-0.0"])
def test_signed_zeros_whatever_zero_tensorflow_met_first(first, tmp_path):
    script = tmp_path / "check.py"
    script.write_text(CHECK)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    result = subprocess.run(
        [sys.executable, str(script), first], capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("all equal"), result.stdout
