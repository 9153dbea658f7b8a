"""``report.html``: one self-contained page (every image embedded as a PNG data URI, no script,
no network) — the verdict table on top, then the evidence: learning curves, accuracy with error
bars, dead units per layer over epochs, sparsity, gradient norms per layer, the activations'
curves and derivatives, and at the bottom the environment, the configuration and the seeds.
"""

from __future__ import annotations

import base64
import html
import json

from . import figures

CSS = """
body{font-family:system-ui,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3}.supported{background:#d9f2d9}.not-supported{background:#f8d7d7}
.inconclusive{background:#fdf3d0}img{max-width:100%;display:block;margin:.5em 0}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:12px}small{color:#555}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3g}"
    return html.escape(str(v))


def _verdict_table(verdicts) -> str:
    rows = []
    for v in verdicts:
        tests = "<br>".join(
            f"{html.escape(t['label'])}: statistic {_fmt(t['statistic'])}, p = {_fmt(t['p'])} (n = {t['n']})"
            for t in v["numbers"]["tests"]
        )
        css = v["verdict"].replace(" ", "-")
        rows.append(
            f"<tr><td>{v['claim']}</td><td>{html.escape(v['statement'])}</td>"
            f'<td class="{css}"><b>{html.escape(v["verdict"])}</b><br>'
            f"<small>{html.escape(v['reason'])}</small></td>"
            f"<td><small>{tests}</small></td></tr>"
        )
    return (
        '<table id="verdicts"><tr><th>#</th><th>claim</th><th>verdict</th><th>tests (one-sided)</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def _groups_table(title, groups) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{_fmt(g['mean'])}</td>"
        f"<td>{_fmt(g['std'])}</td><td>{g['n']}</td></tr>"
        for label, g in groups.items()
    )
    return f"<table><tr><th>{html.escape(title)}</th><th>mean</th><th>sd</th><th>runs</th></tr>{rows}</table>"


def _claim_details(v) -> str:
    parts = [
        f"<h3>Claim {v['claim']}: {html.escape(v['statement'])}</h3>",
        f"<p><b>{html.escape(v['verdict'])}</b> — {html.escape(v['reason'])}</p>",
        f"<p><small>Test: {html.escape(v['test'])}</small></p>",
    ]
    for key, value in v["numbers"].items():
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(g, dict) and "mean" in g for g in value.values())
        ):
            parts.append(_groups_table(key.replace("_", " "), value))
    for key, value in v.get("timing", {}).items():
        parts.append(_groups_table(key.replace("_", " ") + " (s, wall clock; not tested)", value))
    return "\n".join(parts)


def render(results: dict) -> str:
    runs, verdicts, config = results["runs"], results["verdicts"], results["config"]
    target = config["target_accuracy"]
    settings = list(dict.fromkeys(r["setting"] for r in runs))
    sections = [
        (
            "Learning curves",
            figures.learning_curves(runs, target),
            f"Validation accuracy per epoch, mean and ±1 sd over seeds; dotted: the target {target}.",
        ),
        (
            "Accuracy per activation",
            figures.accuracy(runs),
            "Final test accuracy, mean with ±1 sd error bars.",
        ),
    ]
    for setting in settings:
        if any(p["layers"] for r in runs if r["setting"] == setting for p in r["doctor"]):
            sections.append(
                (
                    f"Dead units — {setting}",
                    figures.dead_units(runs, setting),
                    "A unit is dead when it never fires on the training data (the doctor's count).",
                )
            )
    sections.append(
        ("Sparsity", figures.sparsity(runs), "Fraction of exact zeros per sample, mean over hidden layers.")
    )
    for setting in settings:
        if setting.startswith("deep-mlp"):
            sections.append(
                (
                    f"Gradient norm per layer — {setting}",
                    figures.gradient_norms(runs, setting),
                    "Norm of the loss gradient at each hidden layer's output, over the doctor's passes.",
                )
            )
    choices = [(a["name"], a["params"]) for a in config["activations"]]
    sections.append(
        ("The activations", figures.curves(choices), "Each activation of the grid and its derivative.")
    )
    body = [
        "<h1>rectifiers compare</h1>",
        f"<p>{len(runs)} runs: {len(config['activations'])} activations × {len(settings)} settings × "
        f"{config['seeds']} seeds, {config['epochs']} epochs, on {html.escape(config['data']['source'])} "
        f"({html.escape(config['framework'])}).</p>",
        "<h2>Verdicts</h2>",
        _verdict_table(verdicts),
        "<p><small>A verdict comes from the stated test at level 0.05; “inconclusive” means this grid "
        "could not tell, not that the claim is false. The same code on other data may say otherwise."
        "</small></p>",
    ]
    for title, png, caption in sections:
        body += [
            f"<h2>{html.escape(title)}</h2>",
            _img(png, title),
            f"<p><small>{html.escape(caption)}</small></p>",
        ]
    body.append("<h2>The numbers behind each verdict</h2>")
    body += [_claim_details(v) for v in verdicts]
    body += [
        "<h2>Environment</h2>",
        f"<pre>{html.escape(json.dumps(results['environment'], indent=1, sort_keys=True))}</pre>",
        "<h2>Configuration</h2>",
        f"<pre>{html.escape(json.dumps(config, indent=1, sort_keys=True))}</pre>",
        f"<h2>Seeds</h2><p>{', '.join(str(s) for s in range(config['seeds']))} "
        "(each run's generators are seeded from its key: setting/activation/seed)</p>",
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>rectifiers compare</title>'
        f"<style>{CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )
