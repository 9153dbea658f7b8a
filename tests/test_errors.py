"""Bad input gets a clear error naming what was received and what is accepted; never a wrong answer."""

import numpy as np
import pytest
from libraries import library_params

import rectifiers as rf
from rectifiers._apply import call_by_name


def _call(activation, x, /, **params):
    return call_by_name(activation, x, **{**rf.get(activation).example_params, **params})


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


SEED_RANGE = r"seed must be an int in \[0, 2\*\*63\)"
REAL = r"alpha must be a real number or real array.*"


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
        ("prelu", {"alpha": "0.1"}, TypeError, REAL + r"Received: alpha='0.1'"),
        ("prelu", {"alpha": b"0.5"}, TypeError, REAL + r"Received: alpha=b'0.5'"),
        ("prelu", {"alpha": None}, TypeError, REAL + r"Received: alpha=None"),
        ("prelu", {"alpha": np.array(["0.1"])}, TypeError, r"real array .*Received: alpha of dtype str"),
        ("prelu", {"alpha": 10**400}, ValueError, r"alpha must be finite and within the float64 range"),
        ("leaky_relu", {"alpha": -(10**400)}, ValueError, r"within the float64 range.*Received: alpha=-1000"),
        ("rrelu", {"upper": 10**400}, ValueError, r"upper must be finite and within the float64 range"),
        ("relu", {"name": 5}, TypeError, r"name must be a str .*or None\. Received: name=5"),
        ("softmax", {"name": b"scope"}, TypeError, r"Received: name=b'scope'"),
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
        TypeError, match=SEED_RANGE + r", None or a random generator \(numpy.random.Generator"
    ):
        rf.rrelu(np.zeros(2), training=True, seed="x")


@pytest.mark.parametrize("library", library_params())
@pytest.mark.parametrize("training", [True, False], ids=["training", "evaluation"])
@pytest.mark.parametrize(
    "seed, error, message",
    [
        (-1, ValueError, SEED_RANGE + r".*Received: seed=-1"),
        (2**63, ValueError, SEED_RANGE),
        (2**64, ValueError, SEED_RANGE + r".*Received: seed=18446744073709551616"),
        (True, TypeError, r"seed must be an int.*not a bool.*Received: seed=True"),
        ("abc", TypeError, r"seed must be an int .*, None or a random generator.*Received: seed='abc'"),
        (1.5, TypeError, r"Received: seed=1.5"),
    ],
    ids=["negative", "2**63", "2**64", "bool", "str", "float"],
)
def test_rrelu_seeds_are_checked_on_every_library_in_training_and_evaluation(
    library, training, seed, error, message
):
    x = library.make(np.full(4, -1.0, dtype=np.float32))
    with pytest.raises(error, match=message):
        rf.rrelu(x, training=training, seed=seed)
    with pytest.raises(error, match=message):
        rf.derivative("rrelu", x, training=training, seed=seed)


def test_rrelu_seed_range_edges_are_accepted():
    x = np.full(4, -1.0)
    for seed in (0, 2**63 - 1, np.int64(7), np.uint64(2**63 - 1)):
        assert np.all(-rf.rrelu(x, training=True, seed=seed) >= 1 / 8)


def test_a_generator_of_another_library_is_refused_naming_what_this_one_takes():
    tf = pytest.importorskip("tensorflow")
    with pytest.raises(
        TypeError,
        match=r"seed must be an int, None or a tf.random.Generator for tensorflow arrays\. "
        r"Received: seed=Generator\(PCG64\)",
    ):
        rf.rrelu(tf.constant([-1.0]), training=True, seed=np.random.default_rng(0))
    with pytest.raises(
        TypeError, match=r"a numpy.random.Generator for numpy arrays\. Received: seed=<tensorflow"
    ):
        rf.rrelu(np.array([-1.0]), training=True, seed=tf.random.Generator.from_seed(0))


def test_a_ragged_nested_list_is_refused():
    with pytest.raises(ValueError, match=r"rectangular nested sequence.*Received: a ragged list"):
        rf.relu([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"Received: a ragged list"):
        rf.prelu(np.zeros((2, 2)), [[0.1, 0.2], [0.3]])
    np.testing.assert_array_equal(rf.relu([[1.0, -2.0], [3.0, -4.0]]), [[1.0, 0.0], [3.0, 0.0]])


@pytest.mark.parametrize("kind", ["RaggedTensor", "SparseTensor"])
def test_tensorflow_ragged_and_sparse_tensors_are_refused_by_type(kind):
    tf = pytest.importorskip("tensorflow")
    x = tf.ragged.constant([[1.0], [-2.0, 3.0]]) if kind == "RaggedTensor" else tf.sparse.eye(2)
    with pytest.raises(TypeError, match=rf"dense tf.Tensor or tf.Variable.*Received: x of type tf.{kind}"):
        rf.relu(x)


SPARSE_ENTRIES = {
    "rf.relu": lambda rt, x: rf.relu(x),
    "rf.elu": lambda rt, x: rf.elu(x),
    "rf.softmax": lambda rt, x: rf.softmax(x),
    "rt.ReLU": lambda rt, x: rt.ReLU()(x),
    "rt.LeakyReLU": lambda rt, x: rt.LeakyReLU()(x),
    "rt.functional.elu": lambda rt, x: rt.functional.elu(x),
    "rt.PReLU": lambda rt, x: rt.PReLU()(x),
    "rt.Sigmoid": lambda rt, x: rt.Sigmoid()(x),
}


@pytest.mark.parametrize("entry", SPARSE_ENTRIES)
@pytest.mark.parametrize("layout", ["sparse_coo", "sparse_csr", "sparse_coo with grad"])
def test_torch_sparse_tensors_are_refused_by_layout_in_the_core_and_the_binding(layout, entry):
    """Not an ATen "could not run" error: every entry point names the layout and the way out."""
    torch = pytest.importorskip("torch")
    import rectifiers.torch as rt

    dense = torch.tensor([[1.0, -2.0], [0.0, 3.0]])
    x = dense.to_sparse_csr() if layout == "sparse_csr" else dense.to_sparse()
    x.requires_grad_(layout.endswith("grad"))
    expected = r"dense \(strided\) torch tensors.*to_dense.*Received: a tensor of layout torch.sparse"
    with pytest.raises(TypeError, match=expected):
        SPARSE_ENTRIES[entry](rt, x)


def test_a_tuple_of_lists_that_is_ragged_is_refused_too():
    with pytest.raises(ValueError, match=r"Received: a ragged tuple"):
        rf.sigmoid(([1.0], [2.0, 3.0]))
