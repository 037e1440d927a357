"""A one-page picture of a run over many documents: per document, records against the signals, errors, time.

The eval report (``report.html``) and the corpus benchmark (``corpus.html``) both show it. Each row is one
document: its records beside what the document itself shows (项目名称 labels, target-table titles, the
prose's count of project targets; :mod:`llmextract.evals.signals`), its error findings and its seconds per
page, as bars on one scale per column, so a document whose records fall short of its signals, that has many
errors or that is slow stands out. The page is self-contained: inline CSS and SVG, no script, nothing loaded
from the network.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

# (key in the row's signals, label, colour) drawn beside the records bar.
_SIGNALS = (
    ("name_labels", "项目名称 labels", "#9aa4b2"),
    ("target_titles", "target-table titles", "#c3b091"),
    ("prose_count", "prose count", "#e08a3c"),
)
_RECORDS_COLOUR = "#2f6db5"
_ERRORS_COLOUR = "#b42318"
_TIME_COLOUR = "#067647"
_WIDTH = 220
_ROW = 12

STYLE = (
    "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:1.5em;color:#1d2430}"
    "table.overview{border-collapse:collapse;font-size:12px}"
    "table.overview th,table.overview td{border-bottom:1px solid #e4e7ec;padding:3px 8px;text-align:left;"
    "vertical-align:middle}"
    "table.overview td.doc{max-width:28em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}"
    "table.overview td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:10px;height:10px;"
    "margin-right:4px}.failed{color:#b42318}.totals{margin:.5em 0 1em}"
)


def overview_table(rows: Iterable[Mapping[str, Any]]) -> str:
    """The per-document table (an HTML fragment). A row: ``document``, ``records``, ``signals`` (dict),
    ``errors``, ``pages``, ``seconds``, and ``failure`` (None when the document was read)."""
    shown = [r for r in rows if r.get("records") is not None or r.get("failure")]
    read = [r for r in shown if not r.get("failure")]
    scale = max([1, *(_count(r) for r in read), *(_signal(r, key) or 0 for r in read for key, _, _ in _SIGNALS)])
    most_errors = max([1, *(r.get("errors") or 0 for r in read)])
    slowest = max([0.001, *(_per_page(r) or 0 for r in read)])
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{html.escape(label)}</span>'
        for label, colour in (("records", _RECORDS_COLOUR), *((label, colour) for _, label, colour in _SIGNALS))
    )
    out = [
        f'<p class="legend">{legend}</p>',
        '<table class="overview"><thead><tr><th>document</th><th>records vs signals</th><th>records</th>'
        "<th>errors</th><th></th><th>s / page</th><th></th></tr></thead><tbody>",
    ]
    for row in shown:
        name = html.escape(str(row["document"]))
        if row.get("failure"):
            out.append(
                f'<tr><td class="doc" title="{name}">{name}</td><td colspan="6" class="failed">failed: '
                f"{html.escape(str(row['failure']))}</td></tr>"
            )
            continue
        per_page = _per_page(row)
        out.append(
            f'<tr><td class="doc" title="{name}">{name}</td><td>{_grouped(row, scale)}</td>'
            f'<td class="num">{_count(row)}</td>'
            f'<td>{_bar(row.get("errors") or 0, most_errors, _ERRORS_COLOUR)}</td>'
            f'<td class="num">{row.get("errors") or 0}</td>'
            f"<td>{_bar(per_page or 0, slowest, _TIME_COLOUR)}</td>"
            f'<td class="num">{"—" if per_page is None else f"{per_page:.2f}"}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def overview_page(title: str, rows: Iterable[Mapping[str, Any]], notes: Iterable[str] = ()) -> str:
    """A whole HTML page: the title, lines of totals, and the table."""
    lines = "".join(f"<div>{html.escape(n)}</div>" for n in notes)
    return (
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<div class="totals">{lines}</div>{overview_table(rows)}</body></html>\n'
    )


def _count(row: Mapping[str, Any]) -> int:
    return int(row.get("records") or 0)


def _signal(row: Mapping[str, Any], key: str) -> int | None:
    value = (row.get("signals") or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _per_page(row: Mapping[str, Any]) -> float | None:
    pages, seconds = row.get("pages"), row.get("seconds")
    return seconds / pages if pages and seconds is not None else None


def _grouped(row: Mapping[str, Any], scale: int) -> str:
    """The records bar and, under it, one thin bar per signal the document has."""
    bars = [(_count(row), _RECORDS_COLOUR, "records")]
    bars += [(value, colour, label) for key, label, colour in _SIGNALS if (value := _signal(row, key)) is not None]
    height = _ROW * len(bars)
    parts = [f'<svg width="{_WIDTH + 40}" height="{height}" role="img">']
    for i, (value, colour, label) in enumerate(bars):
        w = _WIDTH * value / scale
        y = i * _ROW
        parts.append(
            f'<rect x="0" y="{y + 2}" width="{w:.1f}" height="{_ROW - 4}" fill="{colour}">'
            f"<title>{html.escape(label)}: {value}</title></rect>"
            f'<text x="{w + 3:.1f}" y="{y + _ROW - 3}" font-size="9">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _bar(value: float, most: float, colour: str) -> str:
    w = 120 * value / most if most else 0
    rect = f'<rect x="0" y="2" width="{w:.1f}" height="{_ROW - 4}" fill="{colour}"/>'
    return f'<svg width="124" height="{_ROW}" role="img">{rect}</svg>'
