"""``rectifiers doctor MODEL DATA``: which units of a saved model are dead on some data.

MODEL is a saved Keras model (``model.keras``), or a PyTorch model given as
``package.module:constructor`` (called with no arguments) with ``--weights state_dict.pt``
(loaded with ``torch.load(..., weights_only=True)``); DATA is a ``.npz`` file whose array ``x``
holds the inputs, batch first. The model runs in inference mode over ``x`` and the report is
printed; ``--json`` and ``--plot`` write it as JSON and PNG. Bad input is one line on stderr and
exit status 2.

    rectifiers doctor model.keras data.npz --json doctor.json --plot doctor.png
    rectifiers doctor mypackage.models:make_net data.npz --weights net.pt
"""

from __future__ import annotations

import importlib
import os
import sys


class Refused(Exception):
    """Input the doctor cannot use: printed as one line, exit status 2."""


def add_parser(subparsers):
    parser = subparsers.add_parser("doctor", help="find dead, dormant and saturated units of a model on data")
    parser.add_argument("model", help="a saved Keras model (.keras), or package.module:constructor (PyTorch)")
    parser.add_argument("data", help="a .npz file with an array x (inputs, batch first)")
    parser.add_argument("--weights", help="PyTorch: a state_dict file (loaded with weights_only=True)")
    parser.add_argument(
        "--batch-size", type=int, default=256, help="examples per forward pass (default: 256)"
    )
    parser.add_argument("--layers", help="comma-separated layer names to watch (default: every activation)")
    parser.add_argument(
        "--confidence", type=float, default=0.99, help="of the evidence floor (default: 0.99)"
    )
    parser.add_argument("--rare", type=float, default=0.01, help="firing rate to rule out (default: 0.01)")
    parser.add_argument("--json", help="write the report as JSON here")
    parser.add_argument("--plot", help="write the report as a PNG here (needs matplotlib)")
    parser.set_defaults(func=main)
    return parser


def load_data(path: str):
    import numpy as np

    if not path.endswith(".npz"):
        raise Refused(f"DATA must be a .npz file with an array x. Received: {path!r}")
    if not os.path.isfile(path):
        raise Refused(f"no such data file. Received: {path!r}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if "x" not in archive.files:
                raise Refused(f"{path} has no array x. Received arrays: {', '.join(archive.files) or 'none'}")
            x = archive["x"]
    except (OSError, ValueError) as error:
        raise Refused(f"cannot read {path} as .npz: {error}") from None
    if x.ndim < 1 or x.shape[0] == 0 or x.dtype.kind not in "fiu":
        raise Refused(
            f"x must be a non-empty numeric array, batch first. Received: shape {x.shape}, {x.dtype}"
        )
    return x


def _torch_model(spec: str, weights: str | None):
    module_name, _, constructor = spec.partition(":")
    if not module_name or not constructor:
        raise Refused(f"MODEL must be a .keras file or package.module:constructor. Received: {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise Refused(f"cannot import {module_name!r}: {error}") from None
    make = getattr(module, constructor, None)
    if not callable(make):
        raise Refused(f"{module_name} has no callable {constructor!r}. Received: {spec!r}")
    import torch

    model = make()
    if not isinstance(model, torch.nn.Module):
        raise Refused(f"{spec}() must return a torch.nn.Module. Received: {type(model).__name__}")
    if weights is not None:
        if not os.path.isfile(weights):
            raise Refused(f"no such weights file. Received: {weights!r}")
        try:
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        except Exception as error:  # a pickle that is not plain tensors, or keys that do not match
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise Refused(f"cannot load {weights} into {spec}: {first}") from None
    return model.eval()


def _run_torch(model, x, args, layers):
    import torch

    from rectifiers import doctor

    try:
        doc = doctor.watch(model, layers=layers, confidence=args.confidence, rare=args.rare)
    except (TypeError, ValueError) as error:
        raise Refused(str(error)) from None
    dtype = next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.float32)
    with doc, torch.no_grad():
        for start in range(0, len(x), args.batch_size):
            batch = torch.from_numpy(x[start : start + args.batch_size])
            try:
                model(batch.to(dtype) if batch.is_floating_point() else batch)
            except Exception as error:
                raise Refused(f"the model cannot run on x of shape {x.shape}: {error}") from None
    return doc


def _run_keras(path, x, args, layers):
    if not os.path.isfile(path):
        raise Refused(f"no such model file. Received: {path!r}")
    import keras

    import rectifiers.keras  # noqa: F401  (registers our layers for loading)
    from rectifiers import doctor

    try:
        model = keras.models.load_model(path)
    except Exception as error:
        raise Refused(f"cannot load {path} as a Keras model: {error}") from None
    try:
        return doctor.probe(
            model, x, layers=layers, batch_size=args.batch_size, confidence=args.confidence, rare=args.rare
        )
    except (TypeError, ValueError) as error:
        raise Refused(str(error).splitlines()[0]) from None


def run(args):
    if args.batch_size < 1:
        raise Refused(f"--batch-size must be >= 1. Received: {args.batch_size}")
    for name in ("confidence", "rare"):
        if not 0 < getattr(args, name) < 1:
            raise Refused(f"--{name} must be in (0, 1). Received: {getattr(args, name)}")
    x = load_data(args.data)
    layers = [n.strip() for n in args.layers.split(",") if n.strip()] if args.layers else None
    if args.model.endswith(".keras"):
        if args.weights is not None:
            raise Refused("--weights is for PyTorch models; a .keras file holds its weights")
        return _run_keras(args.model, x, args, layers)
    return _run_torch(_torch_model(args.model, args.weights), x, args, layers)


def main(args) -> int:
    try:
        doc = run(args)
    except Refused as error:
        print(f"rectifiers doctor: {error}", file=sys.stderr)
        return 2
    print(doc.report())
    if args.json:
        doc.to_json(args.json)
    if args.plot:
        doc.plot(args.plot)
    return 0
