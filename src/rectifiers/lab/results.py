"""The files of a compare run, under ``OUT/``:

* ``results.jsonl`` — one JSON object per finished run, appended and flushed as each run ends
  (what ``--resume`` reads back; a torn last line from a kill is ignored);
* ``config.json`` — the resolved configuration the runs belong to (``--resume`` checks it);
* ``results.json`` — ``{"config", "environment", "paths", "runs", "verdicts"}``;
* ``results.csv`` — one row per run and epoch;
* ``report.html`` (see :mod:`.report`).

Everything but ``results.jsonl`` is written atomically: to a temporary file in the same folder,
flushed to disk, then renamed over the old one, so a crash never leaves half a report.
Machine-specific values live in ``environment``, ``paths`` and every ``timing`` key only
(:func:`deterministic` drops them).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import tempfile

JSONL, CONFIG, JSON, CSV, HTML = "results.jsonl", "config.json", "results.json", "results.csv", "report.html"
OURS = (JSONL, CONFIG, JSON, CSV, HTML)
#: Keys whose values may differ between machines and runs (wall-clock, hosts, paths).
VOLATILE = ("environment", "paths", "timing")


def write_atomic(path, data: str | bytes) -> None:
    path = pathlib.Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True, allow_nan=False) + "\n"


def append(out, record: dict) -> None:
    """Append one finished run to ``results.jsonl`` and flush it to disk."""
    with open(pathlib.Path(out) / JSONL, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, sort_keys=True, allow_nan=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_jsonl(out) -> list[dict]:
    """The finished runs in ``results.jsonl``: whole lines only (a kill can tear the last one)."""
    path = pathlib.Path(out) / JSONL
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return runs


def repair_jsonl(out, runs) -> None:
    """Rewrite ``results.jsonl`` with exactly ``runs`` (drops a torn last line before appending)."""
    text = "".join(json.dumps(r, sort_keys=True, allow_nan=False) + "\n" for r in runs)
    write_atomic(pathlib.Path(out) / JSONL, text)


def deterministic(value):
    """``value`` without the volatile keys (``VOLATILE``), recursively: what must not differ."""
    if isinstance(value, dict):
        return {k: deterministic(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [deterministic(v) for v in value]
    return value


CSV_FIELDS = (
    "key",
    "setting",
    "model",
    "activation",
    "seed",
    "epoch",
    "train_loss",
    "val_accuracy",
    "test_accuracy",
    "dead_fraction",
    "sparsity",
    "seconds",
)


def to_csv(runs) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in runs:
        passes = {p["epoch"]: p["layers"] for p in r["doctor"]}
        for i, e in enumerate(r["epochs"]):
            layers = passes.get(e["epoch"], [])
            dead = [layer["dead"] for layer in layers]
            sparsity = [layer["sparsity"] for layer in layers if layer["sparsity"] is not None]
            writer.writerow(
                {
                    **{k: r[k] for k in ("key", "setting", "model", "activation", "seed")},
                    **e,
                    "dead_fraction": (sum(dead) / sum(layer["units"] for layer in layers))
                    if layers and None not in dead
                    else "",
                    "sparsity": sum(sparsity) / len(sparsity) if sparsity else "",
                    "seconds": r.get("timing", {}).get("seconds_per_epoch", [None] * (i + 1))[i],
                }
            )
    return buffer.getvalue()
