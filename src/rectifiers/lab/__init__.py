"""The lab behind ``rectifiers compare``: train the seeds' reference models with every
activation, several seeds each, and answer the textbook claims about rectifiers with a stated
statistical test per claim.

One idea per module: :mod:`.data` (data sets and the fixed split), :mod:`.grid` (what runs),
:mod:`.models` / :mod:`.keras_models` (the seeds' models), :mod:`.run` / :mod:`.keras_run` (one
training run), :mod:`.runner` (the grid on local processes or a Dask cluster), :mod:`.stats`
(permutation tests), :mod:`.claims` (the verdicts), :mod:`.results` (the files),
:mod:`.figures` and :mod:`.report` (PNG and HTML), :mod:`.environment` (versions).
Frameworks are imported only by the modules that need them.
"""
