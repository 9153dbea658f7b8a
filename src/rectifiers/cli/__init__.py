"""The ``rectifiers`` command: one module per subcommand, each with ``add_parser`` and ``main``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil

#: Subcommand modules: every public module of this package, in the order ``--help`` lists them
#: (the main job first). A new subcommand is a new module here; no list to keep by hand.
_FIRST = ("compare", "doctor")
SUBCOMMANDS = tuple(
    sorted(
        (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")),
        key=lambda name: (_FIRST.index(name) if name in _FIRST else len(_FIRST), name),
    )
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rectifiers", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{name}").add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if not hasattr(args, "func"):
        build_parser().print_help()
        return 2
    return args.func(args) or 0
