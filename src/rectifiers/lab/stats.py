"""Permutation tests: exact where the number of arrangements is small, otherwise a fixed
number of random arrangements from a fixed seed, so the same data give the same p-value on
every machine. No distributional assumption; ties and zeros are fine.

* :func:`paired` — the sign-flip test on paired differences (H0: the differences are
  symmetric about ``shift``; statistic: their mean).
* :func:`two_sample` — the two-sample permutation test on the difference of means (H0: the
  two groups are exchangeable).

Both are one-sided: ``p`` is the probability, under H0, of a statistic at least as large as
the observed one (``alternative="greater"``) or at least as small (``"less"``).

>>> round(paired([1.0, 2.0, 3.0, 4.0, 5.0]).p, 5)  # all 2**5 sign patterns; only one as large
0.03125
>>> paired([1.0, -1.0]).p
0.75
>>> round(two_sample([5.0, 6.0, 7.0], [1.0, 2.0, 3.0]).p, 4)  # 1 of C(6, 3) = 20 splits
0.05
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np

#: At most this many arrangements are enumerated; above it, RESAMPLES random ones are drawn.
EXACT_LIMIT = 1 << 16
RESAMPLES = 20_000
SEED = 0
#: Floating-point slack when comparing a permuted statistic with the observed one.
_TIE = 1e-12


@dataclasses.dataclass(frozen=True)
class Test:
    statistic: float  # the observed mean (difference)
    p: float
    n: int  # pairs, or total observations
    method: str  # "exact" or "monte carlo (N resamples, seed S)"
    min_p: float  # the smallest p-value this design can give: below alpha or never significant


def _p(observed, permuted, alternative, exact):
    if alternative == "greater":
        hits = np.count_nonzero(permuted >= observed - _TIE * max(1.0, abs(observed)))
    elif alternative == "less":
        hits = np.count_nonzero(permuted <= observed + _TIE * max(1.0, abs(observed)))
    else:
        raise ValueError(f"alternative must be 'greater' or 'less'. Received: {alternative!r}")
    return float(hits / len(permuted) if exact else (hits + 1) / (len(permuted) + 1))


def paired(differences, *, shift=0.0, alternative="greater") -> Test:
    """Sign-flip test of H0 "``differences - shift`` is symmetric about 0"."""
    d = np.asarray(differences, dtype=np.float64) - shift
    n = len(d)
    if n == 0:
        return Test(float("nan"), 1.0, 0, "no data", 1.0)
    observed = float(d.mean())
    exact = 2**n <= EXACT_LIMIT
    if exact:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
        method = "exact"
    else:
        signs = np.random.default_rng(SEED).choice((1.0, -1.0), size=(RESAMPLES, n))
        method = f"monte carlo ({RESAMPLES} resamples, seed {SEED})"
    permuted = (signs * d).mean(axis=1)
    min_p = 0.5**n if exact else 1 / (RESAMPLES + 1)
    return Test(observed + shift, _p(observed, permuted, alternative, exact), n, method, min_p)


def two_sample(a, b, *, alternative="greater") -> Test:
    """Permutation test of H0 "``a`` and ``b`` are exchangeable"; statistic mean(a) - mean(b)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) == 0 or len(b) == 0:
        return Test(float("nan"), 1.0, len(a) + len(b), "no data", 1.0)
    pooled, k, n = np.concatenate([a, b]), len(a), len(a) + len(b)
    observed = float(a.mean() - b.mean())
    arrangements = math.comb(n, k)
    exact = arrangements <= EXACT_LIMIT
    if exact:
        masks = np.zeros((arrangements, n), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(n), k)):
            masks[row, list(chosen)] = True
        method = "exact"
    else:
        rng = np.random.default_rng(SEED)
        order = np.argsort(rng.random((RESAMPLES, n)), axis=1)
        masks = np.zeros((RESAMPLES, n), dtype=bool)
        np.put_along_axis(masks, order[:, :k], True, axis=1)
        method = f"monte carlo ({RESAMPLES} resamples, seed {SEED})"
    sums = masks @ pooled
    permuted = sums / k - (pooled.sum() - sums) / (n - k)
    min_p = 1 / arrangements if exact else 1 / (RESAMPLES + 1)
    return Test(observed, _p(observed, permuted, alternative, exact), n, method, min_p)


def mean_spread(values) -> dict:
    """Mean, standard deviation (n - 1) and count of the non-missing values."""
    v = np.asarray([x for x in values if x is not None], dtype=np.float64)
    if len(v) == 0:
        return {"mean": None, "std": None, "n": 0}
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0, "n": int(len(v))}
