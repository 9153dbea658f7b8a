"""``rectifiers compare``: train the seeds' models with every activation, several seeds each,
and answer the textbook claims about rectifiers with a stated test per claim.

Writes OUT/results.jsonl (one line per finished run, as it ends), results.json, results.csv and
report.html. See docs/compare.md.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

DEFAULT_OUT = "compare-report"
DEFAULT_TARGET = 0.9


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1. Received: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1. Received: {value}")
    return value


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1]. Received: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1]. Received: {value}")
    return value


def add_parser(subparsers):
    from rectifiers.lab import grid

    parser = subparsers.add_parser(
        "compare",
        help="the main job: measure the claims about rectifiers and write a report",
        description=__doc__,
    )
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="an .npz with arrays x and y, or a folder of images, one sub-folder per class "
        "(default: scikit-learn's bundled digits)",
    )
    parser.add_argument(
        "--activations",
        nargs="+",
        metavar="NAME",
        help=f"from {', '.join(grid.hidden_activations())}; NAME:k=v sets a parameter "
        "(default: all; leaky_relu at alpha 0.01 and the default)",
    )
    parser.add_argument(
        "--models", nargs="+", metavar="NAME", help=f"from {', '.join(grid.MODELS)} (default: all)"
    )
    parser.add_argument(
        "--seeds",
        type=_positive,
        default=grid.DEFAULT_SEEDS,
        metavar="N",
        help="seeds 0..N-1 (default: %(default)s)",
    )
    parser.add_argument(
        "--epochs", type=_positive, default=grid.DEFAULT_EPOCHS, metavar="N", help="(default: %(default)s)"
    )
    parser.add_argument(
        "--target",
        type=_fraction,
        default=DEFAULT_TARGET,
        help="claim 1's target validation accuracy (default: %(default)s)",
    )
    parser.add_argument(
        "--framework",
        choices=("torch", "keras"),
        default="torch",
        help="torch (default) or keras (backend from KERAS_BACKEND)",
    )
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help="(default: %(default)s/)")
    parser.add_argument(
        "--jobs", type=_positive, default=None, metavar="N", help="local processes (default: the usable CPUs)"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="run the grid on this Dask distributed cluster"
    )
    again = parser.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true", help="keep OUT's finished runs, do the missing ones")
    again.add_argument("--force", action="store_true", help="start again in a non-empty OUT")
    parser.add_argument("--quiet", action="store_true", help="no forecast, no progress")
    parser.set_defaults(func=main, _parser=parser)
    return parser


def main(args) -> int:
    from rectifiers.lab.main import CompareError, compare

    try:
        return compare(args)
    except CompareError as error:
        if error.option:
            args._parser.error(str(error))  # usage line, then the message; exit 2
        print(f"rectifiers compare: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        out = pathlib.Path(args.out)
        print(
            f"\nrectifiers compare: interrupted; finished runs are in {out / 'results.jsonl'}; "
            "continue with --resume",
            file=sys.stderr,
        )
        return 130
