"""The lab's statistics on data with known answers, and the claims' verdicts on synthetic runs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rectifiers.lab import claims, stats


def test_paired_exact_counts_sign_patterns():
    # Only the all-positive pattern of 5 distinct positive values reaches the observed mean.
    assert stats.paired([1.0, 2.0, 3.0, 4.0, 5.0]).p == 1 / 32
    # Opposite direction: every pattern is <= the all-positive one.
    assert stats.paired([1.0, 2.0, 3.0, 4.0, 5.0], alternative="less").p == 1.0
    # All-zero differences carry no evidence either way.
    assert stats.paired([0.0, 0.0, 0.0]).p == 1.0
    # The shift moves the null: 0.5-centred differences tested against 0.5.
    assert stats.paired([0.6, 0.7, 0.8, 0.9], shift=0.5).p == 1 / 16
    assert stats.paired([0.6, 0.7, 0.8, 0.9], shift=0.5).statistic == pytest.approx(0.75)


def test_paired_matches_brute_force_enumeration():
    d = np.array([0.3, -0.1, 0.4, 0.2, -0.05, 0.25, 0.0, 0.15])
    observed = d.mean()
    means = [np.mean(np.array(s) * d) for s in itertools.product((1, -1), repeat=len(d))]
    expected = np.mean([m >= observed - 1e-12 for m in means])
    assert stats.paired(d).p == pytest.approx(expected, abs=0)
    assert stats.paired(d).method == "exact" and stats.paired(d).min_p == 0.5**8


def test_paired_agrees_with_scipy_permutation_test():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    d = rng.normal(0.3, 1.0, size=9)
    ref = scipy_stats.permutation_test(
        (d,), np.mean, permutation_type="samples", alternative="greater", n_resamples=np.inf
    )
    assert stats.paired(d).p == pytest.approx(ref.pvalue, rel=1e-12)


def test_two_sample_exact_and_against_scipy():
    assert stats.two_sample([5.0, 6.0, 7.0], [1.0, 2.0, 3.0]).p == 1 / math.comb(6, 3)
    assert stats.two_sample([1.0, 2.0], [1.0, 2.0]).p == pytest.approx(5 / 6)  # ties: 5 of 6 splits >= 0
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(4)
    a, b = rng.normal(1, 1, 5), rng.normal(0, 1, 6)
    ref = scipy_stats.permutation_test(
        (a, b),
        lambda x, y: np.mean(x) - np.mean(y),
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
    )
    assert stats.two_sample(a, b).p == pytest.approx(ref.pvalue, rel=1e-12)


def test_monte_carlo_is_deterministic_and_bounded():
    d = np.ones(24)  # 2**24 patterns: resampled; none but all-plus reaches the mean, which is rarely drawn
    first, second = stats.paired(d), stats.paired(d)
    assert first.p == second.p and first.method.startswith("monte carlo")
    assert first.p == pytest.approx(1 / (stats.RESAMPLES + 1))
    big = stats.two_sample(np.arange(20.0) + 100, np.arange(20.0))
    assert big.method.startswith("monte carlo") and big.p == pytest.approx(1 / (stats.RESAMPLES + 1))


def test_bad_alternative_is_refused():
    with pytest.raises(ValueError, match="Received: 'bigger'"):
        stats.paired([1.0], alternative="bigger")


# --- claims on synthetic runs --------------------------------------------------------------------


def _run(setting, name, seed, *, epochs_to_target=3, acc=0.95, sparsity=0.0, dead=0.0, grad=0.0, label=None):
    role = "provoke" if setting.endswith("high-lr") else "normal"
    kind = "saturating" if name in ("sigmoid", "tanh") else "rectifier"
    return {
        "key": f"{setting}/{label or name}/{seed}",
        "setting": setting,
        "role": role,
        "activation": label or name,
        "name": name,
        "kind": kind,
        "seed": seed,
        "summary": {
            "epochs_to_target": epochs_to_target,
            "test_accuracy": acc,
            "sparsity": sparsity,
            "dead_fraction": dead,
            "dead_per_epoch": [0.0, dead],
            "grad_log10": grad,
        },
        "timing": {"seconds_per_epoch": [0.1] * 10},
    }


CONFIG = {"epochs": 10, "target_accuracy": 0.9}
SETTINGS = ("mlp", "cnn", "deep-mlp")


def _grid(values):
    """values: name -> dict of summary overrides (or a callable of (setting, seed))."""
    runs = []
    for setting in (*SETTINGS, "deep-mlp-high-lr"):
        for name, v in values.items():
            for seed in range(3):
                kw = v(setting, seed) if callable(v) else v
                runs.append(_run(setting, name, seed, **kw))
    return runs


def test_claim1_supported_when_relu_reaches_the_target_sooner():
    runs = _grid(
        {
            "relu": {"epochs_to_target": 2},
            "sigmoid": {"epochs_to_target": None},
            "tanh": lambda s, seed: {"epochs_to_target": 4 + seed},
        }
    )
    v = claims.claim1(runs, CONFIG)
    assert v["verdict"] == "supported", v
    assert v["numbers"]["epochs_to_target"]["sigmoid"]["mean"] == 11  # never reached: epochs + 1
    assert "timing" in v and "seconds_to_target" in v["timing"]


def test_claim1_not_supported_when_relu_is_slower_and_inconclusive_when_tanh_missing():
    runs = _grid(
        {"relu": {"epochs_to_target": 6}, "sigmoid": {"epochs_to_target": 2}, "tanh": {"epochs_to_target": 6}}
    )
    assert claims.claim1(runs, CONFIG)["verdict"] == "not supported"
    runs = [r for r in runs if r["name"] != "tanh"]
    v = claims.claim1(runs, CONFIG)
    assert v["verdict"] == "inconclusive" and v["reason"] == "not run: tanh"


def test_small_designs_say_they_cannot_reach_the_level():
    runs = [r for r in _grid({"relu": {"sparsity": 0.9}}) if r["setting"] == "mlp"]  # 3 runs: min p = 1/8
    v = claims.claim3(runs, CONFIG)
    assert v["verdict"] == "inconclusive" and "cannot reach" in v["reason"]
    assert claims.claim3(_grid({"relu": {"sparsity": 0.9}}), CONFIG)["verdict"] == "supported"
    assert claims.claim3(_grid({"relu": {"sparsity": 0.1}}), CONFIG)["verdict"] == "not supported"


def test_claim2_claim4_claim5_directions():
    rect = {"grad": 0.1}
    runs = _grid(
        {
            "relu": {**rect, "dead": 0.2, "acc": 0.95},
            "sigmoid": {"grad": -4.0},
            "tanh": {"grad": -3.0},
            "leaky_relu": {**rect, "dead": 0.01, "acc": 0.95},
            "prelu": {**rect, "dead": 0.0, "acc": 0.96},
            "rrelu": {**rect, "dead": 0.0, "acc": 0.95},
            "elu": {**rect, "dead": 0.0, "acc": 0.95},
        }
    )
    assert claims.claim2(runs, CONFIG)["verdict"] == "supported"
    assert claims.claim4(runs, CONFIG)["verdict"] == "supported"
    assert claims.claim5(runs, CONFIG)["verdict"] == "supported"
    worse = [
        dict(r, summary={**r["summary"], "test_accuracy": 0.5}) if r["name"] == "elu" else r for r in runs
    ]
    assert claims.claim5(worse, CONFIG)["verdict"] == "not supported"
    more_dead = [
        dict(r, summary={**r["summary"], "dead_fraction": 0.9}) if r["name"] == "prelu" else r for r in runs
    ]
    assert claims.claim4(more_dead, CONFIG)["verdict"] == "not supported"
    no_deep = [r for r in runs if not r["setting"].startswith("deep")]
    assert claims.claim2(no_deep, CONFIG)["reason"] == "not run: model deep-mlp"


def test_verdicts_never_read_the_wall_clock():
    values = {"relu": {"epochs_to_target": 2, "dead": 0.1}, "sigmoid": {"epochs_to_target": 5},
              "tanh": {"epochs_to_target": 4}, "elu": {"dead": 0.0}}  # fmt: skip
    runs = _grid(values)
    slow = [dict(r, timing={"seconds_per_epoch": [100.0 * (i + 1)] * 10}) for i, r in enumerate(runs)]
    from rectifiers.lab.results import deterministic

    assert deterministic(claims.verdicts(slow, CONFIG)) == deterministic(claims.verdicts(runs, CONFIG))
    assert claims.verdicts(slow, CONFIG)[0]["timing"] != claims.verdicts(runs, CONFIG)[0]["timing"]
