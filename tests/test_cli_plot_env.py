"""``rectifiers plot`` draws PNG and SVG from the core; ``rectifiers env`` prints the versions."""

from __future__ import annotations

import json

import pytest

from rectifiers.cli import main

pytest.importorskip("matplotlib")


def test_plot_png_and_svg(tmp_path, capsys):
    png, svg = tmp_path / "a.png", tmp_path / "a.svg"
    assert main(["plot", "relu", "leaky_relu", "elu", "--param", "alpha=0.1", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(png) as image:
        assert image.width > 300 and image.height > 150
    assert main(["plot", "prelu", "rrelu", "--out", str(svg)]) == 0
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "prelu" in text
    assert capsys.readouterr().out.split() == [str(png), str(svg)]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["swish"], "Unknown activation"),
        (["softmax"], "not elementwise"),
        (["relu", "--param", "alpha=0.1"], "no NAME takes alpha"),
        (["leaky_relu", "--param", "alpha=nan"], "alpha"),
        (["relu", "--param", "alpha"], "K=V"),
    ],
)
def test_plot_refuses_bad_input(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["plot", *argv, "--out", str(tmp_path / "x.png")])
    assert exit.value.code == 2 and message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plot", "relu", "--out", str(tmp_path / "x.pdf")])


def test_env_prints_the_versions(capsys):
    assert main(["env"]) == 0
    text = capsys.readouterr().out
    assert "- Python: " in text and "- numpy: " in text and "usable CPUs" in text
    assert main(["env", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {"python", "platform", "cpus", "versions"} <= set(info) and "rectifiers" in info["versions"]
