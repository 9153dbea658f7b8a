"""One training run through Keras 3 (``--framework keras``): the same grid cell as
:mod:`.run` — SGD with momentum (and the same global gradient-norm clip), cross-entropy on
logits, and at each epoch's end the doctor's pass over the training data in inference mode
(:func:`rectifiers.doctor.probe`). The record has the same shape as the PyTorch run's.

The probe sees forward passes only: gradient norms are ``None`` here, so claim 2 says
"inconclusive" for a Keras grid.
"""

from __future__ import annotations

import time

import numpy as np

from . import record as records

EVAL_BATCH = 2048


def _images_last(x):
    return np.ascontiguousarray(np.moveaxis(x, 1, -1)) if x.ndim == 4 else x


def train(spec, split, classes, batch_size, momentum, progress=None) -> dict:
    import keras

    from rectifiers import doctor

    from .keras_models import build

    keras.backend.clear_session()  # fresh layer names (the doctor's records carry them) and memory
    keras.utils.set_random_seed(spec.torch_seed)
    if keras.backend.backend() == "torch":
        import torch

        torch.set_num_threads(1)
    a = spec.activation
    model = build(spec.setting.model, a.name, dict(a.params), split.train.x.shape[1:], classes)
    optimizer = keras.optimizers.SGD(spec.setting.lr, momentum=momentum, global_clipnorm=spec.setting.clip)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=optimizer, loss=loss)
    x, y = _images_last(split.train.x), split.train.y
    parts = {
        "val": (_images_last(split.val.x), split.val.y),
        "test": (_images_last(split.test.x), split.test.y),
    }

    def accuracy(part):
        logits = model.predict(part[0], batch_size=EVAL_BATCH, verbose=0)
        return float(np.mean(np.argmax(logits, axis=1) == part[1]))

    def watch():
        return records.clean(doctor.probe(model, x, batch_size=EVAL_BATCH).stats())

    out = records.start(spec, f"{keras.__version__} ({keras.backend.backend()})")
    seconds, started = [], time.perf_counter()
    out["doctor"].append({"epoch": 0, "layers": watch()})
    for epoch in range(1, spec.epochs + 1):
        tick = time.perf_counter()
        history = model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=True, verbose=0)
        mean_loss = float(history.history["loss"][-1])
        out["epochs"].append(
            records.clean(
                {
                    "epoch": epoch,
                    "train_loss": mean_loss if np.isfinite(mean_loss) else None,
                    "val_accuracy": accuracy(parts["val"]),
                    "test_accuracy": accuracy(parts["test"]),
                }
            )
        )
        seconds.append(time.perf_counter() - tick)
        out["doctor"].append({"epoch": epoch, "layers": watch()})
        if progress is not None:
            progress(spec.key, epoch, spec.epochs)
    out["timing"] = records.timing(seconds, started)
    return out
