"""Comparisons in units in the last place, NaN-aware, for every float dtype incl. bfloat16."""

import ml_dtypes
import numpy as np

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _ordered(a):
    """Map float bit patterns onto integers whose differences count ulps (-0.0 and +0.0 are one point)."""
    bits = np.ascontiguousarray(a).view(_UINT[a.dtype.itemsize]).astype(object)
    sign = 1 << (8 * a.dtype.itemsize - 1)
    return np.where(bits >= sign, -(bits - sign), bits)


def ulp_distance(actual, expected):
    """Elementwise ulp distance between two arrays of the same float dtype (0 where both are NaN)."""
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    both_nan = np.isnan(actual.astype(np.float64)) & np.isnan(expected.astype(np.float64))
    distance = np.abs(_ordered(actual) - _ordered(expected))
    return np.where(both_nan, 0, distance)


def assert_ulps(actual, expected64, ulps, context=""):
    """``actual`` is within ``ulps`` of ``expected64`` (float64) rounded to ``actual``'s dtype."""
    expected = np.asarray(expected64, dtype=np.float64).astype(actual.dtype)
    a64, e64 = actual.astype(np.float64), expected.astype(np.float64)
    nan_mismatch = np.isnan(a64) != np.isnan(e64)
    assert not nan_mismatch.any(), (
        f"{context}: NaN where the oracle has none (or vice versa)\n{actual}\n{expected}"
    )
    distance = ulp_distance(actual, expected)
    worst = int(distance.max()) if distance.size else 0
    assert worst <= ulps, (
        f"{context}: {worst} ulp from the float64 oracle\nactual   {actual}\nexpected {expected}"
    )


def is_float(dtype) -> bool:
    return dtype == ml_dtypes.bfloat16 or np.issubdtype(dtype, np.floating)
