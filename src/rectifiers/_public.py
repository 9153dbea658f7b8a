"""The public functions, made from the registry: as source (``_api.py``, what tools read) and,
for an activation registered after import, at run time.

``python -m rectifiers._public`` rewrites ``src/rectifiers/_api.py`` from the registry;
``tests/test_architecture.py`` fails when the committed file is stale. Each generated function
has the spec's signature and defaults and calls ``_apply.evaluate`` once:

>>> import rectifiers as rf, inspect
>>> str(inspect.signature(rf.leaky_relu))
'(x, /, alpha=0.2, *, out=None, name=None)'
"""

from __future__ import annotations

import functools
import pathlib
import subprocess
import sys

from . import _functional  # noqa: F401  (registers every spec)
from ._apply import args_section, evaluate
from ._namespace import not_for_autograph
from ._spec import ActivationSpec, get, names

HEADER = '''"""The public functional API, generated from the registry by ``python -m rectifiers._public``.

Do not edit: change the spec in ``_functional.py`` and run the generator again
(``tests/test_architecture.py`` fails while this file is stale).
"""

# ruff: noqa: E501

from __future__ import annotations

from . import _functional  # noqa: F401  (registers every spec)
from ._apply import evaluate as _evaluate
from ._namespace import not_for_autograph as _not_for_autograph
from ._spec import get as _get
'''


def doc(spec: ActivationSpec) -> str:
    """The public function's docstring: the math's, with its ``Args:`` section filled in."""
    return (spec.forward.__doc__ or "").replace("{args}", args_section(spec))


def _constant(name: str) -> str:
    return f"_{name.upper()}"


def _function_source(spec: ActivationSpec) -> str:
    text = doc(spec)
    if '"""' in text or text.endswith("\\"):
        raise ValueError(f"{spec.name}'s docstring cannot be written as a raw string literal")
    params = ", ".join(f"{p.name!r}: {p.name}" for p in spec.params)
    out = "out" if spec.elementwise else "None"
    return (
        f"\n\n@_not_for_autograph\ndef {spec.name}{spec.signature()}:\n"
        f'    r"""{text}"""\n'
        f"    return _evaluate({_constant(spec.name)}, x, {{{params}}}, name, {out})\n"
    )


def render(activations=None) -> str:
    """The source of ``_api.py`` for ``activations`` (default: every registered name)."""
    chosen = names() if activations is None else tuple(activations)
    constants = "".join(f"{_constant(n)} = _get({n!r})\n" for n in chosen)
    functions = "".join(_function_source(get(n)) for n in chosen)
    listed = "".join(f"    {n!r},\n" for n in chosen)
    return f"{HEADER}\n{constants}{functions}\n\n__all__ = [\n{listed}]\n"


PATH = pathlib.Path(__file__).with_name("_api.py")


def formatted(source: str, path: pathlib.Path = PATH) -> str:
    """``source`` as ``ruff format`` writes it at ``path`` (the suite checks the committed file's format)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@functools.cache
def function(name: str):
    """The public function of an activation registered after import (``rectifiers.<name>``)."""
    spec = get(name)
    signature = spec.signature()

    def public(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = dict(bound.arguments)
        x, call, out = given.pop("x"), given.pop("name"), given.pop("out", None)
        return evaluate(spec, x, given, call, out)

    not_for_autograph(public)
    public.__name__ = public.__qualname__ = spec.name
    public.__module__ = "rectifiers"
    public.__signature__ = signature
    public.__doc__ = doc(spec)
    return public


if __name__ == "__main__":  # pragma: no cover
    PATH.write_text(formatted(render()))
    sys.stdout.write(f"wrote {PATH}\n")
