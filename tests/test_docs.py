"""The docs stay true: generated pages are current, every activation has one, and the README's
example runs."""

import dataclasses
import doctest
import importlib.util
import pathlib
import subprocess
import sys

import rectifiers as rf
from rectifiers import _spec

ROOT = pathlib.Path(__file__).parents[1]


def test_every_activation_has_a_current_page():
    pages = {p.stem for p in (ROOT / "docs" / "activations").glob("*.md")}
    assert pages == set(rf.names())
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_example_runs():
    failures, tried = doctest.testfile(str(ROOT / "README.md"), module_relative=False)
    assert tried >= 4 and failures == 0


def test_every_spec_is_complete():
    for name in rf.names():
        spec = rf.get(name)
        assert spec.formula and spec.derivative_formula and spec.reference.url.startswith("https://")
        doc = getattr(rf, name).__doc__
        assert ">>>" in doc and "{args}" not in doc and "Args:" in doc, name
        signature = str(spec.signature())
        assert signature.startswith("(x") and "/" in signature and signature.endswith("name=None)"), signature


def test_cli_demo_runs():
    out = subprocess.run(
        [sys.executable, "-m", "rectifiers", "demo"], capture_output=True, text=True, check=True
    ).stdout
    for name in rf.names():
        assert name in out


def _generator():
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with(name, param, **fields):
    """The spec of ``name`` with ``fields`` of its parameter ``param`` replaced."""
    spec = rf.get(name)
    params = tuple(dataclasses.replace(p, **fields) if p.name == param else p for p in spec.params)
    return dataclasses.replace(spec, params=params)


def test_the_peers_table_states_our_defaults_from_the_registry(monkeypatch):
    generate = _generator()
    for name, param, fields, cell in [
        ("leaky_relu", "alpha", {"default": 0.3}, "| default alpha | 0.3 |"),
        ("prelu", "alpha", {"init": 0.4}, "| initial alpha | 0.4 |"),
        ("rrelu", "lower", {"default": 0.25}, "| defaults | lower 1/4, upper 1/3 |"),
        ("rrelu", "training", {"default": True}, "| training default | True (functional) |"),
        ("elu", "alpha", {"default": 0.5}, "| alpha parameter | yes, default 0.5 |"),
        ("softmax", "axis", {"default": 0}, "| default axis | 0 |"),
    ]:
        monkeypatch.setitem(_spec.REGISTRY, name, _with(name, param, **fields))
        assert cell in generate.page(name), name


def test_an_activation_without_peer_rows_gets_a_page_that_says_so(monkeypatch):
    generate = _generator()
    monkeypatch.delitem(generate.PEERS, "tanh")
    assert "Not compared yet" in generate.page("tanh")
