"""What ``rectifiers compare`` runs: activations (with their parameters), settings (a model and
its training recipe), seeds, and one :class:`RunSpec` per cell of the grid.

Activations are enumerated from the registry: every elementwise one (softmax is an output, not
a hidden-layer activation), with the registry's defaults, and also at torch.nn's defaults where
they differ (``_frameworks``: leaky_relu at torch's slope 0.01 beside the core's 0.2), so both
usual slopes are compared.

>>> [a.label for a in default_activations()][:4]
['relu', 'relu6', 'leaky_relu(alpha=0.01)', 'leaky_relu(alpha=0.2)']
>>> [s.name for s in settings(["deep-mlp"])]
['deep-mlp', 'deep-mlp-high-lr']
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import rectifiers as rf
from rectifiers._frameworks import spelling

#: Models ``--models`` accepts. ``deep-mlp`` brings two settings: the normal learning rate and
#: the high one that provokes dying units (claim 4).
MODELS = ("mlp", "cnn", "deep-mlp")

#: The framework whose defaults the grid adds beside the core's where they differ (an
#: experiment's choice: the slopes most papers ran with are torch.nn's).
VARIANTS_FROM = "torch"

DEFAULT_SEEDS = 3
DEFAULT_EPOCHS = 8
BATCH_SIZE = 64
#: SGD with momentum: the optimiser of the papers behind claims 1 and 4 (Adam hides much of it).
MOMENTUM = 0.9


@dataclasses.dataclass(frozen=True)
class Setting:
    """A model and its training recipe."""

    name: str
    model: str  # one of MODELS
    lr: float
    role: str  # "normal" (claims 1, 3, 5) or "provoke" (claim 4's high learning rate)
    clip: float | None = None  # max gradient norm per step (None: no clipping)


SETTINGS = (
    Setting("mlp", "mlp", 0.01, "normal"),
    Setting("cnn", "cnn", 0.01, "normal"),
    Setting("deep-mlp", "deep-mlp", 0.01, "normal"),
    Setting("deep-mlp-high-lr", "deep-mlp", 0.3, "provoke", clip=1.0),
)


@dataclasses.dataclass(frozen=True)
class ActivationChoice:
    """An activation of the registry with the parameters given to it (the rest: its defaults)."""

    name: str
    params: tuple[tuple[str, object], ...] = ()

    @property
    def resolved(self) -> dict:
        """Every hyperparameter, defaults filled in from the registry."""
        return {**rf.get(self.name).defaults, **dict(self.params)}

    @property
    def label(self) -> str:
        spec = rf.get(self.name)
        shown = {k: v for k, v in self.resolved.items() if k in spec.defaults}
        if not extra_variants(self.name) or not shown:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @property
    def kind(self) -> str:
        """ "rectifier" (a kink at 0: the rectifier family) or "saturating" (sigmoid, tanh)."""
        return "rectifier" if 0.0 in rf.get(self.name).kinks else "saturating"


def hidden_activations() -> tuple[str, ...]:
    """Every registered activation a hidden layer can use: the elementwise ones."""
    return tuple(name for name in rf.names() if rf.get(name).elementwise)


def extra_variants(name: str) -> tuple[dict, ...]:
    """The parameter values the grid adds to ``name``'s registry defaults: :data:`VARIANTS_FROM`'s
    defaults (read in ``_frameworks``) where they differ from the core's; none where they agree.

    >>> extra_variants("leaky_relu"), extra_variants("elu")
    (({'alpha': 0.01},), ())
    """
    spec, entry = rf.get(name), spelling(VARIANTS_FROM, name)
    if entry is None or entry.layer is None:
        return ()
    checks = {p.name: p for p in spec.params if p.name in spec.defaults}
    theirs = {a.core: a.default for a in entry.layer.args if a.core in checks}
    # values the core takes (not torch's dim=None, which torch resolves per call)
    differ = {k: v for k, v in theirs.items() if v != spec.defaults[k] and _accepted(checks[k], v)}
    return (differ,) if differ else ()


def _accepted(param, value) -> bool:
    return param.check is None or param.check(value) is None


def variants(name: str) -> list[ActivationChoice]:
    """The grid's variants of one activation: the extra parameter values, then the defaults."""
    extra = [ActivationChoice(name, tuple(sorted(p.items()))) for p in extra_variants(name)]
    return [*extra, ActivationChoice(name)]


def default_activations() -> list[ActivationChoice]:
    return [choice for name in hidden_activations() for choice in variants(name)]


def parse_activation(text: str) -> list[ActivationChoice]:
    """``relu``, ``leaky_relu`` (its grid variants) or ``leaky_relu:alpha=0.05`` (that value).

    Raises ``ValueError`` naming the accepted names or the registry's complaint.
    """
    name, _, rest = text.partition(":")
    accepted = hidden_activations()
    if name not in accepted:
        raise ValueError(f"unknown activation {name!r}; accepted: {', '.join(accepted)}")
    if not rest:
        return variants(name)
    params = {}
    for item in rest.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"activation parameters are key=value. Received: {text!r}")
        try:
            params[key.strip()] = float(value)
        except ValueError:
            raise ValueError(f"activation parameter {key} must be a number. Received: {text!r}") from None
    rf.get(name).resolve(**params)  # the registry validates (TypeError/ValueError, "Received: ...")
    return [ActivationChoice(name, tuple(sorted(params.items())))]


def settings(models) -> list[Setting]:
    return [s for s in SETTINGS if s.model in models]


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One cell of the grid: everything a worker needs, and nothing machine-specific."""

    setting: Setting
    activation: ActivationChoice
    seed: int
    epochs: int
    framework: str

    @property
    def key(self) -> str:
        return f"{self.setting.name}/{self.activation.label}/{self.seed}"

    @property
    def torch_seed(self) -> int:
        """The seed of this run's generators, derived from its key (so runs are independent)."""
        digest = hashlib.sha256(self.key.encode()).digest()
        return int.from_bytes(digest[:4], "little")


def runs(config: dict) -> list[RunSpec]:
    """The grid of a configuration (see :func:`config`), in a fixed order."""
    chosen = [ActivationChoice(a["name"], tuple(sorted(a["params"].items()))) for a in config["activations"]]
    return [
        RunSpec(setting, activation, seed, config["epochs"], config["framework"])
        for setting in settings(config["models"])
        for activation in chosen
        for seed in range(config["seeds"])
    ]


def config(*, activations, models, seeds, epochs, framework, data_source, data_digest, target) -> dict:
    """The full, resolved configuration: plain JSON, nothing machine-specific."""
    return {
        "data": {"source": data_source, "sha256": data_digest},
        "activations": [
            {"name": a.name, "params": dict(a.params), "resolved": a.resolved, "label": a.label}
            for a in activations
        ],
        "models": [m for m in MODELS if m in models],
        "settings": [dataclasses.asdict(s) for s in settings(models)],
        "seeds": seeds,
        "epochs": epochs,
        "batch_size": BATCH_SIZE,
        "optimizer": {"name": "SGD", "momentum": MOMENTUM},
        "framework": framework,
        "target_accuracy": target,
    }


def fingerprint(config: dict) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
