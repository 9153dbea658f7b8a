"""Every rectifiers Keras layer on the active backend: values and gradients equal the core's,
kinks included; parameters come from and are validated by the spec; configs round-trip."""

import inspect

import keras
import numpy as np
import pytest
from keras_testing import BACKEND, POINTS, gradients, to_numpy

import rectifiers as rf
import rectifiers.keras as rk
from rectifiers.keras._layers import _NAMED

X = np.stack([POINTS, -POINTS])  # a batch of 2, every point on both sides of 0


def _layers():
    """(id, factory, spec name, parameters for the core): every named layer, and the generic
    layer for every activation it takes."""
    cases = []
    for name, cls in _NAMED.items():
        factory, params = cls, {}
        if name == "prelu":  # a slope that is not 0 (Keras's start), so that the kink shows
            params = rf.get(name).example_params
            factory = lambda cls=cls, params=params: cls(alpha_initializer=params["alpha"])  # noqa: E731
        cases.append(pytest.param(factory, name, params, id=cls.__name__))
    for name in rf.names():
        if name not in ("prelu", "rrelu"):
            cases.append(pytest.param(lambda n=name: rk.Activation(n), name, {}, id=f"Activation-{name}"))
    return cases


LAYERS = _layers()


@pytest.mark.parametrize(("factory", "name", "params"), LAYERS)
def test_forward_equals_core(factory, name, params):
    layer = factory()
    core = rf._apply.evaluate(rf.get(name), X, {**layer.params, **params})
    np.testing.assert_allclose(to_numpy(layer(X)), core, rtol=2e-7, atol=0)


ELEMENTWISE = [case for case in LAYERS if rf.get(case.values[1]).elementwise]


@pytest.mark.parametrize(("factory", "name", "params"), ELEMENTWISE)
def test_gradient_equals_core_derivative(factory, name, params):
    layer = factory()
    _, dx, _ = gradients(layer, X)
    expected = rf.derivative(name, X, **{**layer.params, **params})
    # atol: autodiff of tanh and sigmoid in float32 differs from the closed form by ~1e-7
    np.testing.assert_allclose(dx, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("cls", [rk.LeakyReLU, rk.PReLU, rk.RReLU, rk.ELU])
def test_gradient_at_zero_is_the_negative_slope(cls):
    """The kink rule, spelled out: x = 0 takes the x <= 0 branch (Keras's own PReLU gives 0)."""
    init = rf.get("prelu").params[0].init
    # at elu's default alpha 1 both slopes are 1, and PReLU starts at 0 as Keras's
    layer = {rk.ELU: lambda: rk.ELU(alpha=0.5), rk.PReLU: lambda: rk.PReLU(init)}.get(cls, cls)()
    _, dx, _ = gradients(layer, np.zeros((1, 3)))
    slope = {
        "PReLU": rf.get("prelu").params[0].init,
        "RReLU": (layer.params.get("lower", 0) + layer.params.get("upper", 0)) / 2,
    }.get(cls.__name__, layer.params.get("alpha"))
    np.testing.assert_allclose(dx, np.full((1, 3), slope), rtol=1e-7)
    assert 0 < slope < 1, "the premise: the x <= 0 slope differs from the x > 0 one"


def test_keras_prelu_gives_zero_at_zero_where_ours_gives_alpha():
    init = rf.get("prelu").params[0].init
    theirs = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(init))
    _, dx_theirs, _ = gradients(theirs, np.zeros((1, 2)))
    _, dx_ours, _ = gradients(rk.PReLU(init), np.zeros((1, 2)))
    np.testing.assert_array_equal(dx_theirs, 0.0)
    np.testing.assert_allclose(dx_ours, init)


def test_prelu_learns_alpha_with_the_core_gradient():
    layer = rk.PReLU(rf.get("prelu").params[0].init)
    _, dx, (dalpha,) = gradients(layer, X)
    assert dalpha.shape == X.shape[1:]
    np.testing.assert_array_equal(dalpha, _dalpha(X))
    np.testing.assert_allclose(dx, rf.derivative("prelu", X, alpha=rf.get("prelu").params[0].init))


def _dalpha(x):
    """d/d alpha of sum(prelu(x, alpha)): x where x <= 0, else 0 (NaN is not > 0; +inf gives 0, not
    0 * inf = NaN), summed over the batch."""
    return np.where(x > 0, np.float32(0), x).sum(0)


@pytest.mark.skipif(BACKEND != "torch", reason="the torch backend runs eagerly: one autograd node")
def test_prelu_on_torch_is_one_node_with_the_formulas_bits():
    """Eager torch: one node (``_torch_function.Sloped``) whose value and gradients for x and for
    alpha are the bits of the layer's formula differentiated op by op: -0.0, NaN, inf, zero and
    negative slopes, -0.0 and inf in the incoming gradient."""
    import torch

    from rectifiers.keras._prelu import formula

    x0 = torch.tensor(np.concatenate([X, X[::-1] * 3]))  # (4, 10)
    g = torch.tensor(np.resize(POINTS[::-1], x0.shape)).nan_to_num(nan=2.0)
    layer = rk.PReLU(keras.initializers.Constant(0.25))
    layer.build((None, x0.shape[1]))
    layer.set_weights([np.resize(np.float32([0.25, 0.0, -0.0, -0.5, 3.0]), x0.shape[1:])])
    results = []
    for use_layer in (True, False):
        x, alpha = x0.clone().requires_grad_(), layer.alpha.value
        y = layer(x) if use_layer else formula(x, alpha)
        results.append((y, *torch.autograd.grad(y, (x, alpha), g)))
    assert type(results[0][0].grad_fn).__name__ == "SlopedBackward"
    for ours, written in zip(*results, strict=True):
        assert torch.equal(ours.detach().view(torch.int32), written.detach().view(torch.int32))


def test_prelu_alpha_initializer_accepts_a_float_or_any_keras_initializer():
    assert to_numpy(rk.PReLU(0.1)(-np.ones((1, 2)))).tolist() == [[np.float32(-0.1)] * 2]
    assert to_numpy(rk.PReLU("zeros")(-np.ones((1, 2)))).tolist() == [[0.0, 0.0]]
    layer = rk.PReLU(keras.initializers.RandomUniform(0.1, 0.2, seed=1))
    y = -to_numpy(layer(-np.ones((1, 4))))
    assert ((y >= 0.1) & (y <= 0.2)).all() and len(set(y.ravel().tolist())) == 4
    assert to_numpy(rk.PReLU()(-np.ones((1, 1))))[0, 0] == 0.0  # Keras's default: "Zeros"


def test_prelu_shared_axes():
    assert rk.PReLU(shared_axes=[1, 2])(np.ones((2, 4, 5, 3))).shape == (2, 4, 5, 3)
    for shared, shape in [([1, 2], (1, 1, 3)), (-1, (4, 5, 1)), (None, (4, 5, 3)), ([-3, -2], (1, 1, 3))]:
        layer = rk.PReLU(shared_axes=shared)
        layer.build((None, 4, 5, 3))
        assert tuple(layer.alpha.shape) == shape, shared
    for bad in (0, 4, [-4]):
        with pytest.raises(ValueError, match="shared_axes.*Received"):
            rk.PReLU(shared_axes=bad).build((None, 4, 5, 3))


def test_rrelu_follows_the_training_argument():
    lower, upper = 0.1, 0.3
    layer = rk.RReLU(lower=lower, upper=upper, seed=3)
    x = -np.ones((4, 256), dtype="float32")
    np.testing.assert_allclose(to_numpy(layer(x)), -(lower + upper) / 2, rtol=1e-7)
    y, dx, _ = gradients(layer, x, training=True)
    slopes = -y
    assert ((slopes >= lower) & (slopes < upper)).all()
    assert np.unique(slopes).size > 900  # one draw per element
    np.testing.assert_array_equal(dx, slopes)  # the backward pass uses the forward's slopes
    once, twice = (to_numpy(layer(x, training=True)) for _ in range(2))
    assert not np.array_equal(once, twice)  # the generator advances between calls
    first = -to_numpy(rk.RReLU(lower=lower, upper=upper, seed=3)(x, training=True))
    repeat = -to_numpy(rk.RReLU(lower=lower, upper=upper, seed=3)(x, training=True))
    np.testing.assert_array_equal(first, repeat)  # the same seed, the same draws


def test_rrelu_gradient_at_zero_in_training_is_the_drawn_slope():
    layer = rk.RReLU(seed=0)
    _, dx, _ = gradients(layer, np.zeros((2, 64)), training=True)
    spec = rf.get("rrelu").defaults
    assert ((dx >= spec["lower"]) & (dx < spec["upper"])).all()


def test_our_extras_keep_the_core_names_and_defaults():
    """ReLU6, SELU and RReLU, which keras.layers lacks: the core's names and defaults."""
    for cls in (rk.ReLU6, rk.SELU, rk.RReLU):
        config = cls().get_config()
        for key, value in rf.get(cls.spec_name).defaults.items():
            assert config[key] == value, (cls, key)
    assert str(inspect.signature(rk.ReLU6)) == "(**kwargs)"
    assert list(inspect.signature(rk.RReLU).parameters) == ["lower", "upper", "seed", "kwargs"]


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: rk.LeakyReLU(float("nan")), ValueError, "alpha must be finite. Received: alpha=nan"),
        (lambda: rk.LeakyReLU(negative_slope="0.1"), TypeError, "Received: alpha='0.1'"),
        (lambda: rk.LeakyReLU(alpha=0.1), TypeError, "negative_slope.*Received: alpha"),
        (lambda: rk.LeakyReLU(0.1, 0.2), TypeError, r"takes \(negative_slope\).*Received: 2 positional"),
        (lambda: rk.ReLU(threshold=1.0), ValueError, r"ReLU\(max_value=6\).*Received: .*threshold=1.0"),
        (lambda: rk.ReLU(max_value=5), ValueError, "not supported. Received: max_value=5"),
        (lambda: rk.ReLU(max_value=6, negative_slope=0.1), ValueError, "Received: max_value=6"),
        (lambda: rk.ReLU(negative_slope=-0.1), ValueError, "Received: .*negative_slope=-0.1"),
        (lambda: rk.ELU(alpha=float("inf")), ValueError, "Received: alpha=inf"),
        (lambda: rk.RReLU(lower=0.5, upper=0.25), ValueError, "lower must be <= upper"),
        (lambda: rk.RReLU(upper=1.5), ValueError, r"\[0, 1\]. Received: upper=1.5"),
        (lambda: rk.RReLU(training=True), TypeError, "Received: training"),
        (lambda: rk.RReLU(seed=True), TypeError, r"seed must be an int.*Received: seed=True"),
        (lambda: rk.RReLU(seed=-1), ValueError, r"seed must be an int in \[0, 2\*\*63\)\. Received: seed=-1"),
        (lambda: rk.RReLU(seed=2**64), ValueError, r"\[0, 2\*\*63\)\. Received: seed=18446744073709551616"),
        (lambda: rk.PReLU(alpha=0.1), TypeError, "alpha_initializer"),
        (lambda: rk.PReLU(float("nan")), ValueError, "Received: alpha_initializer=nan"),
        (
            lambda: rk.PReLU(alpha_initializer=None),
            ValueError,
            "initializer cannot be None.*Received: alpha_",
        ),
        (lambda: rk.Activation("swish"), ValueError, "Received: name='swish'. Accepted: relu"),
        (lambda: rk.Activation("prelu"), ValueError, "PReLU"),
        (lambda: rk.Activation("rrelu"), ValueError, "RReLU"),
        (lambda: rk.activation("rrelu"), ValueError, "RReLU layer"),
        (lambda: rk.activation("prelu"), TypeError, "required parameter 'alpha'"),
        (lambda: rk.activation("softmax", axis=1.5), TypeError, "Received: axis=1.5"),
    ],
)
def test_bad_arguments_say_what_was_received(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


@pytest.mark.parametrize(("factory", "name", "params"), LAYERS)
def test_symbolic_shape_and_config_round_trip(factory, name, params):
    layer = factory()
    inputs = keras.Input((5, 3))
    assert layer(inputs).shape == (None, 5, 3)
    config = keras.saving.serialize_keras_object(layer)
    clone = keras.saving.deserialize_keras_object(config)  # no custom_objects: registered on import
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()


def test_layer_picks_the_named_class():
    assert isinstance(rk.layer("prelu"), rk.PReLU) and isinstance(rk.layer("rrelu", seed=1), rk.RReLU)
    assert isinstance(rk.layer("leaky_relu", negative_slope=0.3), rk.LeakyReLU)
    assert rk.layer("leaky_relu", alpha=0.1).get_config()["negative_slope"] == 0.1  # the core's names too
    assert rk.layer("prelu", alpha=0.5).get_config()["alpha_initializer"]["config"]["value"] == 0.5
    assert isinstance(rk.layer("tanh"), rk.Tanh)  # Keras has no Tanh layer: torch.nn's name
    assert sorted(_NAMED) == sorted(rf.names())  # every registered activation has a named class


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "mixed_float16"])
@pytest.mark.parametrize("cls", [rk.ELU, rk.PReLU, rk.RReLU])
def test_layer_dtype_policies(cls, dtype):
    """Keras casts the input to the compute dtype; the core keeps it (16-bit floats are computed
    in float32 and rounded once), and PReLU's float32 slopes do not upcast the result."""
    layer = cls(dtype=dtype)
    y = layer(X, training=True)
    compute = layer.compute_dtype
    assert keras.backend.standardize_dtype(y.dtype) == compute
    reference = rf._apply.evaluate(rf.get("elu"), X, {}) if cls is rk.ELU else None
    if reference is not None:
        np.testing.assert_allclose(to_numpy(y).astype("float32"), reference, rtol=1e-2)


STATELESS = [case for case in LAYERS if case.values[1] != "prelu"]


@pytest.mark.parametrize(("factory", "name", "params"), STATELESS)
def test_stateless_layers_are_built_at_construction(factory, name, params):
    """As Keras's own ReLU, LeakyReLU and Dropout: built in __init__, so stateless_call works on a
    fresh layer (RReLU's seed generator is its only state, created there too)."""
    layer = factory()
    assert layer.built
    y, _ = layer.stateless_call(layer.trainable_variables, layer.non_trainable_variables, X)
    core = rf._apply.evaluate(rf.get(name), X, {**layer.params, **params})
    np.testing.assert_allclose(to_numpy(y), core, rtol=2e-7, atol=0)


def test_prelu_builds_on_first_call_as_keras_prelu_does():
    assert not rk.PReLU().built and not keras.layers.PReLU().built
