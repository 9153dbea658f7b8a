"""The seeds' models in PyTorch, each hidden activation a ``rectifiers.torch`` module built
from the registry by name (``rt.Activation(name, **params)``; defaults from the core).

* ``mlp``: the seeds' MLP, Dense 64 + activation -> Dense k (softmax in the loss).
* ``cnn``: the seeds' CNN adapted to small images: Conv 8 3x3 (same padding) -> MaxPool 2 ->
  Conv 16 3x3 -> MaxPool 2 -> Flatten -> Dense 64 -> Dense k, the activation after each
  convolution and the hidden Dense (the seeds' 32/64 filters quartered for 8x8 inputs and the
  default run's time budget; same padding, so the digits keep a 2x2 map at the end).
* ``deep-mlp``: 10 hidden Dense 64 layers, for vanishing gradients and dying units.

Weights start He-normal (fan-in, gain sqrt(2): the rectifier papers' initialisation, the same for
every activation so they start alike), biases at zero. The output layer gives logits; the
softmax is in the cross-entropy loss, so every watched activation module is a hidden layer.

>>> import torch
>>> model = build("cnn", "relu", {}, (1, 8, 8), 10)
>>> model(torch.zeros(2, 1, 8, 8)).shape
torch.Size([2, 10])
>>> sum(isinstance(m, rt.Activation) for m in build("deep-mlp", "elu", {}, (64,), 10).modules())
10
"""

from __future__ import annotations

import math

import torch

import rectifiers.torch as rt

WIDTH = 64
DEEP_LAYERS = 10
FILTERS = (8, 16)


def build(model: str, activation: str, params: dict, input_shape, classes: int) -> torch.nn.Module:
    """A fresh model (initialised from torch's global generator: seed it first)."""
    act = lambda: rt.Activation(activation, **params)  # noqa: E731
    features = math.prod(input_shape)
    if model == "mlp":
        layers = [
            torch.nn.Flatten(),
            torch.nn.Linear(features, WIDTH),
            act(),
            torch.nn.Linear(WIDTH, classes),
        ]
    elif model == "deep-mlp":
        layers = [torch.nn.Flatten()]
        for i in range(DEEP_LAYERS):
            layers += [torch.nn.Linear(features if i == 0 else WIDTH, WIDTH), act()]
        layers.append(torch.nn.Linear(WIDTH, classes))
    elif model == "cnn":
        if len(input_shape) != 3 or min(input_shape[1:]) < 4:
            raise ValueError(
                "the cnn model needs images of at least 4x4 pixels. "
                f"Received: inputs of shape {tuple(input_shape)}"
            )
        channels, height, width = input_shape
        flat = FILTERS[1] * (height // 4) * (width // 4)
        layers = [
            torch.nn.Conv2d(channels, FILTERS[0], 3, padding=1),
            act(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(FILTERS[0], FILTERS[1], 3, padding=1),
            act(),
            torch.nn.MaxPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(flat, WIDTH),
            act(),
            torch.nn.Linear(WIDTH, classes),
        ]
    else:
        raise ValueError(f"unknown model {model!r}")
    network = torch.nn.Sequential(*layers)
    for module in network.modules():
        if isinstance(module, torch.nn.Linear | torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            torch.nn.init.zeros_(module.bias)
    return network
