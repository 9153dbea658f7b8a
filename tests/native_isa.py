"""Choosing the compiled kernels' instruction set in a test (``_native.select_isa``)."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def selected_isa(native, name: str):
    """``native``'s kernels on instruction set ``name`` inside the block, the previous one after."""
    previous = native.select_isa(name)
    try:
        yield
    finally:
        native.select_isa(previous)
