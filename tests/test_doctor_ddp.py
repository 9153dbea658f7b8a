"""Under torch.distributed the doctor sums its counters over ranks: two CPU processes (gloo,
on 127.0.0.1) that each see half of the data report exactly what one process that sees all of
it reports. One unit fires only on rank 1's half, so a per-rank answer would call it dead."""

from __future__ import annotations

import json
import os
import runpy
import socket
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("torch")

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import torch
    import torch.distributed as dist
    from rectifiers import doctor

    rank, world, port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    torch.set_num_threads(1)
    if world > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.ReLU())
    with torch.no_grad():
        model[2].weight.abs_()
        model[0].bias[[1, 4]] = -1e4                    # can never fire
        model[0].weight[2] = torch.tensor([5.0, 0, 0, 0])
        model[0].bias[2] = 0.0                          # fires only where x[:, 0] > 0: rank 1's half
        model[2].bias[0] = -1e4
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model)
    x = torch.randn(1200, 4, generator=torch.Generator().manual_seed(1))
    x = x[torch.argsort(x[:, 0])]                      # first half: x0 < 0; second half: x0 > 0
    halves = x.chunk(2)
    batches = halves[rank].chunk(2) if world > 1 else halves   # 2 x 300 on each rank, or 2 x 600
    extra = halves[rank][:100] if world > 1 else torch.cat([h[:100] for h in halves])
    with doctor.watch(model) as doc:
        for epoch in range(2):
            for batch in batches:
                model(batch).sum().backward()
            if epoch == 0:
                doc.next_window()
        with torch.no_grad():
            model(extra)
        stats = doc.stats()
    if rank == 0:
        with open(out, "w") as file:
            json.dump(stats, file)
    if world > 1:  # gloo's worker threads must be joined before exit, or C++ aborts the process
        dist.barrier()
        dist.destroy_process_group()
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(world, tmp_path, monkeypatch) -> list[dict]:
    script, out, port = tmp_path / "ddp.py", tmp_path / f"stats{world}.json", str(free_port())
    script.write_text(SCRIPT)
    if world == 1:  # in this process: no process group
        monkeypatch.setattr(sys, "argv", [str(script), "0", "1", port, str(out)])
        runpy.run_path(str(script), run_name="__main__")
        return json.loads(out.read_text())
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo", "MASTER_ADDR": "127.0.0.1"}
    procs = [
        subprocess.Popen([sys.executable, str(script), str(r), str(world), port, str(out)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for r in range(world)
    ]  # fmt: skip
    try:
        outputs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            p.kill()
    codes = [p.returncode for p in procs]
    assert codes == [0] * world, f"exit codes {codes}:\n" + "\n".join(outputs)
    return json.loads(out.read_text())


def test_two_gloo_processes_report_the_single_process_answer(tmp_path, monkeypatch):
    single, double = run(1, tmp_path, monkeypatch), run(2, tmp_path, monkeypatch)
    assert [r["dead_units"] for r in single] == [[1, 4], [0]]  # unit 2 fired, on the second half
    assert [r["samples"] for r in single] == [1400, 1400] and single[0]["window"] == 1
    assert single[0]["persistently_dead"] == 2
    for one, two in zip(single, double, strict=True):
        # the gradient norms are per process and per batch: the batches differ by construction
        drop = ("grad_norm", "grad_ratio")
        assert {k: v for k, v in two.items() if k not in drop} == {
            k: v for k, v in one.items() if k not in drop
        }
