"""The doctor's framework-free counters: the evidence floor, units vs positions, the windows,
and collapse_probability's reproduction of Lu et al. 2019."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from rectifiers import doctor
from rectifiers.doctor import _collapse


def silent_unit_batch(n, units=4, dead=(2,), seed=0):
    """``n`` samples of ``units`` units, each unit firing half of the time, except ``dead``."""
    a = np.random.default_rng(seed).standard_normal((n, units))
    a[:, list(dead)] = -np.abs(a[:, list(dead)])
    return np.maximum(a, 0.0)


@pytest.mark.parametrize(("confidence", "rare"), [(0.99, 0.01), (0.95, 0.1), (0.999, 0.001)])
def test_the_floor_is_the_smallest_n_with_few_false_alarms(confidence, rare):
    n = doctor.samples_needed(confidence, rare)
    assert (1 - rare) ** n <= 1 - confidence < (1 - rare) ** (n - 1)


def test_too_few_samples_is_not_enough_evidence_then_exactly_the_floor_is():
    c = doctor.Counter(4, confidence=0.99, rare=0.01)
    c.update(silent_unit_batch(458))
    record = c.stats()
    assert (record["enough_evidence"], record["dead"], c.dead_units(), record["collapsed"]) == (
        False,
        None,
        [],
        False,
    )
    c.update(silent_unit_batch(1, seed=1))
    record = c.stats()
    assert (record["samples"], record["enough_evidence"], record["dead"], c.dead_units()) == (
        459,
        True,
        1,
        [2],
    )


def test_channels_first_units_pool_positions_and_count_examples():
    rng = np.random.default_rng(0)
    a = np.maximum(rng.standard_normal((500, 3, 4, 4)), 0)
    a[:, 1] = 0.0  # channel 1 never fires; single positions of the others do not make units
    a[:, 0, 0, 0] = 0.0
    c = doctor.Counter(3)
    c.update(a, axis=1)
    record = c.stats()
    assert c.dead_units() == [1] and record["samples"] == 500 and record["units"] == 3
    assert record["sparsity"] == pytest.approx(np.mean(a == 0))


def test_firing_rates_histogram_rare_always_on_and_dormant():
    n = 1000
    a = np.zeros((n, 5))
    a[:, 0] = 1.0  # always on
    a[:3, 1] = 1.0  # rare: 0.3%
    a[: n // 2, 2] = 1.0  # half
    a[: n // 2, 3] = 1e-4  # fires half the time, but tiny: dormant
    c = doctor.Counter(5, rare=0.01)  # unit 4: dead
    c.update(a)
    r = c.stats()
    assert (r["dead_units"], r["rare"], r["always_on"], r["dormant"]) == ([4], 1, 1, 3)  # 1, 3, 4 dormant
    assert r["firing_histogram"] == [2, 0, 0, 0, 0, 2, 0, 0, 0, 1] and sum(r["firing_histogram"]) == 5
    assert r["saturated"] is None and r["kind"] == "rectifier"
    json.dumps(r)


def test_saturating_units_are_never_dead_but_saturate():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((600, 3))
    z[:, 0] += 50.0  # pinned high
    z[:, 1] -= 50.0  # pinned low
    c = doctor.Counter(3, kind="saturating", bounds=(0.0, 1.0))
    c.update(1 / (1 + np.exp(-z)))
    r = c.stats()
    assert (r["saturated"], r["dead"], r["dead_units"], r["collapsed"]) == (2, 0, [], False)


def test_windows_persistent_death_revival_and_since_when():
    c = doctor.Counter(4, window=500)
    c.update(silent_unit_batch(500, dead=(1, 2)))  # closes window 0
    assert c.window == 1 and c.stats()["samples"] == 0
    c.update(silent_unit_batch(500, dead=(2, 3), seed=1))  # window 1: 1 revived, 2 still dead
    r = c.stats()
    assert r["window"] == 2 and r["samples"] == 0  # closed automatically too; read the last closed
    c = doctor.Counter(4)
    c.update(silent_unit_batch(500, dead=(1, 2)))
    assert c.next_window()
    c.update(silent_unit_batch(500, dead=(2, 3), seed=1))
    r = c.stats()
    assert (r["dead_units"], r["persistently_dead"], r["revived"]) == ([2, 3], 1, 1)
    assert r["dead_since"] == [0, 1]  # unit 2 has been dead since window 0, unit 3 since window 1


def test_a_window_without_evidence_is_extended_not_closed():
    c = doctor.Counter(4)
    c.update(silent_unit_batch(100))
    assert c.next_window() is False and c.window == 0
    c.update(silent_unit_batch(400, seed=1))
    assert c.dead_units() == [2] and c.stats()["samples"] == 500


def test_gradient_norm_is_the_rms_over_backward_passes():
    c = doctor.Counter(2)
    assert c.stats()["grad_norm"] is None
    c.update_gradient(np.array([[3.0, 4.0]]))
    c.update_gradient(np.array([[0.0, 0.0]]))
    assert c.stats()["grad_norm"] == pytest.approx(math.sqrt(25 / 2))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"units": 0}, TypeError, "units must be a positive int. Received: units=0"),
        ({"units": 3, "kind": "dead"}, ValueError, "kind must be one of rectifier, saturating. Received"),
        ({"units": 3, "confidence": 1.0}, ValueError, "confidence must be in"),
        ({"units": 3, "rare": "0.1"}, TypeError, "rare must be a number"),
        ({"units": 3, "window": 0}, ValueError, "window must be a positive"),
    ],
)
def test_bad_construction_is_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        doctor.Counter(**kwargs)


def test_bad_updates_are_refused():
    c = doctor.Counter(3)
    with pytest.raises(
        ValueError, match=r"has 3 units, but axis 1 .* Received: activations of shape \(2, 4\)"
    ):
        c.update(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="axis 2 is not an axis"):
        c.update(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="real numbers. Received: dtype bool"):
        c.update(np.zeros((2, 3), bool))


@pytest.mark.parametrize("library", ["jax", "tensorflow", "torch", "array_api_strict"])
def test_every_array_library_gives_numpys_answer(library):
    module = pytest.importorskip(library)
    a = silent_unit_batch(500)
    expected = doctor.Counter(4)
    expected.update(a)
    c = doctor.Counter(4)
    convert = {
        "jax": lambda x: module.numpy.asarray(x, dtype="float32"),
        "tensorflow": lambda x: module.constant(x, dtype="float32"),
        "torch": lambda x: module.tensor(x, dtype=module.float32),
        "array_api_strict": lambda x: module.asarray(x.astype("float32")),
    }[library]
    c.update(convert(a))
    got, want = c.stats(), expected.stats()
    assert got["dead_units"] == [2] and got["firing_histogram"] == want["firing_histogram"]
    assert got["sparsity"] == want["sparsity"] and got["dormant"] == want["dormant"]


# --------------------------------------------------------------------------------------------
# Lu et al. 2019: the share of born-dead nets.

PUBLISHED = {2: 0.910, 3: 0.631, 5: 0.152, 10: 0.0017}  # a 10^5-trial simulation (issue 11)


@pytest.mark.parametrize("width", sorted(PUBLISHED))
def test_collapse_probability_reproduces_lu_et_al(width):
    p, trials = PUBLISHED[width], 1000
    tolerance = 4 * math.sqrt(p * (1 - p) / trials) + 2 / trials  # 4 standard errors, and a count
    assert abs(doctor.collapse_probability(width, depth=10, trials=trials, seed=0) - p) <= tolerance


def test_collapse_probability_is_seeded_and_checks_its_arguments():
    assert doctor.collapse_probability(3, seed=1) == doctor.collapse_probability(3, seed=1)
    assert doctor.collapse_probability(3, seed=1) != doctor.collapse_probability(3, seed=2)
    with pytest.raises(ValueError, match="width must be >= 1. Received: 0"):
        doctor.collapse_probability(0)
    with pytest.raises(TypeError, match="depth must be an int"):
        doctor.collapse_probability(2, depth=2.5)


def test_three_inputs_decide_what_the_grid_decides():
    weights = _collapse.born_dead_weights(3, 10, 300, seed=4)
    assert np.array_equal(_collapse.collapsed(weights), _collapse.collapsed(weights, _collapse.GRID))


def test_import_doctor_imports_no_framework():
    code = (
        "import sys, numpy as np\nfrom rectifiers import doctor\n"
        "c = doctor.Counter(2); c.update(np.ones((3, 2))); c.stats()\n"
        "doctor.collapse_probability(2, trials=5)\n"
        "print([m for m in ('torch', 'jax', 'tensorflow', 'keras') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


PATHS = ["compiled one pass", "numpy on the tensor's memory", "torch ops"]


def chunked(path, monkeypatch):
    """Force ``path`` for a float32 CPU tensor, in many chunks and with rows wider than a chunk."""
    from rectifiers.doctor import _cpu_tally, _torch_tally

    if path == "compiled one pass":
        assert _cpu_tally._tally_native is not None, "rectifiers.doctor._tally_native was not built"
        return
    monkeypatch.setattr(_cpu_tally, "_tally_native", None)
    monkeypatch.setattr(_cpu_tally, "CHUNK", 64)
    monkeypatch.setattr(_torch_tally, "CHUNK", 64)
    if path == "torch ops":
        monkeypatch.setattr(_cpu_tally, "DTYPES", ())


def batch(case, z):
    """Activations of ``case`` from pre-activations ``z`` (channels-first), and the counter's kwargs."""
    if case == "leaky, channels-first":
        return np.where(z > 0, z, 0.1 * z), 1, {}
    if case == "relu, known >= 0":
        return np.maximum(z, 0), 1, {"nonnegative": True}
    if case == "tanh":
        return np.tanh(3 * z), 1, {"kind": "saturating"}
    return np.maximum(z.reshape(len(z), -1), 0), -1, {"nonnegative": True}


CASES = ["leaky, channels-first", "relu, known >= 0", "tanh", "dense, last axis"]
COMPARED = ("dead", "rare", "always_on", "dormant", "saturated", "firing_histogram", "samples")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES)
def test_torchs_chunked_tallies_equal_numpys(case, path, monkeypatch):
    torch = pytest.importorskip("torch")
    chunked(path, monkeypatch)
    z = np.random.default_rng(0).standard_normal((37, 5, 3, 4)).round(1).astype(np.float32)  # zeros too
    a, axis, kwargs = batch(case, z)
    units = a.shape[axis]
    ours, theirs = doctor.Counter(units, **kwargs), doctor.Counter(units, **kwargs)
    t = torch.from_numpy(a)
    ours.update(t, axis=axis)
    ours.update(t.transpose(0, 1).contiguous().transpose(0, 1), axis=axis)  # not contiguous
    if t.dim() == 4:
        ours.update(t.contiguous(memory_format=torch.channels_last), axis=axis)  # dense in memory
    for _ in range(3 if t.dim() == 4 else 2):
        theirs.update(a, axis=axis)
    got, want = ours.stats(), theirs.stats()
    for key in COMPARED:
        assert got[key] == want[key], key
    assert got["sparsity"] == pytest.approx(want["sparsity"]) and got["sparsity"] > 0
    assert got["firing_rate_mean"] == pytest.approx(want["firing_rate_mean"])


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES)
def test_nan_and_negative_zero_are_counted_as_defined(case, path, monkeypatch):
    """NaN is neither > 0 nor an exact zero; -0.0 is an exact zero; a derived count agrees."""
    torch = pytest.importorskip("torch")
    chunked(path, monkeypatch)
    z = np.random.default_rng(1).standard_normal((37, 5, 3, 4)).round(1).astype(np.float32)
    a, axis, kwargs = batch(case, z)
    a = a.copy()
    flat = a.reshape(-1)
    flat[::7] = np.nan
    flat[3::11] = -0.0
    units = a.shape[axis]
    ours, theirs = doctor.Counter(units, **kwargs), doctor.Counter(units, **kwargs)
    ours.update(torch.from_numpy(a), axis=axis)
    theirs.update(a, axis=axis)
    got, want = ours.stats(), theirs.stats()
    direct = np.count_nonzero(a == 0) / a.size
    assert direct > 0 and got["sparsity"] == pytest.approx(direct)
    for key in COMPARED:
        assert got[key] == want[key], key
    assert got["firing_rate_mean"] == pytest.approx(want["firing_rate_mean"])
    positive = np.count_nonzero(np.moveaxis(a, axis, -1).reshape(-1, units) > 0, axis=0)
    assert np.asarray(ours._positive.numpy()).tolist() == positive.tolist()


def test_the_docs_page_examples_run():
    import doctest
    import pathlib

    page = pathlib.Path(__file__).parents[1] / "docs" / "doctor.md"
    failures, tried = doctest.testfile(str(page), module_relative=False)
    assert tried >= 5 and failures == 0
