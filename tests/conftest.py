"""Shared test set-up: threads, hypothesis profile, and the array libraries under test."""

import importlib.util
import os
import pathlib

import hypothesis

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

hypothesis.settings.register_profile("default", max_examples=40, deadline=None, print_blob=True)
hypothesis.settings.load_profile("default")

#: The Keras runs (``./dev test`` runs them per backend, apart): x64 is not theirs to change.
_KERAS_TESTS = (
    pathlib.Path(__file__).parent / "keras",
    pathlib.Path(__file__).parents[1] / "src" / "rectifiers" / "keras",
)


def _keras_only(config) -> bool:
    """Whether every path this session collects lies in the Keras tests."""
    paths = [pathlib.Path(config.invocation_params.dir, arg.split("::")[0]).resolve() for arg in config.args]
    return bool(paths) and all(any(p.is_relative_to(k) for k in _KERAS_TESTS) for p in paths)


def pytest_configure(config):
    """JAX's float64 for the whole non-Keras session, in this one place, before any test module
    imports jax: so float64 is tested whichever files are collected. jax is imported only where
    it is installed and the session is not the Keras one."""
    if _keras_only(config) or importlib.util.find_spec("jax") is None:
        return
    import jax

    jax.config.update("jax_enable_x64", True)
