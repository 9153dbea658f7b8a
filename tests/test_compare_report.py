"""The report in a browser: headless Chromium loads report.html from disk, every image decodes
(non-zero natural size) and the verdict table is there. Skipped only where chromium is absent."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from rectifiers.cli import main
from rectifiers.lab import results

pytest.importorskip("torch")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROBE = """<script>
window.addEventListener("load", () => {
  const sizes = [...document.images].map(i => i.naturalWidth + "x" + i.naturalHeight);
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = "IMAGES " + sizes.join(",") + " ROWS " + document.querySelectorAll("#verdicts tr").length;
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_every_image_loads_and_the_verdict_table_is_there(tmp_path):
    out = tmp_path / "out"
    grid = ["--models", "mlp", "deep-mlp", "--activations", "relu", "tanh", "--seeds", "1", "--epochs", "1"]
    assert main(["compare", "--out", str(out), *grid, "--quiet", "--jobs", "1"]) == 0
    page = (out / results.HTML).read_text()
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                probed.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    match = re.search(r"IMAGES (\S*) ROWS (\d+)", done.stdout)
    assert match, done.stderr[-2000:]
    sizes = match.group(1).split(",")
    assert len(sizes) == page.count("<img ") >= 6
    assert all(int(w) > 0 and int(h) > 0 for w, h in (s.split("x") for s in sizes)), sizes
    assert int(match.group(2)) == 1 + 5  # header + one row per claim
