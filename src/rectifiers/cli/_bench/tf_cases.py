"""TensorFlow's case: ``tf.nn``, forward only (eager)."""

from __future__ import annotations

from rectifiers._constants import SELU_ALPHA, SELU_SCALE

from .subject import Case, Subject, counterpart


def _elu(tf, constants):
    """``tf.nn.elu`` (alpha 1, scale 1) or ``tf.nn.selu`` (SELU's): tf.nn's have no parameters."""
    alpha, scale, _ = constants
    return {(1.0, 1.0): tf.nn.elu, (SELU_ALPHA, SELU_SCALE): tf.nn.selu}.get((alpha, scale))


def cases(s: Subject) -> list[Case]:
    import tensorflow as tf

    if s.kind == "derivative":
        return []  # not timed: TensorFlow's gradients go through a tape, not a kernel of their own
    table = {  # by the spec's family
        "relu": tf.nn.relu,
        "relu6": tf.nn.relu6,
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.nn.tanh,
    }
    if s.facts.constants is not None:
        table["elu"] = _elu(tf, s.facts.constants)
    function = counterpart("tensorflow", table, lambda a: lambda v: tf.nn.leaky_relu(v, a), s)
    tx = tf.constant(s.x)
    return [Case("tf", lambda: function(tx))]
