"""The architecture holds: the generated API is current and visible to tools, and a newly
registered activation reaches every layer without any other file being edited."""

import inspect
import os
import pathlib
import subprocess
import sys
import textwrap

import rectifiers as rf
from rectifiers import _api, _public

ROOT = pathlib.Path(__file__).parents[1]


def test_the_generated_api_is_current():
    """``_api.py`` is what ``python -m rectifiers._public`` writes from today's registry."""
    assert _public.PATH.read_text() == _public.formatted(_public.render()), (
        "src/rectifiers/_api.py is stale: run `python -m rectifiers._public`"
    )


def test_the_generated_api_is_real_source_with_the_specs_signatures():
    for name in rf.names():
        function = getattr(rf, name)
        assert function is getattr(_api, name)
        assert inspect.getsourcefile(function) == str(pathlib.Path(_api.__file__)), name
        assert inspect.signature(function) == rf.get(name).signature(), name
        assert function.__doc__ == _public.doc(rf.get(name)), name
    assert (ROOT / "src" / "rectifiers" / "py.typed").exists()


TOY = '''
import sys
import numpy as np
from rectifiers._functional import activation
from rectifiers._spec import Param, Properties, Reference, finite_number

@activation(
    derivative=lambda x, xp, beta: xp.where(x > 0, xp.ones_like(x), xp.zeros_like(x) + beta),
    params=(Param("beta", 0.5, finite_number, "the slope for x <= 0."),),
    formula=r"\\begin{cases} x & x > 0 \\\\ \\beta x & x \\le 0 \\end{cases}",
    derivative_formula=r"\\begin{cases} 1 & x > 0 \\\\ \\beta & x \\le 0 \\end{cases}",
    properties=Properties(bounded=False, monotone=True, zero_centred=True, saturating=False),
    reference=Reference("A toy", "https://example.org/toy"),
    kinks=(0.0,),
)
def toy(x, xp, beta):
    r"""A toy: x above 0, beta * x below.

    {args}

    Examples:
        >>> import numpy as np, rectifiers as rf
        >>> rf.toy(np.array([-2.0, 1.0]))
        array([-1.,  1.])
    """
    return xp.where(x > 0, x, beta * x)

import rectifiers as rf
from rectifiers._apply import evaluate
from rectifiers._fast import _dispatch

x = np.linspace(-3, 3, 200_001)
spec = rf.get("toy")
assert "toy" in rf.names()
assert rf.toy(x, beta=0.25)[0] == -0.75
assert str(rf.toy.__signature__) == "(x, /, beta=0.5, *, out=None, name=None)"
assert rf.derivative("toy", np.array([-1.0, 2.0])).tolist() == [0.5, 1.0]
fast = _dispatch.apply(spec, "forward", spec.forward, np, x, {"beta": 0.5}, x.dtype)  # the generic kernel
assert fast is not None and np.array_equal(fast, evaluate(spec, x, {"beta": 0.5}, fast=False))

import torch, rectifiers.torch as rt
torch.set_num_threads(1)
t = torch.tensor([-2.0, 3.0], requires_grad=True)
module = rt.toy()
module(t).sum().backward()
assert module(t).tolist() == [-1.0, 3.0] and t.grad.tolist() == [0.5, 1.0], (module(t), t.grad)
assert "toy" in rt.__all__

import keras, rectifiers.keras as rk
layer = rk.Toy(beta=0.25)
assert "Toy" in rk.__all__ and isinstance(rk.layer("toy"), rk.Toy)
assert keras.ops.convert_to_numpy(layer(np.array([-2.0, 3.0], dtype="float32"))).tolist() == [-0.5, 3.0]
assert rk.Toy.from_config(layer.get_config()).get_config()["beta"] == 0.25

sys.path.insert(0, sys.argv[1])
import generate
assert "A toy" in generate.page("toy")

from rectifiers.cli._bench import cases
built = cases.build_cases("toy", np.linspace(-2, 2, 8), 1, ("numpy", "formula"))
assert "ours" in [case.name for case in built]
print("ok")
'''


def test_a_new_activation_reaches_every_layer():
    """Registered in a subprocess (nothing else edited): the functional API, rf.derivative, the fast
    path's generic fallback, the torch binding's class, the Keras binding's class, the docs
    generator and the bench."""
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(TOY), str(ROOT / "docs")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
