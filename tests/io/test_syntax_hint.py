"""An unquoted text that breaks the YAML gets a hint in words, at the text's first letter."""

from __future__ import annotations

import re

import yaml
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.io.syntax_hint import syntax_hint
from verantwortung.io.yaml_source import load_yaml_bytes

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZ.", min_size=1,
               max_size=8).filter(lambda w: not w.startswith("."))
WORDS = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
PLACEHOLDER = st.sampled_from(["count", "min", "max", "n", "projects_expected_min"])
BRACE_TEXT = st.builds(lambda name, rest: f"{{{name}}} {rest}", PLACEHOLDER, WORDS)
COLON_TEXT = st.builds(lambda head, rest: f"{head}: {rest}", WORDS, WORDS)


def _only(text: str) -> tuple[str, int, int, str]:
    doc = load_yaml_bytes(text.encode(), "t.yaml")
    [d] = doc.diagnostics
    return d.code, d.line, d.column, d.message


def _suggested(message: str) -> str:
    """The quoted text a hint suggests, as YAML reads it back."""
    match = re.search(r'as in (".*")', message)
    assert match is not None, message
    return str(yaml.safe_load(match[1]))


@given(BRACE_TEXT)
def test_text_starting_with_a_placeholder_must_be_quoted(text: str) -> None:
    """``de: {count} …`` unquoted is E005 at the text, saying a text with "{" needs quotes."""
    code, line, column, message = _only(f"label:\n  de: {text}\n  en: x\n")
    assert ("E005", 2, 7) == (code, line, column)
    assert 'a text that starts with "{" must be quoted' in message
    assert text == _suggested(message)


@given(COLON_TEXT)
def test_text_with_a_colon_must_be_quoted(text: str) -> None:
    """``de: z. B.: …`` unquoted is E005 at the text, saying a text with ": " needs quotes."""
    code, line, column, message = _only(f"label:\n  de: {text}\n  en: x\n")
    assert ("E005", 2, 7) == (code, line, column)
    assert 'a text that contains ": " must be quoted' in message
    assert text == _suggested(message)


def test_placeholder_text_in_a_flow_mapping_and_a_list() -> None:
    """The hint finds the text inside ``{de: …, en: …}`` and in a list item too."""
    expected = [(1, 15), (3, 5)]
    actual = []
    for text in ("message: {de: {count} Kammern, en: x}\n", "checklist:\n  - a\n  - {n} Treffen\n"):
        doc = load_yaml_bytes(text.encode(), "t.yaml")
        [d] = doc.diagnostics
        assert "must be quoted" in d.message
        actual.append((d.line, d.column))
    assert expected == actual


def test_other_syntax_errors_keep_the_parser_position() -> None:
    """A syntax error that no unquoted text explains gets no hint and keeps its position."""
    expected = (None, ("E005", 3, 4))
    code, line, column, message = _only("a:\n  b: [1, 2\n  c: x\n")
    actual = (syntax_hint("a:\n  b: [1, 2\n  c: x\n", 3, 4), (code, line, column))
    assert expected == actual
    assert "must be quoted" not in message
