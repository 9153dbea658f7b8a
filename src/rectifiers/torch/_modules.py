"""``torch.nn`` modules: one base, :class:`Activation` (the core's names and defaults), and a
named subclass per activation with torch.nn's name, signature, positional order and defaults,
read from the core's table of each framework's names (``rectifiers._frameworks``):
``rt.LeakyReLU(negative_slope=0.01, inplace=False)``, ``rt.PReLU(num_parameters=1, init=0.25,
device=None, dtype=None)``, ``rt.Softmax(dim=None)``... Our additions (``memory=``, rrelu's
``seed=``, PReLU's channel ``axis=``) are keyword-only.

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
LeakyReLU(negative_slope=0.01)
>>> rt.PReLU(3)
PReLU(num_parameters=3)
>>> rt.Activation("elu", alpha=0.5, memory="input")
Activation('elu', alpha=0.5, memory='input')
"""

from __future__ import annotations

import collections
import inspect

import torch

from .. import _spec as registry
from .._random import check_stream_seed, stream_seed
from .._spec import finite_number, integer
from . import _spelling
from ._conventions import implicit_dim
from ._rectify import Fixed, _eager, check, rectify
from ._small import prelu_call, rrelu_call

#: Layout options of a learned parameter (binding-level, like torch.nn.PReLU's), and where its
#: tensor is made (torch's factory arguments).
_LAYOUT = {"num_parameters": 1, "axis": 1, "device": None, "dtype": None}
#: The state_dict key of a seeded module's place in its random stream.
_POSITION = "position"
#: How many first runs without grad (reentrant checkpoint's) a seeded module remembers.
_REPLAYS = 256
#: The core parameter that torch's ``dim=None`` leaves to its implicit-dim rule, at each call.
_IMPLICIT = "axis"
_STACKLEVEL = 6  # the warning points at the caller of ``module(x)``


def _learned(spec):
    return next((p for p in spec.params if p.init is not None), None)


def _options(spec) -> dict:
    """The constructor options ``Activation(name, ...)`` accepts for ``spec``, with their defaults."""
    learned = _learned(spec)
    options = {p.name: p.default for p in spec.params if p.hyper and p is not learned}
    if learned is not None:
        options |= {"num_parameters": _LAYOUT["num_parameters"], "init": learned.init}
        options |= {k: v for k, v in _LAYOUT.items() if k != "num_parameters"}
    if spec.draws is not None:  # the seed of the module's stream of calls (see _params)
        options[spec.draws.seed] = None
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

    #: Which small eager call the module takes (``_small.prelu_call``, ``rrelu_call``): ``("prelu",)``,
    #: ``("rrelu", (lower, upper), seed's name)``, or None (the class default, also for modules
    #: pickled before it was set).
    _small = None

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
        checked = {k: v for k, v in checked.items() if not (k == _IMPLICIT and v is None)}
        if learned is not None:
            checked[learned.name] = given["init"]
            _check_layout(spec, given["num_parameters"], given["axis"], given["init"])
        seed = None if spec.draws is None else spec.draws.seed
        if seed is not None and (problem := check_stream_seed(given[seed])) is not None:
            where = f"rectifiers.torch.{spec.name}"
            raise type(problem)(f"{where}: {seed} {problem}. Received: {seed}={given[seed]!r}")
        check(spec, checked, memory=memory, inplace=inplace)  # the core's checks, and the binding's
        self.name, self.options, self.memory, self.inplace = spec.name, given, memory, inplace
        layout = {*_LAYOUT, "init"} if learned is not None else set()
        #: The parameters every call passes, checked above; a learned slope, rrelu's training and
        #: seed, and Softmax(dim=None)'s axis are added per call (``_params``).
        self._base = {k: v for k, v in given.items() if k not in layout}
        per_call = learned is not None or "seed" in given or self._base.get(_IMPLICIT, 0) is None
        self._fixed = None if per_call else Fixed(spec, spec.resolve(**self._base), memory, inplace)
        if learned is not None:
            self._small = ("prelu",)
        elif spec.draws is not None:  # rrelu: its (lower, upper), fixed, and the seed's name
            self._small = ("rrelu", spec.draws.bounds(self._base), spec.draws.seed)
        if learned is not None:
            factory = {"device": given["device"], "dtype": given["dtype"]}
            self.weight = torch.nn.Parameter(
                torch.full((given["num_parameters"],), float(given["init"]), **factory)
            )
        if seed is not None and given[seed] is not None:
            self._position, self._replays = 0, collections.deque(maxlen=_REPLAYS)
            self.register_state_dict_post_hook(_save_position)
            self.register_load_state_dict_pre_hook(_load_position)

    @property
    def _spec(self):
        return registry.get(self.name)

    def _params(self, x) -> dict:
        params = dict(self._base)
        if "num_parameters" in self.options:  # a learned slope: the module's weight
            params[_learned(self._spec).name] = self._slopes(x)
        if params.get(_IMPLICIT, 0) is None:  # torch's Softmax(dim=None)
            params[_IMPLICIT] = implicit_dim(x.dim(), stacklevel=_STACKLEVEL)
        draws = self._spec.draws
        if draws is not None:
            params[draws.mode] = self.training
            if self.training and params[draws.seed] is not None and not torch.compiler.is_compiling():
                params[draws.seed] = stream_seed(params[draws.seed], self._next_position())
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

    def __prepare_scriptable__(self):
        """``torch.jit.script`` asks this first: say what works instead of a TorchScript parse error."""
        raise TypeError(
            f"rectifiers.torch.{type(self).__name__} cannot be compiled by torch.jit.script (it is "
            f"generated Python, with its own autograd function). Use torch.jit.trace(module, example), "
            f"torch.export.export or torch.compile. Received: {self!r}"
        )

    def _given(self, option):
        """The value this module was given for ``option`` (or its default)."""
        return getattr(self, option) if option in ("memory", "inplace") else self.options[option]

    def forward(self, x):
        fixed = self._fixed
        if fixed is not None and fixed.inplace is self.inplace and fixed.memory is self.memory:
            return fixed(x)  # every parameter fixed, resolved at construction
        small, params = self._small, None
        if small is not None and _eager(x) and self.memory != "bits":  # PReLU, RReLU in training
            if small[0] == "prelu":
                one = self.options["num_parameters"] == 1 and x.dim() > 0  # broadcast as it is, no view
                y = prelu_call(x, self.weight if one else self._slopes(x), self.inplace)
            elif self.training:
                params = self._params(x)  # (once: a seeded module's stream moves on)
                y = rrelu_call(x, small[1], self.inplace, params[small[2]])
            else:
                y = None
            if y is not None:
                return y
        # the parameters were checked at construction; a per-call value is a tensor or training's bool
        params = self._params(x) if params is None else params
        return rectify(self._spec, x, params, memory=self.memory, inplace=self.inplace, resolved=True)

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


def _option(spec, arg) -> str:
    """The :class:`Activation` option that torch's constructor argument ``arg`` sets."""
    learned = _learned(spec)
    if arg.core is None:
        return arg.name  # torch's own: inplace, num_parameters, device, dtype
    return "init" if learned is not None and arg.core == learned.name else arg.core


def _named(spec):
    """A subclass of :class:`Activation` for ``spec`` with torch.nn's name and signature."""
    form = _spelling.form(spec, layer=True)
    options = {arg.name: _option(spec, arg) for arg in form.args}
    ours = [_spelling.P(k, _spelling.P.KEYWORD_ONLY, default=v) for k, v in _options(spec).items()]
    ours = [p for p in ours if p.name not in options.values()]
    parameters = [_spelling.P("self", _spelling.P.POSITIONAL_OR_KEYWORD), *_spelling.positional(form)]
    signature = inspect.Signature([*parameters, *ours, _spelling.MEMORY])

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()  # torch's defaults, not the core's
        arguments = bound.arguments
        del arguments["self"]
        Activation.__init__(self, spec.name, **{options.get(k, k): v for k, v in arguments.items()})

    def extra_repr(self) -> str:
        # as torch.nn's: each hyperparameter, and torch's own options where they are not the default
        shown = [(a.name, self._given(options[a.name]), a) for a in form.args if a.name not in _HIDDEN]
        shown = [
            (k, v) for k, v, a in shown if v != a.default or (a.core is not None and options[k] != "init")
        ]
        shown += [
            (p.name, self._given(p.name))
            for p in (*ours, _spelling.MEMORY)
            if self._given(p.name) != p.default
        ]
        return ", ".join(f"{k}={v!r}" for k, v in shown)

    __init__.__signature__ = signature
    attributes = {  # torch.nn's attribute names: module.negative_slope, module.dim...
        a.name: property(lambda self, option=options[a.name]: self._given(option))
        for a in form.args
        if a.name not in ("inplace", *_HIDDEN)
    }
    doc = (
        f"``torch.nn.{form.name}`` with the rules of ``rectifiers.{spec.name}``; see :class:`Activation` "
        f"for ``memory`` and the other keyword-only options."
    )
    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__, "__qualname__": form.name}
    return type(form.name, (Activation,), namespace | attributes | {"extra_repr": extra_repr})


#: torch's factory arguments: not attributes, not in the repr.
_HIDDEN = ("device", "dtype")


#: torch.nn's name of each activation's module.
NAMED = {_spelling.form(registry.get(name), layer=True).name: name for name in registry.names()}

globals().update({class_name: _named(registry.get(name)) for class_name, name in NAMED.items()})
