"""Bad input gets a clear error naming what was received and what is accepted; never a wrong answer."""

import numpy as np
import pytest
from libraries import library_params

import rectifiers as rf
from rectifiers._apply import call_by_name


def _call(name, x, **params):
    return call_by_name(name, x, **{**rf.get(name).example_params, **params})


@pytest.mark.parametrize("name", rf.names())
@pytest.mark.parametrize(
    "bad",
    [np.array([True, False]), np.array([1 + 2j]), np.array(["a", "b"]), np.array([object()], dtype=object)],
    ids=["bool", "complex", "str", "object"],
)
def test_refused_dtypes(name, bad):
    with pytest.raises(TypeError, match=r"accepts arrays of the real dtypes .*Received: an array of dtype"):
        _call(name, bad)


@pytest.mark.parametrize("library", library_params())
def test_refused_dtypes_on_every_library(library):
    try:
        x = library.make(np.array([True, False]))
    except Exception:  # a library without bool arrays has nothing to refuse
        pytest.skip(f"{library.name} has no bool arrays")
    with pytest.raises(TypeError, match="Received: an array of dtype bool"):
        rf.relu(x)


@pytest.mark.parametrize(
    "name, params, error, message",
    [
        ("leaky_relu", {"alpha": float("nan")}, ValueError, r"alpha must be finite\. Received: alpha=nan"),
        ("leaky_relu", {"alpha": float("inf")}, ValueError, r"alpha must be finite"),
        ("leaky_relu", {"alpha": "0.2"}, TypeError, r"alpha must be a real number\. Received: alpha='0.2'"),
        ("elu", {"alpha": True}, TypeError, r"alpha must be a real number"),
        ("rrelu", {"lower": 0.5, "upper": 0.25}, ValueError, r"lower must be <= upper\. Received: lower=0.5"),
        ("rrelu", {"lower": -0.1}, ValueError, r"lower must lie in \[0, 1\]\. Received: lower=-0.1"),
        ("rrelu", {"upper": 1.5}, ValueError, r"upper must lie in \[0, 1\]"),
        ("rrelu", {"training": "yes"}, TypeError, r"training must be True or False"),
        ("softmax", {"axis": 1.0}, TypeError, r"axis must be an int"),
        ("softmax", {"axis": 3}, ValueError, r"axis must lie in \[-1, 1\) .*Received: axis=3"),
        ("prelu", {"alpha": float("nan")}, ValueError, r"alpha must be finite"),
        ("prelu", {"alpha": np.ones(4)}, ValueError, r"alpha must broadcast against x .*\(4,\).*\(6,\)"),
        ("prelu", {"alpha": np.ones((2, 6))}, ValueError, r"Received: alpha of shape \(2, 6\)"),
        ("prelu", {"alpha": np.array([np.inf])}, ValueError, r"alpha must be finite"),
        ("prelu", {"alpha": np.array([True])}, TypeError, r"alpha must be a real number or real array"),
    ],
)
def test_invalid_parameters(name, params, error, message):
    with pytest.raises(error, match=message):
        _call(name, np.zeros(6, dtype=np.float32), **params)


def test_unknown_names():
    with pytest.raises(
        ValueError, match=r"Unknown activation\. Received: name='gelu'\. Accepted: relu, relu6"
    ):
        rf.get("gelu")
    with pytest.raises(TypeError, match=r"unexpected parameters \['beta'\]\. Accepted parameters: alpha"):
        rf.derivative("elu", np.zeros(2), beta=1.0)
    with pytest.raises(ValueError, match="softmax is not elementwise"):
        rf.derivative("softmax", np.zeros(2))
    with pytest.raises(TypeError):
        rf.leaky_relu(np.zeros(2), negative_slope=0.1)  # one name per concept: no aliases


def test_rrelu_bad_seed():
    with pytest.raises(
        TypeError, match=r"seed must be an int, None or a numpy.random.Generator.*Received: seed='x'"
    ):
        rf.rrelu(np.zeros(2), training=True, seed="x")
