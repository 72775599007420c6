"""Located diagnostics for time rules and deadlines."""

from __future__ import annotations

from typing import Any

import pytest

import verantwortung as v

HEAD = """\
extends: verantwortungspartner
id: timed
version: "1"
title: {de: Zeit, en: Time}
deadlines:
  late:
    label: {de: Spät, en: Late}
"""


def _problems(write: Any, body: str) -> list[tuple[int, int, str]]:
    path = write(HEAD + body, "timed.yaml")
    with pytest.raises(v.TemplateError) as err:
        v.load_template(str(path))
    return [(d.line, d.column, d.code) for d in err.value.diagnostics if d.path == str(path)]


def test_a_deadline_on_an_unknown_collection_is_located(write: Any) -> None:
    """since: an unknown collection is E205 at the collection's name."""
    body = ("    phases: [kickoff]\n    rule: {since: gatherings, max: 3}\n"
            "    message: {de: x, en: x}\n")
    assert [(9, 19, "E205")] == _problems(write, body)


def test_a_date_field_that_is_not_a_date_is_located(write: Any) -> None:
    """field: kind of scheduled_events is a choice, not a date: E212 at the field."""
    body = ("    phases: [kickoff]\n    rule: {until: scheduled_events, field: kind, max: 3}\n"
            "    message: {de: x, en: x}\n")
    assert [(9, 44, "E212")] == _problems(write, body)


def test_a_deadline_in_a_final_phase_is_located(write: Any) -> None:
    """A deadline cannot apply in a final phase: E310 at that phase."""
    body = ("    phases: [kickoff, aborted]\n    rule: {since: \"*\", max: 3}\n"
            "    message: {de: x, en: x}\n")
    assert [(8, 23, "E310")] == _problems(write, body)


def test_an_unknown_unit_is_located(write: Any) -> None:
    """unit: weeks is E104 with the units allowed."""
    body = ("    phases: [kickoff]\n    rule: {since: \"*\", unit: weeks, max: 3}\n"
            "    message: {de: x, en: x}\n")
    path = write(HEAD + body, "timed.yaml")
    with pytest.raises(v.TemplateError) as err:
        v.load_template(str(path))
    [diag] = err.value.diagnostics
    assert ((9, 30, "E104"), True) == ((diag.line, diag.column, diag.code),
                                       "'days' or 'months'" in diag.message)


def test_a_message_placeholder_the_time_rule_does_not_offer_is_located(write: Any) -> None:
    """{count} is not among a time rule's placeholders: E207."""
    body = ("    phases: [kickoff]\n    rule: {since: \"*\", max: 3}\n"
            "    message: {de: \"{count}\", en: \"{days}\"}\n")
    assert [(10, 19, "E207")] == _problems(write, body)
