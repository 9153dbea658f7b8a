"""Each framework's names, positional order and defaults for every activation: one table.

The core keeps the seeds' (tf.nn's) names and defaults (``alpha``, leaky 0.2, ``axis``). A
binding is a drop-in for its framework: it reads here what its framework calls the class and
the function, what each argument is called, in which order it comes, what it defaults to, and
which core parameter it is (``core``; ``None`` for the framework's own options, such as
torch's ``inplace`` or ``device``). Our extras (``memory=``, ``seed=``) are not in the table:
bindings add them keyword-only.

The defaults are the frameworks' facts, not ours, so they are written out; the tests compare
every entry with the installed framework's own signatures.

>>> form = spelling("torch", "leaky_relu").layer
>>> form.name, [(a.name, a.default, a.core) for a in form.args]
('LeakyReLU', [('negative_slope', 0.01, 'alpha'), ('inplace', False, None)])
>>> spelling("keras", "leaky_relu").layer.args[0].default
0.3
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Mapping
from typing import Any

REQUIRED = inspect.Parameter.empty

#: Where each framework keeps its layers and its functions.
NAMESPACES = {
    "torch": ("torch.nn", "torch.nn.functional"),
    "keras": ("keras.layers", "keras.activations"),
    "jax": (None, "jax.nn"),
    "tensorflow": (None, "tf.nn"),
}


@dataclasses.dataclass(frozen=True)
class Arg:
    """One argument of a framework's class or function, in its positional place."""

    name: str  # the framework's name
    default: Any = REQUIRED
    core: str | None = None  # the core parameter it is; None: the framework's own option


@dataclasses.dataclass(frozen=True)
class Form:
    """A framework's class (``args``: the constructor's) or function (``args``: after ``input``)."""

    name: str
    args: tuple[Arg, ...] = ()
    input: str | None = None  # a function's first argument: "input", "x", "features", "logits"
    # framework arguments whose values spell this activation: Keras's relu6 is ReLU(max_value=6)
    settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def defaults(self) -> dict:
        """``{framework name: default}`` of the arguments that have one."""
        return {a.name: a.default for a in self.args if a.default is not REQUIRED}

    def core_names(self) -> dict:
        """``{framework name: core name}`` of the arguments that are core parameters."""
        return {a.name: a.core for a in self.args if a.core is not None}


@dataclasses.dataclass(frozen=True)
class Spelling:
    """How one framework spells one activation: its layer (class) and its function."""

    layer: Form | None
    function: Form | None
    #: the framework's in-place function (torch.nn.functional's ``relu_``): ``function``'s
    #: arguments less ``inplace``, the input overwritten
    in_place: str | None = None


def _torch(layer, function, layer_args=(), function_args=None):
    layer_args = tuple(layer_args)
    if function_args is None:  # torch's functions mostly take the module's arguments
        function_args = layer_args
    in_place = f"{function}_" if _INPLACE in function_args and function not in _NO_IN_PLACE else None
    return Spelling(Form(layer, layer_args), Form(function, tuple(function_args), "input"), in_place)


_INPLACE = Arg("inplace", False)
#: torch functions with ``inplace=`` but no in-place twin in torch.nn.functional
_NO_IN_PLACE = ("relu6",)
_RRELU_BOUNDS = (Arg("lower", 1 / 8, "lower"), Arg("upper", 1 / 3, "upper"))
_TORCH = {
    "relu": _torch("ReLU", "relu", [_INPLACE]),
    "relu6": _torch("ReLU6", "relu6", [_INPLACE]),
    "leaky_relu": _torch("LeakyReLU", "leaky_relu", [Arg("negative_slope", 0.01, "alpha"), _INPLACE]),
    "prelu": _torch(
        "PReLU",
        "prelu",
        [Arg("num_parameters", 1), Arg("init", 0.25, "alpha"), Arg("device", None), Arg("dtype", None)],
        [Arg("weight", REQUIRED, "alpha")],
    ),
    "rrelu": _torch(
        "RReLU",
        "rrelu",
        [*_RRELU_BOUNDS, _INPLACE],
        [
            Arg("lower", 1 / 8, "lower"),
            Arg("upper", 1 / 3, "upper"),
            Arg("training", False, "training"),
            _INPLACE,
        ],
    ),
    "elu": _torch("ELU", "elu", [Arg("alpha", 1.0, "alpha"), _INPLACE]),
    "selu": _torch("SELU", "selu", [_INPLACE]),
    "sigmoid": _torch("Sigmoid", "sigmoid"),
    "tanh": _torch("Tanh", "tanh"),
    "softmax": _torch(
        "Softmax",
        "softmax",
        [Arg("dim", None, "axis")],
        [Arg("dim", None, "axis"), Arg("_stacklevel", 3), Arg("dtype", None)],
    ),
}


#: The framework has no such activation: its binding offers ours under the core's names.
_NONE = Spelling(None, None)


def _keras(layer, function, layer_args=(), function_args=(), settings=None):
    settings = settings or {}
    layer_form = None if layer is None else Form(layer, tuple(layer_args), settings=settings)
    return Spelling(layer_form, None if function is None else Form(function, tuple(function_args), "x"))


_RELU_ARGS = (Arg("max_value", None), Arg("negative_slope", 0.0), Arg("threshold", 0.0))
_KERAS = {
    "relu": _keras("ReLU", "relu", _RELU_ARGS, _RELU_ARGS[1:2] + _RELU_ARGS[:1] + _RELU_ARGS[2:]),
    "relu6": _keras("ReLU", "relu6", _RELU_ARGS, settings={"max_value": 6.0}),
    "leaky_relu": _keras(
        "LeakyReLU",
        "leaky_relu",
        [Arg("negative_slope", 0.3, "alpha")],
        [Arg("negative_slope", 0.2, "alpha")],
    ),
    "prelu": _keras(
        "PReLU",
        None,
        [
            Arg("alpha_initializer", "Zeros", "alpha"),
            Arg("alpha_regularizer", None),
            Arg("alpha_constraint", None),
            Arg("shared_axes", None),
        ],
    ),
    "elu": _keras("ELU", "elu", [Arg("alpha", 1.0, "alpha")], [Arg("alpha", 1.0, "alpha")]),
    "selu": _keras(None, "selu"),
    "sigmoid": _keras(None, "sigmoid"),
    "tanh": _keras(None, "tanh"),
    "softmax": _keras("Softmax", "softmax", [Arg("axis", -1, "axis")], [Arg("axis", -1, "axis")]),
    "rrelu": _NONE,
}


def _functions(table):
    """Spellings of a framework that has functions only: ``{name: (input, args)}``."""
    return {name: Spelling(None, Form(name, tuple(args), input)) for name, (input, args) in table.items()}


_JAX = _functions(
    {
        "relu": ("x", ()),
        "relu6": ("x", ()),
        "leaky_relu": ("x", [Arg("negative_slope", 0.01, "alpha")]),
        "elu": ("x", [Arg("alpha", 1.0, "alpha")]),
        "selu": ("x", ()),
        "sigmoid": ("x", ()),
        "tanh": ("x", ()),
        "softmax": ("x", [Arg("axis", -1, "axis"), Arg("where", None, "where")]),
    }
) | {"prelu": _NONE, "rrelu": _NONE}

_NAME = Arg("name", None)
_TENSORFLOW = _functions(
    {
        "relu": ("features", [_NAME]),
        "relu6": ("features", [_NAME]),
        "leaky_relu": ("features", [Arg("alpha", 0.2, "alpha"), _NAME]),
        "elu": ("features", [_NAME]),
        "selu": ("features", [_NAME]),
        "sigmoid": ("x", [_NAME]),
        "tanh": ("x", [_NAME]),
        "softmax": ("logits", [Arg("axis", None, "axis"), _NAME]),
    }
) | {"prelu": _NONE, "rrelu": _NONE}

#: ``TABLE[framework][activation]``: how that framework spells that activation.
TABLE: Mapping[str, Mapping[str, Spelling]] = types.MappingProxyType(
    {"torch": _TORCH, "keras": _KERAS, "jax": _JAX, "tensorflow": _TENSORFLOW}
)


def spelling(framework: str, activation: str) -> Spelling | None:
    """How ``framework`` spells ``activation``: a ``Spelling`` whose ``layer`` or ``function`` is
    ``None`` where the framework has none; ``None`` for an activation the table lacks.

    >>> spelling("torch", "softmax").layer.args
    (Arg(name='dim', default=None, core='axis'),)
    >>> spelling("jax", "prelu")
    Spelling(layer=None, function=None, in_place=None)
    >>> spelling("torch", "relu").in_place
    'relu_'
    """
    try:
        spellings = TABLE[framework]
    except KeyError:
        raise ValueError(
            f"Unknown framework. Received: framework={framework!r}. Accepted: {', '.join(TABLE)}."
        ) from None
    return spellings.get(activation)
