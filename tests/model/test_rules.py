"""The rule vocabulary: compare takes texts, and says which kinds of operands fit."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from verantwortung.model.rules import CompareRule, Rule, comparison_problem


def test_compare_takes_text_constants() -> None:
    """A text is an operand of compare, as a number is."""
    rule = TypeAdapter(Rule).validate_python(
        {"compare": {"left": {"field": "payload.status"}, "op": "!=", "right": "dropped"}})
    assert isinstance(rule, CompareRule)
    assert "dropped" == rule.compare.right


@pytest.mark.parametrize(("op", "left", "right"), [
    ("==", "text", "text"), ("!=", "text", "date"), ("<", "number", "number"),
    (">=", "date", "date"), ("==", "bool", "bool"), ("<", None, "text"), ("==", "text", None)])
def test_comparisons_that_fit(op: str, left: Any, right: Any) -> None:
    """Texts with == and !=, numbers and dates with every operator, unknown kinds unchecked."""
    assert None is comparison_problem(op, left, right)


@pytest.mark.parametrize(("op", "left", "right", "words"), [
    ("==", "text", "number", "cannot compare a text with a number"),
    ("<", "number", "date", "cannot compare a number with a date"),
    ("!=", "bool", "number", "cannot compare a yes/no value with a number"),
    ("<", "text", "text", "'<' needs numbers or dates on both sides; a text takes only"),
    (">", "date", "text", "'>' needs numbers or dates on both sides; a text takes only"),
    ("<=", "bool", "bool", "a yes/no value takes only == or !="),
])
def test_comparisons_that_do_not_fit(op: str, left: str, right: str, words: str) -> None:
    """A text never meets a number, and texts have no order a rule may rest on."""
    problem = comparison_problem(op, left, right)
    assert problem is not None
    assert words in problem


def test_a_filter_may_ask_for_an_unset_field() -> None:
    """where: {team: null} is part of the vocabulary (a record whose field is not set)."""
    rule = TypeAdapter(Rule).validate_python(
        {"count": "projects", "where": {"status": "running", "team": None}, "max": 0})
    assert {"status": "running", "team": None} == rule.where
