"""``rectifiers compare`` from parsed options to files: check the options and data, prepare
OUT (refuse a non-empty one unless ``--resume`` or ``--force``), forecast, run the missing
cells of the grid with progress, then write results.json, results.csv and report.html.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import time

from . import claims, environment, estimate, grid, results
from .data import DataError


class CompareError(Exception):
    """A problem the user can fix; ``option`` is set when it is about a command-line option."""

    def __init__(self, message, option=None):
        super().__init__(message)
        self.option = option


def _choices(args):
    activations = []
    for text in args.activations or grid.hidden_activations():
        try:
            activations += grid.parse_activation(text)
        except (TypeError, ValueError) as error:
            raise CompareError(f"argument --activations: {error}", option="--activations") from None
    activations = list(dict.fromkeys(activations))
    models = args.models or list(grid.MODELS)
    unknown = [m for m in models if m not in grid.MODELS]
    if unknown:
        raise CompareError(
            f"argument --models: unknown model {unknown[0]!r}; accepted: {', '.join(grid.MODELS)}",
            option="--models",
        )
    return activations, models


def _dataset(args):
    from . import data

    if args.data is None:
        return data.digits()
    try:
        return data.load(args.data)
    except DataError as error:
        raise CompareError(f"--data {error}") from None


def _prepare(out: pathlib.Path, config: dict, args) -> list[dict]:
    """Make OUT ready; return the finished runs to keep (with --resume)."""
    if out.exists() and not out.is_dir():
        raise CompareError(f"--out {out}: exists and is not a folder")
    entries = sorted(p.name for p in out.iterdir()) if out.exists() else []
    kept = []
    if entries and args.resume:
        saved = out / results.CONFIG
        if not saved.exists():
            raise CompareError(
                f"--resume: {out} has no {results.CONFIG}; it is not a compare output (use --force)"
            )
        try:
            previous = json.loads(saved.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise CompareError(f"--resume: {saved}: unreadable ({error})") from None
        if previous != config:
            changed = sorted(k for k in config.keys() | previous.keys() if config.get(k) != previous.get(k))
            raise CompareError(
                f"--resume: {out} holds runs of another configuration (differs in: {', '.join(changed)}); "
                "use the same options, or --force to start again"
            )
        kept = results.read_jsonl(out)
        results.repair_jsonl(out, kept)
    elif entries and not args.force:
        raise CompareError(
            f"--out {out}: not empty ({', '.join(entries[:3])}{', ...' if len(entries) > 3 else ''}); "
            "use --resume to continue it or --force to start again"
        )
    elif entries:
        for name in results.OURS:
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    results.write_atomic(out / results.CONFIG, results.dumps(config))
    return kept


class _Progress:
    """tqdm bars: the grid (runs) and, per running run, its epochs."""

    def __init__(self, total, quiet):
        self.quiet, self.bars = quiet, {}
        if not quiet:
            from tqdm import tqdm

            self._tqdm = tqdm
            self.overall = tqdm(
                total=total, desc="runs", unit="run", position=0, file=sys.stderr, dynamic_ncols=True
            )

    def epoch(self, key, epoch, epochs):
        if self.quiet:
            return
        bar = self.bars.get(key)
        if bar is None:
            slot = 1 + len(self.bars)
            bar = self.bars[key] = self._tqdm(
                total=epochs,
                desc=key,
                unit="epoch",
                position=slot,
                leave=False,
                file=sys.stderr,
                dynamic_ncols=True,
            )
        bar.update(epoch - bar.n)

    def done(self, record):
        if self.quiet:
            return
        bar = self.bars.pop(record["key"], None)
        if bar is not None:
            bar.close()
        self.overall.update(1)
        self.overall.set_postfix_str(f"last: {record['key']}", refresh=True)

    def close(self):
        if not self.quiet:
            for bar in self.bars.values():
                bar.close()
            self.overall.close()


def compare(args) -> int:
    activations, models = _choices(args)
    dataset = _dataset(args)
    if "cnn" in models and len(dataset.input_shape) != 3:
        raise CompareError(
            f"--data {args.data}: the cnn model needs images; these inputs have shape {dataset.input_shape} "
            "(choose --models mlp deep-mlp)"
        )
    config = grid.config(
        activations=activations,
        models=models,
        seeds=args.seeds,
        epochs=args.epochs,
        framework=args.framework,
        data_source=dataset.source,
        data_digest=dataset.digest,
        target=args.target,
    )
    out = pathlib.Path(args.out)
    kept = _prepare(out, config, args)
    specs = grid.runs(config)
    order = {s.key: i for i, s in enumerate(specs)}
    finished = {r["key"]: r for r in kept if r["key"] in order}
    todo = [s for s in specs if s.key not in finished]
    split = dataset.split()
    jobs = args.jobs or min(environment.usable_cpus(), max(1, len(todo)))
    if not args.quiet:
        where = f"the Dask cluster at {args.scheduler}" if args.scheduler else f"{jobs} local process(es)"
        resumed = f" ({len(finished)} already done)" if finished else ""
        forecast = ""
        if not args.scheduler and todo:
            seconds = estimate.seconds(todo, split, dataset.classes, grid.BATCH_SIZE, jobs)
            forecast = f", about {estimate.words(seconds)}"
        print(
            f"rectifiers compare: {len(todo)} runs on {where}{resumed}{forecast}; writing {out}/",
            file=sys.stderr,
        )
    started = time.time()
    progress = _Progress(len(todo), args.quiet)

    def on_result(record):
        results.append(out, record)
        finished[record["key"]] = record
        progress.done(record)

    context = (split, dataset.classes, grid.BATCH_SIZE, grid.MOMENTUM, args.target)
    try:
        if args.scheduler:
            from .runner import run_dask

            run_dask(todo, context, args.scheduler, on_result, grid.fingerprint(config))
        else:
            from .runner import run_local

            run_local(todo, context, jobs, on_result, None if args.quiet else progress.epoch)
    finally:
        progress.close()
    runs = sorted(finished.values(), key=lambda r: order[r["key"]])
    write(out, config, runs, args, time.time() - started, None if args.scheduler else jobs)
    if not args.quiet:
        print(f"rectifiers compare: report in {out / results.HTML}", file=sys.stderr)
    return 0


def write(out, config, runs, args, seconds, jobs):
    from . import report

    env = environment.collect()
    env["seconds"] = seconds
    env["jobs"] = jobs
    env["scheduler"] = args.scheduler
    document = {
        "config": config,
        "environment": env,
        "paths": {"out": os.path.abspath(out), "data": os.path.abspath(args.data) if args.data else None},
        "runs": runs,
        "verdicts": claims.verdicts(runs, config),
    }
    results.write_atomic(out / results.JSON, results.dumps(document))
    results.write_atomic(out / results.CSV, results.to_csv(runs))
    results.write_atomic(out / results.HTML, report.render(document))
