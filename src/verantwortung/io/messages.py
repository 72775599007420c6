"""The ``{placeholders}`` of a template's messages: plain names, nothing else.

A message is filled with the values a rule saw (:func:`verantwortung.model.text.fill`).
A format spec (``{count:>300000000}``), a conversion (``{x!r}``) or an expression
(``{a.b}``, ``{a[0]}``) would make filling allocate or fail, so validation refuses them
(E211) where they are written.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from .files import excerpt

__all__ = ["placeholder_names"]

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
