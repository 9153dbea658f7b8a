"""No data-dependent check inside a layer's call: PReLU's slopes are checked when they are set
(initializer, ``set_weights``, loading), so a compiled step (``jit_compile=True``; on the
torch backend a whole graph, ``fullgraph=True``) computes what the eager call does."""

import keras
import numpy as np
import pytest
from keras_testing import BACKEND, to_numpy

import rectifiers.keras as rk

X = np.random.default_rng(0).standard_normal((8, 6)).astype("float32") * 3


def _model(*layers):
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(6), *layers])


@pytest.mark.parametrize(
    "make",
    [lambda: rk.PReLU(alpha_initializer=0.25), lambda: rk.RReLU(seed=1)],
    ids=["PReLU", "RReLU"],
)
def test_jit_compiled_fit_and_predict_equal_the_eager_ones(make):
    keras.utils.set_random_seed(0)
    eager, compiled = _model(make()), _model(make())
    compiled.set_weights(eager.get_weights())
    y = np.ones((8, 6), dtype="float32")
    for model, jit in ((eager, False), (compiled, True)):
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", jit_compile=jit, run_eagerly=not jit)
    # XLA may sum the Dense layer's products in another order: a few ulp of outputs near 1
    ours, theirs = compiled.predict(X, verbose=0), eager.predict(X, verbose=0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    compiled.fit(X, y, epochs=1, verbose=0)


@pytest.mark.skipif(BACKEND != "torch", reason="torch.compile's whole-graph mode is the torch backend's")
def test_torch_compiles_prelu_as_one_graph():
    """(RReLU's training draws break the graph in Keras itself: its torch seed generator is
    ``torch.compiler.disable``d.)"""
    import torch

    layer = rk.PReLU(alpha_initializer=0.25)
    layer.build((None, 6))
    compiled = torch.compile(lambda t: layer(t), fullgraph=True)  # a graph break raises
    np.testing.assert_array_equal(to_numpy(compiled(torch.tensor(X))), to_numpy(layer(X)))


def test_a_nan_slope_is_refused_when_it_is_set_not_per_call(tmp_path):
    with pytest.raises(ValueError, match="PReLU: alpha must be finite.*Received: .*nan"):
        rk.PReLU(alpha_initializer=keras.initializers.Constant(float("nan"))).build((None, 6))
    model = _model(rk.PReLU(alpha_initializer=0.25))
    prelu = model.layers[1]
    (alpha,) = prelu.get_weights()
    with pytest.raises(ValueError, match="PReLU: alpha must be finite.*Received: .*1 inf"):
        prelu.set_weights([np.where(np.arange(alpha.size) == 2, np.inf, alpha).astype("float32")])
    np.testing.assert_array_equal(prelu.get_weights()[0], alpha)  # left as it was
    path = tmp_path / "m.keras"
    model.save(path)
    model.set_weights([*model.get_weights()[:2], np.full_like(alpha, np.nan)])  # the model's: no check
    assert np.isnan(to_numpy(model.predict(X, verbose=0))).any()  # and none per call
    model.save(tmp_path / "nan.keras")
    keras.models.load_model(path)
    with pytest.raises(ValueError, match="PReLU: alpha must be finite.*Received: .*nan"):
        keras.models.load_model(tmp_path / "nan.keras")  # loading checks
