"""The doctor's cost: training-step time with and without ``doctor.watch``, side by side in one run.

Two copies of each model with the same weights, one watched (the hooks stay on for the whole
run, as in training) and one not, take turns in every round in shuffled order; a step is
forward + ``sum()`` loss + backward + an SGD step. The models are the seeds' CNN (Conv2D 32 3x3
-> MaxPool 2 -> Conv2D 64 3x3 -> MaxPool 2 -> Flatten -> Dense 128 -> Dense 10 on 64x64x3,
batch 64) and the 4-layer MLP (4 x (Linear 4096 -> 4096 + ReLU), batch 512), as in
benchmarks/torch_memory.py. It prints the median step time of each and the median over rounds
of the paired ratio watched / plain (target: <= 1.03). On a busy machine that ratio is noisy,
so each round also times the doctor's own work alone, on the same activations: the counter
updates of one step's forward and the gradient norms of its backward, and prints the median
over rounds of that work / the round's plain step, paired like the ratio, and its two parts
(counting, gradient norms) beside one plain ``torch.sum`` over the same tensors, the floor of
any pass that reads them. Nothing is asserted.

    python benchmarks/doctor_overhead.py            # 7 rounds, 1 thread
    python benchmarks/doctor_overhead.py --quick    # small shapes, 3 rounds: a smoke test
"""

from __future__ import annotations

import argparse
import copy
import random
import statistics
import time

import torch

from rectifiers import doctor
from rectifiers.doctor import _torch  # noqa: F401  (activation_modules)


def mlp(width, layers=4):
    blocks = []
    for _ in range(layers):
        blocks += [torch.nn.Linear(width, width), torch.nn.ReLU()]
    return torch.nn.Sequential(*blocks)


def cnn(side):
    pooled = ((side - 2) // 2 - 2) // 2
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(64 * pooled * pooled, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )  # fmt: skip


def stepper(model, x):
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)

    def step():
        optimizer.zero_grad(set_to_none=True)
        model(x).sum().backward()
        optimizer.step()
        if x.device.type == "cuda":
            torch.cuda.synchronize()

    return step


def own_work(model, x):
    """A step's counting alone, as a callable: the counters' updates and gradient norms on the
    activations of one forward pass of ``model`` (the gradients have their shapes)."""
    outputs = []
    handles = [
        m.register_forward_hook(lambda m, a, out: outputs.append(out.detach()))
        for _, m, *_ in doctor._torch.activation_modules(model)
    ]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    counters = [doctor.Counter(out.shape[1], nonnegative=True) for out in outputs]

    def count():
        for counter, out in zip(counters, outputs, strict=True):
            counter.update(out, axis=1 if out.dim() >= 3 else -1)

    def norms():
        for counter, out in zip(counters, outputs, strict=True):
            counter.update_gradient(out)

    def read():  # the floor: one plain read of the same tensors
        for out in outputs:
            out.sum()

    def work():
        count()
        norms()
        if x.device.type == "cuda":
            torch.cuda.synchronize()

    return work, {"counting": count, "gradient norms": norms, "one torch.sum (a read)": read}


def compare(label, make, x, rounds, window, every=1, echo=print):
    torch.manual_seed(0)
    plain = make().to(x.device)
    watched = copy.deepcopy(plain)
    doc = doctor.watch(watched, window=window, every=every)
    work, parts = own_work(plain, x)
    steps = {"plain": stepper(plain, x), "doctor": stepper(watched, x), "work": work, **parts}
    for step in steps.values():  # warm-up
        step()
    times = {name: [] for name in steps}
    for _ in range(rounds):
        order = list(steps)
        random.shuffle(order)
        for name in order:
            start = time.perf_counter()
            steps[name]()
            times[name].append(time.perf_counter() - start)
    doc.close()
    ratios = [d / p for d, p in zip(times["doctor"], times["plain"], strict=True)]
    shares = [w / every / p for w, p in zip(times["work"], times["plain"], strict=True)]
    layers = doc.stats()
    plain_ms, doctor_ms, work_ms = (statistics.median(times[n]) * 1e3 for n in ("plain", "doctor", "work"))
    echo(
        f"{label:<24} {tuple(x.shape)!s:<18} plain {plain_ms:9.1f} ms  doctor {doctor_ms:9.1f} ms  "
        f"ratio {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}; "
        f"{len(layers)} layers watched, {layers[0]['samples']} samples in the open window)\n"
        f"{'':<24} the doctor's work alone: {work_ms / every:.1f} ms per step (counting 1 step in {every}) "
        f"= {statistics.median(shares):.1%} of the plain step "
        f"(min {min(shares):.1%}, max {max(shares):.1%})\n"
        f"{'':<24} of which, median ms: "
        + ", ".join(f"{part} {statistics.median(times[part]) * 1e3:.1f}" for part in parts)
    )
    return statistics.median(ratios)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--window", type=int, default=None, help="close a window every N samples (default: none)"
    )
    parser.add_argument("--every", type=int, default=1, help="count one step in N (default: 1, every step)")
    parser.add_argument("--models", default="cnn,mlp", help="comma-separated: cnn, mlp (default: both)")
    parser.add_argument("--quick", action="store_true", help="small shapes, 3 rounds")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rounds, width, batch, side, images = args.rounds, 4096, 512, 64, 64
    if args.quick:
        rounds, width, batch, side, images = 3, 256, 64, 16, 16
    device = torch.device(args.device)
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), device {device}, {rounds} rounds, "
        f"window {args.window}, every {args.every}; ratio = median over rounds of doctor / plain, "
        "paired in each round"
    )
    models = {m.strip() for m in args.models.split(",")}
    if "cnn" in models:
        x = torch.randn(images, 3, side, side, device=device)
        compare("CNN (seeds)", lambda: cnn(side), x, rounds, args.window, args.every)
    if "mlp" in models:
        x = torch.randn(batch, width, device=device)
        compare("MLP 4 x (Linear + ReLU)", lambda: mlp(width), x, rounds, args.window, args.every)


if __name__ == "__main__":
    main()
