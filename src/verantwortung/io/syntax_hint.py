"""Say in words why a plain text broke the YAML, and point at where the quote goes.

Two slips account for most YAML syntax errors in templates: a message that starts
with a placeholder (``de: {count} Unternehmen``) is read as a flow mapping, and a
text with ``": "`` inside (``de: z. B.: Kammern``) is read as a second key. libyaml
then says "did not find expected key" or "mapping values are not allowed here",
somewhere after the text began. Both are fixed by quoting the text, so the hint
names the rule and points at the text's first character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SyntaxHint", "syntax_hint"]

# where a value can begin on a line: after "key: ", after a list dash or a "["
_VALUE_START = re.compile(r":[ \t]+|^[ \t]*-[ \t]+|\[[ \t]*")
_NOT_PLAIN = set("'\"{[|>&*!%@`#")
_TEXT_GOES_ON = re.compile(r"[ \t]*[^\s,}\]#]")


@dataclass(frozen=True, slots=True)
class SyntaxHint:
    """Where the text that needs quotes begins (1-based) and what to tell the author."""

    line: int
    column: int
    message: str


def _in_flow(line: str, end: int) -> bool:
    """True when ``end`` is inside brackets or braces opened earlier on ``line``."""
    depth = 0
    for char in line[:end]:
        if char in "{[":
            depth += 1
        elif char in "}]" and depth:
            depth -= 1
    return depth > 0


def _closing_brace(text: str) -> int | None:
    depth = 0
    for n, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return n
    return None


def _example(text: str) -> str:
    """``text`` in double quotes, whole, so that it can be copied into the file."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hint_at(line: str, start: int) -> str | None:
    """The hint for a value beginning at ``start`` of ``line``, if it needs quotes."""
    rest = re.split(r"[ \t]#", line[start:], maxsplit=1)[0]
    head = ""
    if rest.startswith("{"):
        close = _closing_brace(rest)
        if close is None or not _TEXT_GOES_ON.match(rest[close + 1:]):
            return None  # a real flow mapping, or one YAML reads as such without error
        head, rest = rest[:close + 1], rest[close + 1:]
    if _in_flow(line, start):
        rest = re.split(r"[,}\]]", rest, maxsplit=1)[0]
    text = (head + rest).rstrip()
    if head:
        return f'a text that starts with "{{" must be quoted, as in {_example(text)}'
    if text and text[0] not in _NOT_PLAIN and re.search(r":[ \t]", text):
        return f'a text that contains ": " must be quoted, as in {_example(text)}'
    return None


def syntax_hint(text: str, line: int, column: int) -> SyntaxHint | None:
    """A hint for a YAML syntax error found at ``line``:``column`` (1-based) of ``text``,
    when a plain text before that point on the line needs quotes; else None."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    source = lines[line - 1]
    for match in _VALUE_START.finditer(source):
        start = match.end()
        if start > column - 1:
            break  # the text that broke the YAML begins at or before the error
        message = _hint_at(source, start)
        if message is not None:
            return SyntaxHint(line, start + 1, message)
    return None
