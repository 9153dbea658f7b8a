"""The bench's option values: sizes with Ki/Mi/Gi suffixes, comma lists and thread counts."""

from __future__ import annotations

import os

_UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}


def parse_size(text: str) -> int:
    """Elements from ``4096``, ``64Ki`` or ``16Mi``.

    >>> parse_size("64Mi"), parse_size("1000")
    (67108864, 1000)
    """
    for unit, factor in _UNITS.items():
        if text.endswith(unit):
            return int(text[: -len(unit)]) * factor
    return int(text)


def size_label(n: int) -> str:
    """The shortest exact label of ``n`` elements: the inverse of ``parse_size``.

    >>> size_label(64 << 20), size_label(1000)
    ('64Mi', '1000')
    """
    for unit, factor in reversed(_UNITS.items()):
        if n % factor == 0:
            return f"{n // factor}{unit}"
    return str(n)


def comma_list(text: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def thread_counts(values) -> list[int]:
    """Distinct thread counts, in order; ``"all"`` is every CPU this process may use."""
    every = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    counts = [every if v == "all" else int(v) for v in values]
    return list(dict.fromkeys(counts))
