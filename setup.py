"""The compiled pieces: ``rectifiers._fast._native`` (the fast path's one-pass kernels),
``rectifiers.doctor._tally_native`` (the doctor's one-pass tallies) and
``rectifiers._draws_native`` (rrelu's counter-based slopes); see their sources.

All are optional: without a C compiler the package installs and runs on NumPy kernels.
Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup

# No fused multiply-add: a*x must round once, as NumPy rounds it. No -ffast-math: NaN is data.
FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno"]

native = Extension(
    "rectifiers._fast._native",
    sources=["src/rectifiers/_fast/_native.c"],
    depends=["src/rectifiers/_fast/_exp_family.h"],  # included by _native.c, once per instruction set
    extra_compile_args=FLAGS,
    optional=True,
)
tally = Extension(
    "rectifiers.doctor._tally_native",
    sources=["src/rectifiers/doctor/_tally.c"],
    extra_compile_args=FLAGS,
    optional=True,
)

draws = Extension(
    "rectifiers._draws_native",
    sources=["src/rectifiers/_draws.c"],
    extra_compile_args=FLAGS,
    optional=True,
)

setup(ext_modules=[native, tally, draws])
