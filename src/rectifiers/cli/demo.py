"""``rectifiers demo``: every activation and its derivative on the seeds' example."""

from __future__ import annotations

import numpy as np

import rectifiers as rf
from rectifiers._apply import call_by_name

SEED_INPUT = [1.0, -0.5, 3.4, -2.1, 0.0, -6.5]


def add_parser(subparsers):
    parser = subparsers.add_parser("demo", help="show every activation on the seeds' example")
    parser.set_defaults(func=main)
    return parser


def _row(label, values) -> str:
    return f"{label:<20}" + " ".join(f"{float(v):>12.7g}" for v in values)


def main(args=None) -> int:
    x = np.array(SEED_INPUT, dtype=np.float32)
    print(_row("x (float32)", x))
    for name in rf.names():
        spec = rf.get(name)
        print(_row(name, call_by_name(name, x, **spec.example_params)))
        if spec.elementwise:
            print(_row(f"  {name}'", rf.derivative(name, x, **spec.example_params)))
    ints = np.array([-3, 0, 7], dtype=np.int64)
    print(f"\nrelu keeps integers: {rf.relu(ints)!r}; elu returns floats: {rf.elu(ints)!r}")
    return 0
