"""Message filling with forms by number, and nouns counted in the right number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verantwortung.model.specs import Message
from verantwortung.model.text import Plural, counted, fill

FORMS = Plural("count", zero="Es fand noch kein Treffen statt.",
               one="Es fand 1 Treffen statt.", other="Es fanden {count} Treffen statt.")


@pytest.mark.parametrize(("count", "expected"), [
    (0, "Es fand noch kein Treffen statt."), (1, "Es fand 1 Treffen statt."),
    (2, "Es fanden 2 Treffen statt."), ("1", "Es fand 1 Treffen statt."),
    (1.0, "Es fand 1 Treffen statt."), ("…", "Es fanden … Treffen statt."),
])
def test_the_named_value_picks_the_form(count: object, expected: str) -> None:
    """0, 1 and other numbers pick zero, one and other; a value that is no number, other."""
    assert expected == fill(FORMS, {"count": count})


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_one_is_picked_exactly_for_one(n: int) -> None:
    """Whatever the number, the one form is used for 1 (and -1) and for nothing else."""
    form = Plural("n", one="one", other="other").form({"n": n})
    assert ("one" if abs(n) == 1 else "other") == form


def test_a_missing_value_or_zero_form_falls_back_to_other() -> None:
    """Without the value, or without a zero form, the other form is used."""
    plain = Plural("count", one="1 Ereignis", other="{count} Ereignisse")
    assert ("{count} Ereignisse", "0 Ereignisse") == (fill(plain, {}), fill(plain, {"count": 0}))


def test_a_message_in_forms_reads_as_one_text_where_no_number_is_known() -> None:
    """A message with forms gives its forms to fill and its other form as plain text."""
    msg = Message.model_validate({"de": {"one": "1 Ereignis", "other": "{count} Ereignisse"},
                                  "en": "{count} events"})
    assert isinstance(msg.text("de"), Plural)
    assert ("{count} Ereignisse", "{count} events") == (msg.get("de"), msg.get("en"))
    assert ("1 Ereignis", "{count} Ereignisse") == msg.forms("de")


@pytest.mark.parametrize(("n", "expected"), [(0, "0 events"), (1, "1 event"), (2, "2 events")])
def test_counted_agrees_in_number(n: int, expected: str) -> None:
    """A count and its noun agree."""
    assert expected == counted(n, "event", "events")
