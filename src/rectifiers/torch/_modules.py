"""``torch.nn`` modules: one base, :class:`Activation`, and a named subclass per rectifier
whose signature (parameters, order, defaults) is built from the core spec.

* A learned parameter of the spec (prelu's ``alpha``) becomes the module's ``weight``, with
  ``num_parameters`` slopes (1, or one per channel along ``axis``) starting at ``init``, whose
  default is the spec's. The name ``weight`` matches ``torch.nn.PReLU``'s state_dict.
* rrelu's ``training`` follows ``module.training``. With ``seed=None`` its slopes come from
  PyTorch's global generator (``torch.manual_seed`` makes them reproducible); with an int seed
  the module's k-th training call draws the same slopes as any module with that seed. Its
  place in that stream, k, is in its ``state_dict`` (key ``position``), so resumed training
  goes on where it stopped; a forward that ``torch.utils.checkpoint`` recomputes during the
  backward takes its first run's place again, so it draws the same slopes.

>>> import torch, rectifiers.torch as rt
>>> rt.LeakyReLU()
LeakyReLU(alpha=0.2)
>>> rt.PReLU(3)
PReLU(num_parameters=3, init=0.25, axis=1)
>>> rt.Activation("elu", alpha=0.5, memory="input")
Activation('elu', alpha=0.5, memory='input')
"""

from __future__ import annotations

import collections
import inspect

import torch

from .. import _spec as registry
from .._spec import finite_number, integer
from ._rectify import check, rectify

#: Layout options of a learned parameter (binding-level, like torch.nn.PReLU's).
_LAYOUT = {"num_parameters": 1, "axis": 1}
_MIX = 0x9E3779B97F4A7C15
#: The state_dict key of a seeded module's place in its random stream.
_POSITION = "position"
#: How many first runs without grad (reentrant checkpoint's) a seeded module remembers.
_REPLAYS = 256


def _learned(spec):
    return next((p for p in spec.params if p.init is not None), None)


def _options(spec) -> dict:
    """The constructor options ``Activation(name, ...)`` accepts for ``spec``, with their defaults."""
    learned = _learned(spec)
    options = {p.name: p.default for p in spec.params if p.hyper and p is not learned}
    if learned is not None:
        options |= {"num_parameters": _LAYOUT["num_parameters"], "init": learned.init}
        options["axis"] = _LAYOUT["axis"]
    if any(p.name == "seed" for p in spec.params):
        options["seed"] = None
    return options


def _check_layout(spec, num_parameters, axis, init):
    for name, value, validator in (
        ("num_parameters", num_parameters, integer),
        ("axis", axis, integer),
        ("init", init, finite_number),  # the start of a float parameter: a number, not an array
    ):
        problem = validator(value)
        if problem is not None:
            raise type(problem)(f"rectifiers.torch.{spec.name}: {name} {problem}. Received: {name}={value!r}")
    if num_parameters < 1:
        raise ValueError(
            f"rectifiers.torch.{spec.name}: num_parameters must be >= 1. "
            f"Received: num_parameters={num_parameters}"
        )


class Activation(torch.nn.Module):
    """Any registered activation as a module: ``Activation("elu", alpha=0.5)``.

    Options: the activation's parameters (defaults from the core), ``memory`` and
    ``inplace`` as in :mod:`rectifiers.torch.functional`, and for a learned parameter
    ``num_parameters``, ``init`` and ``axis``; for rrelu, ``seed``.
    """

    def __init__(self, name, *, memory="auto", inplace=False, **options):
        super().__init__()
        spec = registry.get(name)
        accepted = _options(spec)
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise TypeError(
                f"rectifiers.torch.{spec.name} got unexpected options {unknown}. "
                f"Accepted: {', '.join([*accepted, 'memory', 'inplace'])}."
            )
        given = accepted | options
        learned = _learned(spec)
        checked = {k: v for k, v in given.items() if k in {p.name for p in spec.params}}
        if learned is not None:
            checked[learned.name] = given["init"]
            _check_layout(spec, given["num_parameters"], given["axis"], given["init"])
        if given.get("seed") is not None and integer(given["seed"]) is not None:
            seed = given["seed"]
            raise TypeError(f"rectifiers.torch.{spec.name}: seed must be an int or None. Received: {seed=!r}")
        check(spec, checked, memory=memory, inplace=inplace)  # the core's checks, and the binding's
        self.name, self.options, self.memory, self.inplace = spec.name, given, memory, inplace
        if learned is not None:
            self.weight = torch.nn.Parameter(torch.full((given["num_parameters"],), float(given["init"])))
        if given.get("seed") is not None:
            self._position, self._replays = 0, collections.deque(maxlen=_REPLAYS)
            self.register_state_dict_post_hook(_save_position)
            self.register_load_state_dict_pre_hook(_load_position)

    @property
    def _spec(self):
        return registry.get(self.name)

    def _params(self, x) -> dict:
        learned = _learned(self._spec)
        layout = {*_LAYOUT, "init"} if learned is not None else set()
        params = {k: v for k, v in self.options.items() if k not in layout}
        if learned is not None:
            params[learned.name] = self._slopes(x)
        if "seed" in params:
            params["training"] = self.training
            if self.training and params["seed"] is not None and not torch.compiler.is_compiling():
                params["seed"] = (params["seed"] * _MIX + self._next_position()) % 2**63
        return params

    def _next_position(self) -> int:
        """This training call's place in the seeded stream.

        A forward run inside a backward pass is ``torch.utils.checkpoint`` recomputing an
        earlier call, which takes that call's place again and does not move the stream on. With
        ``use_reentrant=True`` the first run had no grad, and the segments are recomputed last
        first: the latest such run's place. With ``use_reentrant=False``: the latest call's.
        """
        if torch._C._current_graph_task_id() != -1:
            return self._replays.pop() if self._replays else max(self._position - 1, 0)
        position, self._position = self._position, self._position + 1
        if not torch.is_grad_enabled():
            self._replays.append(position)
        return position

    def _slopes(self, x):
        count, axis = self.options["num_parameters"], self.options["axis"]
        if count == 1:
            return self.weight.reshape(())
        if x.dim() == 0 or not -x.dim() <= axis < x.dim() or x.shape[axis] != count:
            raise ValueError(
                f"rectifiers.torch.{self.name}: num_parameters={count} slopes need input with {count} "
                f"channels along axis {axis}. Received: input of shape {tuple(x.shape)}"
            )
        shape = [1] * x.dim()
        shape[axis] = count
        return self.weight.reshape(shape)

    def forward(self, x):
        return rectify(self._spec, x, self._params(x), memory=self.memory, inplace=self.inplace)

    def extra_repr(self) -> str:
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        if type(self) is Activation:
            options = ", ".join(filter(None, (repr(self.name), options)))
        for option, default in (("memory", "auto"), ("inplace", False)):
            if getattr(self, option) != default:
                options += f", {option}={getattr(self, option)!r}"
        return options.lstrip(", ")


def _save_position(module, state_dict, prefix, local_metadata):
    state_dict[prefix + _POSITION] = torch.tensor(module._position)


def _load_position(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
    position = state_dict.pop(prefix + _POSITION, None)  # a checkpoint without it: keep the place
    if position is not None:
        module._position = int(position)
        module._replays.clear()


def _named(class_name: str, name: str):
    """A subclass of :class:`Activation` for ``name``, whose signature comes from the spec."""
    spec = registry.get(name)
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter("self", positional)]
    for option, default in _options(spec).items():
        kind = keyword if option == "seed" else positional
        parameters.append(inspect.Parameter(option, kind, default=default))
    parameters += [inspect.Parameter("memory", keyword, default="auto")]
    if spec.name != "prelu":
        parameters += [inspect.Parameter("inplace", keyword, default=False)]
    signature = inspect.Signature(parameters)

    def __init__(self, *args, **kwargs):
        arguments = signature.bind(self, *args, **kwargs).arguments
        del arguments["self"]
        Activation.__init__(self, name, **arguments)

    __init__.__signature__ = signature
    doc = f"``rectifiers.{name}`` as a module; see :class:`Activation` for the options."
    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__, "__qualname__": class_name}
    return type(class_name, (Activation,), namespace)


#: The rectifiers' modules, named as torch.nn names them.
NAMED = {"ReLU": "relu", "ReLU6": "relu6", "LeakyReLU": "leaky_relu", "PReLU": "prelu",
         "RReLU": "rrelu", "ELU": "elu", "SELU": "selu"}  # fmt: skip

globals().update({class_name: _named(class_name, name) for class_name, name in NAMED.items()})
