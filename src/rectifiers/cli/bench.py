"""``rectifiers bench``: our NumPy speed against a same-run memory copy and every peer, side by side.

For each activation, dtype, size and thread count it times, in one process and in shuffled
rounds: a memory copy of the same bytes (the physical limit), ``rectifiers`` with ``out=`` and
in place, NumPy written the obvious way, the seeds' branch-free formula, torch.nn.functional
(allocating, ``out=`` and in place), ``jax.nn`` under ``jit`` and ``tf.nn``, where installed.
Speeds are nominal GB/s (input read plus output written) and ratios to the copy; the table
shows medians, and the noise (half the interquartile range over the median) is reported
beside them. Nothing here is asserted: the numbers are for people.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import os
import platform
import random
import time

import ml_dtypes
import numpy as np

import rectifiers as rf
from rectifiers import _fast
from rectifiers._apply import call_by_name
from rectifiers._constants import SELU_ALPHA, SELU_SCALE
from rectifiers._fast._dispatch import single_slope

DEFAULT_ACTIVATIONS = ("relu", "relu6", "leaky_relu", "elu")
DEFAULT_SIZES = ("64Ki", "1Mi", "16Mi", "64Mi")
DEFAULT_DTYPES = ("float32", "bfloat16", "float16")
#: Columns of the table, in order; each is a ratio to the copy (higher is faster).
COLUMNS = ("ours", "ours_inplace", "numpy", "formula", "torch_out", "torch_inplace", "torch", "jax_jit", "tf")
_UNITS = {"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}


def parse_size(text: str) -> int:
    """Elements from ``4096``, ``64Ki`` or ``16Mi``.

    >>> parse_size("64Mi"), parse_size("1000")
    (67108864, 1000)
    """
    for unit in ("Ki", "Mi", "Gi"):
        if text.endswith(unit):
            return int(text[: -len(unit)]) * _UNITS[unit]
    return int(text)


def size_label(n: int) -> str:
    for unit in ("Gi", "Mi", "Ki"):
        if n % _UNITS[unit] == 0:
            return f"{n // _UNITS[unit]}{unit}"
    return str(n)


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def add_parser(subparsers):
    parser = subparsers.add_parser("bench", help="time the NumPy activations against a copy and every peer")
    elementwise = [name for name in rf.names() if rf.get(name).elementwise]
    parser.add_argument(
        "--activations",
        type=_csv,
        default=list(DEFAULT_ACTIVATIONS),
        help=f"comma-separated, from {', '.join(elementwise)} (default: %(default)s)",
    )
    parser.add_argument(
        "--sizes",
        type=_csv,
        default=list(DEFAULT_SIZES),
        help="elements, with Ki/Mi suffixes (default: %(default)s; 64Mi float32 is 256 MiB)",
    )
    parser.add_argument("--dtypes", type=_csv, default=list(DEFAULT_DTYPES), help="(default: %(default)s)")
    parser.add_argument(
        "--threads",
        type=_csv,
        default=["1", "all"],
        help="thread counts; 'all' is every CPU this process may use (default: 1,all)",
    )
    parser.add_argument(
        "--rounds", type=int, default=7, help="shuffled rounds; medians are reported (default: 7)"
    )
    parser.add_argument(
        "--peers",
        type=_csv,
        default=["numpy", "formula", "torch", "jax", "tensorflow"],
        help="peers to time where installed (default: %(default)s)",
    )
    parser.add_argument(
        "--derivatives",
        action="store_true",
        help="also time f'(x), the derivative a backward pass needs (rows named f')",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every sample and the environment as JSON")
    parser.add_argument("--plot", metavar="PATH", help="also draw the ratios to a PNG (needs matplotlib)")
    parser.set_defaults(func=main)
    return parser


# ---------------------------------------------------------------------------------------------
# The cases: one callable per implementation, each writing into preallocated memory where it can.


@dataclasses.dataclass
class Case:
    name: str
    run: object  # () -> None
    restore: object = None  # untimed, before each timed call (in-place cases)


def _numpy_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)


def _numpy_obvious(name, params):
    a = single_slope(name, params)
    alpha = params.get("alpha")
    return {
        "relu": lambda x: np.maximum(x, 0),
        "relu6": lambda x: np.clip(x, 0, 6),
        "elu": lambda x: np.where(x > 0, x, alpha * (np.exp(x) - 1)),
        "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "tanh": np.tanh,
    }.get(name, lambda x: np.where(x > 0, x, a * x))


def _formula(name, params):
    """The seeds' "efficient" branch-free leaky ReLU, 0.5(1+a)x + 0.5(1-a)|x| (relu: a = 0)."""
    a = 0.0 if name == "relu" else single_slope(name, params)
    if a is None:
        return None
    return lambda x: 0.5 * (1 + a) * x + 0.5 * (1 - a) * np.abs(x)


def _ours(name, params, kind):
    if kind == "derivative":
        return lambda x, out: rf.derivative(name, x, out=out, **params)
    return lambda x, out: call_by_name(name, x, out=out, **params)


def _numpy_obvious_derivative(name, params):
    a = single_slope(name, params)
    alpha = params.get("alpha")
    return {
        "relu": lambda x: (x > 0).astype(x.dtype),
        "relu6": lambda x: ((x > 0) & (x < 6)).astype(x.dtype),
        "elu": lambda x: np.where(x > 0, 1, alpha * np.exp(x)).astype(x.dtype),
        "selu": lambda x: np.where(x > 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(x)).astype(x.dtype),
        "sigmoid": lambda x: (np.exp(-x) / (1 + np.exp(-x)) ** 2).astype(x.dtype),
        "tanh": lambda x: (1 - np.tanh(x) ** 2).astype(x.dtype),
    }.get(name, lambda x: np.where(x > 0, 1, a).astype(x.dtype))


def _torch_wrap(x):
    import torch

    if x.dtype == ml_dtypes.bfloat16:
        return lambda a: torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy


def _torch_backward_cases(name, params, x):
    """torch's backward kernels with an incoming gradient of ones: g * f'(x), which reads g too."""
    import torch

    aten = torch.ops.aten
    wrap = _torch_wrap(x)
    t, out, g = wrap(x.copy()), wrap(np.empty_like(x)), wrap(np.ones_like(x))
    a, alpha = single_slope(name, params), params.get("alpha")
    table = {
        "relu": lambda **o: aten.threshold_backward.grad_input(g, t, 0, **o),
        "relu6": lambda **o: aten.hardtanh_backward.grad_input(g, t, 0.0, 6.0, **o),
        "elu": lambda **o: aten.elu_backward.grad_input(g, alpha, 1, 1, False, t, **o),
        "selu": lambda **o: aten.elu_backward.grad_input(g, SELU_ALPHA, SELU_SCALE, 1, False, t, **o),
        "sigmoid": lambda **o: aten.sigmoid_backward.grad_input(g, torch.sigmoid(t), **o),
        "tanh": lambda **o: aten.tanh_backward.grad_input(g, torch.tanh(t), **o),
    }
    if a is not None:
        table[name] = lambda **o: aten.leaky_relu_backward.grad_input(g, t, a, False, **o)
    backward = table[name]
    return [
        Case("torch", lambda: backward(grad_input=torch.empty_like(t))),
        Case("torch_out", lambda: backward(grad_input=out)),
    ]


def _torch_cases(name, params, x, threads, kind):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    if kind == "derivative":
        return _torch_backward_cases(name, params, x)
    wrap = _torch_wrap(x)
    master, t = wrap(x), wrap(x.copy())
    work, out = wrap(x.copy()), wrap(np.empty_like(x))
    a, alpha = single_slope(name, params), params.get("alpha")
    table = {
        "relu": (F.relu, lambda: torch.clamp_min(t, 0, out=out), lambda: torch.relu_(work)),
        "relu6": (F.relu6, lambda: torch.clamp(t, 0, 6, out=out), lambda: F.relu6(work, inplace=True)),
        "elu": (
            lambda v: F.elu(v, alpha),
            lambda: torch._C._nn.elu(t, alpha, out=out),
            lambda: F.elu_(work, alpha),
        ),
        "selu": (
            F.selu,
            lambda: torch._C._nn.elu(t, SELU_ALPHA, SELU_SCALE, out=out),
            lambda: torch.selu_(work),
        ),
        "sigmoid": (torch.sigmoid, lambda: torch.sigmoid(t, out=out), lambda: torch.sigmoid_(work)),
        "tanh": (torch.tanh, lambda: torch.tanh(t, out=out), lambda: torch.tanh_(work)),
    }
    if a is not None:
        table[name] = (
            lambda v: F.leaky_relu(v, a),
            lambda: torch._C._nn.leaky_relu(t, a, out=out),
            lambda: F.leaky_relu_(work, a),
        )
    allocating, with_out, in_place = table[name]
    restore = lambda: work.copy_(master)  # noqa: E731
    return [
        Case("torch", lambda: allocating(t)),
        Case("torch_out", with_out),
        Case("torch_inplace", in_place, restore),
    ]


def _jax_case(name, params, x, kind):
    import jax
    import jax.numpy as jnp

    a, alpha = single_slope(name, params), params.get("alpha")
    table = {
        "relu": jax.nn.relu,
        "relu6": jax.nn.relu6,
        "elu": lambda v: jax.nn.elu(v, alpha),
        "selu": jax.nn.selu,
        "sigmoid": jax.nn.sigmoid,
        "tanh": jnp.tanh,
    }
    function = table.get(name, lambda v: jax.nn.leaky_relu(v, a))
    if kind == "derivative":  # the backward with an incoming gradient of ones
        function = jax.grad(lambda v, f=function: f(v).sum())
    function = jax.jit(function)
    jx = jax.device_put(x)
    return Case("jax_jit", lambda: function(jx).block_until_ready())


def _tf_case(name, params, x, kind):
    import tensorflow as tf

    a, alpha = single_slope(name, params), params.get("alpha")
    if (name == "elu" and alpha != 1.0) or kind == "derivative":
        return None
    table = {
        "relu": tf.nn.relu,
        "relu6": tf.nn.relu6,
        "elu": tf.nn.elu,
        "selu": tf.nn.selu,
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.nn.tanh,
    }
    function = table.get(name, lambda v: tf.nn.leaky_relu(v, a))
    tx = tf.constant(x)
    return Case("tf", lambda: function(tx))


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _as_words(a: np.ndarray) -> np.ndarray:
    """The bytes of ``a`` as the widest unsigned words that divide them: a copy of those is a pure memcpy."""
    for size in (8, 4, 2, 1):
        if a.nbytes % size == 0:
            return a.reshape(-1).view(f"u{size}")
    raise AssertionError


def _copy(x, y, threads):
    x, y = _as_words(x), _as_words(y)
    if threads == 1:
        return lambda: np.copyto(y, x)
    return lambda: _fast._parallel.run(lambda xb, yb, scratch: np.copyto(yb, xb), x, y)


def build_cases(name: str, x: np.ndarray, threads: int, peers, kind: str = "forward") -> list[Case]:
    params = rf.get(name).resolve(**rf.get(name).example_params)
    y, work, master = np.empty_like(x), x.copy(), x
    ours = _ours(name, params, kind)
    cases = [
        Case("copy", _copy(x, y, threads)),
        Case("ours", lambda: ours(x, y)),
        Case("ours_inplace", lambda: ours(work, work), lambda: np.copyto(work, master)),
    ]
    if "numpy" in peers:
        obvious = (_numpy_obvious if kind == "forward" else _numpy_obvious_derivative)(name, params)
        cases.append(Case("numpy", lambda: obvious(x)))
    formula = _formula(name, params) if kind == "forward" else None
    if "formula" in peers and formula is not None:
        cases.append(Case("formula", lambda: formula(x)))
    for peer, module, make in (
        ("torch", "torch", _torch_cases),
        ("jax", "jax", _jax_case),
        ("tensorflow", "tensorflow", _tf_case),
    ):
        if peer in peers and _installed(module):
            try:
                extra = (threads,) if peer == "torch" else ()
                made = make(name, params, x, *extra, kind)
            except Exception as error:  # a dtype the peer lacks: leave its column empty
                print(f"  ({peer} skipped for {name} {x.dtype}: {type(error).__name__}: {error})")
                continue
            cases += made if isinstance(made, list) else [made] if made is not None else []
    return cases


# ---------------------------------------------------------------------------------------------
# Timing: one warm-up call each, then shuffled rounds; small sizes repeat a call to ~2 ms.


def _calibrate(case: Case) -> int:
    if case.restore is not None:
        return 1
    start = time.perf_counter()
    case.run()
    elapsed = time.perf_counter() - start
    return max(1, min(1000, int(2e-3 / max(elapsed, 1e-7))))


def measure(cases: list[Case], rounds: int) -> dict[str, list[float]]:
    """Seconds per call, one sample per case per round, the cases shuffled in every round."""
    repeats = {}
    for case in cases:
        if case.restore:
            case.restore()
        case.run()
        repeats[case.name] = _calibrate(case)
    samples = {case.name: [] for case in cases}
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for case in order:
            if case.restore:
                case.restore()
            n = repeats[case.name]
            start = time.perf_counter()
            for _ in range(n):
                case.run()
            samples[case.name].append((time.perf_counter() - start) / n)
    return samples


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


# ---------------------------------------------------------------------------------------------
# Output


def _environment() -> dict:
    versions = {"numpy": np.__version__, "rectifiers": rf.__version__, "ml_dtypes": ml_dtypes.__version__}
    for module in ("torch", "jax", "tensorflow"):
        if _installed(module):
            with contextlib.suppress(Exception):
                versions[module] = __import__(module).__version__
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "cpus": _fast.get_threads(),
        "loadavg": load,
        "versions": versions,
    }


HEADER = (
    ("activation", "dtype", "size", "thr", "copy GB/s", "ours GB/s") + COLUMNS + ("ours/torch_out", "noise")
)


def table_row(row: dict) -> list[str]:
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


def format_table(rows: list[dict]) -> str:
    lines = [HEADER] + [table_row(row) for row in rows]
    lines = ["| " + " | ".join(line) + " |" for line in lines]
    lines.insert(1, "|" + "---|" * len(HEADER))
    return "\n".join(lines)


def plot(rows: list[dict], path: str):
    try:
        import matplotlib
    except ImportError:
        raise SystemExit(
            "rectifiers bench --plot needs matplotlib: pip install matplotlib (or rectifiers[test])"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = sorted({(r["activation"], r["dtype"], r["threads"]) for r in rows}, key=str)
    figure, axes = plt.subplots(len(panels), 1, figsize=(8, 3 * len(panels)), squeeze=False)
    for ax, (activation, dtype, threads) in zip(axes[:, 0], panels, strict=True):
        mine = [
            r for r in rows if (r["activation"], r["dtype"], r["threads"]) == (activation, dtype, threads)
        ]
        sizes = [r["n"] for r in mine]
        for column in COLUMNS:
            values = [
                r["summary"][column]["ratio_to_copy"] if column in r["summary"] else np.nan for r in mine
            ]
            if not np.all(np.isnan(values)):
                ax.plot(sizes, values, marker="o", label=column, linewidth=2.5 if column == "ours" else 1)
        ax.axhline(1.0, color="black", linestyle=":", label="copy")
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="elements",
            ylabel="speed ÷ copy",
            title=f"{activation} {dtype}, {threads} thread(s)",
        )
        ax.legend(fontsize=7, ncol=3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _thread_counts(values) -> list[int]:
    every = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    counts = [every if v == "all" else int(v) for v in values]
    return list(dict.fromkeys(counts))


def run(activations, sizes, dtypes, thread_counts, rounds, peers, echo=print, derivatives=False):
    rows = []
    kinds = ("forward", "derivative") if derivatives else ("forward",)
    rng = np.random.default_rng(0)
    for dtype_name in dtypes:
        dtype = _numpy_dtype(dtype_name)
        for n in sizes:
            x = rng.standard_normal(n, dtype=np.float32).astype(dtype)
            for threads in thread_counts:
                for name, kind in itertools.product(activations, kinds):
                    with _fast.threads(threads), np.errstate(all="ignore"):
                        cases = build_cases(name, x, threads, peers, kind)
                        samples = measure(cases, rounds)
                    row = {
                        "activation": name if kind == "forward" else f"{name}'",
                        "dtype": dtype_name,
                        "n": n,
                        "size": size_label(n),
                        "threads": threads,
                        "samples": samples,
                        "summary": summarize(samples, 2 * n * dtype.itemsize),
                    }
                    rows.append(row)
                    echo("| " + " | ".join(table_row(row)) + " |")
    return rows


def main(args) -> int:
    elementwise = [name for name in rf.names() if rf.get(name).elementwise]
    unknown = [a for a in args.activations if a not in elementwise]
    if unknown:
        raise SystemExit(
            f"rectifiers bench: unknown activations {unknown}. Accepted: {', '.join(elementwise)}"
        )
    if args.plot:  # fail before the long run, not after it
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise SystemExit("rectifiers bench --plot needs matplotlib: pip install matplotlib") from None
    sizes = [parse_size(s) for s in args.sizes]
    environment = _environment()
    print(f"rectifiers bench: {environment}")
    print(
        "Columns after GB/s: speed ÷ a same-run copy of the same bytes (1.00 = memory bandwidth). "
        "numpy/formula/torch/jax_jit/tf allocate their output; torch_out and ours write into out=."
    )
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    rows = run(
        args.activations,
        sizes,
        args.dtypes,
        _thread_counts(args.threads),
        args.rounds,
        args.peers,
        derivatives=args.derivatives,
    )
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"environment": environment, "rows": rows}, file, indent=1)
    if args.plot:
        plot(rows, args.plot)
    return 0
