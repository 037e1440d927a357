"""The Markdown report (people) and the self-contained HTML page (inline SVG charts, no scripts, no CDN)."""

from __future__ import annotations

import html
from typing import Any

from llmextract.evals import overview
from llmextract.evals.compare import Change


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _summary_rows(m: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [
        ("project tables: precision / recall", f"{_pct(m['projects']['precision'])} / {_pct(m['projects']['recall'])}"),
        (
            "indicators: precision / recall / F1 / levels",
            " / ".join(_pct(m["indicators"][k]) for k in ("precision", "recall", "f1", "level_accuracy")),
        ),
        ("numeric accuracy (matched records)", _pct(m["numeric_accuracy"])),
        ("annual funds (all gold records)", _pct(m.get("annual_funds"))),
        (
            "verifier vs gold: precision / recall",
            f"{_pct(m['verifier']['precision'])} / {_pct(m['verifier']['recall'])}",
        ),
        ("erroneous records routed to review", _pct(m["calibration"]["routed_errors"])),
        ("review load", _pct(m["calibration"]["review_load"])),
    ]
    if "all" in m["mutation"]:
        a = m["mutation"]["all"]
        rows.append(("mutations detected / located", f"{_pct(a['detected'])} / {_pct(a['located'])} of {a['n']}"))
    u = m["usage"]
    rows.append(
        (
            "calls / tokens (prompt+completion) / cost",
            f"{u['calls']} / {u['prompt_tokens']}+{u['completion_tokens']} / "
            + ("unknown (no price for the model)" if u["cost"] is None else u["cost"]),
        )
    )
    return rows


def _split_table(s: dict[str, Any]) -> list[str]:
    """In-sample and held-out figures side by side (held-out documents were never looked at while tuning)."""
    splits = s.get("by_split") or {}
    if not splits:
        return []
    names = sorted(splits, key=lambda k: k != "in_sample")
    rows = [dict(_summary_rows(splits[k])) for k in names]
    labels = [label for label, _ in _summary_rows(s)]
    out = [
        "## In-sample and held-out gold",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    out += [f"| {label} | " + " | ".join(r.get(label, "—") for r in rows) + " |" for label in labels]
    return [*out, ""]


def _oracle_table(s: dict[str, Any]) -> list[str]:
    """Counts of an oracle-test-server suite (a test double answering from the gold), per split."""
    oracle = s.get("oracle") or {}
    if not oracle:
        return []
    names = sorted(oracle, key=lambda k: (k != "all", k != "in_sample", k))
    keys = sorted({k for v in oracle.values() for k in v})
    out = [
        "## Oracle test server (a test double answering from the gold: the LLM path's ceiling, not a model)",
        "",
        "| count | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    out += [f"| {k} | " + " | ".join(str(oracle[n].get(k, 0)) for n in names) + " |" for k in keys]
    return [*out, ""]


def to_markdown(report: dict[str, Any], changes: list[Change] | None = None) -> str:
    s = report["summary"]
    suite = report["suite"]
    out = [
        f"# Eval report: {suite['name']}",
        "",
        f"extractor `{suite['extractor']}`, model `{report.get('model')}`, threshold {suite['review_threshold']}, "
        f"mutations {suite['mutations']['count']}/document (seed {suite['mutations']['seed']}), "
        f"llmextract {report['tool_version']}, wall time {s['wall_time_s']} s",
        "",
        "| metric | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in _summary_rows(s)),
        "",
        *_split_table(s),
        *_oracle_table(s),
        "## Fields (matched records)",
        "",
        "| field | " + " | ".join(d["source"] for d in report["documents"] if "metrics" in d) + " | all |",
        "|---|" + "---|" * (1 + sum("metrics" in d for d in report["documents"])),
    ]
    docs = [d for d in report["documents"] if "metrics" in d]
    for group in ("fields", "text_f1"):
        for name, value in s[group].items():
            label = f"{name} (char F1)" if group == "text_f1" else name
            out.append(
                f"| {label} | " + " | ".join(_pct(d["metrics"][group][name]) for d in docs) + f" | {_pct(value)} |"
            )
    out += ["", "## Verifier mutation testing", "", "| mutations | n | detected | located |", "|---|---|---|---|"]
    out += [f"| {k} | {v['n']} | {_pct(v['detected'])} | {_pct(v['located'])} |" for k, v in s["mutation"].items()]
    for kind, mutation in s.get("mutation_by_document_kind", {}).items():
        out += [
            f"| {kind} documents: {k} | {v['n']} | {_pct(v['detected'])} | {_pct(v['located'])} |"
            for k, v in mutation.items()
            if k.startswith("checkable") or k == "all"
        ]
    out += [
        "",
        "## Documents",
        "",
        "| document | records | gold | mutations located | missed inconsistencies |",
        "|---|---|---|---|---|",
    ]
    for d in report["documents"]:
        if "skipped" in d:
            out.append(f"| {d['source']} | skipped: {d['skipped']} | | | |")
            continue
        located = d["metrics"]["mutation"].get("all", {}).get("located")
        out.append(
            f"| {d['source']} | {d['records']} | {'yes' if d.get('gold') else 'no'} | {_pct(located)} | "
            f"{len(d.get('missed_inconsistencies', []))} |"
        )
    out += ["", "## Calibration", "", "| confidence | records | erroneous |", "|---|---|---|"]
    out += [
        f"| [{b['lo']:.1f}, {b['hi']:.1f}) | {b['records']} | {_pct(b['erroneous_share'])} |"
        for b in s["calibration"]["bins"]
        if b["records"]
    ]
    if changes is not None:
        out += ["", "## Against the baseline", "", f"tolerance: {report['tolerances']['rates']}", ""]
        moved = [c for c in changes if abs(c.delta) > 1e-9]
        out += [
            f"- {'REGRESSION ' if c.regression else ''}{c.metric}: {_pct(c.baseline)} → {_pct(c.current)}"
            for c in moved
        ]
        out += [] if moved else ["no metric changed"]
    out += ["", "## Definitions", "", *(f"- **{k}**: {v}" for k, v in report["definitions"].items())]
    out += [f"- **tolerance ({k})**: {v}" for k, v in report["tolerances"].items()]
    return "\n".join(out) + "\n"


def _bars(title: str, items: list[tuple[str, float | None]]) -> str:
    """Horizontal bars, one per item, for values in [0, 1]."""
    row, width, label_w = 22, 360, 230
    height = row * len(items) + 30
    parts = [f'<svg width="{label_w + width + 60}" height="{height}" role="img" aria-label="{html.escape(title)}">']
    parts.append(f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>')
    for i, (label, value) in enumerate(items):
        y = 24 + i * row
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label)}</text>')
        w = 0 if value is None else value * width
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="14" fill="#4878a8"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12">{_pct(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _curve(bins: list[dict[str, Any]]) -> str:
    """Share of erroneous records per confidence bin; a well-calibrated scorer falls from left to right."""
    w, h, pad = 360, 220, 36
    parts = [f'<svg width="{w + 2 * pad}" height="{h + 2 * pad}" role="img" aria-label="calibration curve">']
    parts.append(f'<rect x="{pad}" y="{pad}" width="{w}" height="{h}" fill="none" stroke="#999"/>')
    parts.append(f'<text x="{pad}" y="{pad - 10}" font-weight="bold">erroneous share by confidence</text>')
    points = []
    for b in bins:
        if b["erroneous_share"] is None:
            continue
        x = pad + (b["lo"] + b["hi"]) / 2 * w
        y = pad + (1 - b["erroneous_share"]) * h
        points.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 + min(b["records"], 30) / 6:.1f}" fill="#c05030"/>')
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#c05030"/>')
    parts.append(f'<text x="{pad}" y="{h + pad + 16}" font-size="12">confidence 0 → 1 (dot size: records)</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(report: dict[str, Any], markdown: str) -> str:
    s = report["summary"]
    fields = [(k, v) for k, v in s["fields"].items()] + [(f"{k} (F1)", v) for k, v in s["text_f1"].items()]
    mutation = [(k, v["located"]) for k, v in s["mutation"].items()]
    charts = [
        _bars("per-field accuracy", fields),
        _curve(s["calibration"]["bins"]),
        _bars("mutations located, by kind and area", mutation),
    ]
    title = html.escape(f"Eval report: {report['suite']['name']}")
    documents = [{"document": d["source"], **d} for d in report["documents"] if "skipped" not in d]
    return (
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}.charts svg{display:block;margin:1em 0}"
        f"pre{{white-space:pre-wrap;background:#f6f6f6;padding:1em}}{overview.STYLE}</style></head><body>"
        f"<h1>{title}</h1><h2>Documents: records against what each document shows, errors, time per page</h2>"
        f"{overview.overview_table(documents)}"
        f'<div class="charts">{"".join(charts)}</div><pre>{html.escape(markdown)}</pre></body></html>\n'
    )
