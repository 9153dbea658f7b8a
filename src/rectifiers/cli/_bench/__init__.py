"""The parts of ``rectifiers bench``, one idea per module (private: not a subcommand).

``options`` parses sizes and thread counts; ``facts`` holds what the bench knows about each
activation beyond its spec; ``subject`` the records one row times; ``numpy_cases``,
``torch_cases``, ``jax_cases`` and ``tf_cases`` build each peer's timed calls, and ``cases``
gathers them; ``timing`` times them; ``report`` summarises and formats a row; ``plot`` draws
the ratios; ``environment`` describes the machine; ``run`` loops over the grid.
"""
