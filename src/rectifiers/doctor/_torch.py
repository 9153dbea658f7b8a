"""PyTorch: forward hooks on every activation module, measuring what leaves it.

Watched: our modules (``rectifiers.torch``) and ``torch.nn``'s ReLU, ReLU6, LeakyReLU, PReLU,
RReLU, ELU, SELU, Sigmoid and Tanh. The hook reads the module's *output* (for an in-place
module, the tensor after it was rectified), reduces it at once on its device (no ``.item()``,
no copy kept), and, when a backward pass will run, puts a tensor hook on that output for the
gradient norm (a tensor hook, not ``register_full_backward_hook``, which breaks in-place
modules). A module called at several places in one forward pass is counted per call site
(``"name#k"``): a pre-hook on the model numbers the calls. The hooks are kept out of
``torch.compile``'s graphs (``torch.compiler.disable``), so a compiled model is measured the
same, with a graph break at each activation.
"""

from __future__ import annotations

import functools

import torch

from .. import _spec, torch as rt
from .._frameworks import spelling
from ._activations import watchable
from ._distributed import reduce_sum
from ._doctor import Doctor
from ._evidence import CONFIDENCE, RARE

#: torch.nn's activation classes, from the core's table (``_frameworks``): every activation
#: torch.nn has a class for (one registered later, which torch.nn lacks, has only ours).
NN = {
    getattr(torch.nn, entry.layer.name): name
    for name, entry in ((name, spelling("torch", name)) for name in _spec.names())
    if entry is not None and entry.layer is not None
}
_CHANNELS_FIRST = (
    torch.nn.modules.conv._ConvNd,
    torch.nn.modules.batchnorm._BatchNorm,
    torch.nn.modules.instancenorm._InstanceNorm,
    torch.nn.GroupNorm,
    torch.nn.modules.pooling._MaxPoolNd,
    torch.nn.modules.pooling._AvgPoolNd,
)
_CHANNELS_LAST = (torch.nn.Linear, torch.nn.LayerNorm, torch.nn.Embedding, torch.nn.MultiheadAttention)
_WRAPPERS = ("_orig_mod", "module")  # torch.compile's OptimizedModule, DistributedDataParallel


def activation_of(module) -> str | None:
    """The registry name of what ``module`` computes, or ``None`` if it is not one we watch."""
    if isinstance(module, rt.Activation):
        return module.name if watchable(module.name) else None
    return NN.get(type(module))


def _unwrap(model):
    """The module whose ``named_modules()`` name the layers, under compile and DDP wrappers."""
    root = model
    while any(isinstance(getattr(root, w, None), torch.nn.Module) for w in _WRAPPERS) and type(root) in (
        torch._dynamo.eval_frame.OptimizedModule,
        torch.nn.parallel.DistributedDataParallel,
    ):
        root = next(
            getattr(root, w) for w in _WRAPPERS if isinstance(getattr(root, w, None), torch.nn.Module)
        )
    return root


def activation_modules(model, unit_axis=None):
    """``[(name, module, activation, channels_first)]`` in ``named_modules()`` order.

    ``channels_first``: the unit axis of a 3-d or wider output is 1 when the nearest layer
    before the activation is a convolution, a batch/instance/group norm or a pooling, and the
    last axis (sequence models) after a Linear, LayerNorm, Embedding or attention.
    """
    found, first = [], False
    for name, module in _unwrap(model).named_modules():
        if isinstance(module, _CHANNELS_FIRST):
            first = True
        elif isinstance(module, _CHANNELS_LAST):
            first = False
        activation = activation_of(module)
        if activation is not None:
            found.append((name, module, activation, first if unit_axis is None else unit_axis))
    return found


class TorchDoctor(Doctor):
    """What :func:`watch` returns: a :class:`Doctor` that owns hooks on one model."""

    def __init__(
        self, model, layers=None, window=None, confidence=CONFIDENCE, rare=RARE, unit_axis=None, every=1
    ):
        owner = "rectifiers.doctor.watch"
        super().__init__(confidence=confidence, rare=rare, window=window, owner=owner)
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"{owner}: model must be a torch.nn.Module. Received: {type(model).__name__}")
        if unit_axis is not None and (isinstance(unit_axis, bool) or not isinstance(unit_axis, int)):
            raise TypeError(f"{owner}: unit_axis must be an int or None. Received: {unit_axis=!r}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"{owner}: every must be a positive int. Received: {every=!r}")
        self.every, self._forwards = every, -1
        self.framework = f"torch {torch.__version__}"
        self.reduce = reduce_sum
        found = activation_modules(model, unit_axis)
        if layers is not None:
            layers = [layers] if isinstance(layers, str) else list(layers)
            names = [name for name, *_ in found]
            unknown = [layer for layer in layers if layer not in names]
            if unknown:
                raise ValueError(
                    f"{owner}: no activation module named {', '.join(map(repr, unknown))}. "
                    f"Accepted: {', '.join(names) or '(the model has no activation modules)'}"
                )
            found = [f for f in found if f[0] in layers]
        self._calls: dict[str, int] = {}
        self._handles = [model.register_forward_pre_hook(torch.compiler.disable(self._begin))]
        for order, (name, module, activation, layout) in enumerate(found):
            hook = functools.partial(self._after, name, order, activation, layout)
            self._handles.append(module.register_forward_hook(torch.compiler.disable(hook)))

    def _begin(self, module, args):
        self._calls.clear()
        self._forwards += 1

    def _after(self, name, order, activation, layout, module, args, output):
        if not isinstance(output, torch.Tensor) or output.dim() == 0 or self._forwards % self.every:
            return
        call = self._calls.get(name, 0)
        self._calls[name] = call + 1
        if isinstance(layout, bool):
            axis = 1 if layout and output.dim() >= 3 else -1
        else:
            axis = layout
        site = self.site(name, call, order, activation, output.shape[axis], axis)
        site.counter.update(output, axis=site.axis)
        if output.requires_grad and torch.is_grad_enabled():
            output.register_hook(site.counter.update_gradient)

    def close(self):
        """Remove every hook (the counters stay readable)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def watch(
    model, layers=None, window=None, confidence=CONFIDENCE, rare=RARE, *, unit_axis=None, every=1
) -> TorchDoctor:
    """Watch every activation module of ``model`` (or those named in ``layers``).

    ``window``: close a window every this many examples (``None``: one window until
    :meth:`Doctor.next_window`). ``confidence`` and ``rare``: the evidence floor. ``unit_axis``:
    force the unit axis (default: 1 after convolutions, else the last axis). ``every``: count
    one forward pass of the model in ``every`` (the evidence counts only those).

    >>> import torch
    >>> from rectifiers import doctor
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    >>> with torch.no_grad():
    ...     _ = model[0].bias.copy_(torch.tensor([-100.0, 0.0, 0.0]))  # unit 0 can never fire
    >>> with doctor.watch(model) as doc:
    ...     _ = model(torch.randn(500, 2))
    >>> doc.dead_units()
    {'1': [0]}
    """
    return TorchDoctor(model, layers, window, confidence, rare, unit_axis, every)
