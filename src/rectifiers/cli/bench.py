"""``rectifiers bench``: our NumPy speed against a same-run memory copy and every peer, side by side.

For each activation, dtype, size and thread count it times, in one process and in shuffled
rounds: a memory copy of the same bytes (the physical limit), ``rectifiers`` with ``out=`` and
in place, NumPy written the obvious way, the seeds' branch-free formula, torch.nn.functional
(allocating, ``out=`` and in place), ``jax.nn`` under ``jit`` and ``tf.nn``, where installed.
Speeds are nominal GB/s (input read plus output written) and ratios to the copy; the table
shows medians, and the noise (half the interquartile range over the median) is reported
beside them. Nothing here is asserted: the numbers are for people. The parts live in
``cli/_bench/``.
"""

from __future__ import annotations

import json

from ._bench.cases import PEERS, check, elementwise
from ._bench.environment import environment
from ._bench.options import comma_list, parse_size, thread_counts
from ._bench.plot import plot, require_matplotlib
from ._bench.report import HEADER, markdown_row
from ._bench.run import run

DEFAULT_ACTIVATIONS = ("relu", "relu6", "leaky_relu", "elu")
DEFAULT_SIZES = ("64Ki", "1Mi", "16Mi", "64Mi")
DEFAULT_DTYPES = ("float32", "bfloat16", "float16")


def add_parser(subparsers):
    parser = subparsers.add_parser("bench", help="time the NumPy activations against a copy and every peer")
    parser.add_argument(
        "--activations",
        type=comma_list,
        default=list(DEFAULT_ACTIVATIONS),
        help=f"comma-separated, from {', '.join(elementwise())} (default: %(default)s)",
    )
    parser.add_argument(
        "--sizes",
        type=comma_list,
        default=list(DEFAULT_SIZES),
        help="elements, with Ki/Mi suffixes (default: %(default)s; 64Mi float32 is 256 MiB)",
    )
    parser.add_argument(
        "--dtypes", type=comma_list, default=list(DEFAULT_DTYPES), help="(default: %(default)s)"
    )
    parser.add_argument(
        "--threads",
        type=comma_list,
        default=["1", "all"],
        help="thread counts; 'all' is every CPU this process may use (default: 1,all)",
    )
    parser.add_argument(
        "--rounds", type=int, default=7, help="shuffled rounds; medians are reported (default: 7)"
    )
    parser.add_argument(
        "--peers",
        type=comma_list,
        default=list(PEERS),
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


def main(args) -> int:
    try:
        for name in args.activations:
            check(name)
    except ValueError as error:
        raise SystemExit(f"rectifiers bench: {error}") from None
    if args.plot:  # fail before the long run, not after it
        require_matplotlib()
    sizes = [parse_size(s) for s in args.sizes]
    described = environment()
    print(f"rectifiers bench: {described}")
    print(
        "Columns after GB/s: speed ÷ a same-run copy of the same bytes (1.00 = memory bandwidth). "
        "numpy/formula/torch/jax_jit/tf allocate their output; torch_out and ours write into out=."
    )
    print(markdown_row(HEADER))
    print("|" + "---|" * len(HEADER))
    rows = run(
        args.activations,
        sizes,
        args.dtypes,
        thread_counts(args.threads),
        args.rounds,
        args.peers,
        derivatives=args.derivatives,
    )
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"environment": described, "rows": rows}, file, indent=1)
    if args.plot:
        plot(rows, args.plot)
    return 0
