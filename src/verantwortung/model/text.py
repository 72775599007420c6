"""The text policy of everything a process records, and message filling that cannot fail.

Texts arrive from forms, integrations and files. Before one is stored it is
normalised to NFC (so ``é`` typed two ways is one text), and refused when it holds
what no reader can see or trust: control characters (a text may keep line breaks and
tabs, a name or an id may not), bidi overrides and isolates (which make ``p1`` read
as something else), lone surrogates, and more characters than its kind allows.

Ids collide when they read alike: :func:`id_key` folds case and compatibility forms
(``P1``, ``p1`` and a fullwidth ``ｐ１`` are one id).

Messages of a template fill ``{name}`` placeholders only; :func:`fill` never raises
and never expands a format spec, whatever the text holds. A message may come in forms
by number (:class:`Plural`): the value it names picks "1 Ereignis" or "2 Ereignisse".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["LIMITS", "Plural", "TextKind", "TextProblem", "check_text", "counted", "fill",
           "id_key"]

TextKind = Literal["id", "line", "text"]

#: the most characters a value of each kind may have: ids and refs; one-line texts
#: (region, actor); texts of a payload field (notes, minutes)
LIMITS: dict[TextKind, int] = {"id": 100, "line": 200, "text": 20_000}

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT_IN_TEXT = frozenset("\n\t")


@dataclass(frozen=True, slots=True)
class TextProblem:
    """Why a text is refused: a stable code and the sentence in de and en."""

    code: str
    de: str
    en: str


def _bad_char(text: str, kind: TextKind) -> TextProblem | None:
    for ch in text:
        if ch in _BIDI:
            return TextProblem("bidi_control", f"enthält ein Steuerzeichen der Schreibrichtung "
                               f"(U+{ord(ch):04X})", f"holds a text direction control "
                               f"(U+{ord(ch):04X})")
        category = unicodedata.category(ch)
        if category == "Cs":
            return TextProblem("not_text", "enthält ungültige Zeichen (einzelne Surrogate)",
                               "holds invalid characters (lone surrogates)")
        if category == "Cc" and not (kind == "text" and ch in _KEPT_IN_TEXT):
            return TextProblem("control_character", f"enthält ein Steuerzeichen "
                               f"(U+{ord(ch):04X})", f"holds a control character "
                               f"(U+{ord(ch):04X})")
        if kind == "id" and category == "Cf":
            return TextProblem("invisible_character", f"enthält ein unsichtbares Zeichen "
                               f"(U+{ord(ch):04X})", f"holds an invisible character "
                               f"(U+{ord(ch):04X})")
    return None


def check_text(value: str, kind: TextKind) -> tuple[str, TextProblem | None]:
    """``value`` normalised (NFC, line breaks as ``\\n``), and why it is refused, if it is."""
    limit = LIMITS[kind]
    if len(value) > limit:
        return value, TextProblem("too_long", f"ist {len(value):,} Zeichen lang; erlaubt "
                                  f"sind höchstens {limit:,}".replace(",", "."),
                                  f"is {len(value):,} characters long; at most {limit:,} "
                                  "are allowed")
    problem = _bad_char(value.replace("\r\n", "\n"), kind)
    if problem is not None:
        return value, problem
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")), None


def id_key(value: str) -> str:
    """The form two ids are compared in: case folded, compatibility-normalised (NFKC)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: what a placeholder may grow to: a value is a number, a word or a short list
_MAX_FILLED = 500


def _shown(value: Any) -> str:
    try:
        text = str(value)
    except Exception:  # a value whose __str__ fails must not break a message
        text = "?"
    return text if len(text) <= _MAX_FILLED else text[: _MAX_FILLED - 1] + "…"


def _amount(value: Any) -> float | None:
    """``value`` as a number when it is one (``3``, ``3.0``, ``"3"``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Plural:
    """A message in forms by number; the value named ``by`` picks the form.

    German and English know two forms (one, other); ``zero`` is an optional third for
    "noch kein Treffen" instead of "0 Treffen". A value that is no number (not known
    yet, as in the handbook) takes ``other``.
    """

    by: str
    other: str
    one: str | None = None
    zero: str | None = None

    def form(self, values: Mapping[str, Any]) -> str:
        """The form for the number ``values[by]``."""
        try:
            n = _amount(values[self.by]) if self.by in values else None
        except Exception:  # a mapping that fails to give a value must not break a message
            n = None
        if n == 0 and self.zero is not None:
            return self.zero
        if n is not None and abs(n) == 1 and self.one is not None:
            return self.one
        return self.other


def counted(n: int, one: str, other: str) -> str:
    """``n`` with its noun in the right number: "1 Ereignis", "2 Ereignisse", "0 events"."""
    return f"{n} {one if n == 1 else other}"


def fill(text: str | Plural, values: Mapping[str, Any], missing: str | None = None) -> str:
    """``text`` with each ``{name}`` replaced by its value; ``{{``/``}}`` are braces.

    A name without a value becomes ``missing``, or stays as written; anything else
    between braces (a format spec, an index) stays literal text, for messages say
    values, they do not format them. A :class:`Plural` is filled in the form its
    number picks. Never raises.
    """
    if isinstance(text, Plural):
        text = text.form(values)

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        if name in values:
            return _shown(values[name])
        return match.group(0) if missing is None else missing

    return _PLACEHOLDER.sub(one, text)
