"""TensorFlow's case: ``tf.nn``, forward only (eager)."""

from __future__ import annotations

from .subject import Case, Subject, counterpart


def cases(s: Subject) -> list[Case]:
    import tensorflow as tf

    if s.kind == "derivative":
        return []  # not timed: TensorFlow's gradients go through a tape, not a kernel of their own
    table = {
        "relu": tf.nn.relu,
        "relu6": tf.nn.relu6,
        "elu": tf.nn.elu if s.params.get("alpha") == 1.0 else None,  # tf.nn.elu has no alpha
        "selu": tf.nn.selu,
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.nn.tanh,
    }
    function = counterpart("tensorflow", table, lambda a: lambda v: tf.nn.leaky_relu(v, a), s)
    tx = tf.constant(s.x)
    return [Case("tf", lambda: function(tx))]
