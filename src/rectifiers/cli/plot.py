"""``rectifiers plot NAME... [--param k=v] --out FILE``: activations and their derivatives,
drawn from the core (PNG or SVG, from FILE's suffix)."""

from __future__ import annotations

import pathlib
import sys

FORMATS = (".png", ".svg")


def add_parser(subparsers):
    import rectifiers as rf

    elementwise = [n for n in rf.names() if rf.get(n).elementwise]
    parser = subparsers.add_parser(
        "plot", help="draw activations and their derivatives (PNG or SVG)", description=__doc__
    )
    parser.add_argument("names", nargs="+", metavar="NAME", help=f"from {', '.join(elementwise)}")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter for every NAME that has it, e.g. --param alpha=0.1 (repeatable)",
    )
    parser.add_argument(
        "--range",
        nargs=2,
        type=float,
        default=(-4.0, 4.0),
        metavar=("LO", "HI"),
        help="x from LO to HI (default: -4 4)",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="FILE.png or FILE.svg")
    parser.set_defaults(func=main, _parser=parser)
    return parser


def main(args) -> int:
    import rectifiers as rf
    from rectifiers.lab import figures

    parser = args._parser
    params = {}
    for item in args.param:
        key, eq, value = item.partition("=")
        try:
            params[key] = float(value)
        except ValueError:
            eq = ""
        if not eq:
            parser.error(f"argument --param: expected K=V with a number V. Received: {item!r}")
    choices = []
    for name in args.names:
        try:
            spec = rf.get(name)
        except ValueError as error:
            parser.error(f"argument NAME: {error}")
        if not spec.elementwise:
            parser.error(f"argument NAME: {name} is not elementwise; it has no curve to draw")
        given = {k: v for k, v in params.items() if k in {p.name for p in spec.params}}
        try:
            spec.resolve(**{**spec.example_params, **given})
        except (TypeError, ValueError) as error:
            parser.error(f"argument --param: {error}")
        choices.append((name, given))
    unused = sorted(set(params) - {k for _, given in choices for k in given})
    if unused:
        parser.error(f"argument --param: no NAME takes {', '.join(unused)}")
    out = pathlib.Path(args.out)
    if out.suffix.lower() not in FORMATS:
        parser.error(f"argument --out: FILE must end in .png or .svg. Received: {args.out!r}")
    lo, hi = args.range
    if not lo < hi:
        parser.error(f"argument --range: LO must be below HI. Received: {lo} {hi}")
    try:
        out.write_bytes(figures.curves(choices, fmt=out.suffix.lower()[1:], lo=lo, hi=hi))
    except OSError as error:
        print(f"rectifiers plot: error: --out {out}: {error.strerror or error}", file=sys.stderr)
        return 2
    print(out)
    return 0
