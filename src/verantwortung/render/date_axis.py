"""A date axis under the phase timeline: when the meetings were held, what is scheduled,
since when something is due, and the day the report speaks of.

Plain SVG text for inlining, like :mod:`.svg`: every text escaped, nothing outside it.
The marks are dated data the report gathers from the process; this module only draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .page import esc
from .svg import FONT, INK, LINE, MUTED, NO, PASSED

__all__ = ["DatedMark", "date_axis"]

MarkKind = Literal["held", "scheduled", "due"]
_SHORT = {"de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.",
                 "Okt.", "Nov.", "Dez."),
          "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec")}
LEFT, WIDTH, AXIS = 40, 920, 88  # the axis runs from LEFT to LEFT + WIDTH at y = AXIS
#: beyond this many days after the last date, the day spoken of is named, not drawn
_FAR = 180
_MIN_SPAN = 30


@dataclass(frozen=True, slots=True)
class DatedMark:
    """Something on a day: a held meeting (above the axis), a scheduled event or a due
    item (below it)."""

    day: dt.date
    label: str
    kind: MarkKind


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months between, every month, quarter or year (by span)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 14 else 3 if months <= 42 else 12
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        if (month - 1) % step == 0:
            out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [d for d in out if first <= d <= last]


def _tick(day: dt.date, lang: str) -> str:
    return f"{_SHORT['de' if lang == 'de' else 'en'][day.month - 1]} {day.year}"


def date_axis(marks: Sequence[DatedMark], start: dt.date, today: dt.date, lang: str = "de",
              today_label: str = "") -> str:
    """The axis from ``start`` to the last mark or ``today`` (drawn with a line when it
    is near, else named at the right end)."""
    last = max([start, *(m.day for m in marks)])
    near = today <= last + dt.timedelta(days=_FAR)
    end = max(last, today) if near else last
    end = max(end, start + dt.timedelta(days=_MIN_SPAN))  # a young process: a month at least
    span = (end - start).days

    def x(day: dt.date) -> float:
        return LEFT + WIDTH * (min(max(day, start), end) - start).days / span

    out = [f'<svg class="date-axis" viewBox="0 0 {LEFT * 2 + WIDTH} 180" width="100%" '
           f'role="img" aria-label="{esc(today_label)}" {FONT}>',
           f'<line x1="{LEFT}" y1="{AXIS}" x2="{LEFT + WIDTH}" y2="{AXIS}" stroke="{MUTED}" '
           'stroke-width="2"/>']
    for tick in _month_starts(start, end):
        out.append(f'<line x1="{x(tick):.0f}" y1="{AXIS - 4}" x2="{x(tick):.0f}" '
                   f'y2="{AXIS + 4}" stroke="{MUTED}"/>')
        out.append(f'<text x="{x(tick):.0f}" y="{AXIS + 18}" text-anchor="middle" '
                   f'font-size="10" fill="{MUTED}">{esc(_tick(tick, lang))}</text>')
    rows = {"above": 0, "below": 0}  # neighbours' labels on three rows, above and below
    for m in sorted(marks, key=lambda m: (m.day, m.kind)):
        side = "above" if m.kind == "held" else "below"
        out.append(_mark(m, x(m.day), rows[side]))
        rows[side] = (rows[side] + 1) % 3
    if near:
        out.append(f'<line x1="{x(today):.0f}" y1="{AXIS - 70}" x2="{x(today):.0f}" '
                   f'y2="{AXIS + 70}" stroke="{INK}" stroke-dasharray="3 3"/>')
    at = x(today) if near else LEFT + WIDTH
    out.append(f'<text x="{at:.0f}" y="12" text-anchor="{"end" if at > LEFT + 200 else "start"}" '
               f'font-size="11" font-weight="700" fill="{INK}">'
               f'{esc(today_label)}{"" if near else " →"}</text>')
    out.append("</svg>")
    return "".join(out)


def _mark(m: DatedMark, x: float, row: int) -> str:
    title = f"<title>{esc(m.label)} – {m.day.isoformat()}</title>"
    if m.kind == "held":
        y, text_y = AXIS, AXIS - 14 - 14 * row
        shape = f'<circle cx="{x:.0f}" cy="{y}" r="6" fill="{PASSED}"/>'
    elif m.kind == "scheduled":
        y, text_y = AXIS, AXIS + 40 + 13 * row
        shape = (f'<rect x="{x - 5:.0f}" y="{y - 5}" width="10" height="10" fill="#ffffff" '
                 f'stroke="{PASSED}" stroke-width="2" transform="rotate(45 {x:.0f} {y})"/>')
    else:
        y, text_y = AXIS + 22, AXIS + 40 + 13 * row
        shape = (f'<path d="M {x - 6:.0f} {y + 5} L {x + 6:.0f} {y + 5} L {x:.0f} {y - 6} Z" '
                 f'fill="{NO}"/>')
    color = NO if m.kind == "due" else INK
    # a label near either end grows inwards, so it is not cut off
    anchor = "end" if x > LEFT + WIDTH - 50 else "start" if x < LEFT + 50 else "middle"
    stem = (f'<line x1="{x:.0f}" y1="{min(y, text_y) + 3}" x2="{x:.0f}" '
            f'y2="{max(y, text_y) - 10}" stroke="{LINE}"/>' if abs(text_y - y) > 16 else "")
    return (f'<g class="mark {m.kind}" data-day="{m.day.isoformat()}">{title}{stem}{shape}'
            f'<text x="{x:.0f}" y="{text_y}" text-anchor="{anchor}" font-size="10" '
            f'fill="{color}">{esc(m.label)}</text></g>')
