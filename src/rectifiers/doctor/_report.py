"""The terminal report: one row per layer, then the dead units and since which window.

>>> from rectifiers.doctor._counter import Counter
>>> import numpy as np
>>> c = Counter(2, rare=0.1)
>>> c.update(np.array([[1.0, 0.0]] * 50))
>>> print(format_report([{"name": "fc", "activation": "relu", **c.stats()}], {"confidence": 0.99,
...       "rare": 0.1, "samples_needed": 44, "window": None}).splitlines()[-1])
  fc: 1 dead of 2: [1] (dead since window 0)
"""

from __future__ import annotations

COLUMNS = (
    ("layer", "name"),
    ("act", "activation"),
    ("units", "units"),
    ("samples", "samples"),
    ("dead", "dead"),
    ("persist.", "persistently_dead"),
    ("revived", "revived"),
    ("rare", "rare"),
    ("on", "always_on"),
    ("dormant", "dormant"),
    ("satur.", "saturated"),
    ("sparsity", "sparsity"),
    ("grad", "grad_norm"),
    ("ratio", "grad_ratio"),
)


def _cell(key, record) -> str:
    value = record[key]
    if key == "dead" and value is None:
        return "n/e"  # not enough evidence
    if value is None:
        return "—"
    if key == "sparsity":
        return f"{value:.1%}"
    if key in ("grad_norm", "grad_ratio"):
        return f"{value:.3g}"
    return str(value)


def format_report(records: list[dict], config: dict) -> str:
    window = config.get("window")
    lines = [
        f"rectifiers doctor: {len(records)} layers; dead = never > 0 over the window, called only with "
        f">= {config['samples_needed']} samples (rules out a firing rate >= {config['rare']} at "
        f"confidence {config['confidence']}); window: {window or 'until next_window()'}",
    ]
    rows = [[title for title, _ in COLUMNS]] + [[_cell(key, r) for _, key in COLUMNS] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for k, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    short = [r["name"] for r in records if not r["enough_evidence"]]
    if short:
        needed = config["samples_needed"]
        lines.append(f"n/e: not enough evidence yet in {', '.join(short)} (fewer than {needed} samples)")
    for r in records:
        if r["collapsed"]:
            lines.append(f"COLLAPSE: every unit of {r['name']} is dead ({r['units']} of {r['units']})")
    dead = [r for r in records if r["dead_units"]]
    if dead:
        lines.append("dead units (index: dead since window):")
    for r in dead:
        since = sorted(set(r["dead_since"]))
        when = (
            f"since window {since[0]}" if len(since) == 1 else "since windows " + ", ".join(map(str, since))
        )
        shown = r["dead_units"] if len(r["dead_units"]) <= 32 else [*r["dead_units"][:32], "..."]
        lines.append(
            f"  {r['name']}: {r['dead']} dead of {r['units']}: {shown} (dead {when})".replace("'", "")
        )
    return "\n".join(lines)
