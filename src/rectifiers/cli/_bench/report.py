"""What a row reports: medians, nominal GB/s, ratios to the copy and the noise, as a table row."""

from __future__ import annotations

import numpy as np

#: Columns of the table, in order; each is a ratio to the copy (higher is faster).
COLUMNS = ("ours", "ours_inplace", "numpy", "formula", "torch_out", "torch_inplace", "torch", "jax_jit", "tf")
HEADER = (
    ("activation", "dtype", "size", "thr", "copy GB/s", "ours GB/s") + COLUMNS + ("ours/torch_out", "noise")
)


def summarize(samples: dict[str, list[float]], nbytes: int) -> dict:
    """Median seconds, nominal GB/s, ratio to the copy and noise (half IQR over median) per case."""
    copy = float(np.median(samples["copy"]))
    summary = {}
    for name, times in samples.items():
        q1, median, q3 = np.percentile(times, [25, 50, 75])
        summary[name] = {
            "median_s": float(median),
            "gbps": nbytes / median / 1e9,
            "ratio_to_copy": copy / float(median),
            "noise": float((q3 - q1) / 2 / median),
        }
    return summary


def markdown_row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def table_row(row: dict) -> list[str]:
    """The cells of one row under ``HEADER``; "—" where a case was not timed."""
    s = row["summary"]
    ratio = lambda key: f"{s[key]['ratio_to_copy']:.2f}" if key in s else "—"  # noqa: E731
    versus = f"{s['torch_out']['median_s'] / s['ours']['median_s']:.2f}" if "torch_out" in s else "—"
    noise = max(v["noise"] for k, v in s.items() if k in ("copy", "ours", "torch_out", "ours_inplace"))
    return [
        row["activation"],
        row["dtype"],
        row["size"],
        str(row["threads"]),
        f"{s['copy']['gbps']:.1f}",
        f"{s['ours']['gbps']:.1f}",
        *(ratio(c) for c in COLUMNS),
        versus,
        f"±{noise:.0%}",
    ]
