"""The docs stay true: generated pages are current, every activation has one, and the README's
example runs."""

import doctest
import pathlib
import subprocess
import sys

import rectifiers as rf

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
