"""The portfolio across regions: one self-contained HTML page, JSON, or CSV.

Rows and summary come from :func:`~verantwortung.render.portfolio_data.build_portfolio`.
The HTML page is built like the status report (inline CSS and SVG, no script, every
name escaped); the CSV is UTF-8 with a byte order mark, so a spreadsheet opens it with
its umlauts; the JSON holds every figure with ids and labels in de and en.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .page import esc, page
from .portfolio_data import Portfolio, PortfolioRow, build_portfolio
from .svg import Bar, bar_chart

if TYPE_CHECKING:
    from ..engine.process import Process

__all__ = ["PORTFOLIO_FORMATS", "blocked_sentence", "portfolio", "portfolio_csv",
           "portfolio_html", "portfolio_json"]

PORTFOLIO_FORMATS = ("html", "json", "csv")

_W: dict[str, tuple[str, str]] = {
    "title": ("Portfolio der Regionen", "Portfolio of regions"),
    "as_of": ("Stand", "As of"),
    "regions": ("Regionen", "Regions"),
    "per_phase": ("Regionen je Phase", "Regions per phase"),
    "blockers": ("Was den nächsten Schritt blockiert", "What blocks the next step"),
    "no_blockers": ("Keine Region ist blockiert.", "No region is blocked."),
    "durations": ("Dauer der Phasen (Tage)", "Phase durations (days)"),
    "no_durations": ("Noch hat keine Region eine Phase abgeschlossen.",
                     "No region has left a phase yet."),
    "totals": ("Kennzahlen insgesamt", "Indicator totals"),
    "no_totals": ("Die Vorlagen erklären keine Kennzahlen.",
                  "The templates declare no indicators."),
    "region": ("Region", "Region"), "template": ("Vorlage", "Template"),
    "phase": ("Phase", "Phase"), "days": ("Tage in der Phase", "Days in phase"),
    "last": ("Letzte Aktivität", "Last activity"), "due": ("Fällig", "Due"),
    "blocked_by": ("Blockiert durch", "Blocked by"),
    "figures": ("Kennzahlen", "Indicators"), "median": ("Median", "Median"),
    "spread": ("Spanne", "Range"), "quartiles": ("Mittlere Hälfte", "Middle half"),
    "n": ("Regionen", "Regions"), "total": ("Summe", "Total"),
    "overdue": ("überfällig", "overdue"), "reminder": ("Erinnerung", "reminder"),
    "none": ("–", "–"),
}


def _w(key: str, lang: str) -> str:
    de, en = _W[key]
    return de if lang == "de" else en


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def _date(day: dt.date, lang: str) -> str:
    return f"{day:%d.%m.%Y}" if lang == "de" else day.isoformat()


def blocked_sentence(count: int, total: int, rule: str, lang: str) -> str:
    """"7 von 15 Regionen werden durch die Regel blockiert: …", verb and nouns agreeing."""
    if lang == "de":
        noun = "Region" if total == 1 else "Regionen"
        verb = "wird" if count == 1 else "werden"
        return f"{count} von {total} {noun} {verb} durch die Regel blockiert: {rule}"
    noun = "region" if total == 1 else "regions"
    verb = "is" if count == 1 else "are"
    return f"{count} of {total} {noun} {verb} blocked by the rule: {rule}"


# -- JSON -------------------------------------------------------------------------------


def _row_dict(r: PortfolioRow) -> dict[str, Any]:
    return {
        "process": r.process_id, "region": r.region, "template": r.template,
        "template_version": r.template_version,
        "template_title": {"de": r.template_title[0], "en": r.template_title[1]},
        "phase": r.phase, "phase_label": {"de": r.phase_label[0], "en": r.phase_label[1]},
        "final": r.final, "phase_since": r.phase_since.isoformat(),
        "days_in_phase": r.days_in_phase, "last_activity": r.last_activity.isoformat(),
        "events": r.events,
        "due": [{"code": d.code, "severity": d.severity, "since": d.since.isoformat(),
                 "label": {"de": d.label("de"), "en": d.label("en")},
                 "message": {"de": d.message("de"), "en": d.message("en")}} for d in r.due],
        "blocked": r.stuck,
        "blockers": [{"code": b.code, "trigger": b.trigger,
                      "message": {"de": b.message_de, "en": b.message_en}}
                     for b in r.blockers],
        # values only: labels, parts and totals are in the summary, once
        "indicators": {i.code: dict(i.value) if isinstance(i.value, dict) else i.value
                       for i in r.indicators},
        "phase_durations": [{"phase": p, "days": n} for p, n in r.durations],
    }


def _summary_dict(pf: Portfolio) -> dict[str, Any]:
    total = len(pf.rows)
    return {
        "processes": total,
        "per_phase": [{"phase": p, "label": {"de": lab[0], "en": lab[1]}, "processes": n}
                      for p, lab, n in pf.phases],
        "blockers": [{"code": c, "rule": {"de": lab[0], "en": lab[1]}, "processes": n,
                      "sentence": {lang: blocked_sentence(n, total, _pick(lab, lang), lang)
                                   for lang in ("de", "en")}}
                     for c, lab, n in pf.blockers],
        "phase_durations": [{"phase": d.phase, "label": {"de": d.label[0], "en": d.label[1]},
                             "processes": d.count, "median_days": d.median,
                             "min_days": d.low, "max_days": d.high,
                             "quartiles_days": list(d.quartiles)} for d in pf.durations],
        "indicators": [{"code": t.code, "label": {"de": t.label[0], "en": t.label[1]},
                        "processes": t.processes, "total": t.total,
                        "parts": [{"value": k, "label": {"de": lab[0], "en": lab[1]},
                                   "total": n} for k, lab, n in t.parts]}
                       for t in pf.totals],
    }


def portfolio_json(pf: Portfolio) -> str:
    """Every row and the summary as JSON."""
    data = {"at": pf.at.isoformat(), "rows": [_row_dict(r) for r in pf.rows],
            "summary": _summary_dict(pf)}
    # no indent: the C encoder writes it, several times faster than an indented one
    return json.dumps(data, ensure_ascii=False) + "\n"


# -- CSV --------------------------------------------------------------------------------


def _figure_text(value: Any, ind: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{ind.part_label(k, lang)}: {n}" for k, n in value.items())
    return str(value)


def portfolio_csv(pf: Portfolio, lang: str = "de") -> str:
    """One line per process, its indicators as columns; UTF-8 with a byte order mark."""
    codes: dict[str, str] = {}
    for r in pf.rows:
        for i in r.indicators:
            codes.setdefault(i.code, i.label(lang))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_w("region", lang), _w("template", lang), "version", _w("phase", lang),
                     _w("days", lang), _w("last", lang), _w("due", lang),
                     _w("blocked_by", lang), *codes.values()])
    for r in pf.rows:
        figures = {i.code: _figure_text(i.value, i, lang) for i in r.indicators}
        writer.writerow([
            r.region, _pick(r.template_title, lang), r.template_version,
            _pick(r.phase_label, lang), r.days_in_phase, r.last_activity.isoformat(),
            "; ".join(d.label(lang) for d in r.due),
            "; ".join(b.message_de if lang == "de" else b.message_en for b in r.blockers),
            *(figures.get(c, "") for c in codes)])
    return "\ufeff" + out.getvalue()


# -- HTML -------------------------------------------------------------------------------


def _card(title: str, inner: str, anchor: str) -> str:
    return f'<section class="card" id="{esc(anchor)}"><h2>{esc(title)}</h2>{inner}</section>'


def _rows_html(pf: Portfolio, lang: str) -> str:
    # the numbers as columns; breakdowns are in the summary (and whole in JSON and CSV)
    codes: dict[str, str] = {}
    for r in pf.rows:
        for i in r.indicators:
            if not i.is_breakdown:
                codes.setdefault(i.code, i.label(lang))
    heads = "".join(f"<th>{esc(_w(k, lang))}</th>" for k in
                    ("region", "template", "phase", "days", "last", "due", "blocked_by"))
    heads += "".join(f'<th class="num">{esc(name)}</th>' for name in codes.values())
    body = []
    for r in pf.rows:
        due = "".join(f'<span class="chip {esc(d.severity)}" data-code="{esc(d.code)}">'
                      f"{esc(d.label(lang))}</span> " for d in r.due) or "–"
        blocked = "".join(f'<li data-code="{esc(b.code)}">'
                          f"{esc(b.message_de if lang == 'de' else b.message_en)}</li>"
                          for b in r.blockers)
        values = {i.code: i.value for i in r.indicators}
        figures = "".join(f'<td class="num">{esc(values.get(c, "–"))}</td>' for c in codes)
        body.append(
            f'<tr data-process="{esc(r.process_id)}" data-phase="{esc(r.phase)}"'
            f' data-blocked="{"yes" if r.stuck else "no"}">'
            f"<td><strong>{esc(r.region)}</strong></td>"
            f'<td>{esc(_pick(r.template_title, lang))} <span class="muted small">'
            f"{esc(r.template_version)}</span></td><td>{esc(_pick(r.phase_label, lang))}</td>"
            f'<td class="num">{r.days_in_phase}</td>'
            f'<td class="date">{esc(_date(r.last_activity, lang))}</td><td>{due}</td>'
            f'<td class="small">{f"<ul>{blocked}</ul>" if blocked else "–"}</td>'
            f"{figures}</tr>")
    return (f'<div class="wide-table"><table><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _summary_html(pf: Portfolio, lang: str) -> list[str]:
    total = len(pf.rows)
    phases = bar_chart([Bar(_pick(lab, lang), n) for _, lab, n in pf.phases],
                       title=_w("per_phase", lang))
    blocked = "".join(f'<div class="advice" data-code="{esc(c)}">'
                      f"{esc(blocked_sentence(n, total, _pick(lab, lang), lang))}</div>"
                      for c, lab, n in pf.blockers)
    rows = "".join(
        f'<tr data-phase="{esc(d.phase)}"><td>{esc(_pick(d.label, lang))}</td>'
        f'<td class="num">{d.count}</td><td class="num">{d.median:g}</td>'
        f'<td class="num">{d.low}–{d.high}</td>'
        f'<td class="num">{d.quartiles[0]:g}–{d.quartiles[1]:g}</td></tr>'
        for d in pf.durations)
    heads = "".join(f"<th>{esc(_w(k, lang))}</th>" for k in
                    ("phase", "n", "median", "spread", "quartiles"))
    durations = (f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
                 if rows else f'<p class="muted">{esc(_w("no_durations", lang))}</p>')
    numbers = "".join(
        f'<div class="kpi" data-indicator="{esc(t.code)}"><div class="n">{t.total}</div>'
        f'<div class="l">{esc(_pick(t.label, lang))}</div></div>'
        for t in pf.totals if not t.parts)
    charts = "".join(
        f'<figure class="breakdown" data-indicator="{esc(t.code)}"><figcaption>'
        f"{esc(_pick(t.label, lang))}: {t.total}</figcaption>"
        + bar_chart([Bar(_pick(lab, lang), n) for _, lab, n in t.parts],
                    title=_pick(t.label, lang)) + "</figure>" for t in pf.totals if t.parts)
    totals_html = ((f'<div class="grid">{numbers}</div>' if numbers else "")
                   + (f'<div class="charts">{charts}</div>' if charts else "")
                   or f'<p class="muted">{esc(_w("no_totals", lang))}</p>')
    return [
        _card(_w("per_phase", lang), f"<figure>{phases}</figure>", "per-phase"),
        _card(_w("blockers", lang), blocked or f'<p class="muted">'
              f'{esc(_w("no_blockers", lang))}</p>', "blockers"),
        _card(_w("durations", lang), durations, "durations"),
        _card(_w("totals", lang), totals_html, "totals"),
    ]


def portfolio_html(pf: Portfolio, lang: str = "de") -> str:
    """One self-contained page: summary first, then a row per region."""
    sub = f"{_w('as_of', lang)} {_date(pf.at.date(), lang)} · {len(pf.rows)} " + (
        _w("regions", lang) if len(pf.rows) != 1 else _w("region", lang))
    head = (f'<header class="top"><div class="inner"><p class="kicker">'
            f'{esc(_w("title", lang))}</p><h1>{esc(_w("title", lang))}</h1>'
            f'<p class="sub" id="as-of" data-at="{esc(pf.at.isoformat())}">{esc(sub)}</p>'
            "</div></header>")
    body = [head, "<main>", *_summary_html(pf, lang),
            _card(_w("regions", lang), _rows_html(pf, lang), "rows"), "</main>"]
    return page(_w("title", lang), "\n".join(body), lang)


def portfolio(processes: Iterable[Process], fmt: str = "html", lang: str = "de", *,
              at: dt.datetime | dt.date | str | None = None,
              started: Mapping[str, dt.datetime] | None = None) -> str:
    """The portfolio of ``processes`` on ``at`` as ``html``, ``json`` or ``csv``."""
    if fmt not in PORTFOLIO_FORMATS:
        raise ValueError(f"format {fmt!r}; formats are {', '.join(PORTFOLIO_FORMATS)}")
    if lang not in ("de", "en"):
        raise ValueError(f"language {lang!r}; languages are de, en")
    pf = build_portfolio(processes, at, started=started)
    if fmt == "json":
        return portfolio_json(pf)
    if fmt == "csv":
        return portfolio_csv(pf, lang)
    return portfolio_html(pf, lang)
