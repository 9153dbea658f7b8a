"""The one compiled piece: ``rectifiers._fast._native`` (see its source for what and why).

It is optional: without a C compiler the package installs and runs on its NumPy kernels.
Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup

native = Extension(
    "rectifiers._fast._native",
    sources=["src/rectifiers/_fast/_native.c"],
    # No fused multiply-add: a*x must round once, as NumPy rounds it. No -ffast-math: NaN is data.
    extra_compile_args=["-O3", "-ffp-contract=off", "-fno-math-errno"],
    optional=True,
)

setup(ext_modules=[native])
