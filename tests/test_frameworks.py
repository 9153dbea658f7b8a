"""The per-framework names and defaults table (rectifiers._frameworks): complete for the
registry, pointing at real core parameters, and equal to each installed framework's own
signatures (names, positional order, defaults)."""

from __future__ import annotations

import importlib
import inspect

import pytest

import rectifiers as rf
from rectifiers._frameworks import NAMESPACES, REQUIRED, TABLE, spelling


@pytest.mark.parametrize("framework", list(TABLE))
def test_every_activation_has_an_entry(framework):
    """Each framework's spelling of each activation, or an explicit "has none"."""
    assert sorted(TABLE[framework]) == sorted(rf.names())
    for name in rf.names():
        entry = spelling(framework, name)
        if framework == "torch":  # torch.nn has a module and a function for each
            assert entry.layer is not None and entry.function is not None, name


def test_the_table_names_only_registered_activations_and_core_parameters():
    for framework, entries in TABLE.items():
        for name, entry in entries.items():
            params = {p.name for p in rf.get(name).params}
            for form in filter(None, (entry.layer, entry.function)):
                unknown = set(form.core_names().values()) - params
                assert not unknown, (framework, name, unknown)


def test_an_unknown_framework_is_refused():
    with pytest.raises(ValueError, match="Received: framework='mxnet'. Accepted: torch, keras"):
        spelling("mxnet", "relu")


def _signature(target) -> list:
    """``[(name, default)]`` of a callable's arguments, less ``self``, the input and ``**kwargs``."""
    parameters = list(inspect.signature(target).parameters.values())
    kept = [p for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    return [(p.name, p.default) for p in kept]


def _expected(form, function: bool) -> list:
    args = [(a.name, a.default) for a in form.args]
    return [(form.input, REQUIRED), *args] if function else args


def _check(framework, module_names):
    for name, entry in TABLE[framework].items():
        for form, module_name in zip((entry.layer, entry.function), module_names, strict=True):
            if form is None:
                continue
            target = getattr(importlib.import_module(module_name), form.name)
            try:
                actual = _signature(target)
            except ValueError:  # a builtin without a signature (torch.nn.functional.prelu)
                continue
            assert actual == _expected(form, function=module_name == module_names[1]), (name, form.name)


def test_torch_entries_are_torch_signatures():
    pytest.importorskip("torch")
    _check("torch", NAMESPACES["torch"])


def test_torch_in_place_functions_are_torchs():
    """torch.nn.functional's ``relu_``, ``elu_``...: in the table exactly where torch has one."""
    functional = pytest.importorskip("torch.nn.functional")
    for name, entry in TABLE["torch"].items():
        twin = f"{entry.function.name}_"
        assert entry.in_place == (twin if hasattr(functional, twin) else None), name
    assert {e.in_place for e in TABLE["torch"].values()} > {"relu_", "leaky_relu_", "elu_", "selu_", "rrelu_"}


def test_jax_entries_are_jax_signatures():
    pytest.importorskip("jax")
    _check("jax", (None, "jax.nn"))


def test_keras_entries_are_keras_signatures():
    pytest.importorskip("keras")
    _check("keras", NAMESPACES["keras"])


def test_tensorflow_entries_are_tf_nn_signatures():
    pytest.importorskip("tensorflow")
    _check("tensorflow", (None, "tensorflow.nn"))
