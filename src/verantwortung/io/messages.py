"""The ``{placeholders}`` of a template's messages: plain names, nothing else.

A message is filled with the values a rule saw (:func:`verantwortung.model.text.fill`).
A format spec (``{count:>300000000}``), a conversion (``{x!r}``) or an expression
(``{a.b}``, ``{a[0]}``) would make filling allocate or fail, so validation refuses them
(E211) where they are written.

A message written in forms by number (``de: {one: ..., other: ...}``) is picked by the
value its ``by`` names (``count`` when not given); that name must be one the rule
offers (E213), and every form is checked like a plain message.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Collection

from ..model.document import DEFAULT_PLURAL_BY, Forms, Message
from .files import excerpt

__all__ = ["check_message", "placeholder_names"]

Loc = tuple[str | int, ...]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def placeholder_names(text: str | None, loc: Loc, report: Callable[..., None]) -> list[str]:
    """The names a message's ``{placeholders}`` use; a spec or expression is an E211."""
    if not text:
        return []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        report(loc, "E104", f"message has a stray brace: {exc}; write {{{{ or }}}} for a "
               "literal brace")
        return []
    names = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion or not _NAME.match(name):
            written = "{" + name + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "") + "}"
            report(loc, "E211", f"placeholder {excerpt(written)} is not a plain name; write "
                   "{name} (messages show values, they do not format them)")
            continue
        names.append(name)
    return names


def check_message(message: Message, loc: Loc, allowed: Collection[str] | None,
                  report: Callable[..., None]) -> None:
    """Placeholders of every text and form of ``message``; ``allowed``: the names the rule
    offers (None: any, for a custom rule)."""
    def listed() -> str:
        return ", ".join("{" + n + "}" for n in sorted(allowed or ()))

    for lang in ("de", "en"):
        written = getattr(message, lang)
        forms = ([(f, getattr(written, f)) for f in ("zero", "one", "other")
                  if getattr(written, f) is not None] if isinstance(written, Forms)
                 else [(None, written)])
        for form, text in forms:
            where = (*loc, lang) if form is None else (*loc, lang, form)
            for name in placeholder_names(text, where, report):
                if allowed is not None and name not in allowed:
                    report(where, "E207", f"unknown placeholder {{{name}}}; this rule offers "
                           f"{listed()}")
    uses_forms = any(isinstance(getattr(message, lang), Forms) for lang in ("de", "en"))
    by = message.by or DEFAULT_PLURAL_BY
    if message.by is not None and not uses_forms:
        report((*loc, "by"), "E213", "'by' picks a form by number, but no language gives "
               "forms; write de: {one: ..., other: ...} or remove 'by'")
    elif uses_forms and allowed is not None and by not in allowed:
        report((*loc, "by") if message.by else loc, "E213",
               f"the forms are picked by {{{by}}}, which this rule does not offer; "
               f"'by' takes one of {listed()}")
