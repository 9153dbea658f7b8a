"""Training memory and step time: rectifiers.torch against torch.nn, side by side in one run.

For a 4-layer MLP (batch 512, width 4096) and the seeds' CNN (Conv2D 32 3x3 -> MaxPool 2 ->
Conv2D 64 3x3 -> MaxPool 2 -> Flatten -> Dense 128 -> Dense 10 on 64x64x3, batch 64) it prints,
for every rectifier:

The loss is ``sum()``, which keeps nothing itself.

* saved: unique bytes the autograd graph keeps for one step (``saved_tensors_hooks``,
  de-duplicated by storage; parameters and the network input left out), and the ratio to
  torch.nn's ReLU in the same model;
* act: the bytes the activation layers keep that no other layer keeps (their own saving), as a
  fraction of one float32 copy of their outputs;
* peak: the peak resident memory of one training step above the memory before it (Linux
  ``/proc/self/clear_refs``, with glibc's mmap threshold fixed), ours / torch.nn's;
* time: the median forward+backward time (ms) over rounds in shuffled order, and the median
  over rounds of ours / torch.nn's, each pair measured in the same round.

A last table times the activation alone (forward+backward on one MLP-sized tensor), where the
implementations differ; in a whole step the matrix products dominate.

    python benchmarks/torch_memory.py           # the full run (a few minutes on 2 cores)
    python benchmarks/torch_memory.py --quick   # small shapes, one round: a smoke test
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import torch

import rectifiers as rf
import rectifiers.torch as rt

#: The rectifiers: every activation with a kink.
NAMES = tuple(name for name in rf.names() if rf.get(name).kinks)

#: torch.nn's module for each activation that has one, from our parameters (rrelu in training,
#: as a module is). An activation without one is skipped, and the run says so.
TORCH_NN = {
    "relu": lambda p: torch.nn.ReLU(),
    "relu6": lambda p: torch.nn.ReLU6(),
    "leaky_relu": lambda p: torch.nn.LeakyReLU(p["alpha"]),
    "prelu": lambda p: torch.nn.PReLU(init=p["alpha"]),
    "rrelu": lambda p: torch.nn.RReLU(p["lower"], p["upper"]),
    "elu": lambda p: torch.nn.ELU(p["alpha"]),
    "selu": lambda p: torch.nn.SELU(),
}


#: The activations a run measures (``--names``; by default every one in NAMES).
CHOSEN: list = []


def compared():
    """The names in NAMES that torch.nn has a module for; the others are reported as skipped."""
    for name in CHOSEN or NAMES:
        if name in TORCH_NN:
            yield name
        else:
            print(f"{name:<11}skipped: torch.nn has no counterpart (add one to TORCH_NN)")


def variants(name):
    """(label, activation factory) pairs to compare for ``name``."""
    params = rf.get(name).example_params
    out = [("torch.nn", lambda: TORCH_NN[name](params)), ("ours", lambda: rt.Activation(name))]
    if rf.get(name).mask is not None:
        out.append(("ours bits", lambda: rt.Activation(name, memory="bits")))
    return out


def mlp(act, width, layers=4):
    blocks = []
    for _ in range(layers):
        blocks += [torch.nn.Linear(width, width), act()]
    return torch.nn.Sequential(*blocks)


def cnn(act, side):
    pooled = ((side - 2) // 2 - 2) // 2
    flat = 64 * pooled * pooled
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 3), act(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), act(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(flat, 128), act(), torch.nn.Linear(128, 10),
    )  # fmt: skip


def saved_bytes(model, x):
    """(all unique saved bytes, bytes only the activation layers keep, float32 bytes of their outputs)."""
    params = {p.untyped_storage().data_ptr() for p in model.parameters()} | {x.untyped_storage().data_ptr()}
    layers = (torch.nn.Linear, torch.nn.Conv2d, torch.nn.MaxPool2d, torch.nn.Flatten)
    activations = [m for m in model if not isinstance(m, layers)]
    current, kept, outputs = [None], {}, [0]

    def pre(module, args):
        current[0] = module

    def post(module, args, out):
        current[0] = None
        outputs[0] += out.numel() * 4

    handles = [m.register_forward_pre_hook(pre) for m in activations]
    handles += [m.register_forward_hook(post) for m in activations]

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in params:
            owners = kept.setdefault(storage.data_ptr(), [storage.nbytes(), set()])
            owners[1].add(current[0] is not None)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = model(x).sum()
    for h in handles:
        h.remove()
    total = sum(n for n, _ in kept.values())
    own = sum(n for n, who in kept.values() if who == {True})
    del loss
    return total, own, outputs[0]


def _rss(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def measured_step(model, x):
    """(seconds, peak resident bytes above the start) of one forward+backward step."""
    model.zero_grad(set_to_none=False)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM, the peak resident memory
        before = _rss("VmRSS")
    except OSError:
        before = None
    t0 = time.perf_counter()
    model(x).sum().backward()
    seconds = time.perf_counter() - t0
    return seconds, float("nan") if before is None else _rss("VmHWM") - before


def _ratio(a, b):
    return a / b if b else float("nan")


def run(title, build, x, rounds):
    print(f"\n## {title}: input {tuple(x.shape)}, {rounds} rounds, {torch.get_num_threads()} thread(s)")
    print(f"{'activation':<11}{'variant':<10}{'saved MiB':>10}{'x relu':>8}{'act own':>9}"
          f"{'peak MiB':>10}{'peak x':>8}{'ms':>9}{'time x':>8}")  # fmt: skip
    torch.manual_seed(0)
    relu_saved = saved_bytes(build(torch.nn.ReLU), x)[0]
    for name in compared():
        models = {label: build(act) for label, act in variants(name)}
        for m in models.values():
            m.load_state_dict(next(iter(models.values())).state_dict())
            measured_step(m, x)  # warm-up
        times = {label: [] for label in models}
        peaks = {label: [] for label in models}
        order = list(models)
        for _ in range(rounds):
            random.shuffle(order)
            for label in order:
                seconds, peak = measured_step(models[label], x)
                times[label].append(seconds)
                peaks[label].append(peak)
        base_p = statistics.median(peaks["torch.nn"])
        for label, m in models.items():
            total, own, out = saved_bytes(m, x)
            t, p = statistics.median(times[label]), statistics.median(peaks[label])
            # the median of per-round ratios: each pair ran back to back, under the same load
            paired = statistics.median(a / b for a, b in zip(times[label], times["torch.nn"], strict=True))
            memory = f"{total / 2**20:>10.2f}{total / relu_saved:>8.2f}{own / out:>9.4f}"
            speed = f"{p / 2**20:>10.1f}{_ratio(p, base_p):>8.2f}{t * 1e3:>9.1f}{paired:>8.3f}"
            print(f"{name:<11}{label:<10}{memory}{speed}")


def run_alone(shape, rounds):
    """The activation alone, forward+backward on one tensor: where the implementations differ."""
    print(f"\n## activation alone: input {shape}, {rounds} rounds (median ms; x: median paired ratio)")
    x = torch.randn(shape)
    g = torch.randn(shape)
    for name in compared():
        fns = {label: act() for label, act in variants(name)}
        times = {label: [] for label in fns}
        order = list(fns)
        for _ in range(rounds + 1):
            random.shuffle(order)
            for label in order:
                a = x.clone().requires_grad_()
                t0 = time.perf_counter()
                fns[label](a).backward(g)
                times[label].append(time.perf_counter() - t0)
        cells = []
        for label, ts in times.items():
            ts = ts[1:]  # the first round warms up
            paired = statistics.median(a / b for a, b in zip(ts, times["torch.nn"][1:], strict=True))
            cells.append(f"{label} {statistics.median(ts) * 1e3:7.1f} ms {paired:6.3f}x")
        print(f"{name:<11}" + "   ".join(cells))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small shapes and one round (a smoke test)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--names", nargs="+", choices=NAMES, help="these activations only")
    parser.add_argument("--alone", action="store_true", help="the activation alone, not the models")
    args = parser.parse_args(argv)
    CHOSEN[:] = args.names or []
    torch.set_num_threads(args.threads)
    random.seed(0)
    rounds = 1 if args.quick else args.rounds
    batch, width = (16, 64) if args.quick else (512, 4096)
    side, images = (16, 4) if args.quick else (64, 64)
    print(f"torch {torch.__version__}, rectifiers {rf.__version__}; x: ours / torch.nn in the same run")
    torch.manual_seed(0)
    if not args.alone:
        run("MLP 4 x (Linear + act)", lambda act: mlp(act, width), torch.randn(batch, width), rounds)
        run("CNN (seeds)", lambda act: cnn(act, side), torch.randn(images, 3, side, side), rounds)
    run_alone((batch, width), 1 if args.quick else 21)


if __name__ == "__main__":
    # A fixed mmap threshold: glibc then returns every large block to the system when it is
    # freed, so the resident peak tracks live tensors instead of the allocator's history.
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        environment = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}
        os.execve(sys.executable, [sys.executable, *sys.argv], environment)
    main()
