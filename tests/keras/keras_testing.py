"""Helpers for the Keras tests: differentiate through a layer natively on whichever backend is
active, load the example programs, and the points every check uses."""

import importlib.util
import inspect
import os
import pathlib

import numpy as np

BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")
if BACKEND == "torch":
    import torch

    torch.set_num_threads(1)

import keras  # noqa: E402  (after the thread setting)

import rectifiers as rf  # noqa: E402

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

#: The rectifiers (the activations with a kink), as opposed to the saturating baselines.
RECTIFIERS = tuple(name for name in rf.names() if rf.get(name).kinks)

#: Kinks, signed zeros, both sides of relu6's cap, infinities and NaN, as float32.
POINTS = np.array([-np.inf, -3.0, -1.0, -0.0, 0.0, 0.5, 6.0, 7.0, np.inf, np.nan], dtype="float32")


def to_numpy(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _tensorflow(layer, x, training):
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=training)
        total = tf.reduce_sum(y)
    dx, *dw = tape.gradient(total, [x, *layer.trainable_weights])
    return y, dx, dw


def _jax(layer, x, training):
    import jax
    import jax.numpy as jnp

    non_trainable = [v.value for v in layer.non_trainable_variables]
    # stateless_call passes ``training`` straight to ``call``, which only some layers take
    options = {"training": training} if "training" in inspect.signature(layer.call).parameters else {}

    def total(trainable, x):
        y, _ = layer.stateless_call(trainable, non_trainable, x, **options)
        return jnp.sum(y), y

    trainable = [v.value for v in layer.trainable_variables]
    (dw, dx), y = jax.grad(total, argnums=(0, 1), has_aux=True)(trainable, jnp.asarray(x))
    return y, dx, dw


def _torch(layer, x, training):
    x = torch.tensor(x, requires_grad=True)
    y = layer(x, training=training)
    dx, *dw = torch.autograd.grad(y.sum(), [x, *(w.value for w in layer.trainable_weights)])
    return y, dx, dw


def gradients(layer, x, training=False):
    """``(y, d sum(y)/dx, [d sum(y)/dw for each trainable weight])`` as NumPy, on the active backend."""
    x = np.asarray(x, dtype="float32")
    if not layer.built:
        layer(x)
    y, dx, dw = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[BACKEND](layer, x, training)
    return to_numpy(y), to_numpy(dx), [to_numpy(w) for w in dw]


def load_example(name):
    """An ``examples/`` program as a module (they are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
