"""Writes docs/activations/<name>.md for every registered activation, from the registry.

Formula, parameters, kinks, dtypes and properties come from the spec (and from running the
function); only the peers' behaviour is prose, kept in PEERS below, and where a row states one
of our defaults, its cell is read from the registry. tests/test_docs.py fails when a page is
stale: run ``python docs/generate.py`` after changing a spec.
"""

from __future__ import annotations

import fractions
import pathlib
import sys

import numpy as np

import rectifiers as rf
from rectifiers._apply import call_by_name
from rectifiers._constants import SELU_SCALE_ALPHA
from rectifiers._dtypes import REAL_DTYPES, numpy_dtype
from rectifiers._spec import REQUIRED

HERE = pathlib.Path(__file__).parent


def _fraction(value) -> str:
    """0.125 -> "1/8": how papers and peers' docs write rrelu's bounds."""
    return str(fractions.Fraction(value).limit_denominator(1000))


#: name -> rows of (behaviour, rectifiers, PyTorch, JAX, TensorFlow / Keras). A rectifiers cell
#: may be a function of our resolved defaults (learned parameters at their initial value), so
#: that what the page says about our defaults is the registry's.
PEERS = {
    "relu": [
        (
            "relu(-0.0)",
            "+0.0",
            "-0.0",
            "+0.0",
            "depends on the tensor length (SIMD body +0.0, scalar tail -0.0)",
        ),
        ("relu'(nan)", "0", "1", "0", "0"),
        ("bool input", "TypeError", "RuntimeError", "int32 result", "InvalidArgumentError"),
    ],
    "relu6": [
        ("integer input", "keeps the dtype", "keeps the dtype", "float32", "keeps the dtype"),
        ("relu6'(nan)", "0", "1 or 0 by tensor length", "0", "0"),
        ("saved for backward", "output (rectifiers.torch)", "input", "bool mask", "output"),
    ],
    "leaky_relu": [
        ("default alpha", lambda p: f"{p['alpha']}", "0.01", "0.01", "0.2 (Keras layer: 0.3)"),
        ("parameter name", "alpha", "negative_slope", "negative_slope", "alpha"),
        ("leaky'(0)", "alpha", "alpha", "1", "alpha"),
        (
            "integer input",
            "float64 (NumPy) / float64 for int32+",
            "NotImplementedError",
            "float32",
            "float32 (int64 loses precision)",
        ),
        (
            "float64 with alpha=0.01",
            "exactly -0.01 at x=-1",
            "-0.01",
            "-0.01",
            "-0.009999999776 (alpha is a float32 attr)",
        ),
    ],
    "prelu": [
        ("initial alpha", lambda p: f"{p['alpha']}", "0.25", "Flax: 0.01", "Keras layer: 0 (zeros)"),
        ("prelu'(0)", "alpha", "alpha (reverse mode), 1 (forward mode)", "Flax: 1", "Keras layer: 0"),
        (
            "alpha shape",
            "broadcasts against x",
            "scalar or one per channel (dim 1)",
            "scalar",
            "one per element unless shared_axes",
        ),
    ],
    "rrelu": [
        (
            "defaults",
            lambda p: f"lower {_fraction(p['lower'])}, upper {_fraction(p['upper'])}",
            "1/8, 1/3",
            "none",
            "TF-Addons: 1/8, 1/3",
        ),
        (
            "training default",
            lambda p: f"{p['training']} (functional)",
            "False (F.rrelu), True (nn.RReLU)",
            "none",
            "Keras learning phase",
        ),
        ("lower > upper", "ValueError at call or construction", "error at call only", "none", "not checked"),
        (
            "x = 0",
            "negative branch: slope a",
            "negative branch: slope a",
            "none",
            "identity branch (gradient 1)",
        ),
        ("saved for backward", "a seed (rectifiers.torch)", "input + full-size noise", "none", "-"),
    ],
    "elu": [
        (
            "alpha parameter",
            lambda p: f"yes, default {p['alpha']}",
            "yes, 1.0",
            "yes, 1.0",
            "tf.nn.elu has none",
        ),
        ("elu'(0)", "alpha", "alpha", "alpha", "1"),
        ("elu'(nan)", "nan", "1 or nan by tensor length", "nan", "1"),
        ("integer input", "float", "NotImplementedError", "float32", "InvalidArgumentError"),
    ],
    "selu": [
        ("selu'(0)", f"lambda*alpha = {SELU_SCALE_ALPHA:.4f}", "1.7581", "1.7581", "lambda = 1.0507"),
        ("selu'(nan)", "nan", "lambda or nan by tensor length", "nan", "lambda"),
    ],
    "sigmoid": [
        ("integer input", "float", "float32", "TypeError", "InvalidArgumentError"),
    ],
    "tanh": [
        ("integer input", "float", "float32", "float32", "InvalidArgumentError"),
    ],
    "softmax": [
        ("default axis", lambda p: f"{p['axis']}", "dim=None: legacy implicit dim + warning", "-1", "-1"),
        ("softmax([1, inf])", "[nan, nan]", "[nan, nan]", "[nan, nan]", "[0, nan]"),
        ("unsigned integer input", "float (correct)", "NotImplementedError", "nan", "InvalidArgumentError"),
    ],
}


def _call(name, x):
    return call_by_name(name, x, **rf.get(name).example_params)


def _dtype_row(name) -> str:
    cells = []
    for dtype in REAL_DTYPES:
        out = _call(name, np.zeros(2, dtype=numpy_dtype(dtype))).dtype
        cells.append(f"{dtype} → {out.name}" if out.name != dtype else f"{dtype} (kept)")
    return ", ".join(cells)


def _params_table(spec) -> list[str]:
    if not spec.params:
        return ["None."]
    rows = ["| parameter | default | meaning |", "|---|---|---|"]
    for p in spec.params:
        default = f"required (layers start at `{p.init}`)" if p.default is REQUIRED else f"`{p.default!r}`"
        rows.append(f"| `{p.name}` | {default} | {p.doc} |")
    return rows


def _kinks(spec) -> list[str]:
    if not spec.kinks:
        return ["None: the function is smooth."]
    lines = ["`x > 0` strictly selects the positive branch. Values `rf.derivative` gives:", ""]
    for kink in spec.kinks:
        value = rf.derivative(spec.name, np.array([kink]), **spec.example_params)[0]
        lines.append(f"- f'({kink:g}) = {value:.10g} (with {spec.example_params or 'no parameters'})")
    return lines


def _peers_table(spec) -> list[str]:
    rows = PEERS.get(spec.name)
    if rows is None:
        return ["Not compared yet: add its rows to PEERS in docs/generate.py."]
    ours = spec.resolve(**spec.example_params)
    lines = ["| behaviour | rectifiers | PyTorch | JAX | TensorFlow / Keras |", "|---|---|---|---|---|"]
    for behaviour, mine, *theirs in rows:
        mine = mine(ours) if callable(mine) else mine
        lines.append(f"| {' | '.join((behaviour, mine, *theirs))} |")
    return lines


def page(name: str) -> str:
    spec = rf.get(name)
    p = spec.properties
    lines = [
        f"# {name}",
        "",
        "<!-- generated by docs/generate.py from the registry; edit the spec, not this page -->",
        "",
        f"$$f(x) = {spec.formula}$$",
        "",
        f"$$f'(x) = {spec.derivative_formula}$$",
        "",
        f"Reference: [{spec.reference.citation}]({spec.reference.url})",
        "",
        f"Signature: `rf.{name}{spec.signature()}`",
        "",
        "## Parameters",
        "",
        *_params_table(spec),
        "",
        "## The kink",
        "",
        *_kinks(spec),
        "",
        "## Dtypes",
        "",
        "Result dtype for each input dtype (NumPy; see docs/semantics.md for the policy):",
        "",
        _dtype_row(name) + ".",
        "",
        "## Properties",
        "",
        f"bounded: {p.bounded}; monotone: {p.monotone}; zero-centred: {p.zero_centred}; "
        f"saturating: {p.saturating}.",
        "",
        "## Where peers differ",
        "",
        *_peers_table(spec),
        "",
    ]
    return "\n".join(lines)


def main(check: bool = False) -> int:
    stale = []
    for name in rf.names():
        path = HERE / "activations" / f"{name}.md"
        text = page(name)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
    if stale:
        print("stale:", *stale)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv))
