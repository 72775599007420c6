"""A tiny document model written once and rendered as Markdown or HTML.

The handbook is built from these blocks, so its Markdown and HTML forms say the
same. Every text is plain text: each renderer escapes it for its own syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .page import esc

__all__ = ["Block", "Diagram", "Heading", "Inline", "Item", "Items", "Para", "Section", "Table",
           "Text", "to_html", "to_markdown"]

Style = Literal["", "b", "i", "code", "tag-hard", "tag-soft", "muted"]


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text in one style."""

    text: str
    style: Style = ""


Inline = Sequence[Text]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; ``anchor`` becomes the HTML id."""

    level: int
    text: Inline
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph; ``quote`` draws it as a quotation."""

    text: Inline
    quote: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """A list item with optional nested items."""

    text: Inline
    children: tuple[Item, ...] = ()
    css: str = ""


@dataclass(frozen=True, slots=True)
class Items:
    """A bulleted, numbered or checklist list."""

    items: tuple[Item, ...]
    kind: Literal["ul", "ol", "check"] = "ul"


@dataclass(frozen=True, slots=True)
class Table:
    """A table of plain-text cells."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True, slots=True)
class Diagram:
    """The phase diagram: Mermaid text, and the SVG to show in HTML when there is one."""

    mermaid: str
    svg: str | None = None
    caption: str = ""
    fallback_note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """Blocks grouped in a card (HTML) or under a rule (Markdown)."""

    blocks: tuple[Block, ...] = field(default_factory=tuple)


Block = Heading | Para | Items | Table | Diagram | Section

# -- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md_text(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


def _md_inline(parts: Inline) -> str:
    out = []
    for p in parts:
        if p.style == "code":
            out.append(f"`{p.text.replace('`', '')}`")
            continue
        text = _md_text(p.text)
        if not text:
            continue
        if p.style in ("b", "tag-hard", "tag-soft"):
            out.append(f"**{text}**")
        elif p.style in ("i", "muted"):
            out.append(f"*{text}*")
        else:
            out.append(text)
    return "".join(out)


def _md_items(items: Sequence[Item], kind: str, depth: int) -> list[str]:
    lines = []
    for n, item in enumerate(items, start=1):
        bullet = f"{n}." if kind == "ol" else "- [ ]" if kind == "check" else "-"
        lines.append(f"{'  ' * depth}{bullet} {_md_inline(item.text)}")
        lines.extend(_md_items(item.children, "ul", depth + 1))
    return lines


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * block.level} {_md_inline(block.text)}", ""]
    if isinstance(block, Para):
        text = _md_inline(block.text)
        return [f"> {text}" if block.quote else text, ""]
    if isinstance(block, Items):
        return [*_md_items(block.items, block.kind, 0), ""]
    if isinstance(block, Table):
        head = "| " + " | ".join(_md_text(h) for h in block.headers) + " |"
        rule = "|" + "|".join("---" for _ in block.headers) + "|"
        rows = ["| " + " | ".join(_md_inline(c) for c in row) + " |" for row in block.rows]
        return [head, rule, *rows, ""]
    if isinstance(block, Diagram):
        lines = ["```mermaid", block.mermaid.rstrip("\n"), "```", ""]
        return [*lines, _md_inline([Text(block.caption, "i")]), ""] if block.caption else lines
    out: list[str] = []
    for inner in block.blocks:
        out.extend(_md_block(inner))
    return out


def to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown (Mermaid in a fenced block)."""
    lines: list[str] = []
    for block in blocks:
        lines.extend(_md_block(block))
    return "\n".join(lines).rstrip("\n") + "\n"


# -- HTML ---------------------------------------------------------------------------------

_TAGS = {"b": "strong", "i": "em", "code": "code"}


def _html_inline(parts: Inline) -> str:
    out = []
    for p in parts:
        text = esc(p.text)
        if p.style in _TAGS:
            out.append(f"<{_TAGS[p.style]}>{text}</{_TAGS[p.style]}>")
        elif p.style == "tag-hard":
            out.append(f'<span class="tag hard">{text}</span>')
        elif p.style == "tag-soft":
            out.append(f'<span class="tag soft">{text}</span>')
        elif p.style == "muted":
            out.append(f'<span class="muted small">{text}</span>')
        else:
            out.append(text)
    return "".join(out)


def _html_items(items: Sequence[Item], kind: str) -> str:
    tag = "ol" if kind == "ol" else "ul"
    css = ' class="checklist"' if kind == "check" else ""
    lis = []
    for item in items:
        inner = _html_inline(item.text)
        if item.children:
            inner += _html_items(item.children, "ul")
        cls = f' class="{esc(item.css)}"' if item.css else ""
        lis.append(f"<li{cls}>{inner}</li>")
    return f"<{tag}{css}>{''.join(lis)}</{tag}>"


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_html_inline(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        inner = _html_inline(block.text)
        return f"<blockquote>{inner}</blockquote>" if block.quote else f"<p>{inner}</p>"
    if isinstance(block, Items):
        return _html_items(block.items, block.kind)
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
        rows = "".join("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in row) + "</tr>"
                       for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Diagram):
        caption = f"<figcaption>{esc(block.caption)}</figcaption>" if block.caption else ""
        if block.svg is not None:
            return f'<figure class="graph">{block.svg}{caption}</figure>'
        note = f'<p class="muted small">{esc(block.fallback_note)}</p>'
        return f'<figure>{note}<pre class="mermaid">{esc(block.mermaid)}</pre>{caption}</figure>'
    return '<section class="card">' + "\n".join(_html_block(b) for b in block.blocks) + \
        "</section>"


def to_html(blocks: Sequence[Block]) -> str:
    """The blocks as an HTML fragment (every text escaped)."""
    return "\n".join(_html_block(b) for b in blocks)
