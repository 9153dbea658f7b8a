"""``rectifiers env``: the versions a bug report needs (Python, platform, CPUs, every
framework and helper library installed, the relevant environment variables), ready to paste;
``--json`` for machines."""

from __future__ import annotations

import json


def add_parser(subparsers):
    parser = subparsers.add_parser("env", help="print the versions a bug report needs", description=__doc__)
    parser.add_argument("--json", action="store_true", help="as JSON")
    parser.set_defaults(func=main)
    return parser


def main(args) -> int:
    from rectifiers.lab import environment

    info = environment.collect()
    print(json.dumps(info, indent=1) if args.json else environment.text(info))
    return 0
