"""The five claims, each with its verdict from a stated one-sided permutation test
(:mod:`.stats`) at level ``ALPHA`` on the runs' summaries (:func:`.record.summarise`).

A verdict is ``"supported"`` when every test the claim needs rejects its null hypothesis in
the claimed direction (an intersection-union test: no multiplicity correction is needed for an
"and"), ``"not supported"`` when some test shows the opposite at the same level, and
``"inconclusive"`` otherwise, with the reason (too few runs for the test to reach ``ALPHA``, or
the activations or models the claim needs were not run). Nothing here reads a wall-clock time:
claim 1 is tested on epochs; its seconds are reported beside it under ``"timing"``.
"""

from __future__ import annotations

import dataclasses

from . import stats
from .record import clean

ALPHA = 0.05
#: Claim 3: a layer is "sparse" when more than this fraction of its outputs are exact zeros.
SPARSE = 0.5
#: Claim 2: a gradient "vanishes" across the deep MLP when it shrinks more than tenfold
#: (log10 of first-layer norm / last-layer norm below this).
VANISH = -1.0
#: Claim 5: "at least as good" = test accuracy no more than this below ReLU's (non-inferiority).
MARGIN = 0.01

SATURATING = ("sigmoid", "tanh")
ALTERNATIVES_4 = ("leaky_relu", "prelu", "rrelu", "elu")
ALTERNATIVES_5 = ("elu", "prelu", "rrelu")

STATEMENTS = {
    1: "ReLU trains faster than sigmoid and tanh (epochs to the target validation accuracy).",
    2: "Sigmoid and tanh gradients vanish in deep stacks, rectifiers' do not "
    "(gradient norm at the first vs the last hidden layer of the deep MLP).",
    3: "ReLU outputs are sparse (more than half of a hidden layer's outputs are exact zeros).",
    4: "ReLU units die; Leaky ReLU, PReLU, RReLU and ELU have fewer dead units "
    "(the doctor's dead-unit counts, including the high-learning-rate setting).",
    5: "ELU, PReLU and RReLU reach test accuracy at least as good as ReLU.",
}


@dataclasses.dataclass
class Part:
    """One test of a claim: what it says, its result, and which way it points."""

    label: str
    test: stats.Test
    opposite: stats.Test | None = None

    @property
    def supports(self) -> bool:
        return self.test.p < ALPHA

    @property
    def contradicts(self) -> bool:
        return self.opposite is not None and self.opposite.p < ALPHA

    def numbers(self) -> dict:
        out = {
            "label": self.label,
            "statistic": self.test.statistic,
            "p": self.test.p,
            "n": self.test.n,
            "method": self.test.method,
            "min_p": self.test.min_p,
        }
        if self.opposite is not None:
            out["p_opposite"] = self.opposite.p
        return out


def _summary(run, key):
    return run["summary"][key]


def _by_name(runs, name, roles=None, setting=None):
    return [
        r
        for r in runs
        if r["name"] == name
        and (roles is None or r["role"] in roles)
        and (setting is None or r["setting"] == setting)
    ]


def _pairs(runs, a_name, b_name, value, roles):
    """Paired values (a, b) matched on (setting, seed) and on the activation's parameters."""
    a = {(r["setting"], r["seed"]): value(r) for r in _by_name(runs, a_name, roles)}
    out = []
    for r in _by_name(runs, b_name, roles):
        key = (r["setting"], r["seed"])
        if key in a and a[key] is not None and value(r) is not None:
            out.append((a[key], value(r), r["activation"]))
    return out


def _missing(runs, names, roles=None, setting=None) -> list[str]:
    return [n for n in names if not _by_name(runs, n, roles, setting)]


def _verdict(claim, parts, numbers, test, missing=(), timing=None) -> dict:
    if missing:
        verdict, reason = "inconclusive", f"not run: {', '.join(missing)}"
    elif any(p.contradicts for p in parts):
        verdict = "not supported"
        reason = "; ".join(
            f"{p.label}: the opposite holds (p = {p.opposite.p:.3g})" for p in parts if p.contradicts
        )
    elif parts and all(p.supports for p in parts):
        verdict, reason = "supported", f"every test has p < {ALPHA}"
    else:
        weak = [p for p in parts if not p.supports]
        small = [p for p in weak if p.test.min_p >= ALPHA]
        reason = "; ".join(
            f"{p.label}: p = {p.test.p:.3g}"
            + (f" (n = {p.test.n}: this design cannot reach p < {ALPHA})" if p in small else "")
            for p in weak
        )
        verdict = "inconclusive"
    out = {
        "claim": claim,
        "statement": STATEMENTS[claim],
        "verdict": verdict,
        "reason": reason,
        "test": test,
        "numbers": {"tests": [p.numbers() for p in parts], **numbers},
    }
    if timing is not None:
        out["timing"] = timing
    return out


def _group(runs, key, names=None, roles=None, setting=None):
    """Mean and spread of a summary figure per activation label."""
    labels = dict.fromkeys(r["activation"] for r in runs if names is None or r["name"] in names)
    return {
        label: stats.mean_spread(
            [
                _summary(r, key)
                for r in runs
                if r["activation"] == label
                and (roles is None or r["role"] in roles)
                and (setting is None or r["setting"] == setting)
            ]
        )
        for label in labels
    }


def claim1(runs, config) -> dict:
    roles = ("normal",)
    censor = config["epochs"] + 1

    def epochs(r):
        e = _summary(r, "epochs_to_target")
        return censor if e is None else e

    parts = []
    for other in SATURATING:
        d = [b - a for a, b, _ in _pairs(runs, "relu", other, epochs, roles)]
        parts.append(
            Part(f"epochs({other}) - epochs(relu) > 0", stats.paired(d), stats.paired(d, alternative="less"))
        )

    def seconds(r):
        e = _summary(r, "epochs_to_target")
        return None if e is None else sum(r["timing"]["seconds_per_epoch"][:e])

    names = ("relu", *SATURATING)
    timing = {
        label: stats.mean_spread(
            [seconds(r) for r in runs if r["activation"] == label and r["role"] in roles]
        )
        for label in dict.fromkeys(r["activation"] for r in runs if r["name"] in names)
    }
    numbers = {
        "target_accuracy": config["target_accuracy"],
        "epochs_to_target": {
            label: stats.mean_spread(
                [epochs(r) for r in runs if r["activation"] == label and r["role"] in roles]
            )
            for label in dict.fromkeys(r["activation"] for r in runs if r["name"] in names)
        },
        "never_reached": {
            label: sum(
                1
                for r in runs
                if r["activation"] == label and r["role"] in roles and _summary(r, "epochs_to_target") is None
            )
            for label in dict.fromkeys(r["activation"] for r in runs if r["name"] in names)
        },
    }
    test = (
        "Paired sign-flip permutation test, one-sided, on epochs(sigmoid or tanh) - epochs(relu), "
        f"pairs matched on model and seed (normal settings); a run that never reaches the target counts "
        f"as epochs + 1 = {censor}. Supported if both p < {ALPHA}. Seconds to target are reported, "
        "not tested."
    )
    missing = _missing(runs, names, roles)
    return _verdict(1, parts, numbers, test, missing, timing={"seconds_to_target": timing})


def claim2(runs, config) -> dict:
    setting = "deep-mlp"
    value = lambda r: _summary(r, "grad_log10")  # noqa: E731
    rect = [
        value(r)
        for r in runs
        if r["setting"] == setting and r["kind"] == "rectifier" and value(r) is not None
    ]
    parts = []
    for other in SATURATING:
        sat = [value(r) for r in _by_name(runs, other, setting=setting) if value(r) is not None]
        parts.append(
            Part(
                f"log10 ratio(rectifiers) - log10 ratio({other}) > 0",
                stats.two_sample(rect, sat),
                stats.two_sample(rect, sat, alternative="less"),
            )
        )
    pooled = [
        value(r) for r in runs if r["setting"] == setting and r["name"] in SATURATING and value(r) is not None
    ]
    parts.append(
        Part(
            f"log10 ratio(sigmoid and tanh) < {VANISH}",
            stats.paired(pooled, shift=VANISH, alternative="less"),
            stats.paired(pooled, shift=VANISH),
        )
    )
    parts.append(
        Part(
            f"log10 ratio(rectifiers) > {VANISH}",
            stats.paired(rect, shift=VANISH),
            stats.paired(rect, shift=VANISH, alternative="less"),
        )
    )
    numbers = {
        "setting": setting,
        "vanish_below": VANISH,
        "grad_log10": _group(runs, "grad_log10", setting=setting),
    }
    test = (
        "Per run: the mean over the doctor's passes of log10(gradient norm at the first hidden layer / at "
        f"the last) in the deep MLP ({setting}). Two-sample permutation tests, one-sided: the rectifiers' "
        "runs against sigmoid's and against tanh's; sign-flip tests that the saturating runs' value "
        f"(sigmoid and tanh pooled) is below {VANISH} (more than tenfold shrinkage: vanishing) and the "
        f"rectifiers' above it. Supported if all four p < {ALPHA}."
    )
    missing = _missing(runs, SATURATING, setting=setting)
    if not rect:
        missing.append(f"rectifiers on {setting}")
    if not any(r["setting"] == setting for r in runs):
        missing = [f"model {setting}"]
    return _verdict(2, parts, numbers, test, missing)


def claim3(runs, config) -> dict:
    roles = ("normal",)
    values = [
        _summary(r, "sparsity") for r in _by_name(runs, "relu", roles) if _summary(r, "sparsity") is not None
    ]
    parts = [
        Part(
            f"sparsity(relu) > {SPARSE}",
            stats.paired(values, shift=SPARSE),
            stats.paired(values, shift=SPARSE, alternative="less"),
        )
    ]
    numbers = {
        "sparse_above": SPARSE,
        "sparsity": _group(runs, "sparsity", roles=roles),
        "relu_by_setting": {
            s: stats.mean_spread([_summary(r, "sparsity") for r in _by_name(runs, "relu", roles, s)])
            for s in dict.fromkeys(r["setting"] for r in runs if r["role"] in roles)
        },
    }
    test = (
        "Per run: the mean over hidden layers of the fraction of exact zeros, on the training data at the "
        f"end of training (the doctor's sparsity). Sign-flip permutation test, one-sided, that ReLU's value "
        f"is above {SPARSE}, over every normal setting and seed. Supported if p < {ALPHA}."
    )
    return _verdict(3, parts, numbers, test, _missing(runs, ("relu",), roles))


def claim4(runs, config) -> dict:
    value = lambda r: _summary(r, "dead_fraction")  # noqa: E731
    relu = [value(r) for r in _by_name(runs, "relu") if value(r) is not None]
    parts = [Part("dead fraction(relu) > 0", stats.paired(relu))]
    for other in ALTERNATIVES_4:
        labels = dict.fromkeys(label for _, _, label in _pairs(runs, "relu", other, value, None))
        for label in labels:
            d = [a - b for a, b, lab in _pairs(runs, "relu", other, value, None) if lab == label]
            parts.append(
                Part(f"dead(relu) - dead({label}) > 0", stats.paired(d), stats.paired(d, alternative="less"))
            )
    per_epoch = {}
    for r in runs:
        if r["role"] == "provoke":
            per_epoch.setdefault(r["activation"], []).append(_summary(r, "dead_per_epoch"))
    numbers = {
        "dead_fraction": _group(runs, "dead_fraction"),
        "dead_per_epoch_provoking": {
            label: [stats.mean_spread(list(col))["mean"] for col in zip(*curves, strict=True)]
            for label, curves in per_epoch.items()
        },
    }
    test = (
        "Per run: dead units / hidden units at the end of training (the doctor: a unit that never "
        "fires on the training data). Sign-flip permutation tests, one-sided: ReLU's fraction above 0, and "
        "dead(relu) - dead(alternative) > 0 for each alternative, pairs matched on setting and seed "
        f"(every setting, the high-learning-rate one included). Supported if all p < {ALPHA}."
    )
    return _verdict(4, parts, numbers, test, _missing(runs, ("relu", *ALTERNATIVES_4)))


def claim5(runs, config) -> dict:
    roles = ("normal",)
    value = lambda r: _summary(r, "test_accuracy")  # noqa: E731
    parts = []
    for other in ALTERNATIVES_5:
        d = [b - a for a, b, _ in _pairs(runs, "relu", other, value, roles)]
        parts.append(
            Part(
                f"accuracy({other}) - accuracy(relu) > -{MARGIN}",
                stats.paired(d, shift=-MARGIN),
                stats.paired(d, shift=-MARGIN, alternative="less"),
            )
        )
    numbers = {"margin": MARGIN, "test_accuracy": _group(runs, "test_accuracy", roles=roles)}
    test = (
        f"Non-inferiority with margin {MARGIN}: paired sign-flip permutation test, one-sided, of "
        f"H0 mean(accuracy(alternative) - accuracy(relu)) <= -{MARGIN}, pairs matched on model and seed "
        f"(normal settings, final test accuracy). Supported if p < {ALPHA} for ELU, PReLU and RReLU; not "
        f"supported if one is shown worse than ReLU by more than the margin."
    )
    return _verdict(5, parts, numbers, test, _missing(runs, ("relu", *ALTERNATIVES_5), roles))


CLAIMS = (claim1, claim2, claim3, claim4, claim5)


def verdicts(runs, config) -> list[dict]:
    """Every claim's verdict, in order, from the finished runs (records with a ``"summary"``),
    as plain JSON (a statistic of no data is ``None``)."""
    return clean([claim(runs, config) for claim in CLAIMS])
