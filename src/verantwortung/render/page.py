"""The HTML page around a handbook or report: one self-contained file.

Inline CSS with system fonts, inline SVG, no script, no font, no image and no
address outside the file. A Content-Security-Policy meta tag forbids scripts and
every fetch, so even a mistake in escaping could not run code or phone home.
"""

from __future__ import annotations

import html
import re

__all__ = ["CSS", "esc", "inline_svg", "page"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink: #1f2937; --muted: #4b5563; --line: #e5e7eb; --soft: #f9fafb;
  --accent: #0f766e; --accent-soft: #ccfbf1; --current: #f59e0b; --current-soft: #fef3c7;
  --ok: #047857; --ok-soft: #d1fae5; --no: #b91c1c; --no-soft: #fee2e2; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #f3f4f6; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 0 24px 48px; }
header.top { background: #134e4a; color: #fff; padding: 28px 0 24px; margin-bottom: 24px; }
header.top .inner { max-width: 1080px; margin: 0 auto; padding: 0 24px; }
header.top .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: .78rem;
  opacity: .8; margin: 0 0 4px; }
header.top h1 { margin: 0 0 6px; font-size: 1.9rem; font-weight: 650; }
header.top .sub { margin: 0; opacity: .9; }
header.top .phase-badge { display: inline-block; margin-top: 12px; padding: 4px 12px;
  border-radius: 999px; background: var(--current); color: #111827; font-weight: 600; }
h2 { font-size: 1.25rem; margin: 0 0 12px; font-weight: 650; }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
h4 { font-size: .95rem; margin: 14px 0 4px; color: #374151; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin: 0 0 18px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
  gap: 12px; margin: 0 0 18px; }
.kpi { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.kpi .n { font-size: 1.7rem; font-weight: 700; color: var(--accent); line-height: 1.1; }
.kpi .l { color: var(--muted); font-size: .85rem; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.cols.wide { grid-template-columns: 2fr 1fr; }
@media (max-width: 820px) { .cols, .cols.wide { grid-template-columns: 1fr; } }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; text-transform: uppercase;
  letter-spacing: .04em; }
td.date { white-space: nowrap; color: var(--muted); font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
.wide-table { overflow-x: auto; } td.num, th.num { text-align: right; }
.chip.overdue { background: var(--no-soft); border-color: #fecaca; color: #991b1b; }
.chip { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: .8rem;
  font-weight: 600; background: var(--soft); border: 1px solid var(--line); white-space: nowrap; }
.chip.idea, .chip.planned { background: #eef2ff; border-color: #c7d2fe; color: #3730a3; }
.chip.running, .chip.continuing { background: var(--accent-soft); border-color: #99f6e4;
  color: #115e59; }
.chip.completed, .chip.handed_over { background: var(--ok-soft); border-color: #a7f3d0;
  color: #065f46; }
.chip.dropped { background: var(--no-soft); border-color: #fecaca; color: #991b1b; }
ul.options { list-style: none; padding: 0; margin: 0; }
ul.options > li { border: 1px solid var(--line); border-left-width: 4px; border-radius: 8px;
  padding: 10px 14px; margin: 0 0 10px; }
ul.options > li.allowed { border-left-color: var(--ok); background: #f0fdf4; }
ul.options > li.blocked { border-left-color: var(--no); background: #fffafa; }
ul.options .mark { font-weight: 700; margin-right: 6px; }
ul.options li.allowed .mark { color: var(--ok); }
ul.options li.blocked .mark { color: var(--no); }
ul.options ul { margin: 6px 0 0; padding-left: 20px; }
.advice { background: var(--current-soft); border: 1px solid #fcd34d; border-radius: 8px;
  padding: 8px 12px; margin: 6px 0; }
figure { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
  gap: 14px; margin-top: 14px; }
figure.breakdown figcaption { font-weight: 600; font-size: .9rem; margin-bottom: 4px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
figure.graph svg { max-height: 920px; max-width: 760px; margin: 0 auto; }
ul.legend { list-style: none; padding: 0; margin: 0; align-self: center; font-size: .9rem; }
ul.legend li { margin: 0 0 10px; display: flex; align-items: center; gap: 10px; }
.swatch { display: inline-block; width: 34px; height: 18px; border-radius: 6px;
  border: 1.5px solid #9ca3af; background: #fff; flex: none; }
.swatch.passed { background: #d1fae5; border-color: #047857; }
.swatch.current { background: #fde68a; border: 3px solid #b45309; }
.line { display: inline-block; width: 34px; height: 0; border-top: 3px solid; flex: none; }
.line.allowed { border-color: #047857; }
.line.blocked { border-color: #b91c1c; border-top-style: dashed; }
figcaption { color: var(--muted); font-size: .85rem; margin-top: 6px; }
pre.mermaid { background: var(--soft); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px; overflow-x: auto; font-size: .8rem; }
blockquote { margin: 8px 0; padding: 6px 14px; border-left: 3px solid var(--accent);
  background: var(--soft); }
ul.checklist { list-style: none; padding-left: 4px; }
ul.checklist li::before { content: "☐"; margin-right: 8px; color: var(--accent); }
.rule { margin: 4px 0; }
.rule .msg { color: var(--muted); font-size: .88rem; }
.tag { display: inline-block; font-size: .72rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: .05em; padding: 0 6px; border-radius: 4px; margin-right: 6px;
  vertical-align: 1px; }
.tag.hard { background: var(--no-soft); color: #991b1b; }
.tag.soft { background: var(--current-soft); color: #92400e; }
footer { color: var(--muted); font-size: .8rem; text-align: center; margin-top: 28px; }
@media print { body { background: #fff; } section.card { box-shadow: none;
  break-inside: avoid; } header.top { print-color-adjust: exact;
  -webkit-print-color-adjust: exact; } }
"""


def esc(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_SIZE = re.compile(r'<svg width="[^"]*"\s+height="[^"]*"')


def inline_svg(svg: str, *, label: str = "") -> str:
    """Graphviz SVG made fit for inlining in HTML: no prolog, comments or namespace URLs.

    HTML parses inline SVG into the SVG namespace by itself, so the ``xmlns``
    addresses are dropped: the file then names no address outside itself.
    """
    body = _PROLOG.sub("", svg).strip()
    body = _XMLNS.sub("", body)
    aria = f' role="img" aria-label="{esc(label)}"' if label else ""
    return _SIZE.sub(lambda _: f"<svg{aria}", body, count=1)  # a label is text, not a pattern


def page(title: str, body: str, lang: str) -> str:
    """A whole HTML document: ``body`` (already escaped HTML) with the shared style."""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="verantwortung">\n<title>{esc(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
