"""``tf.function`` over every public function logs no AutoGraph "could not transform" warning.

AutoGraph rewrites the Python a ``tf.function`` calls; it cannot parse ``:=`` (in our NumPy
dispatch and in array-api-compat) and warned once per such function. Ours are marked as
``do_not_convert`` marks one, so it traces them as they are. The run is a fresh interpreter:
AutoGraph warns only the first time it meets a function.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("tensorflow")

PROGRAM = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    import rectifiers as rf

    args = {"prelu": (0.25,)}
    inputs = [tf.constant([-1.5, 0.0, 2.0]), np.array([-1.5, 0.0, 2.0]), [-1.5, 0.0, 2.0]]
    calls = 0
    for name in rf.names():
        f = getattr(rf, name)
        extra = args.get(name, ())
        for x in inputs:
            tf.function(f)(x, *extra)
            tf.function(lambda t: f(t, *extra))(x)
            calls += 2
            if rf.get(name).elementwise:
                tf.function(lambda t: rf.derivative(name, t, **rf.get(name).example_params))(x)
                calls += 1
    for name in ("leaky_relu", "elu"):  # a tensor slope
        tf.function(lambda t, a: getattr(rf, name)(t, a))(inputs[0], tf.constant(0.1))
    tf.function(lambda t: rf.softmax(t, axis=(0,), where=tf.constant([True, False, True])))(inputs[0])
    print("calls", calls)
    """
)

KERAS = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    import rectifiers.keras as rk

    x = tf.constant([[-1.5, 0.0, 2.0]])
    for name, function in rk.FUNCTIONS.items():
        tf.function(function)(x)
        tf.function(lambda t: function(t))(x)
    for name, cls in rk.LAYERS.items():
        layer = cls()
        layer(x)  # built eagerly, as a model builds its layers
        tf.function(lambda t: layer(t, training=True))(x)
    softmax = rk.Softmax(axis=(0, 1))
    tf.function(lambda t: softmax(t, mask=tf.constant([[True, False, True]])))(x)
    print("layers", len(rk.LAYERS))
    """
)


def _run(program: str) -> str:
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("AUTOGRAPH_VERBOSITY", None)
    command = [sys.executable, "-c", program]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


@pytest.mark.parametrize("program", [PROGRAM, KERAS], ids=["core", "keras"])
def test_no_autograph_warning_for_any_public_function(program):
    output = _run(program)
    assert "calls" in output or "layers" in output  # it ran to the end
    assert "could not transform" not in output, output[-3000:]
    assert "AutoGraph" not in output, output[-3000:]
