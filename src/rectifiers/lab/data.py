"""Data sets for the lab: scikit-learn's bundled digits (the default), a user's ``.npz`` (arrays
``x`` and ``y``), or a folder of images with one sub-folder per class; and the fixed split.

Every problem with the user's data raises :class:`DataError`, whose message names the file and
the problem in one line (the CLI prints it and exits with status 2).

>>> d = digits()
>>> d.x.shape, d.classes, d.source
((1797, 1, 8, 8), 10, 'sklearn.datasets.load_digits')
>>> split = d.split()
>>> len(split.train.y), len(split.val.y), len(split.test.y)
(1078, 360, 359)
"""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib

import numpy as np

#: The split is fixed: fractions of (train, validation, test) and the permutation's seed. It is
#: stratified, so every class is in every part.
FRACTIONS = (0.6, 0.2, 0.2)
SPLIT_SEED = 0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


class DataError(ValueError):
    """The user's data cannot be used; the message says which file and why."""


@dataclasses.dataclass(frozen=True)
class Part:
    x: np.ndarray  # float32, (n, channels, height, width) for images or (n, features)
    y: np.ndarray  # int64 labels 0..classes-1


@dataclasses.dataclass(frozen=True)
class Split:
    train: Part
    val: Part
    test: Part


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Inputs scaled to [0, 1] then centred on the training mean, and integer labels 0..k-1."""

    x: np.ndarray
    y: np.ndarray
    classes: int
    source: str  # what the data are (a name; the path is kept apart, in the results' "paths")
    class_names: tuple[str, ...]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    @property
    def digest(self) -> str:
        """sha256 of the arrays: the same data give the same digest on every machine."""
        h = hashlib.sha256()
        for a in (self.x, self.y):
            h.update(str(a.dtype).encode() + str(a.shape).encode())
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()

    def split(self) -> Split:
        """The fixed stratified split (see ``FRACTIONS``), centred on the training part's mean."""
        rng = np.random.default_rng(SPLIT_SEED)
        parts = ([], [], [])
        for label in range(self.classes):
            index = np.flatnonzero(self.y == label)
            index = index[rng.permutation(len(index))]
            cuts = np.round(np.cumsum(FRACTIONS)[:-1] * len(index)).astype(int)
            for part, chunk in zip(parts, np.split(index, cuts), strict=True):
                part.append(chunk)
        train, val, test = (np.sort(np.concatenate(p)) for p in parts)
        mean = self.x[train].mean(axis=0, dtype=np.float64).astype(np.float32)
        make = lambda i: Part(self.x[i] - mean, self.y[i])  # noqa: E731
        return Split(make(train), make(val), make(test))


def digits() -> Dataset:
    """scikit-learn's bundled 8x8 digits (1,797 images, 10 classes; no download)."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.images.astype(np.float32) / 16.0)[:, None, :, :]
    names = tuple(str(n) for n in bunch.target_names)
    return _checked(x, bunch.target, "sklearn.datasets.load_digits", names, "digits")


def load(path) -> Dataset:
    """A user's data: an ``.npz`` file with arrays ``x`` and ``y``, or a folder of images in one
    sub-folder per class."""
    path = pathlib.Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if path.is_dir():
        return _folder(path)
    return _npz(path)


def _npz(path: pathlib.Path) -> Dataset:
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in ("x", "y") if k not in archive.files]
            if missing:
                raise DataError(
                    f"{path}: missing array(s) {', '.join(missing)}; an .npz needs arrays x and y "
                    f"(found: {', '.join(archive.files) or 'none'})"
                )
            x, y = archive["x"], archive["y"]
    except DataError:
        raise
    except Exception as error:  # zipfile.BadZipFile, pickle refused, OSError: not our format
        raise DataError(f"{path}: not a readable .npz file ({type(error).__name__}: {error})") from None
    if x.dtype.kind not in "biuf":
        raise DataError(f"{path}: x must be numeric. Received: dtype {x.dtype}")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim < 2:
        raise DataError(f"{path}: x needs one row per sample. Received: shape {x.shape}")
    if x.ndim == 3:  # (n, h, w) grey images
        x = x[:, None]
    if x.ndim > 4:
        raise DataError(f"{path}: x must be (n, features) or images. Received: shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise DataError(f"{path}: x has NaN or infinite values")
    scale = float(np.abs(x).max()) if x.size else 1.0
    return _checked(x / (scale or 1.0), y, path.name, None, str(path))


def _folder(path: pathlib.Path) -> Dataset:
    from PIL import Image, UnidentifiedImageError

    classes = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DataError(f"{path}: empty folder; expected one sub-folder of images per class")
    images, labels, shape = [], [], None
    for label, folder in enumerate(classes):
        files = sorted(f for f in folder.iterdir() if f.is_file() and not f.name.startswith("."))
        if not files:
            raise DataError(f"{folder}: empty class folder; expected images")
        for file in files:
            try:
                with Image.open(file) as image:
                    array = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
            except (UnidentifiedImageError, OSError, ValueError) as error:
                raise DataError(f"{file}: unreadable image ({type(error).__name__})") from None
            if shape is None:
                shape = array.shape
            elif array.shape != shape:
                raise DataError(f"{file}: image of size {array.shape}, the others are {shape}")
            images.append(array)
            labels.append(label)
    x = np.stack(images)[:, None]
    return _checked(x, np.array(labels), path.name, tuple(c.name for c in classes), str(path))


def _checked(x, y, source, class_names, where) -> Dataset:
    y = np.asarray(y)
    if y.ndim != 1:
        raise DataError(f"{where}: y must be one label per sample. Received: shape {y.shape}")
    if len(x) != len(y):
        raise DataError(f"{where}: x and y differ in length. Received: {len(x)} and {len(y)} samples")
    if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        raise DataError(f"{where}: labels must be integers. Received: dtype {y.dtype}")
    values, y = np.unique(y, return_inverse=True)
    if len(values) < 2:
        raise DataError(f"{where}: one class only; need at least 2. Received: labels {values.tolist()}")
    counts = np.bincount(y)
    if counts.min() < 3:
        raise DataError(
            f"{where}: class {values[counts.argmin()]} has {counts.min()} sample(s); "
            "the split needs >= 3 per class"
        )
    names = class_names if class_names is not None else tuple(str(v) for v in values)
    return Dataset(np.ascontiguousarray(x, dtype=np.float32), y.astype(np.int64), len(values), source, names)
