"""Located diagnostics for indicators: unknown collections and fields, wrong field types."""

from __future__ import annotations

from typing import Any

import pytest

import verantwortung as v

HEAD = """\
extends: verantwortungspartner
id: figures
version: "1"
title: {de: Kennzahlen, en: Key figures}
indicators:
  figure:
    label: {de: Zahl, en: Figure}
"""


def _problems(write: Any, body: str) -> list[tuple[int, int, str]]:
    path = write(HEAD + body, "figures.yaml")
    with pytest.raises(v.TemplateError) as err:
        v.load_template(str(path))
    return [(d.line, d.column, d.code) for d in err.value.diagnostics if d.path == str(path)]


def test_an_unknown_collection_is_located(write: Any) -> None:
    """count: an unknown collection is E205 at its name."""
    assert [(8, 12, "E205")] == _problems(write, "    count: partnrs\n")


def test_an_unknown_where_field_is_located(write: Any) -> None:
    """where: a field the collection lacks is E206 at the key."""
    assert [(9, 13, "E206")] == _problems(write, "    count: partners\n    where: {sort: x}\n")


def test_a_choice_value_that_does_not_exist_is_located(write: Any) -> None:
    """where: a value outside the choice is E104 at the value."""
    body = "    count: partners\n    where: {kind: firm}\n"
    assert [(9, 19, "E104")] == _problems(write, body)


def test_a_sum_over_a_text_field_is_refused(write: Any) -> None:
    """sum: a text field cannot be added up: E214 at the field."""
    assert [(9, 12, "E214")] == _problems(write, "    sum: partners\n    field: name\n")


def test_a_sum_over_an_unknown_field_is_located(write: Any) -> None:
    """sum: a field the collection lacks is E206 at the field."""
    assert [(9, 12, "E206")] == _problems(write, "    sum: partners\n    field: budget\n")


def test_a_breakdown_by_an_unknown_field_is_located(write: Any) -> None:
    """by: a path through a reference to a field that does not exist is E206 at it."""
    assert [(9, 9, "E206")] == _problems(write, "    count: circle\n    by: partner.sort\n")


def test_a_breakdown_by_a_list_of_references_is_refused(write: Any) -> None:
    """by: a refs field has many values per record: E214."""
    assert [(9, 9, "E214")] == _problems(write, "    count: teams\n    by: members\n")


def test_a_spread_needs_a_reference(write: Any) -> None:
    """spread: a path that does not start at a reference field is E214."""
    body = "    count: teams\n    spread: {field: name.kind}\n"
    assert [(9, 21, "E214")] == _problems(write, body)


def test_a_spread_to_an_unknown_field_is_located(write: Any) -> None:
    """spread: members.sort names no field of partners: E206."""
    body = "    count: teams\n    spread: {field: members.sort}\n"
    assert [(9, 21, "E206")] == _problems(write, body)


@pytest.mark.parametrize(("body", "words"), [
    ("    count: partners\n    sum: partners\n", "exactly one of"),
    ("    label2: x\n    count: partners\n", "label2"),
    ("    sum: partners\n", "needs 'field'"),
    ("    count: partners\n    field: kind\n", "'field' belongs"),
    ("    distinct: circle\n    field: partner\n    by: speaker\n", "no 'by'"),
])
def test_a_malformed_indicator_says_why(write: Any, body: str, words: str) -> None:
    """Two measures, unknown keys, a missing or a stray field: an error naming the problem."""
    path = write(HEAD + body, "figures.yaml")
    with pytest.raises(v.TemplateError) as err:
        v.load_template(str(path))
    messages = [f"{d.line}:{d.code} {d.message}" for d in err.value.diagnostics]
    assert any(words in m for m in messages), messages
    assert all(d.line >= 6 for d in err.value.diagnostics if d.path == str(path))


def test_every_diagnostic_at_once(write: Any) -> None:
    """Two broken indicators: both are reported."""
    body = ("    count: nothing\n  other:\n    label: {de: A, en: B}\n"
            "    sum: partners\n    field: kind\n")
    assert [(8, 12, "E205"), (12, 12, "E214")] == _problems(write, body)
