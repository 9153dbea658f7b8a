"""The bindings' type stubs are what ``python -m rectifiers._stubs`` writes from the bindings as
they run (checked on every Keras backend: the stubs must not depend on it)."""

import ast
import importlib
import inspect

import pytest

from rectifiers import _public, _stubs


@pytest.mark.parametrize("module", _stubs.MODULES)
def test_the_committed_stubs_are_current(module):
    target = _stubs.path(module)
    assert target.read_text() == _public.formatted(_stubs.render(module), target), (
        f"{_stubs.path(module)} is stale: run `python -m rectifiers._stubs`"
    )


def _stubbed(node):
    """``[(name, kind, default)]`` of a stub's ``def``, read with ``ast`` (stubs are not run)."""
    args, P = node.args, inspect.Parameter
    positional = [(a.arg, P.POSITIONAL_OR_KEYWORD) for a in args.args]
    defaults = [ast.literal_eval(d) for d in args.defaults]
    defaults = [P.empty] * (len(positional) - len(defaults)) + defaults
    listed = [(n, k, d) for (n, k), d in zip(positional, defaults, strict=True)]
    if args.vararg:
        listed.append((args.vararg.arg, P.VAR_POSITIONAL, P.empty))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        listed.append((a.arg, P.KEYWORD_ONLY, P.empty if d is None else ast.literal_eval(d)))
    if args.kwarg:
        listed.append((args.kwarg.arg, P.VAR_KEYWORD, P.empty))
    return listed


def _live(signature):
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("module", _stubs.MODULES)
def test_every_exported_name_has_a_stub_with_its_signature(module):
    """Not only the text: each class and function of ``__all__`` is in the stub, with its
    parameters in the order and with the defaults the running object has."""
    tree = ast.parse(_stubs.path(module).read_text())
    defined = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef | ast.FunctionDef)}
    live = importlib.import_module(module)
    for name in live.__all__:
        value = getattr(live, name)
        if isinstance(value, type):
            (init,) = [n for n in defined[name].body if isinstance(n, ast.FunctionDef)]
            assert _stubbed(init)[1:] == _live(_stubs._constructor(value)), name
        elif callable(value):
            assert _stubbed(defined[name]) == _live(inspect.signature(value)), name
